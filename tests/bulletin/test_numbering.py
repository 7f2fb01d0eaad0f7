import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, connections

from bulletin.actions.common import IssueActionError
from bulletin.actions.issues import create_issue, update_issue
from bulletin.models import Issue, Publication
from bulletin.numbering import propose_numbers

D = datetime.date


@pytest.fixture
def publication(db):
    return Publication.objects.get(name="杭州人大信息")


def test_first_issue_follows_the_publications_base(publication, editor):
    publication.total_number_base = 702
    publication.save()
    issue = create_issue(actor=editor, publication=publication, date=D(2024, 10, 25))
    assert (issue.year, issue.number, issue.total_number) == (2024, 1, 703)
    assert issue.editor_name == "杨青青" and issue.editor_phone == "(0571)85250657"
    assert issue.distribution == publication.default_distribution
    assert issue.status == Issue.Status.DRAFT


def test_number_restarts_each_year_and_total_runs_on(publication, editor):
    create_issue(actor=editor, publication=publication, date=D(2024, 10, 25), number=15, total_number=703)
    create_issue(actor=editor, publication=publication, date=D(2024, 12, 20))
    assert propose_numbers(publication=publication, year=2024) == (17, 705)
    first_of_2025 = create_issue(actor=editor, publication=publication, date=D(2025, 1, 10))
    assert (first_of_2025.number, first_of_2025.total_number) == (1, 705)


def test_editor_may_choose_numbers_but_not_taken_ones(publication, editor):
    create_issue(actor=editor, publication=publication, date=D(2024, 10, 25), number=15, total_number=703)
    with pytest.raises(IssueActionError, match="2024年第15期已经存在"):
        create_issue(actor=editor, publication=publication, date=D(2024, 11, 1), number=15, total_number=800)
    with pytest.raises(IssueActionError, match="总第703期已经被另一期使用"):
        create_issue(actor=editor, publication=publication, date=D(2024, 11, 1), number=16, total_number=703)
    # The same number in another year is a different issue (out of sequence: with a reason).
    assert create_issue(
        actor=editor,
        publication=publication,
        date=D(2025, 3, 1),
        number=15,
        total_number=720,
        numbering_reason="测试：另一年的同一期号",
    )


def test_numbers_are_editable_before_publishing(publication, editor):
    a = create_issue(actor=editor, publication=publication, date=D(2024, 10, 25))
    b = create_issue(actor=editor, publication=publication, date=D(2024, 11, 8))
    update_issue(
        actor=editor,
        issue=b,
        number=20,
        total_number=90,
        edition=Issue.Edition.SPECIAL,
        numbering_reason="专刊另行编号",
    )
    b.refresh_from_db()
    assert (b.number, b.total_number, b.edition) == (20, 90, "special")
    with pytest.raises(IssueActionError, match="已经存在"):
        update_issue(actor=editor, issue=b, number=a.number)
    update_issue(actor=editor, issue=b, date=D(2025, 1, 5))
    b.refresh_from_db()
    assert b.year == 2025  # the year follows the date


@pytest.mark.parametrize("fixture", ["contributor", "reader", "admin_account"])
def test_only_editors_create_issues(publication, request, fixture):
    with pytest.raises(PermissionDenied):
        create_issue(actor=request.getfixturevalue(fixture), publication=publication, date=D(2024, 1, 1))
    assert not Issue.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_editors_creating_at_the_same_moment_get_different_numbers(make_user):
    editors = [make_user("editor"), make_user("editor")]
    publication = Publication.objects.get(name="杭州人大信息")
    barrier = threading.Barrier(len(editors))
    results, errors = [], []

    def create(editor):
        try:
            barrier.wait(timeout=10)
            issue = create_issue(actor=editor, publication=publication, date=D(2024, 10, 25))
            results.append((issue.number, issue.total_number))
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create, args=(e,)) for e in editors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(results) == [(1, 1), (2, 2)], connection.vendor
    assert Issue.objects.count() == 2
