"""What a reviewer asks the audit log for: 约稿 made, changed, chased and cancelled; comments;
refused requests (403 and CSRF, counted rather than one row each in a flood); downloads of
source files and PDFs; the server's commands (backup, restore, unlocks)."""

import datetime
import io

import pytest
from axes.models import AccessAttempt
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Unit
from audit import refusals
from audit.models import AuditEntry, RefusalTally
from audit.operators import os_operator
from audit.verification import verify
from bulletin.actions.issues import create_issue
from bulletin.actions.publishing import publish_issue
from bulletin.models import Publication
from submissions.actions.comments import add_comment
from submissions.actions.commissions import (
    cancel_commission,
    create_commission,
    remind_commission,
    update_commission,
)
from tests.issue_helpers import adopted_piece, place, submitted_piece

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def rows(kind: str):
    return AuditEntry.objects.filter(kind=kind).order_by("id")


def test_commissions_are_recorded_when_made_changed_chased_and_cancelled(editor, contributor):
    xihu, xiaoshan = Unit.objects.get(short_name="西湖区"), Unit.objects.get(short_name="萧山区")
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    commission = create_commission(
        actor=editor, topic="优化营商环境", requirements="千字以内", deadline=deadline, units=[xihu]
    )
    created = rows("commission_created").get()
    assert created.actor == editor and created.object_id == str(commission.pk)
    assert created.after == {"topic": "优化营商环境", "deadline": deadline.isoformat(), "units": ["西湖区"]}
    update_commission(
        actor=editor,
        commission=commission,
        topic="优化营商环境",
        requirements="千字以内",
        deadline=deadline + datetime.timedelta(days=2),
        units=[xihu, xiaoshan],
    )
    changed = rows("commission_changed").get()
    assert changed.before["units"] == ["西湖区"] and sorted(changed.after["units"]) == ["萧山区", "西湖区"]
    assert changed.after["deadline"] == (deadline + datetime.timedelta(days=2)).isoformat()
    remind_commission(actor=editor, commission=commission, units=[xihu])
    reminded = rows("commission_reminded").get()
    assert reminded.actor == editor and reminded.after == {
        "units": ["西湖区"],
        "unreachable": [],
        "reached": {"西湖区": "已发送（站内）"},
    }
    cancel_commission(actor=editor, commission=commission, note="议题调整")
    cancelled = rows("commission_cancelled").get()
    assert cancelled.actor == editor and cancelled.message == "议题调整"


def test_the_daily_reminder_of_a_commission_is_recorded(editor, contributor):
    xihu = Unit.objects.get(short_name="西湖区")
    create_commission(
        actor=editor,
        topic="基层立法联系点",
        requirements="",
        deadline=timezone.localdate() + datetime.timedelta(days=1),
        units=[xihu],
    )
    call_command("send_reminders", stdout=io.StringIO())
    reminded = rows("commission_reminded").get()
    assert (
        reminded.actor is None and reminded.actor_name == "系统" and reminded.after == {"units": ["西湖区"]}
    )


def test_comments_are_recorded(editor, contributor):
    piece = submitted_piece(contributor, "留言稿")
    add_comment(actor=editor, submission=piece, text="请补充数据来源。")
    row = rows("comment_added").get()
    assert (row.actor, row.object_id, row.message) == (editor, str(piece.pk), "请补充数据来源。")


def test_a_refused_request_is_recorded_and_a_flood_is_counted_not_written(client_for, contributor):
    client = client_for(contributor)
    url = reverse("review_queue")
    for _ in range(50):
        assert client.get(url).status_code == 403
    first = rows("request_refused").get()
    assert first.actor == contributor and first.after == {"method": "GET", "path": url}
    assert RefusalTally.objects.get().count == 50
    # Once the minute is over, the other 49 are one summary row (the worker's heartbeat).
    assert refusals.flush(now=timezone.now() + datetime.timedelta(minutes=2)) == 1
    summary = rows("request_refused").last()
    assert summary.actor == contributor and summary.after["count"] == 50 and "其余 49 次" in summary.message
    assert not RefusalTally.objects.exists()
    assert verify().broken is None


