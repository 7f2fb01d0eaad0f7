"""审签: a unit's 审核人 signs off (签发) or returns a piece before it reaches the editor;
a unit without one names its 签发人 on 报送. The editor sees the 签发人 everywhere."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import Role
from assessment.periods import Period
from assessment.stats import unit_report
from submissions.actions import comments, common, pieces
from submissions.models import Event, Notification, Submission

pytestmark = pytest.mark.django_db
S = Submission.Status


@pytest.fixture
def reviewer(make_user):
    return make_user(Role.REVIEWER, "西湖区", username="xihu_shenhe", full_name="王志强")


@pytest.fixture
def other_reviewer(make_user):
    return make_user(Role.REVIEWER, "萧山区", username="xiaoshan_shenhe", full_name="陈建国")


@pytest.fixture
def draft(contributor):
    return pieces.create_draft(actor=contributor, title="西湖区：代表联络站提质增效", body="<p>正文。</p>")


def trail(piece):
    return list(Event.objects.filter(submission=piece).values_list("action", "from_status", "to_status"))


def test_reviewer_belongs_to_a_unit(make_user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="审核人必须选择所属单位"):
        make_user(Role.REVIEWER)


def test_without_a_reviewer_the_signer_is_required(contributor, editor, draft):
    with pytest.raises(common.SubmissionActionError, match="请填写签发人"):
        pieces.submit(actor=contributor, submission=draft, signer_name="  ")
    piece = pieces.submit(actor=contributor, submission=draft, signer_name=" 李 建华 ")
    assert piece.status == S.SUBMITTED and piece.signer_name == "李 建华"
    assert piece.signed_off_by is None and piece.first_submitted_at == piece.submitted_at
    assert trail(piece) == [("submit", "draft", "submitted")]
    assert Event.objects.get(submission=piece).note == "签发人：李 建华"


def test_with_a_reviewer_submit_waits_for_sign_off(contributor, reviewer, editor, draft):
    piece = pieces.submit(actor=contributor, submission=draft)
    assert piece.status == S.PENDING_SIGNOFF and piece.first_submitted_at is None
    assert Notification.objects.filter(recipient=reviewer, text__contains="待您审签").exists()
    # The editor is not told yet and does not see it in the queue.
    assert not Notification.objects.filter(recipient=editor).exists()
    assert not pieces.submit(actor=contributor, submission=piece).events.filter(action="submit").exists()

    signed = pieces.sign_off(actor=reviewer, submission=piece)
    assert signed.status == S.SUBMITTED
    assert signed.signer_name == "王志强" and signed.signed_off_by == reviewer and signed.signed_off_at
    assert signed.first_submitted_at == signed.signed_off_at == signed.submitted_at
    assert trail(signed) == [
        ("request_signoff", "draft", "pending_signoff"),
        ("sign_off", "pending_signoff", "submitted"),
    ]
    assert Notification.objects.filter(recipient=editor, text__contains="签发人：王志强").exists()
    assert Notification.objects.filter(recipient=contributor, text__contains="已由王志强签发").exists()
    # A double click on 签发 records nothing more.
    pieces.sign_off(actor=reviewer, submission=signed)
    assert Event.objects.filter(submission=signed, action="sign_off").count() == 1


def test_reviewer_returns_to_the_writer_who_resubmits(contributor, reviewer, editor, draft):
    piece = pieces.submit(actor=contributor, submission=draft)
    with pytest.raises(common.SubmissionActionError, match="修改意见"):
        pieces.return_from_signoff(actor=reviewer, submission=piece, note=" ")
    piece = pieces.return_from_signoff(actor=reviewer, submission=piece, note="请补充数据。")
    assert piece.status == S.RETURNED
    assert Notification.objects.filter(recipient=contributor, text__contains="请补充数据。").exists()
    piece = pieces.save_text(
        actor=contributor, submission=piece, expected_version=piece.version, title="新标题"
    )
    piece = pieces.submit(actor=contributor, submission=piece)
    assert piece.status == S.PENDING_SIGNOFF
    piece = pieces.sign_off(actor=reviewer, submission=piece)
    assert trail(piece)[-3:] == [
        ("return_signoff", "pending_signoff", "returned"),
        ("request_signoff", "returned", "pending_signoff"),
        ("sign_off", "pending_signoff", "submitted"),
    ]
    # A reviewer's return is not the editor's 退回修改 in the statistics.
    report = unit_report(Period.year(piece.submitted_at.year))
    row = next(r for r in report.rows if r.unit.short_name == "西湖区")
    assert row.returned == 0 and row.submitted == 1


@pytest.mark.parametrize(
    "fixture", ["other_reviewer", "contributor", "reader", "editor", "other_contributor"]
)
def test_only_the_units_own_reviewer_signs_off(request, contributor, reviewer, draft, fixture):
    piece = pieces.submit(actor=contributor, submission=draft)
    actor = request.getfixturevalue(fixture)
    with pytest.raises(PermissionDenied):
        pieces.sign_off(actor=actor, submission=piece)
    with pytest.raises(PermissionDenied):
        pieces.return_from_signoff(actor=actor, submission=piece, note="不行")
    assert Submission.objects.get(pk=piece.pk).status == S.PENDING_SIGNOFF


def test_reviewer_cannot_write_or_submit(reviewer, contributor, draft):
    with pytest.raises(PermissionDenied):
        pieces.create_draft(actor=reviewer, title="x", body="<p>y</p>")
    with pytest.raises(PermissionDenied):
        pieces.submit(actor=reviewer, submission=draft, signer_name="王志强")


def test_sign_off_only_from_pending(contributor, reviewer, draft):
    with pytest.raises(common.SubmissionActionError, match="不能签发"):
        pieces.sign_off(actor=reviewer, submission=draft)


def test_withdraw_while_pending_tells_the_reviewer(contributor, reviewer, editor, draft):
    piece = pieces.submit(actor=contributor, submission=draft)
    pieces.withdraw(actor=contributor, submission=piece)
    assert Notification.objects.filter(recipient=reviewer, text__contains="已被撤回").exists()
    assert not Notification.objects.filter(recipient=editor).exists()


def test_statistics_count_the_first_arrival_once_and_filter_by_signer(contributor, editor, reviewer, draft):
    piece = pieces.submit(actor=contributor, submission=draft)
    piece = pieces.sign_off(actor=reviewer, submission=piece)
    piece = pieces.return_for_revision(actor=editor, submission=piece, note="请改")
    piece = pieces.submit(actor=contributor, submission=piece)
    pieces.sign_off(actor=reviewer, submission=piece)
    period = Period.year(piece.submitted_at.year)
    row = next(r for r in unit_report(period).rows if r.unit.short_name == "西湖区")
    assert row.submitted == 1 and row.returned == 1
    row = next(r for r in unit_report(period, signer="王志强").rows if r.unit.short_name == "西湖区")
    assert row.submitted == 1
    row = next(r for r in unit_report(period, signer="别人").rows if r.unit.short_name == "西湖区")
    assert row.submitted == 0 and row.returned == 0


# --- pages ---------------------------------------------------------------------


def test_reviewer_pages(client_for, contributor, reviewer, other_reviewer, draft):
    pieces.submit(actor=contributor, submission=draft)
    client = client_for(reviewer)
    home = client.get(reverse("unit_home")).content.decode()
    assert "待我审签" in home and draft.title in home and "新建稿件" not in home
    detail = client.get(reverse("piece_detail", args=[draft.pk])).content.decode()
    assert "签发" in detail and "退回撰稿人修改" in detail
    response = client.post(reverse("piece_sign_off", args=[draft.pk]), follow=True)
    assert "已签发" in response.content.decode()
    assert Submission.objects.get(pk=draft.pk).status == S.SUBMITTED
    # A 审核人 of another unit does not even see the piece.
    other = client_for(other_reviewer)
    assert other.get(reverse("piece_detail", args=[draft.pk])).status_code == 404
    assert other.post(reverse("piece_sign_off", args=[draft.pk])).status_code == 404


def test_contributor_cannot_use_the_sign_off_urls(client_for, contributor, reviewer, draft):
    pieces.submit(actor=contributor, submission=draft)
    client = client_for(contributor)
    assert client.post(reverse("piece_sign_off", args=[draft.pk])).status_code == 403
    assert client.post(reverse("piece_signoff_return", args=[draft.pk]), {"note": "x"}).status_code == 403


def test_submit_page_asks_for_the_signer_only_without_reviewer(client_for, contributor, draft):
    client = client_for(contributor)
    page = client.get(reverse("piece_detail", args=[draft.pk])).content.decode()
    assert 'name="signer_name"' in page
    response = client.post(reverse("piece_submit", args=[draft.pk]), {"signer_name": ""}, follow=True)
    assert "请填写签发人" in response.content.decode()
    assert Submission.objects.get(pk=draft.pk).status == S.DRAFT
    client.post(reverse("piece_submit", args=[draft.pk]), {"signer_name": "李建华"})
    assert Submission.objects.get(pk=draft.pk).signer_name == "李建华"


def test_editor_sees_the_signer_in_queue_and_review_and_can_filter(client_for, contributor, editor, draft):
    pieces.submit(actor=contributor, submission=draft, signer_name="李建华")
    client = client_for(editor)
    queue = client.get(reverse("review_queue")).content.decode()
    assert "签发人" in queue and "李建华" in queue
    assert draft.title not in client.get(reverse("review_queue") + "?signer=别人").content.decode()
    assert draft.title in client.get(reverse("review_queue") + "?signer=李建华").content.decode()
    review = client.get(reverse("review_detail", args=[draft.pk])).content.decode()
    assert "签发人 李建华" in review


def test_pending_pieces_stay_out_of_the_editor_queue(client_for, contributor, reviewer, editor, draft):
    pieces.submit(actor=contributor, submission=draft)
    assert draft.title not in client_for(editor).get(reverse("review_queue")).content.decode()


def test_reviewer_comments_reach_the_writers(contributor, reviewer, editor, draft):
    comments.add_comment(actor=reviewer, submission=draft, text="第二段请补数据")
    assert Notification.objects.filter(recipient=contributor, text__contains="第二段请补数据").exists()
    assert not Notification.objects.filter(recipient=editor).exists()


# --- review 14a: the 审核人 leaves, comments during 审签, the 签发人 as typed ------------------


def test_a_piece_left_pending_when_the_reviewer_leaves_is_not_stuck(
    client_for, contributor, reviewer, editor, draft
):
    piece = pieces.submit(actor=contributor, submission=draft)
    assert piece.status == S.PENDING_SIGNOFF
    reviewer.is_active = False
    reviewer.save()
    client = client_for(contributor)
    page = client.get(reverse("piece_detail", args=[piece.pk])).content.decode()
    assert "本单位已没有在职的审核人" in page and 'name="signer_name"' in page
    # Without a 签发人 it is refused; with one it goes to the editor.
    with pytest.raises(common.SubmissionActionError, match="请填写签发人"):
        pieces.submit(actor=contributor, submission=piece)
    response = client.post(reverse("piece_submit", args=[piece.pk]), {"signer_name": "李建华"}, follow=True)
    assert "已报送，等待研究室审核" in response.content.decode()
    piece.refresh_from_db()
    assert piece.status == S.SUBMITTED and piece.signer_name == "李建华" and piece.first_submitted_at
    assert trail(piece)[-1] == ("submit", "pending_signoff", "submitted")
    assert Notification.objects.filter(recipient=editor, text__contains=piece.title).exists()
    # A second click changes nothing.
    pieces.submit(actor=contributor, submission=piece, signer_name="李建华")
    assert len(trail(piece)) == 2


def test_a_pending_piece_without_reviewer_can_be_withdrawn_and_restored(contributor, reviewer, draft):
    piece = pieces.submit(actor=contributor, submission=draft)
    reviewer.is_active = False
    reviewer.save()
    piece = pieces.withdraw(actor=contributor, submission=piece)
    piece = pieces.restore_withdrawn(actor=contributor, submission=piece)
    assert piece.status == S.DRAFT
    piece = pieces.submit(actor=contributor, submission=piece, signer_name="李建华")
    assert piece.status == S.SUBMITTED


def test_while_a_reviewer_is_active_a_pending_piece_is_not_resubmitted(
    client_for, contributor, reviewer, draft
):
    piece = pieces.submit(actor=contributor, submission=draft)
    page = client_for(contributor).get(reverse("piece_detail", args=[piece.pk])).content.decode()
    assert "稿件待本单位审核人审签" in page and 'name="signer_name"' not in page
    pieces.submit(actor=contributor, submission=piece, signer_name="李建华")
    piece.refresh_from_db()
    assert piece.status == S.PENDING_SIGNOFF and piece.signer_name == ""


def test_a_writers_comment_during_signoff_goes_to_the_reviewer(
    client_for, contributor, reviewer, editor, draft
):
    piece = pieces.submit(actor=contributor, submission=draft)
    comments.add_comment(actor=contributor, submission=piece, text="王主任，请您抓紧审签")
    assert Notification.objects.filter(recipient=reviewer, text__contains="请您抓紧审签").exists()
    assert not Notification.objects.filter(recipient=editor).exists()
    # The editor does not open a piece still in the unit, by any URL.
    client = client_for(editor)
    for name in ("review_detail", "piece_detail", "piece_versions"):
        assert client.get(reverse(name, args=[piece.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        comments.add_comment(actor=editor, submission=piece, text="看看")
    # Once signed off it is the editor's, and the writer's comments go there.
    piece = pieces.sign_off(actor=reviewer, submission=piece)
    assert client.get(reverse("review_detail", args=[piece.pk])).status_code == 200
    comments.add_comment(actor=contributor, submission=piece, text="已补充数据")
    assert Notification.objects.filter(recipient=editor, text__contains="已补充数据").exists()


def test_the_editor_does_not_open_a_draft(client_for, editor, draft):
    assert client_for(editor).get(reverse("review_detail", args=[draft.pk])).status_code == 404


@pytest.mark.parametrize("typed", ["李\n四", "李\r\n四", "李\t四"])
def test_a_signer_name_on_two_lines_is_refused(client_for, contributor, draft, typed):
    response = client_for(contributor).post(reverse("piece_submit", args=[draft.pk]), {"signer_name": typed})
    assert "签发人只填一个姓名，不能换行" in response.content.decode()
    assert Submission.objects.get(pk=draft.pk).status == S.DRAFT


def test_a_refused_submit_keeps_what_was_typed(client_for, contributor, draft):
    client = client_for(contributor)
    too_long = "李" * 33
    page = client.post(reverse("piece_submit", args=[draft.pk]), {"signer_name": too_long}).content.decode()
    assert "签发人姓名不能超过 32 字" in page and f'value="{too_long}"' in page
    # Refused by the action (empty body): the typed name stays as well.
    Submission.objects.filter(pk=draft.pk).update(body="")
    page = client.post(reverse("piece_submit", args=[draft.pk]), {"signer_name": "张三丰"}).content.decode()
    assert "正文为空" in page and 'value="张三丰"' in page
    assert Submission.objects.get(pk=draft.pk).status == S.DRAFT
