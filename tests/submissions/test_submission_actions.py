import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from submissions.actions import comments, commissions, common, pieces
from submissions.actions import pieces as actions
from submissions.models import Event, Notification, Revision, Submission
from tests.issue_helpers import submitted_piece

pytestmark = pytest.mark.django_db
S = Submission.Status


@pytest.fixture
def draft(contributor):
    return pieces.create_draft(actor=contributor, title="西湖区：“三个力”做活代表工作", body="<p>正文。</p>")


def events(piece):
    return list(
        Event.objects.filter(submission=piece).values_list(
            "action", "from_status", "to_status", "actor__username"
        )
    )


def test_draft_belongs_to_the_actors_unit_with_its_office_as_byline(contributor, draft):
    assert draft.unit == contributor.unit and draft.status == S.DRAFT
    assert draft.byline_org == "西湖区人大常委会办公室"


@pytest.mark.parametrize("fixture", ["editor", "reader", "admin_account"])
def test_only_contributors_write_drafts(request, fixture):
    with pytest.raises(PermissionDenied):
        pieces.create_draft(actor=request.getfixturevalue(fixture), title="x", body="<p>y</p>")


def test_body_is_sanitized_on_the_way_in(contributor):
    piece = pieces.create_draft(
        actor=contributor,
        title="标题",
        body='<p onclick="x()">一是<b>加粗</b><script>alert(1)</script><img src=x></p>',
    )
    assert "script" not in piece.body and "img" not in piece.body and "onclick" not in piece.body
    assert "<strong>加粗</strong>" in piece.body


def test_submit_writes_audit_keeps_revision_and_notifies_editors(contributor, editor, draft):
    piece = pieces.submit(actor=contributor, submission=draft, signer_name="李建华")
    assert piece.status == S.SUBMITTED and piece.submitted_at
    assert events(piece) == [("submit", "draft", "submitted", "xihu")]
    assert Revision.objects.filter(submission=piece, kind="submitted").count() == 1
    assert Notification.objects.filter(recipient=editor, text__contains="西湖区报送了稿件").exists()


def test_mail_goes_out_on_commit(django_capture_on_commit_callbacks, contributor, editor, draft):
    editor.email = "bianji@example.org"
    editor.save()
    with django_capture_on_commit_callbacks(execute=True):
        pieces.submit(actor=contributor, submission=draft, signer_name="李建华")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["bianji@example.org"] and "西湖区报送了稿件" in mail.outbox[0].subject


def test_double_submit_is_harmless(contributor, draft):
    pieces.submit(actor=contributor, submission=draft, signer_name="李建华")
    pieces.submit(actor=contributor, submission=draft, signer_name="李建华")
    assert len(events(draft)) == 1


def test_empty_body_cannot_be_submitted(contributor):
    piece = pieces.create_draft(actor=contributor, title="只有标题", body="<p>  </p>")
    with pytest.raises(common.SubmissionActionError, match="正文为空"):
        pieces.submit(actor=contributor, submission=piece, signer_name="李建华")


def test_another_unit_cannot_submit_or_withdraw(other_contributor, draft):
    with pytest.raises(PermissionDenied):
        pieces.submit(actor=other_contributor, submission=draft, signer_name="李建华")
    with pytest.raises(PermissionDenied):
        pieces.withdraw(actor=other_contributor, submission=draft)
    assert Submission.objects.get(pk=draft.pk).status == S.DRAFT


def test_return_resubmit_adopt_round_trip(contributor, editor, draft):
    pieces.submit(actor=contributor, submission=draft, signer_name="李建华")
    due = datetime.date.today() + datetime.timedelta(days=3)
    pieces.return_for_revision(actor=editor, submission=draft, note="请补充具体数据", due=due)
    draft.refresh_from_db()
    assert draft.status == S.RETURNED and draft.revision_due == due
    assert Notification.objects.filter(recipient=contributor, text__contains="请补充具体数据").exists()
    pieces.save_text(
        actor=contributor, submission=draft, expected_version=draft.version, body="<p>补充后的正文。</p>"
    )
    pieces.submit(actor=contributor, submission=draft, signer_name="李建华")
    pieces.adopt_as_article(actor=editor, submission=draft)
    draft.refresh_from_db()
    assert (draft.status, draft.adopted_as) == (S.ADOPTED, "article")
    assert [e[0] for e in events(draft)] == ["submit", "return", "submit", "adopt_article"]
    assert Revision.objects.filter(submission=draft, kind="submitted").count() == 2


def test_return_needs_a_note_and_decline_a_reason(contributor, editor, draft):
    pieces.submit(actor=contributor, submission=draft, signer_name="李建华")
    with pytest.raises(common.SubmissionActionError, match="修改意见"):
        pieces.return_for_revision(actor=editor, submission=draft, note="  ")
    with pytest.raises(common.SubmissionActionError, match="原因"):
        pieces.decline(actor=editor, submission=draft, reason="")
    pieces.decline(actor=editor, submission=draft, reason="与上期内容重复")
    assert events(draft)[-1] == ("decline", "submitted", "declined", "bianji")


def test_adopt_as_brief_requires_the_unit_name_first(contributor, editor, draft):
    pieces.submit(actor=contributor, submission=draft, signer_name="李建华")
    with pytest.raises(common.SubmissionActionError, match="以单位名称开头"):
        pieces.adopt_as_brief(actor=editor, submission=draft, brief_text="区人大常委会做了工作。")
    pieces.adopt_as_brief(
        actor=editor,
        submission=draft,
        brief_text="<p>西湖区人大常委会创新方式方法，激发履职激情。</p>",
        brief_byline="西湖区人大常委会  李寄",
    )
    draft.refresh_from_db()
    assert draft.adopted_as == "brief" and draft.brief_text == "西湖区人大常委会创新方式方法，激发履职激情。"
    assert draft.brief_byline == "西湖区人大常委会 李寄"