def test_a_flood_over_many_paths_stays_bounded(client_for, contributor):
    client = client_for(contributor)
    for n in range(1, 61):
        assert client.get(reverse("review_detail", args=[n])).status_code == 403
    refused = AuditEntry.objects.filter(kind="request_refused")
    assert refused.count() == refusals.MAX_PATHS_PER_MINUTE + 1  # 20 paths, then the rest together
    assert refused.order_by("id").last().object_label == reverse(
        "review_detail", args=[refusals.MAX_PATHS_PER_MINUTE + 1]
    )
    assert RefusalTally.objects.get(path=refusals.OTHER_PATHS).count == 60 - refusals.MAX_PATHS_PER_MINUTE


def test_a_csrf_failure_is_recorded(contributor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(contributor)
    response = client.post(reverse("piece_create"), {"title": "x"})
    assert response.status_code == 403
    row = rows("csrf_refused").get()
    assert row.actor == contributor and "CSRF" in row.message
    assert not rows("request_refused").exists()  # one row, not two


def test_an_anonymous_csrf_failure_is_recorded_by_address():
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.9")
    assert client.post(reverse("login"), {"username": "a", "password": "b"}).status_code == 403
    row = rows("csrf_refused").get()
    assert row.actor is None and row.address == "203.0.113.9"


def test_downloading_a_source_file_is_recorded(client_for, contributor):
    piece = submitted_piece(contributor, "来源稿")
    piece.source_docx.save("稿.docx", ContentFile(b"PK\x03\x04 not really a docx"), save=True)
    response = client_for(contributor).get(reverse("piece_source", args=[piece.pk]))
    assert response.status_code == 200
    b"".join(response.streaming_content)
    row = rows("file_downloaded").get()
    assert row.actor == contributor and row.object_id == str(piece.pk) and "Word" in row.message


def test_downloading_an_archived_pdf_is_recorded_and_a_revalidation_is_not(
    client_for, editor, contributor, reader
):
    issue = create_issue(
        actor=editor,
        publication=Publication.objects.get(),
        date=timezone.localdate(),
        number=1,
        total_number=704,
    )
    place(editor, issue, adopted_piece(editor, contributor, "第一篇"), "助力攻坚")
    publish_issue(actor=editor, issue=issue)
    client = client_for(reader)
    response = client.get(reverse("archive_pdf", args=[issue.pk]))
    assert response.status_code == 200
    b"".join(response.streaming_content)
    row = rows("file_downloaded").get()
    assert row.actor == reader and row.object_id == str(issue.pk) and row.after["pdf_version"] == 1
    again = client.get(reverse("archive_pdf", args=[issue.pk]), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and rows("file_downloaded").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the backup reads on its own connection
def test_backup_and_restore_commands_are_recorded_with_the_os_user(tmp_path):
    call_command("backup", str(tmp_path / "b.tar"), stdout=io.StringIO())
    row = rows("backup").get()
    assert row.actor is None and row.actor_name == os_operator() and row.after["ok"] is True
    assert "manage.py backup" in row.message
    with pytest.raises(CommandError):
        call_command("restore", str(tmp_path / "missing.tar"), stdout=io.StringIO())
    failed = rows("restore").get()
    assert failed.after["ok"] is False and failed.message.startswith("失败")


def test_unlocks_are_recorded_with_the_os_user():
    AccessAttempt.objects.create(
        username="xihu",
        ip_address="203.0.113.5",
        user_agent="t",
        failures_since_start=5,
        get_data="",
        post_data="",
    )
    call_command("axes_reset_username", "xihu", stdout=io.StringIO())
    assert not AccessAttempt.objects.exists()
    row = rows("login_unlocked").get()
    assert row.actor_name == os_operator() and row.object_label == "xihu"
    assert row.after == {"command": "axes_reset_username", "username": ["xihu"]}
    call_command("axes_reset_ip_username", "203.0.113.5", "xihu", stdout=io.StringIO())
    assert rows("login_unlocked").last().object_label == "xihu、203.0.113.5"
    call_command("axes_reset", stdout=io.StringIO())
    assert rows("login_unlocked").count() == 3
