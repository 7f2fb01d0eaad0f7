"""约稿 tracked per unit: 待报 / 已报 / 逾期, edit, cancel with a note, 催报 one or all."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, Unit
from assessment.periods import Period
from assessment.stats import unit_report
from submissions import queries
from submissions.actions import commissions, common, pieces
from submissions.models import Commission, Notification, Reminder, Submission

pytestmark = pytest.mark.django_db


def unit(name: str) -> Unit:
    return Unit.objects.get(short_name=name)


@pytest.fixture
def commission(editor, contributor, other_contributor):
    return commissions.create_commission(
        actor=editor,
        topic="优化营商环境",
        requirements="1500 字以内",
        deadline=timezone.localdate() + datetime.timedelta(days=5),
        units=[unit("西湖区"), unit("萧山区"), unit("滨江区")],
    )


def answer(contributor, commission, title="应约稿"):
    piece = pieces.create_draft(actor=contributor, commission=commission, title=title, body="<p>x</p>")
    return pieces.submit(actor=contributor, submission=piece, signer_name="李建华")


def states(commission) -> dict:
    return {row.unit.short_name: row.state for row in queries.commission_table(commission)}


def test_per_unit_states_link_the_answering_pieces(commission, contributor):
    assert states(commission) == {"西湖区": "待报", "萧山区": "待报", "滨江区": "待报"}
    # A draft is not an answer yet.
    draft = pieces.create_draft(actor=contributor, commission=commission, title="草稿", body="<p>x</p>")
    assert states(commission)["西湖区"] == "待报"
    piece = pieces.submit(actor=contributor, submission=draft, signer_name="李建华")
    rows = {row.unit.short_name: row for row in queries.commission_table(commission)}
    assert rows["西湖区"].state == "已报" and rows["西湖区"].pieces == [piece]
    Commission.objects.filter(pk=commission.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    commission.refresh_from_db()
    assert states(commission) == {"西湖区": "逾期报送", "萧山区": "逾期", "滨江区": "逾期"}


def test_edit_topic_deadline_and_units(commission, editor, contributor, other_contributor, make_user):
    binjiang = make_user(Role.CONTRIBUTOR, "滨江区")
    fuyang = make_user(Role.CONTRIBUTOR, "富阳区")
    answer(contributor, commission)
    with pytest.raises(common.SubmissionActionError, match="西湖区已有应约稿件"):
        commissions.update_commission(
            actor=editor,
            commission=commission,
            topic="新主题",
            requirements="",
            deadline=commission.deadline,
            units=[unit("萧山区")],
        )
    new_deadline = commission.deadline + datetime.timedelta(days=3)
    commissions.update_commission(
        actor=editor,
        commission=commission,
        topic="  优化 营商环境（修订）",
        requirements="2000 字以内",
        deadline=new_deadline,
        units=[unit("西湖区"), unit("萧山区"), unit("富阳区")],
    )
    commission.refresh_from_db()
    assert commission.topic == "优化 营商环境（修订）" and commission.deadline == new_deadline
    assert set(commission.units.values_list("short_name", flat=True)) == {"西湖区", "萧山区", "富阳区"}
    assert Notification.objects.filter(recipient=fuyang, text__startswith="新约稿").exists()
    # Only the unit still to answer hears of the new deadline.
    assert Notification.objects.filter(recipient=other_contributor, text__contains="截止日期改为").exists()
    assert not Notification.objects.filter(recipient=contributor, text__contains="截止日期改为").exists()
    assert not Notification.objects.filter(recipient=binjiang, text__contains="截止日期改为").exists()


def test_cancel_needs_a_note_and_stops_everything(commission, editor, contributor):
    with pytest.raises(common.SubmissionActionError, match="原因"):
        commissions.cancel_commission(actor=editor, commission=commission, note=" ")
    commissions.cancel_commission(actor=editor, commission=commission, note="议题调整")
    commission.refresh_from_db()
    assert commission.cancelled_at and commission.cancel_note == "议题调整"
    assert Notification.objects.filter(recipient=contributor, text__contains="已撤销：议题调整").exists()
    assert commission not in queries.open_commissions_for_unit(contributor.unit)
    with pytest.raises(common.SubmissionActionError, match="已撤销"):
        commissions.remind_commission(actor=editor, commission=commission)
    with pytest.raises(common.SubmissionActionError, match="已撤销"):
        pieces.create_draft(actor=contributor, commission=commission, title="x", body="<p>x</p>")
    # A cancelled commission costs nobody points once its deadline has passed.
    Commission.objects.filter(pk=commission.pk).update(deadline=datetime.date(2024, 6, 30))
    row = next(r for r in unit_report(Period.year(2024)).rows if r.unit.short_name == "萧山区")
    assert row.missed == 0


def test_remind_one_or_all_units_not_answered_once_a_day(commission, editor, contributor, other_contributor):
    answer(contributor, commission)
    with pytest.raises(common.SubmissionActionError, match="都已应约"):
        commissions.remind_commission(actor=editor, commission=commission, units=[unit("西湖区")])
    reminded = commissions.remind_commission(actor=editor, commission=commission, units=[unit("萧山区")])
    assert [(r.unit, r.label) for r in reminded] == [(unit("萧山区"), "已发送（站内）")]
    assert Notification.objects.filter(recipient=other_contributor, text__startswith="催报").count() == 1
    # All units not answered: 萧山区 was reminded today already, 滨江区 has no account and no
    # contact — two named states, not one message for both.
    again = commissions.remind_commission(actor=editor, commission=commission)
    assert {r.unit.short_name: r.label for r in again} == {
        "萧山区": "今日已提醒",
        "滨江区": "无法送达：未登记联系方式",
    }
    assert Notification.objects.filter(recipient=other_contributor, text__startswith="催报").count() == 1
    assert Reminder.objects.filter(recipient=other_contributor).count() == 1
    with pytest.raises(common.SubmissionActionError, match="只能向约稿单位催报"):
        commissions.remind_commission(actor=editor, commission=commission, units=[unit("富阳区")])


@pytest.mark.parametrize("fixture", ["contributor", "reader"])
def test_only_editors_manage_commissions(request, commission, fixture):
    actor = request.getfixturevalue(fixture)
    with pytest.raises(PermissionDenied):
        commissions.cancel_commission(actor=actor, commission=commission, note="x")
    with pytest.raises(PermissionDenied):
        commissions.remind_commission(actor=actor, commission=commission)
    with pytest.raises(PermissionDenied):
        commissions.update_commission(
            actor=actor,
            commission=commission,
            topic="x",
            requirements="",
            deadline=commission.deadline,
            units=[],
        )


def test_unit_sees_an_overdue_commission_it_has_not_answered(commission, contributor, client_for):
    Commission.objects.filter(pk=commission.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=2)
    )
    page = client_for(contributor).get(reverse("unit_home")).content.decode()
    assert "优化营商环境" in page and "已逾期" in page


# --- pages ---------------------------------------------------------------------


def test_commission_page_edit_cancel_remind(
    client_for, commission, editor, contributor, other_contributor, reader
):
    assert client_for(reader).get(reverse("commission_detail", args=[commission.pk])).status_code == 403
    assert client_for(contributor).get(reverse("commission_detail", args=[commission.pk])).status_code == 403
    answer(contributor, commission, "西湖区应约稿")
    client = client_for(editor)
    page = client.get(reverse("commission_detail", args=[commission.pk])).content.decode()
    assert "西湖区应约稿" in page and "已报" in page and "待报" in page and "催报全部未报单位（2）" in page
    # The edit form starts from the commission as it is (the date input needs ISO dates).
    assert f'value="{commission.deadline.isoformat()}"' in page
    response = client.post(
        reverse("commission_remind", args=[commission.pk]), {"unit": unit("萧山区").pk}, follow=True
    )
    assert "萧山区：已发送（站内）" in response.content.decode()
    response = client.post(reverse("commission_remind", args=[commission.pk]), {"unit": "abc"}, follow=True)
    assert "只能向约稿单位催报" in response.content.decode()
    response = client.post(
        reverse("commission_detail", args=[commission.pk]),
        {
            "topic": "新主题",
            "requirements": "",
            "deadline": "2020-01-01",
            "units": [unit("西湖区").pk],
        },
    )
    assert "截止日期不能早于今天" in response.content.decode()
    response = client.post(reverse("commission_cancel", args=[commission.pk]), {"note": ""}, follow=True)
    assert "请写明撤销原因" in response.content.decode()
    response = client.post(
        reverse("commission_cancel", args=[commission.pk]), {"note": "议题调整"}, follow=True
    )
    assert "已撤销" in response.content.decode()
    listing = client.get(reverse("commission_list")).content.decode()
    assert "已撤销" in listing


def test_commission_pages_query_counts_do_not_grow(
    client_for, editor, contributor, other_contributor, django_assert_max_num_queries
):
    def make(n: int):
        for i in range(n):
            c = commissions.create_commission(
                actor=editor,
                topic=f"约稿{Commission.objects.count()}",
                requirements="",
                deadline=timezone.localdate(),
                units=[contributor.unit, other_contributor.unit, unit("滨江区")],
            )
            answer(contributor, c, f"应约{c.pk}-{i}")
        return c

    first = make(1)
    client = client_for(editor)
    with django_assert_max_num_queries(40) as list_few:
        client.get(reverse("commission_list"))
    with django_assert_max_num_queries(40) as detail_few:
        client.get(reverse("commission_detail", args=[first.pk]))
    make(6)
    for i in range(5):
        answer(contributor, first, f"再应约{i}")
        answer(other_contributor, first, f"萧山应约{i}")
    client = client_for(editor)
    with django_assert_max_num_queries(len(list_few.captured_queries)):
        client.get(reverse("commission_list"))
    with django_assert_max_num_queries(len(detail_few.captured_queries)):
        client.get(reverse("commission_detail", args=[first.pk]))


# --- review 14a: ids that are not ids, far deadlines, answers under way, cancelled 约稿 -----


@pytest.mark.parametrize("value", ["²", "١", "1.0", "abc", " "])
def test_remind_with_a_unit_that_is_not_an_id_is_refused_politely(client_for, commission, editor, value):
    """Any text for which str.isdigit() holds but int() fails (superscripts) is refused too."""
    page = client_for(editor).post(
        reverse("commission_remind", args=[commission.pk]), {"unit": value}, follow=True
    )
    assert page.status_code == 200
    assert "只能向约稿单位催报" in page.content.decode()
    assert not Reminder.objects.exists()


@pytest.mark.parametrize("value", ["abc", "1.0", "²", "%C2%B2", "-1", "99999999999999999999"])
def test_answer_link_with_a_bad_commission_is_404(client_for, commission, contributor, value):
    client = client_for(contributor)
    assert client.get(reverse("piece_create") + f"?commission={value}").status_code == 404
    posted = client.post(reverse("piece_create"), {"commission": value, "title": "x", "body": "<p>x</p>"})
    assert posted.status_code == 404


@pytest.mark.parametrize(
    ("typed", "message"),
    [("9999-12-31", "截止日期不能晚于一年以后"), ("0001-01-01", "截止日期不能早于今天")],
)
def test_far_deadlines_are_refused_on_create_and_edit(client_for, commission, editor, typed, message):
    client = client_for(editor)
    data = {"topic": "新约稿", "requirements": "", "deadline": typed, "units": [unit("西湖区").pk]}
    page = client.post(reverse("commission_list"), data).content.decode()
    assert message in page and Commission.objects.count() == 1
    page = client.post(reverse("commission_detail", args=[commission.pk]), data).content.decode()
    assert message in page
    commission.refresh_from_db()
    assert commission.topic == "优化营商环境"


def test_a_unit_with_an_answer_under_way_cannot_be_taken_off(commission, editor, contributor, make_user):
    """A draft made through 应约写稿, or an answer waiting for 审签, stays tied to the commission."""
    make_user(Role.REVIEWER, "西湖区", username="xihu_shenhe")
    piece = pieces.create_draft(actor=contributor, commission=commission, title="应约稿", body="<p>x</p>")
    keep = {"topic": commission.topic, "requirements": "", "deadline": commission.deadline}
    with pytest.raises(common.SubmissionActionError, match="西湖区已有应约稿件"):
        commissions.update_commission(actor=editor, commission=commission, units=[unit("萧山区")], **keep)
    pieces.submit(actor=contributor, submission=piece)  # → 待审签
    with pytest.raises(common.SubmissionActionError, match="西湖区已有应约稿件"):
        commissions.update_commission(actor=editor, commission=commission, units=[unit("萧山区")], **keep)
    assert set(commission.units.values_list("short_name", flat=True)) == {"西湖区", "萧山区", "滨江区"}
    # Withdrawn, it is no answer any more: the unit may be taken off.
    pieces.withdraw(actor=contributor, submission=piece)
    commissions.update_commission(
        actor=editor, commission=commission, units=[unit("西湖区"), unit("萧山区")], **keep
    )


def test_units_taken_off_are_told(commission, editor, contributor, other_contributor):
    commissions.update_commission(
        actor=editor,
        commission=commission,
        topic="优化营商环境（调整）",
        requirements="",
        deadline=commission.deadline,
        units=[unit("西湖区")],
    )
    told = Notification.objects.get(recipient=other_contributor, text__contains="不再向本单位约稿")
    assert "优化营商环境" in told.text
    assert not Notification.objects.filter(recipient=contributor, text__contains="不再向本单位约稿").exists()


def test_a_cancelled_commission_cannot_be_answered(client_for, commission, editor, contributor):
    commissions.cancel_commission(actor=editor, commission=commission, note="另行安排")
    client = client_for(contributor)
    page = client.get(reverse("piece_create") + f"?commission={commission.pk}", follow=True)
    assert "已撤销" in page.content.decode() and page.redirect_chain[-1][0] == reverse("unit_home")
    client.post(reverse("piece_create"), {"commission": commission.pk, "title": "应约", "body": "<p>x</p>"})
    assert not Submission.objects.filter(commission=commission).exists()


@pytest.mark.parametrize("value", ["abc", "1.5", "99999999999999999999"])
def test_a_tampered_commission_link_is_not_found_not_an_error(client_for, contributor, commission, value):
    page = client_for(contributor).get(reverse("piece_create"), {"commission": value})
    assert page.status_code == 404