@pytest.mark.parametrize(
    ("setup", "verb"),
    [
        ("withdrawn", "adopt_as_article"),
        ("draft", "adopt_as_article"),
        ("declined", "return_for_revision"),
        ("adopted", "decline"),
        ("adopted", "withdraw"),
    ],
)
def test_illegal_transitions_are_refused_with_a_message(contributor, editor, draft, setup, verb):
    if setup != "draft":
        pieces.submit(actor=contributor, submission=draft, signer_name="李建华")
    if setup == "withdrawn":
        pieces.withdraw(actor=contributor, submission=draft)
    elif setup == "declined":
        pieces.decline(actor=editor, submission=draft, reason="不合适")
    elif setup == "adopted":
        pieces.adopt_as_article(actor=editor, submission=draft)
    before = len(events(draft))
    actor = contributor if verb == "withdraw" else editor
    kwargs = (
        {"note": "意见"} if verb == "return_for_revision" else {"reason": "原因"} if verb == "decline" else {}
    )
    with pytest.raises(common.SubmissionActionError, match="当前状态为"):
        getattr(actions, verb)(actor=actor, submission=draft, **kwargs)
    assert len(events(draft)) == before


@pytest.mark.parametrize("verb", ["return_for_revision", "adopt_as_article", "decline"])
def test_contributors_cannot_act_as_editors(contributor, draft, verb):
    pieces.submit(actor=contributor, submission=draft, signer_name="李建华")
    kwargs = {"note": "x"} if verb == "return_for_revision" else {"reason": "x"} if verb == "decline" else {}
    with pytest.raises(PermissionDenied):
        getattr(actions, verb)(actor=contributor, submission=draft, **kwargs)


def test_editor_edit_keeps_the_submitted_text(contributor, editor):
    piece = submitted_piece(contributor, "标题", body="<p>原来的文字。</p>")
    piece.refresh_from_db()
    pieces.save_text(
        actor=editor, submission=piece, expected_version=piece.version, body="<p>编辑改过的文字。</p>"
    )
    kinds = list(Revision.objects.filter(submission=piece).values_list("kind", "body"))
    assert kinds == [("submitted", "<p>原来的文字。</p>"), ("edited", "<p>编辑改过的文字。</p>")]


def test_contributor_cannot_edit_a_submitted_piece(contributor):
    piece = submitted_piece(contributor, "标题")
    with pytest.raises(common.SubmissionActionError, match="不能修改"):
        pieces.save_text(actor=contributor, submission=piece, expected_version=piece.version, title="改")


def test_no_lost_update_second_save_is_refused_and_both_texts_kept(contributor, editor):
    piece = submitted_piece(contributor, "标题", body="<p>原文。</p>")
    piece.refresh_from_db()
    seen = piece.version  # two editors open the same piece
    pieces.save_text(actor=editor, submission=piece, expected_version=seen, body="<p>甲的修改。</p>")
    with pytest.raises(common.EditConflict, match="已被他人修改"):
        pieces.save_text(actor=editor, submission=piece, expected_version=seen, body="<p>乙的修改。</p>")
    piece.refresh_from_db()
    assert piece.body == "<p>甲的修改。</p>"
    conflict = Revision.objects.get(submission=piece, kind="conflict")
    assert conflict.body == "<p>乙的修改。</p>"


def test_model_validation_still_applies(contributor):
    with pytest.raises(ValidationError):
        pieces.create_draft(actor=contributor, title="长" * 81, body="<p>x</p>")


def test_commissions_reach_their_units_and_are_answered(editor, contributor, other_contributor):
    from accounts.models import Unit

    commission = commissions.create_commission(
        actor=editor,
        topic="优化营商环境",
        requirements="1500 字以内",
        deadline=datetime.date.today(),
        units=[Unit.objects.get(short_name="西湖区")],
    )
    assert Notification.objects.filter(recipient=contributor, text__contains="优化营商环境").exists()
    assert not Notification.objects.filter(recipient=other_contributor).exists()
    piece = pieces.create_draft(actor=contributor, commission=commission, title="应约稿", body="<p>x</p>")
    assert piece.commission == commission
    with pytest.raises(PermissionDenied):
        pieces.create_draft(
            actor=other_contributor, commission=commission, title="不是给我的", body="<p>x</p>"
        )
    with pytest.raises(PermissionDenied):
        commissions.create_commission(
            actor=contributor, topic="x", requirements="", deadline=datetime.date.today(), units=[]
        )
    with pytest.raises(common.SubmissionActionError, match="早于今天"):
        commissions.create_commission(
            actor=editor,
            topic="x",
            requirements="",
            deadline=datetime.date(2020, 1, 1),
            units=[contributor.unit],
        )


def test_comments_go_to_the_other_side(contributor, editor, other_contributor, draft):
    # The editor talks about pieces that reached them (a draft is the unit's own business).
    with pytest.raises(PermissionDenied):
        comments.add_comment(actor=editor, submission=draft, text="看看")
    draft = pieces.submit(actor=contributor, submission=draft, signer_name="李四")
    comments.add_comment(actor=editor, submission=draft, text="请补一张数据表")
    assert Notification.objects.filter(recipient=contributor, text__contains="请补一张数据表").exists()
    with pytest.raises(PermissionDenied):
        comments.add_comment(actor=other_contributor, submission=draft, text="看看")
