"""每日汇总: the e-mails held back for a person, sent once a day in one message, with an
editor's counts of pieces waiting for review and overdue 约稿."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Unit
from messaging.actions.deliveries import prune_deliveries
from messaging.actions.preferences import change_notification_settings
from messaging.models import Delivery, MessageKind
from service.models import DailyJobRun
from service.scheduler import claim, execute
from submissions import digest
from submissions.actions import commissions
from tests.issue_helpers import submitted_piece

pytestmark = pytest.mark.django_db


def on_digest(user, address: str) -> None:
    user.email = address
    user.save()
    change_notification_settings(
        actor=user, user=user, mobile="", zzd_account_id="", daily_digest=True, choices={}
    )


@pytest.fixture
def day_of_news(editor, contributor, django_capture_on_commit_callbacks):
    """The editor and the contributor chose 每日汇总; a piece was submitted (the editor is told)
    and a 约稿 sent to 西湖区 (the contributor is told), due in two days."""
    on_digest(editor, "bianji@example.gov.cn")
    on_digest(contributor, "xihu@example.gov.cn")
    deadline = timezone.localdate() + datetime.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        submitted_piece(contributor, "西湖区开展代表进站活动")
        commissions.create_commission(
            actor=editor,
            topic="优化营商环境",
            requirements="",
            deadline=deadline,
            units=[Unit.objects.get(short_name="西湖区")],
        )
    return deadline


def run_digests(django_capture_on_commit_callbacks, day: datetime.date) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_digests", "--date", day.isoformat(), stdout=io.StringIO())


def mail_for(address: str):
    [message] = [m for m in mail.outbox if m.to == [address]]
    return message


def test_people_on_the_digest_get_one_mail_a_day(
    day_of_news, editor, contributor, django_capture_on_commit_callbacks
):
    assert mail.outbox == []  # nothing single by mail
    held = Delivery.objects.filter(status=Delivery.Status.HELD)
    assert set(held.values_list("user_id", flat=True)) == {editor.pk, contributor.pk}

    day = day_of_news + datetime.timedelta(days=1)  # the 约稿 is overdue that day
    run_digests(django_capture_on_commit_callbacks, day)
    assert len(mail.outbox) == 2
    to_editor = mail_for("bianji@example.gov.cn")
    assert to_editor.subject.startswith(f"【杭州人大信息】每日汇总（{day.month}月{day.day}日）")
    assert "待审稿件 1 篇；逾期未报的约稿 1 个。" in to_editor.body
    assert "【稿件往来（报送、退回、采用、签发）】" in to_editor.body
    assert "西湖区开展代表进站活动" in to_editor.body
    to_contributor = mail_for("xihu@example.gov.cn")
    assert "新约稿：优化营商环境" in to_contributor.body
    assert "待审稿件" not in to_contributor.body  # the counts are for editors
    assert "/notifications/settings/" in to_contributor.body

    assert not Delivery.objects.filter(status=Delivery.Status.HELD).exists()
    digested = Delivery.objects.filter(status=Delivery.Status.DIGESTED, user=editor).get()
    carrier = Delivery.objects.get(user=editor, kind=MessageKind.DIGEST)
    assert carrier.channel == "email" and carrier.status == Delivery.Status.SENT
    assert digested.answer == f"已并入每日汇总（送达记录 {carrier.pk}）"
    # No in-app row for the digest: each item had its notice already.
    assert not Delivery.objects.filter(kind=MessageKind.DIGEST, channel="inapp").exists()

    # Run again the same day: nothing twice.
    run_digests(django_capture_on_commit_callbacks, day)
    assert len(mail.outbox) == 2


def test_a_person_not_on_the_digest_gets_single_mails(
    editor, contributor, django_capture_on_commit_callbacks
):
    editor.email = "bianji@example.gov.cn"
    editor.save()
    with django_capture_on_commit_callbacks(execute=True):
        submitted_piece(contributor, "西湖区开展代表进站活动")
    assert [m.to for m in mail.outbox] == [["bianji@example.gov.cn"]]
    mail.outbox.clear()
    run_digests(django_capture_on_commit_callbacks, timezone.localdate())
    assert mail.outbox == []


def test_an_editor_with_nothing_held_still_gets_the_counts(
    editor, contributor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submitted_piece(contributor, "一篇待审稿件")
    on_digest(editor, "bianji@example.gov.cn")
    mail.outbox.clear()
    run_digests(django_capture_on_commit_callbacks, timezone.localdate())
    body = mail_for("bianji@example.gov.cn").body
    assert "待审稿件 1 篇；逾期未报的约稿 0 个。" in body
    assert "自上次汇总以来没有新的通知。" in body


def test_a_registered_section_adds_its_lines(monkeypatch, editor, django_capture_on_commit_callbacks):
    # The place unsigned distributions will use: a function an app above registers.
    monkeypatch.setattr(digest, "sections", [lambda user, today: [f"分送未签收 2 份（{user.username}）"]])
    on_digest(editor, "bianji@example.gov.cn")
    run_digests(django_capture_on_commit_callbacks, timezone.localdate())
    assert "分送未签收 2 份（bianji）" in mail_for("bianji@example.gov.cn").body


def test_the_digest_is_a_daily_job_of_the_scheduler(
    settings, day_of_news, django_capture_on_commit_callbacks
):
    assert "send_digests" in settings.BULLETIN_DAILY_JOBS
    run = claim("send_digests", timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        run = execute(run)
    assert run.outcome == DailyJobRun.Outcome.DONE, run.output
    assert "已发送每日汇总 2 份，并入通知 2 条" in run.output
    assert sorted(m.to[0] for m in mail.outbox) == ["bianji@example.gov.cn", "xihu@example.gov.cn"]


def test_pruning_keeps_what_waits_for_a_digest(editor, contributor, django_capture_on_commit_callbacks):
    on_digest(editor, "bianji@example.gov.cn")
    with django_capture_on_commit_callbacks(execute=True):
        submitted_piece(contributor, "西湖区开展代表进站活动")
    later = timezone.now() + datetime.timedelta(days=1)
    prune_deliveries(before=later)
    assert Delivery.objects.filter(user=editor, status=Delivery.Status.HELD).count() == 1
    run_digests(django_capture_on_commit_callbacks, timezone.localdate())
    prune_deliveries(before=later)
    assert not Delivery.objects.filter(user=editor, status=Delivery.Status.DIGESTED).exists()
