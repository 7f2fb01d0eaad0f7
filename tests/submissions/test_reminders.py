"""manage.py send_reminders with a fixed clock: each reminder once per cause and day."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import Role, Unit
from assessment.actions import quotas
from submissions.actions import commissions, pieces
from submissions.models import Commission, Notification, Reminder, Submission
from tests.issue_helpers import submitted_piece

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2030, 3, 29)


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def run(day: datetime.date) -> str:
    out = io.StringIO()
    call_command("send_reminders", "--date", day.isoformat(), stdout=out)
    return out.getvalue()


def texts(user) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("text", flat=True))


@pytest.fixture
def world(editor, contributor, other_contributor, make_user):
    """西湖区 (with a 审核人) and 萧山区 owe things on 2030-03-29."""
    for user in (editor, contributor, other_contributor):
        user.email = f"{user.username}@example.org"
        user.save()
    reviewer = make_user(Role.REVIEWER, "西湖区", username="shenhe", email="shenhe@example.org")
    xihu, xiaoshan = contributor.unit, other_contributor.unit
    soon = commissions.create_commission(
        actor=editor, topic="营商环境", requirements="", deadline=timezone.localdate(), units=[xihu, xiaoshan]
    )
    late = commissions.create_commission(
        actor=editor, topic="代表联络站", requirements="", deadline=timezone.localdate(), units=[xihu]
    )
    far = commissions.create_commission(
        actor=editor, topic="很久以后", requirements="", deadline=timezone.localdate(), units=[xihu]
    )
    Commission.objects.filter(pk=soon.pk).update(deadline=D(2030, 3, 31))
    Commission.objects.filter(pk=late.pk).update(deadline=D(2030, 3, 25))
    Commission.objects.filter(pk=far.pk).update(deadline=D(2030, 4, 30))
    # 萧山区 answered 营商环境: it is not reminded of it.
    answer = pieces.create_draft(actor=other_contributor, commission=soon, title="萧山应约", body="<p>x</p>")
    pieces.submit(actor=other_contributor, submission=answer, signer_name="李建华")
    quotas.set_quota(
        actor=editor, unit_kind=Unit.Kind.DISTRICT, period="month", count=2, starts=D(2030, 3, 1)
    )
    # 萧山区 met March's quota (two pieces first submitted in March 2030).
    Submission.objects.filter(unit=xiaoshan).update(first_submitted_at=at(D(2030, 3, 5)))
    submitted_piece(other_contributor, "萧山三月二")
    Submission.objects.filter(unit=xiaoshan).update(
        first_submitted_at=at(D(2030, 3, 5)), submitted_at=at(D(2030, 3, 27))
    )
    # A piece returned to 西湖区 whose 修改期限 is tomorrow.
    returned = pieces.create_draft(actor=contributor, title="退回稿", body="<p>x</p>")
    Submission.objects.filter(pk=returned.pk).update(status="returned", revision_due=D(2030, 3, 30))
    # A piece waiting for the editor since 2030-03-20, one waiting for 审签 as long.
    waiting = submitted_piece(other_contributor, "久等稿")
    Submission.objects.filter(pk=waiting.pk).update(
        submitted_at=at(D(2030, 3, 20)), first_submitted_at=at(D(2030, 3, 20))
    )
    pending = pieces.create_draft(actor=contributor, title="待审签稿", body="<p>x</p>")
    pieces.submit(actor=contributor, submission=pending)
    Submission.objects.filter(pk=pending.pk).update(updated_at=at(D(2030, 3, 20)))
    Notification.objects.all().delete()
    mail.outbox.clear()
    return {"reviewer": reviewer}


def test_each_reminder_once_per_cause_and_day(
    world, editor, contributor, other_contributor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = run(TODAY)
    assert "已发送提醒 6 条" in first
    xihu = texts(contributor)
    assert len(xihu) == 4
    assert any("“营商环境”将于3月31日截止（还有2天）" in t for t in xihu)
    assert any("“代表联络站”已于3月25日截止（逾期4天）" in t for t in xihu)
    assert not any("很久以后" in t for t in xihu)
    assert any("2030年3月应报2篇，已报0篇，还差2篇" in t for t in xihu)
    assert any("《退回稿》的修改期限将于3月30日截止" in t for t in xihu)
    assert texts(other_contributor) == []  # answered, and its quota is met
    assert texts(editor) == ["待审提醒：1篇稿件报送已超过3天仍待审核，最早的是《久等稿》（3月20日报送）。"]
    assert texts(world["reviewer"]) == ["审签提醒：本单位有1篇稿件提交审签已超过3天，请及时签发或退回。"]
    assert len(mail.outbox) == 6 and mail.outbox[0].to

    # The same day again: nothing is sent twice.
    with django_capture_on_commit_callbacks(execute=True):
        second = run(TODAY)
    assert "已发送提醒 0 条" in second
    assert Notification.objects.count() == 6 and len(mail.outbox) == 6
    assert Reminder.objects.filter(date=TODAY).count() == 6

    # The next day the still-open causes are reminded again, once.
    run(TODAY + datetime.timedelta(days=1))
    assert len(texts(contributor)) == 8


def test_a_quota_period_that_ended_short_is_told_once(world, contributor):
    run(D(2030, 4, 1))
    run(D(2030, 4, 2))
    missed = [t for t in texts(contributor) if "漏报" in t]
    assert missed == ["报送任务：2030年3月应报2篇，实报0篇，漏报2篇，将按计分办法扣分。"]


def test_overdue_reminders_stop_after_the_window(world, contributor, settings):
    settings.BULLETIN_REMINDER_OVERDUE_DAYS = 2
    run(TODAY)
    assert not any("代表联络站" in t for t in texts(contributor))


def test_command_refuses_a_bad_date():
    with pytest.raises(CommandError, match="日期格式不正确"):
        call_command("send_reminders", "--date", "2030-13-01")


def test_reminders_are_visible_in_notifications(world, contributor, client_for):
    from django.urls import reverse

    run(TODAY)
    page = client_for(contributor).get(reverse("notification_list")).content.decode()
    assert "约稿提醒" in page and "报送任务提醒" in page


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1989-12-31", "2100-01-01"])
def test_command_refuses_a_date_out_of_range(day):
    with pytest.raises(CommandError, match="日期应在 1990 年至 2099 年之间"):
        call_command("send_reminders", "--date", day)


def test_pending_pieces_of_a_unit_without_reviewer_are_told_to_its_writers(editor, contributor, make_user):
    reviewer = make_user(Role.REVIEWER, "西湖区", username="shenhe")
    piece = pieces.create_draft(actor=contributor, title="待审签稿", body="<p>x</p>")
    pieces.submit(actor=contributor, submission=piece)
    reviewer.is_active = False
    reviewer.save()
    today = timezone.localdate()
    run(today)
    run(today)
    told = [t for t in texts(contributor) if "已没有在职的审核人" in t]
    assert len(told) == 1 and "1篇" in told[0]
    assert not Notification.objects.filter(recipient=reviewer).exclude(text__contains="待您审签").exists()
