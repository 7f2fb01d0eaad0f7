"""Two editors correcting one issue at once: the second is told whose 更正 came first and
keeps the note typed; nothing is silently merged into the other's 更正."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from bulletin.actions.publishing import publish_issue
from bulletin.models import IssuePdf, PublishJob
from tests.issue_helpers import edit_piece_as_editor, issue_with_one_article

pytestmark = pytest.mark.django_db
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def published(settings, tmp_path, editor, contributor):
    settings.MEDIA_ROOT = tmp_path / "media"
    issue = issue_with_one_article(editor, contributor)
    return publish_issue(actor=editor, issue=issue, expected_version=issue.layout_version)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def second_editor(make_user):
    return make_user(Role.EDITOR, username="bianji2", full_name="郭彧杰")


def test_a_second_correction_while_the_first_runs_is_told_and_keeps_its_note(
    settings, published, editor, second_editor
):
    settings.TASKS = DUMMY_TASKS  # the first 更正 stays under way (no worker runs it)
    first, second = signed_in(editor), signed_in(second_editor)
    page = reverse("archive_issue", args=[published.pk])
    # Both open the page while version 1 is current.
    for client in (first, second):
        assert 'name="pdf_version" value="1"' in client.get(page).content.decode()
    url = reverse("issue_correct", args=[published.pk])
    response = first.post(url, {"note": "更正作者姓名", "pdf_version": "1"})
    job = PublishJob.objects.get(kind=PublishJob.Kind.CORRECT)
    assert response["Location"] == reverse("issue_publish_job", args=[published.pk, job.pk])
    response = second.post(url, {"note": "更正第二段的数字", "pdf_version": "1"}, follow=True)
    text = response.content.decode()
    assert "杨青青已于" in text and "更正作者姓名" in text and "您的更正说明尚未提交" in text
    assert 'value="更正第二段的数字"' in text  # the second editor's note is still in the form
    assert PublishJob.objects.count() == 1 and job.note == "更正作者姓名"
    # The first editor's double click is the same job, not a conflict.
    assert first.post(url, {"note": "更正作者姓名", "pdf_version": "1"})["Location"].endswith(f"/{job.pk}/")


def test_a_correction_made_since_the_page_was_shown_is_named(
    django_capture_on_commit_callbacks, published, editor, second_editor
):
    first, second = signed_in(editor), signed_in(second_editor)
    url = reverse("issue_correct", args=[published.pk])
    piece = published.placements.get().submission
    edit_piece_as_editor(editor, piece, body="<p>改过一次的正文。</p>")
    with django_capture_on_commit_callbacks(execute=True):
        first.post(url, {"note": "更正作者姓名", "pdf_version": "1"})  # runs at once: version 2
    assert IssuePdf.objects.filter(issue=published).count() == 2
    text = second.post(url, {"note": "更正第二段的数字", "pdf_version": "1"}, follow=True).content.decode()
    assert "完成了一次更正" in text and "第 2 版：更正作者姓名" in text
    assert 'value="更正第二段的数字"' in text and 'name="pdf_version" value="2"' in text
    assert IssuePdf.objects.filter(issue=published).count() == 2
    # Having seen version 2, the second editor can still correct.
    edit_piece_as_editor(second_editor, piece, body="<p>又改过一次的正文。</p>")
    with django_capture_on_commit_callbacks(execute=True):
        second.post(url, {"note": "更正第二段的数字", "pdf_version": "2"})
    assert IssuePdf.objects.filter(issue=published).count() == 3
