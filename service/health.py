"""/healthz: is this installation able to serve? For the proxy and for monitoring.

Two questions, two addresses:

- liveness, ``/healthz/live``: the web process answers. It touches neither the database
  nor the disk, so a restart is never ordered because PostgreSQL is down.
- readiness, ``/healthz`` (also ``/healthz/ready``): the installation can do its work —
  ``database`` (a query answers, and how long it took, ms), ``storage`` (a small file can
  be written, read back and deleted in the default storage), ``worker`` (a task worker is
  alive: service.worker.worker_alive) and ``queue`` (tasks waiting and running, how long
  the oldest has waited; informational).

Each check is caught: one that raises is a failed check (503), never a 500. The details
(worker process ids, queue depth, error texts) go only to monitoring — a request with
``Authorization: Bearer <BULLETIN_HEALTH_TOKEN>`` or one made on the server itself;
anyone else reads only {"ok": …, "status": "ok" | "unavailable"}.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

from service.models import WorkerHeartbeat
from service.worker import HEARTBEAT_FRESH_SECONDS, live_heartbeats

logger = logging.getLogger(__name__)


def _failure(error: BaseException) -> dict:
    return {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}


def check_database() -> dict:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def check_storage() -> dict:
    name = f"healthz/{uuid.uuid4().hex}.txt"
    saved = default_storage.save(name, ContentFile(b"ok"))
    try:
        with default_storage.open(saved, "rb") as handle:
            ok = handle.read() == b"ok"
    finally:
        default_storage.delete(saved)
    return {"ok": ok} if ok else {"ok": False, "error": "written and read back differ"}


def check_worker() -> dict:
    """Whether a task worker is alive; a killed one is known within a second on its own
    host (its process is gone) and within HEARTBEAT_FRESH_SECONDS elsewhere."""
    alive = live_heartbeats()
    newest = WorkerHeartbeat.objects.order_by("-seen_at").first()
    if newest is None:
        return {"ok": False, "error": "no task worker has reported (manage.py run_worker)"}
    age = (timezone.now() - newest.seen_at).total_seconds()
    result = {
        "ok": bool(alive),
        "last_seen_s": round(age, 1),
        "workers": len(alive),
        "pids": [f"{beat.hostname}:{beat.pid}" for beat in alive],
    }
    if not alive:
        if age > HEARTBEAT_FRESH_SECONDS:
            result["error"] = f"no heartbeat for {round(age)} s"
        else:
            result["error"] = f"worker process {newest.hostname}:{newest.pid} is gone (killed or crashed)"
    return result


def check_queue() -> dict:
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(status="READY")
    oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    return {
        "ok": True,
        "waiting": waiting.count(),
        "running": DBTaskResult.objects.filter(status="RUNNING").count(),
        "oldest_wait_s": round((timezone.now() - oldest).total_seconds(), 1) if oldest else 0,
    }


def run_check(check: Callable[[], dict]) -> dict:
    """A check's report; one that raises (a database that is down, a full disk) is failed."""
    try:
        return check()
    except Exception as error:
        logger.warning("health check %s failed: %s", check.__name__, error)
        return _failure(error)


def health() -> dict:
    """Readiness: every check, each caught."""
    checks = {"database": run_check(check_database), "storage": run_check(check_storage)}
    if checks["database"]["ok"]:
        checks["worker"] = run_check(check_worker)
        checks["queue"] = run_check(check_queue)
    else:  # both read the database: say why instead of waiting for a second timeout
        checks["worker"] = {"ok": False, "error": "unknown: the database does not answer"}
        checks["queue"] = {"ok": False, "error": "unknown: the database does not answer"}
    return {"ok": all(check["ok"] for check in checks.values()), "checks": checks}


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.strip()).is_loopback
    except ValueError:
        return False


def is_local(request: HttpRequest) -> bool:
    """A request made on the server itself: from a loopback address (or gunicorn's unix
    socket), and — when a proxy passed it on — whose X-Forwarded-For ends with a loopback
    address too (the entry the proxy itself appended; deploy/nginx sets it on /healthz)."""
    remote = request.META.get("REMOTE_ADDR") or ""
    if remote and not _loopback(remote):
        return False
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return _loopback(forwarded.split(",")[-1])
    return True


def has_monitoring_token(request: HttpRequest) -> bool:
    """Authorization: Bearer <BULLETIN_HEALTH_TOKEN>, compared in constant time; never
    true while the setting is empty."""
    expected = getattr(settings, "BULLETIN_HEALTH_TOKEN", "") or ""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, given = header.partition(" ")
    if not expected or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), expected.encode())


def may_see_details(request: HttpRequest) -> bool:
    return has_monitoring_token(request) or is_local(request)
