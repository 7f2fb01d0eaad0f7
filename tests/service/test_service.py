"""/healthz, the daily-job scheduler, settings read from the environment, and conditional
GET for published issues."""

import datetime
import hashlib

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from bulletin.actions.issues import create_issue
from bulletin.actions.publishing import correct_issue, publish_issue
from bulletin.models import Publication
from service import scheduler
from service.models import DailyJobRun, WorkerHeartbeat
from tests.issue_helpers import adopted_piece, edit_piece_as_editor, place

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def beat(seconds_ago: float) -> WorkerHeartbeat:
    now = timezone.now()
    return WorkerHeartbeat.objects.create(
        worker_id=f"w{seconds_ago}",
        hostname="web1",
        pid=1,
        started_at=now,
        seen_at=now - datetime.timedelta(seconds=seconds_ago),
    )


def test_healthz_is_503_without_a_live_worker_and_200_with_one(client):
    response = client.get("/healthz")
    report = response.json()
    assert response.status_code == 503 and not report["ok"]
    assert report["checks"]["database"]["ok"] and report["checks"]["storage"]["ok"]
    assert "run_worker" in report["checks"]["worker"]["error"]

    beat(seconds_ago=300)  # a worker that went silent five minutes ago
    report = client.get("/healthz").json()
    assert not report["checks"]["worker"]["ok"] and report["checks"]["worker"]["last_seen_s"] >= 300

    beat(seconds_ago=5)
    response = client.get("/healthz")
    report = response.json()
    assert response.status_code == 200 and report["ok"]
    assert report["checks"]["worker"]["workers"] == 1
    assert set(report["checks"]["queue"]) == {"ok", "waiting", "running", "oldest_wait_s"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_reports_queue_depth(settings, client):
    from bulletin.tasks import render_draft

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    render_draft.enqueue(issue_id=1)
    render_draft.enqueue(issue_id=2)
    assert client.get("/healthz").json()["checks"]["queue"]["waiting"] == 2


def test_daily_jobs_run_once_a_day_and_a_missing_command_is_skipped(settings):
    settings.BULLETIN_DAILY_JOBS = {"no_such_command_here": "03:00", "check": "23:00"}
    morning = timezone.make_aware(datetime.datetime(2026, 5, 4, 8, 0))
    assert scheduler.due_jobs(morning) == ["no_such_command_here"]
    # The immediate backend runs the job at once: skipped, with the reason recorded.
    assert scheduler.enqueue_due_jobs(morning) == ["no_such_command_here"]
    run = DailyJobRun.objects.get(job="no_such_command_here")
    assert run.outcome == DailyJobRun.Outcome.SKIPPED and "不存在" in run.output
    assert scheduler.enqueue_due_jobs(morning) == []  # taken for the day: a second worker finds it so

    night = morning.replace(hour=23, minute=30)
    assert scheduler.enqueue_due_jobs(night) == ["check"]
    assert DailyJobRun.objects.get(job="check").outcome == DailyJobRun.Outcome.DONE


def test_the_timer_command_runs_a_job_once_a_day(capsys):
    call_command("run_daily_job", "check")
    call_command("run_daily_job", "check")
    out = capsys.readouterr().out
    assert "完成" in out and "今天已经运行过，跳过" in out
    assert DailyJobRun.objects.filter(job="check").count() == 1


@pytest.fixture
def published(editor, contributor):
    publication = Publication.objects.get(name="杭州人大信息")
    issue = create_issue(
        actor=editor, publication=publication, date=datetime.date(2024, 10, 25), number=15, total_number=703
    )
    place(editor, issue, adopted_piece(editor, contributor, "西湖区：一篇文章"), "助力攻坚")
    issue.refresh_from_db()
    return publish_issue(actor=editor, issue=issue, expected_version=issue.layout_version)


def test_a_stored_pdf_answers_304_to_its_own_etag(published, client_for, reader):
    client = client_for(reader)
    url = reverse("archive_pdf", args=[published.pk])
    response = client.get(url)
    pdf = published.pdfs.get()
    assert response["ETag"] == f'"{pdf.sha256}"' and response["Last-Modified"]
    assert "private" in response["Cache-Control"]
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == pdf.sha256
    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and not again.content
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304


def test_the_issue_page_is_revalidated_and_changes_with_a_correction(published, client_for, editor, reader):
    client = client_for(reader)
    url = reverse("archive_issue", args=[published.pk])
    first = client.get(url)
    etag = first["ETag"]
    assert first.status_code == 200 and etag
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304

    piece = published.placements.get().submission
    edit_piece_as_editor(editor, piece, body="<p>更正后的正文。</p>")
    correct_issue(actor=editor, issue=published, note="更正")
    after = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200 and after["ETag"] != etag
    assert "更正后的正文" in after.content.decode()  # the cached reading text was replaced too
    # Another reader's page differs (their name, their notifications): another ETag.
    assert client_for(editor).get(url)["ETag"] != after["ETag"]


def test_the_issue_page_is_not_revalidated_across_csrf_secrets(published, client_for, editor):
    """After signing in again the CSRF secret changes: a 304 would show the old page whose
    forms (更正, 退出登录) carry a token of the old secret and fail with 403."""
    client = client_for(editor)
    url = reverse("archive_issue", args=[published.pk])
    first = client.get(url)
    assert "csrfmiddlewaretoken" in first.content.decode()
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    client.cookies["csrftoken"] = "N" * 32  # a new secret, as login's rotate_token makes
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and again["ETag"] != first["ETag"]


def test_a_page_showing_one_time_messages_carries_no_validators(published, client_for, editor):
    """A page sent with a flash message must not be revalidated later (If-Modified-Since
    alone would answer 304 and the browser would show that message again from its cache)."""
    client = client_for(editor)
    url = reverse("archive_issue", args=[published.pk])
    redirected = client.post(reverse("issue_publish", args=[published.pk]))
    assert redirected.url == url
    shown = client.get(url)
    assert "这一期已经刊发过了" in shown.content.decode()
    assert not shown.has_header("ETag") and not shown.has_header("Last-Modified")
    assert "no-store" in shown["Cache-Control"]


def test_storage_and_cache_come_from_the_environment(monkeypatch):
    import importlib

    from config import settings as project_settings

    monkeypatch.setenv("BULLETIN_STORAGE_BACKEND", "storages.backends.s3.S3Storage")
    monkeypatch.setenv(
        "BULLETIN_STORAGE_OPTIONS", '{"bucket_name": "bulletin", "endpoint_url": "https://s3.intranet"}'
    )
    monkeypatch.setenv("BULLETIN_CACHE_URL", "redis://10.0.0.5:6379/1")
    try:
        reloaded = importlib.reload(project_settings)
        assert reloaded.STORAGES["default"] == {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": "bulletin", "endpoint_url": "https://s3.intranet"},
        }
        assert reloaded.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
        monkeypatch.setenv("BULLETIN_STORAGE_OPTIONS", "[1, 2]")
        with pytest.raises(Exception, match="JSON 对象"):
            importlib.reload(project_settings)
    finally:
        monkeypatch.undo()
        importlib.reload(project_settings)


def test_nginx_sends_the_pdf_when_x_accel_is_configured(settings, published, client_for, reader):
    settings.BULLETIN_X_ACCEL_PREFIX = "/protected-media/"
    response = client_for(reader).get(reverse("archive_pdf", args=[published.pk]))
    pdf = published.pdfs.get()
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/protected-media/{pdf.file.name}"
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    assert response["ETag"] == f'"{pdf.sha256}"'
