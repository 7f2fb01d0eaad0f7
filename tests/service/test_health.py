"""/healthz/live and /healthz (readiness): a database that is down for real is a 503 with
the failed check, never a 500; the details go only to monitoring (a bearer token, or a
request made on the server itself)."""

import datetime
import os
import socket

import pytest
from django.utils import timezone

from service.models import WorkerHeartbeat
from service.worker import pid_namespace
from tests.db_outage import database_down

REMOTE = {"REMOTE_ADDR": "203.0.113.7"}
TOKEN = "s3cret-monitoring-token"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BULLETIN_HEALTH_TOKEN = TOKEN


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_the_database_down_readiness_is_503_and_liveness_200(client, tmp_path):
    with database_down(tmp_path):
        live = client.get("/healthz/live")
        ready = client.get("/healthz")
        ready_alias = client.get("/healthz/ready")
        # A browser that still holds a session cookie must not turn it into a 500 either.
        client.cookies["sessionid"] = "stale-session-key"
        with_cookie = client.get("/healthz")
        anonymous = client.get("/healthz", **REMOTE)
    assert live.status_code == 200 and live.json() == {"ok": True, "status": "ok"}
    for response in (ready, ready_alias, with_cookie, anonymous):
        assert response.status_code == 503 and response["Content-Type"] == "application/json"
    report = ready.json()
    assert report["ok"] is False and report["status"] == "unavailable"
    assert report["checks"]["database"]["ok"] is False
    assert "OperationalError" in report["checks"]["database"]["error"]
    assert report["checks"]["worker"]["ok"] is False
    assert anonymous.json() == {"ok": False, "status": "unavailable"}
    # And back: the same process answers 200 for the database once it returns.
    assert client.get("/healthz").json()["checks"]["database"]["ok"]


@pytest.mark.django_db
def test_a_storage_that_cannot_be_written_is_a_failed_check(client, settings, tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    settings.MEDIA_ROOT = blocker / "media"  # under a file: every write fails
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"]["ok"] is False


def alive_worker():
    now = timezone.now()
    return WorkerHeartbeat.objects.create(
        worker_id="here",
        hostname=socket.gethostname(),
        pid_namespace=pid_namespace(),
        pid=os.getpid(),
        started_at=now,
        seen_at=now,
    )


@pytest.mark.django_db
def test_details_only_for_the_token_or_the_server_itself(client):
    alive_worker()
    anonymous = client.get("/healthz", **REMOTE)
    assert anonymous.status_code == 200 and anonymous.json() == {"ok": True, "status": "ok"}
    wrong = client.get("/healthz", HTTP_AUTHORIZATION="Bearer not-the-token", **REMOTE)
    assert wrong.json() == {"ok": True, "status": "ok"}
    monitored = client.get("/healthz", HTTP_AUTHORIZATION=f"Bearer {TOKEN}", **REMOTE).json()
    assert monitored["checks"]["worker"]["pids"] == [f"{socket.gethostname()}:{os.getpid()}"]
    assert "waiting" in monitored["checks"]["queue"]
    local = client.get("/healthz").json()  # the test client's address is 127.0.0.1
    assert set(local["checks"]) == {"database", "storage", "worker", "queue"}
    # Through the proxy, the address nginx appended decides, not the proxy's own.
    proxied = client.get("/healthz", HTTP_X_FORWARDED_FOR="127.0.0.1, 203.0.113.7").json()
    assert "checks" not in proxied
    proxied_local = client.get("/healthz", HTTP_X_FORWARDED_FOR="127.0.0.1").json()
    assert "checks" in proxied_local


@pytest.mark.django_db
def test_no_token_configured_means_no_bearer_is_accepted(client, settings):
    settings.BULLETIN_HEALTH_TOKEN = ""
    response = client.get("/healthz", HTTP_AUTHORIZATION="Bearer ", **REMOTE)
    assert "checks" not in response.json()


@pytest.mark.django_db
def test_a_heartbeat_of_a_process_that_is_gone_is_not_a_live_worker(client):
    """On this host the process id decides at once; elsewhere, a beat older than the
    stale window."""
    now = timezone.now()
    gone_pid = 2**22 + 12345  # above any pid_max in use: no such process
    WorkerHeartbeat.objects.create(
        worker_id="gone",
        hostname=socket.gethostname(),
        pid_namespace=pid_namespace(),
        pid=gone_pid,
        started_at=now,
        seen_at=now,
    )
    report = client.get("/healthz")
    assert report.status_code == 503 and "is gone" in report.json()["checks"]["worker"]["error"]
    # Another container with the same host name: its pids are not ours to look up.
    WorkerHeartbeat.objects.create(
        worker_id="container",
        hostname=socket.gethostname(),
        pid_namespace="pid:[1]",
        pid=gone_pid,
        started_at=now,
        seen_at=now,
    )
    assert client.get("/healthz").status_code == 200
    WorkerHeartbeat.objects.filter(worker_id="container").delete()
    WorkerHeartbeat.objects.create(
        worker_id="elsewhere", hostname="web2", pid=gone_pid, started_at=now, seen_at=now
    )
    assert client.get("/healthz").status_code == 200
    WorkerHeartbeat.objects.filter(worker_id="elsewhere").update(seen_at=now - datetime.timedelta(seconds=30))
    assert client.get("/healthz").status_code == 503
