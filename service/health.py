"""/healthz: is this installation able to serve? For the proxy and for monitoring.

Answers JSON {"ok": bool, "checks": {...}} with 200 when every check passes, else 503:
- database: a query answers (and how long it took, ms);
- storage: a small file can be written to, read back from and deleted in the default storage;
- worker: a task worker's heartbeat is younger than two minutes (service.worker);
- queue: tasks waiting to run, and how long the oldest has waited (s); informational.
"""

from __future__ import annotations

import time
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from service.models import WorkerHeartbeat
from service.worker import HEARTBEAT_FRESH_SECONDS


def check_database() -> dict:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return {"ok": False, "error": f"{type(error).__name__}: {error}"}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def check_storage() -> dict:
    name = f"healthz/{uuid.uuid4().hex}.txt"
    try:
        saved = default_storage.save(name, ContentFile(b"ok"))
        try:
            with default_storage.open(saved, "rb") as handle:
                ok = handle.read() == b"ok"
        finally:
            default_storage.delete(saved)
    except Exception as error:
        return {"ok": False, "error": f"{type(error).__name__}: {error}"}
    return {"ok": ok} if ok else {"ok": False, "error": "written and read back differ"}


def check_worker() -> dict:
    newest = WorkerHeartbeat.objects.order_by("-seen_at").first()
    if newest is None:
        return {"ok": False, "error": "no task worker has reported (manage.py run_worker)"}
    age = (timezone.now() - newest.seen_at).total_seconds()
    fresh = WorkerHeartbeat.objects.filter(
        seen_at__gte=timezone.now() - timezone.timedelta(seconds=HEARTBEAT_FRESH_SECONDS)
    ).count()
    result = {"ok": age <= HEARTBEAT_FRESH_SECONDS, "last_seen_s": round(age, 1), "workers": fresh}
    if not result["ok"]:
        result["error"] = f"no heartbeat for {round(age)} s"
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


def health() -> dict:
    checks = {
        "database": check_database(),
        "storage": check_storage(),
        "worker": check_worker(),
        "queue": check_queue(),
    }
    return {"ok": all(c["ok"] for c in checks.values()), "checks": checks}
