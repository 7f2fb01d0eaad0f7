"""Every step reversible: delete a draft, restore a withdrawn piece, undo an adoption,
reopen a 不采用 piece, delete an issue in assembly, publish out of order only when confirmed.

Each undo goes through its action, which checks the actor and the state against the one
transition table and writes an audit Event like every other step."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from bulletin.actions import issues, placements, publishing
from bulletin.actions.common import IssueActionError, NeedsConfirmation
from bulletin.models import Issue, Placement, Publication, Section
from bulletin.queries import issues_for_editor
from submissions.actions import common, pieces
from submissions.models import Event, Notification, Submission
from tests.issue_helpers import adopted_piece, place, submitted_piece

pytestmark = pytest.mark.django_db
S = Submission.Status


def audit(piece) -> list[tuple]:
    return list(
        Event.objects.filter(submission=piece).values_list(
            "action", "from_status", "to_status", "actor__username"
        )
    )


@pytest.fixture
def draft(contributor):
    return pieces.create_draft(actor=contributor, title="西湖区：“三个力”做活代表工作", body="<p>正文。</p>")


@pytest.fixture
def publication():
    return Publication.objects.get(name="杭州人大信息")


def new_issue(editor, publication, number: int, day: int = 1) -> Issue:
    return issues.create_issue(
        actor=editor,
        publication=publication,
        date=datetime.date(2026, 3, day),
        number=number,
        total_number=800 + number,
    )


# --- the transition table -----------------------------------------------------------


def test_the_table_holds_the_undo_transitions():
    table = {name: (rule.sources, rule.target) for name, rule in pieces.TRANSITIONS.items()}
    assert table["delete"] == ((S.DRAFT,), S.DELETED)
    assert table["restore"] == ((S.WITHDRAWN,), S.DRAFT)
    assert table["unadopt"] == ((S.ADOPTED,), S.SUBMITTED)
    assert table["reopen"] == ((S.DECLINED,), S.SUBMITTED)
    assert S.DRAFT not in table["withdraw"][0]  # a draft is deleted, not withdrawn


# --- delete a draft -------------------------------------------------------------------


def test_contributor_deletes_a_never_submitted_draft(contributor, draft):
    pieces.delete_draft(actor=contributor, submission=draft)
    assert Submission.objects.get(pk=draft.pk).status == S.DELETED
    assert audit(draft) == [("delete", "draft", "deleted", "xihu")]
    from submissions.queries import for_unit

    assert not for_unit(contributor.unit).filter(pk=draft.pk).exists()


@pytest.mark.parametrize("fixture", ["other_contributor", "reader", "editor"])
def test_only_the_units_contributor_deletes_its_draft(request, draft, fixture):
    with pytest.raises(PermissionDenied):
        pieces.delete_draft(actor=request.getfixturevalue(fixture), submission=draft)
    assert Submission.objects.get(pk=draft.pk).status == S.DRAFT and audit(draft) == []


def test_a_submitted_piece_cannot_be_deleted(contributor, draft):
    pieces.submit(actor=contributor, submission=draft, signer_name="李建华")
    with pytest.raises(common.SubmissionActionError, match="当前状态为“已报送”"):
        pieces.delete_draft(actor=contributor, submission=draft)
    assert [a for a, *_ in audit(draft)] == ["submit"]


def test_a_restored_piece_that_was_once_submitted_cannot_be_deleted(contributor, draft):
    pieces.submit(actor=contributor, submission=draft, signer_name="李建华")
    pieces.withdraw(actor=contributor, submission=draft)
    pieces.restore_withdrawn(actor=contributor, submission=draft)
    with pytest.raises(common.SubmissionActionError, match="曾经报送过"):
        pieces.delete_draft(actor=contributor, submission=draft)


def test_a_deleted_draft_is_gone_from_the_pages(client_for, contributor, draft):
    client = client_for(contributor)
    response = client.post(reverse("piece_delete", args=[draft.pk]), follow=True)
    assert "已删除" in response.content.decode()
    assert client.get(reverse("piece_detail", args=[draft.pk])).status_code == 404
    assert draft.title not in client.get(reverse("unit_home")).content.decode()


def test_a_draft_offers_delete_not_withdraw(client_for, contributor, draft):
    page = client_for(contributor).get(reverse("piece_detail", args=[draft.pk])).content.decode()
    assert "删除草稿" in page and reverse("piece_withdraw", args=[draft.pk]) not in page
    with pytest.raises(common.SubmissionActionError):
        pieces.withdraw(actor=contributor, submission=draft)


# --- restore a withdrawn piece ---------------------------------------------------------


def test_contributor_restores_a_withdrawn_piece_as_a_draft(contributor, draft):
    pieces.submit(actor=contributor, submission=draft, signer_name="李建华")
    pieces.withdraw(actor=contributor, submission=draft, note="再改改")
    pieces.restore_withdrawn(actor=contributor, submission=draft)
    draft.refresh_from_db()
    assert draft.status == S.DRAFT
    assert audit(draft)[-1] == ("restore", "withdrawn", "draft", "xihu")
    # and it can be submitted again
    pieces.submit(actor=contributor, submission=draft, signer_name="李建华")
    assert Submission.objects.get(pk=draft.pk).status == S.SUBMITTED


@pytest.mark.parametrize("fixture", ["other_contributor", "reader", "editor"])
def test_only_the_unit_restores(request, contributor, draft, fixture):
    pieces.submit(actor=contributor, submission=draft, signer_name="李建华")
    pieces.withdraw(actor=contributor, submission=draft)
    with pytest.raises(PermissionDenied):
        pieces.restore_withdrawn(actor=request.getfixturevalue(fixture), submission=draft)
    assert Submission.objects.get(pk=draft.pk).status == S.WITHDRAWN


def test_only_a_withdrawn_piece_is_restored(contributor, draft):
    pieces.submit(actor=contributor, submission=draft, signer_name="李建华")
    with pytest.raises(common.SubmissionActionError, match="不能恢复为草稿"):
        pieces.restore_withdrawn(actor=contributor, submission=draft)
    assert len(audit(draft)) == 1


def test_restore_through_the_page(client_for, contributor, draft):
    pieces.submit(actor=contributor, submission=draft, signer_name="李建华")
    pieces.withdraw(actor=contributor, submission=draft)
    client = client_for(contributor)
    assert "恢复为草稿" in client.get(reverse("piece_detail", args=[draft.pk])).content.decode()
    client.post(reverse("piece_restore", args=[draft.pk]))
    assert Submission.objects.get(pk=draft.pk).status == S.DRAFT


# --- undo an adoption --------------------------------------------------------------------


def test_editor_undoes_an_adoption_with_a_note(editor, contributor):
    piece = adopted_piece(editor, contributor, "稿", as_brief=True)
    pieces.unadopt(actor=editor, submission=piece, note="选题与上期重复")
    piece.refresh_from_db()
    assert piece.status == S.SUBMITTED and piece.adopted_as == ""
    assert audit(piece)[-1] == ("unadopt", "adopted", "submitted", "bianji")
    assert Event.objects.filter(submission=piece, action="unadopt").get().note == "选题与上期重复"
    assert Notification.objects.filter(recipient=contributor, text__contains="采用已撤销").exists()
    # decided again: adopted as an article this time
    pieces.adopt_as_article(actor=editor, submission=piece)
    assert Submission.objects.get(pk=piece.pk).adopted_as == "article"


def test_unadopt_needs_a_note(editor, contributor):
    piece = adopted_piece(editor, contributor, "稿")
    with pytest.raises(common.SubmissionActionError, match="写明原因"):
        pieces.unadopt(actor=editor, submission=piece, note="  ")
    assert Submission.objects.get(pk=piece.pk).status == S.ADOPTED


@pytest.mark.parametrize("fixture", ["contributor", "other_contributor", "reader"])
def test_only_editors_undo_adoptions(request, editor, contributor, fixture):
    piece = adopted_piece(editor, contributor, "稿")
    with pytest.raises(PermissionDenied):
        pieces.unadopt(actor=request.getfixturevalue(fixture), submission=piece, note="x")
    assert Submission.objects.get(pk=piece.pk).status == S.ADOPTED


def test_a_placed_piece_cannot_be_unadopted(editor, contributor, publication):
    piece = adopted_piece(editor, contributor, "稿")
    issue = new_issue(editor, publication, 1)
    place(editor, issue, piece, "助力攻坚")
    with pytest.raises(common.SubmissionActionError, match="已编入2026年第1期"):
        pieces.unadopt(actor=editor, submission=piece, note="x")
    assert Submission.objects.get(pk=piece.pk).status == S.ADOPTED


def test_a_submitted_piece_cannot_be_unadopted(editor, contributor):
    piece = submitted_piece(contributor, "稿")
    with pytest.raises(common.SubmissionActionError, match="不能撤销采用"):
        pieces.unadopt(actor=editor, submission=piece, note="x")


# --- reopen a 不采用 piece -------------------------------------------------------------


def test_editor_reopens_a_declined_piece(editor, contributor):
    piece = submitted_piece(contributor, "稿")
    pieces.decline(actor=editor, submission=piece, reason="不合适")
    pieces.reopen(actor=editor, submission=piece, note="重新考虑")
    assert Submission.objects.get(pk=piece.pk).status == S.SUBMITTED
    assert audit(piece)[-1] == ("reopen", "declined", "submitted", "bianji")
    assert Notification.objects.filter(recipient=contributor, text__contains="重新进入审核").exists()


@pytest.mark.parametrize("fixture", ["contributor", "other_contributor", "reader"])
def test_only_editors_reopen(request, editor, contributor, fixture):
    piece = submitted_piece(contributor, "稿")
    pieces.decline(actor=editor, submission=piece, reason="不合适")
    with pytest.raises(PermissionDenied):
        pieces.reopen(actor=request.getfixturevalue(fixture), submission=piece)
    assert Submission.objects.get(pk=piece.pk).status == S.DECLINED


def test_only_a_declined_piece_is_reopened(editor, contributor):
    piece = adopted_piece(editor, contributor, "稿")
    with pytest.raises(common.SubmissionActionError, match="不能重新审核"):
        pieces.reopen(actor=editor, submission=piece)


def test_unadopt_and_reopen_through_the_review_page(client_for, editor, contributor):
    piece = adopted_piece(editor, contributor, "稿")
    client = client_for(editor)
    page = client.get(reverse("review_detail", args=[piece.pk])).content.decode()
    assert "撤销采用" in page
    # no note: the form comes back with its error, nothing changed
    page = client.post(reverse("review_act", args=[piece.pk, "unadopt"]), {"note": ""}).content.decode()
    assert "请写明撤销采用的原因" in page and Submission.objects.get(pk=piece.pk).status == S.ADOPTED
    client.post(reverse("review_act", args=[piece.pk, "unadopt"]), {"note": "再议"})
    assert Submission.objects.get(pk=piece.pk).status == S.SUBMITTED
    client.post(reverse("review_act", args=[piece.pk, "decline"]), {"reason": "不合适"})
    assert "重新审核" in client.get(reverse("review_detail", args=[piece.pk])).content.decode()
    client.post(reverse("review_act", args=[piece.pk, "reopen"]), {"note": ""})
    assert Submission.objects.get(pk=piece.pk).status == S.SUBMITTED


# --- delete an issue in assembly -------------------------------------------------------------


def test_deleting_an_issue_in_assembly_returns_its_pieces(editor, contributor, publication):
    issue = new_issue(editor, publication, 1)
    a = adopted_piece(editor, contributor, "甲")
    b = adopted_piece(editor, contributor, "乙", as_brief=True)
    place(editor, issue, a, "助力攻坚")
    place(editor, issue, b, "信息摘登")
    pieces = issues.delete_issue(actor=editor, issue=issue)
    assert {p.pk for p in pieces} == {a.pk, b.pk}
    assert not Issue.objects.filter(pk=issue.pk).exists() and not Placement.objects.exists()
    for piece in (a, b):
        piece.refresh_from_db()
        assert piece.status == S.ADOPTED
        assert audit(piece)[-1] == ("unplace", "adopted", "adopted", "bianji")
        assert "2026年第1期(总第801期)已删除" in piece.events.last().note
    # the number is free again
    assert new_issue(editor, publication, 1).number == 1


@pytest.mark.parametrize("fixture", ["contributor", "other_contributor", "reader"])
def test_only_editors_delete_issues(request, editor, publication, fixture):
    issue = new_issue(editor, publication, 1)
    with pytest.raises(PermissionDenied):
        issues.delete_issue(actor=request.getfixturevalue(fixture), issue=issue)
    assert Issue.objects.filter(pk=issue.pk).exists()


def test_a_published_issue_cannot_be_deleted(editor, contributor, publication):
    issue = new_issue(editor, publication, 1)
    place(editor, issue, adopted_piece(editor, contributor, "甲"), "助力攻坚")
    publishing.publish_issue(actor=editor, issue=issue)
    with pytest.raises(IssueActionError, match="不能删除"):
        issues.delete_issue(actor=editor, issue=issue)
    assert Issue.objects.filter(pk=issue.pk).exists()


def test_delete_issue_through_the_list(client_for, editor, contributor, publication):
    issue = new_issue(editor, publication, 1)
    place(editor, issue, adopted_piece(editor, contributor, "甲"), "助力攻坚")
    client = client_for(editor)
    assert reverse("issue_delete", args=[issue.pk]) in client.get(reverse("issue_list")).content.decode()
    page = client.post(reverse("issue_delete", args=[issue.pk]), follow=True).content.decode()
    assert "已删除2026年第1期(总第801期)，其中 1 篇稿件回到待编" in page
    assert not Issue.objects.filter(pk=issue.pk).exists()


def test_an_issue_deleted_meanwhile_is_a_message_not_an_error(client_for, editor, contributor, publication):
    """Two editors (or a double click) delete the same issue, or one keeps placing pieces in
    an issue the other deleted: the late request is told the issue is gone."""
    issue = new_issue(editor, publication, 1)
    piece = adopted_piece(editor, contributor, "甲")
    stale = Issue.objects.get(pk=issue.pk)  # the page the late request was sent from
    issues.delete_issue(actor=editor, issue=issue)
    with pytest.raises(IssueActionError, match="已被删除"):
        issues.delete_issue(actor=editor, issue=stale)
    with pytest.raises(IssueActionError, match="已被删除"):
        placements.place_submission(
            actor=editor,
            issue=stale,
            submission=piece,
            section=Section.objects.get(name="助力攻坚"),
            expected_version=stale.layout_version,
        )
    page = client_for(editor).post(reverse("issue_delete", args=[issue.pk]), follow=True)
    assert page.status_code == 200 and "已被删除" in page.content.decode()


def test_removing_a_placement_is_audited(editor, contributor, publication):
    issue = new_issue(editor, publication, 1)
    piece = adopted_piece(editor, contributor, "甲")
    placement = place(editor, issue, piece, "助力攻坚")
    issue.refresh_from_db()
    placements.remove_placement(actor=editor, placement=placement, expected_version=issue.layout_version)
    assert audit(piece)[-1] == ("unplace", "adopted", "adopted", "bianji")


# --- publishing in order ------------------------------------------------------------------------


def test_publishing_past_an_earlier_number_in_assembly_asks_first(editor, contributor, publication):
    first = new_issue(editor, publication, 1)
    second = new_issue(editor, publication, 2, day=15)
    place(editor, second, adopted_piece(editor, contributor, "甲"), "助力攻坚")
    with pytest.raises(NeedsConfirmation, match="2026年第1期还在编辑中"):
        publishing.publish_issue(actor=editor, issue=second)
    assert Issue.objects.get(pk=second.pk).status == Issue.Status.DRAFT
    publishing.publish_issue(actor=editor, issue=second, confirmed=True)
    assert Issue.objects.get(pk=second.pk).status == Issue.Status.PUBLISHED
    assert Issue.objects.get(pk=first.pk).status == Issue.Status.DRAFT


def test_publish_confirmation_through_the_page(
    client_for, editor, contributor, publication, django_capture_on_commit_callbacks
):
    new_issue(editor, publication, 1)
    second = new_issue(editor, publication, 2, day=15)
    place(editor, second, adopted_piece(editor, contributor, "甲"), "助力攻坚")
    second.refresh_from_db()
    client = client_for(editor)
    page = client.post(
        reverse("issue_publish", args=[second.pk]), {"version": second.layout_version}
    ).content.decode()
    assert "2026年第1期还在编辑中，尚未刊发。确定先刊发第2期吗？" in page and 'name="confirmed"' in page
    with django_capture_on_commit_callbacks(execute=True):  # the worker's job runs once committed
        client.post(
            reverse("issue_publish", args=[second.pk]), {"version": second.layout_version, "confirmed": "1"}
        )
    assert Issue.objects.get(pk=second.pk).is_published


def test_issue_list_is_ordered_by_year_and_number(editor, contributor, publication):
    first = new_issue(editor, publication, 1)
    second = new_issue(editor, publication, 2, day=15)
    place(editor, first, adopted_piece(editor, contributor, "甲"), "助力攻坚")
    publishing.publish_issue(actor=editor, issue=first)
    old = issues.create_issue(
        actor=editor,
        publication=publication,
        date=datetime.date(2025, 12, 1),
        number=30,
        total_number=790,
        numbering_reason="补录上年一期",  # numbered in before later issues: out of sequence
    )
    assert [i.pk for i in issues_for_editor()] == [second.pk, first.pk, old.pk]


# --- undone decisions do not count in the statistics ---------------------------------------------


def _row(unit):
    from django.utils import timezone

    from assessment.periods import Period
    from assessment.stats import unit_report

    report = unit_report(Period.year(timezone.localdate().year))
    return next(r for r in report.rows if r.unit == unit)


def test_an_undone_adoption_does_not_count_and_the_readoption_does(editor, contributor):
    piece = adopted_piece(editor, contributor, "稿")
    pieces.unadopt(actor=editor, submission=piece, note="再议")
    assert Event.objects.get(submission=piece, action="adopt_article").undone
    row = _row(contributor.unit)
    assert (row.articles, row.briefs, row.points) == (0, 0, 0)
    pieces.adopt_as_brief(actor=editor, submission=piece, brief_text=f"{contributor.unit.name}稿。")
    row = _row(contributor.unit)
    assert (row.submitted, row.articles, row.briefs, row.points) == (1, 0, 1, 1)


def test_a_reopened_decline_does_not_count(editor, contributor):
    piece = submitted_piece(contributor, "稿")
    pieces.decline(actor=editor, submission=piece, reason="不合适")
    pieces.reopen(actor=editor, submission=piece)
    pieces.adopt_as_article(actor=editor, submission=piece)
    row = _row(contributor.unit)
    assert (row.declined, row.articles) == (0, 1)


def test_a_restored_and_resubmitted_piece_counts_once(contributor, draft):
    pieces.submit(actor=contributor, submission=draft, signer_name="李建华")
    pieces.withdraw(actor=contributor, submission=draft)
    pieces.restore_withdrawn(actor=contributor, submission=draft)
    pieces.submit(actor=contributor, submission=draft, signer_name="李建华")
    assert _row(contributor.unit).submitted == 1


def test_unadopting_a_placed_piece_through_the_page_says_why(client_for, editor, contributor, publication):
    piece = adopted_piece(editor, contributor, "稿")
    place(editor, new_issue(editor, publication, 1), piece, "助力攻坚")
    client = client_for(editor)
    page = client.get(reverse("review_detail", args=[piece.pk])).content.decode()
    assert 'id="undo-adoption"' not in page and "请先在" in page
    page = client.post(reverse("review_act", args=[piece.pk, "unadopt"]), {"note": "再议"}).content.decode()
    assert "已编入2026年第1期，不能撤销采用" in page
    assert Submission.objects.get(pk=piece.pk).status == S.ADOPTED
