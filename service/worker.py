"""The task worker: django-tasks-db's worker loop, bounded in memory, with a heartbeat and
the daily-job scheduler.

`manage.py run_worker` is a small supervisor: it starts one worker process and starts a
new one whenever that process exits after BULLETIN_WORKER_MAX_TASKS tasks or above
BULLETIN_WORKER_MAX_RSS_MB resident memory, so a renderer that grows (WeasyPrint and
Pango keep caches) is replaced rather than left to grow. Each worker process writes a
heartbeat row every HEARTBEAT_SECONDS (for /healthz) and, every SCHEDULER_SECONDS, asks
the scheduler to enqueue daily jobs that are due.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker

from service import hooks
from service.models import WorkerHeartbeat
from service.scheduler import enqueue_due_jobs

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5
SCHEDULER_SECONDS = 60
# A worker not seen for this long is taken as gone (/healthz, the 排版中/刊发中 pages, stale
# heartbeat rows): four missed beats. On the worker's own host its death is known sooner,
# from its process id (worker_alive).
HEARTBEAT_FRESH_SECONDS = 20
# Exit status of a worker process that stopped to be replaced (not an error).
RECYCLE_EXIT = 0


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (a zombie, killed but not yet
    reaped by its parent, counts as gone)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, under another user
    try:
        with open(f"/proc/{pid}/stat") as handle:
            # "pid (comm) state …": the state follows the last ")" (comm may hold spaces).
            state = handle.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True  # no /proc: os.kill's answer stands
    return state not in {"Z", "X"}


def pid_namespace() -> str:
    """This process's pid namespace ("pid:[4026531836]"); "" where /proc does not say."""
    try:
        return os.readlink("/proc/self/ns/pid")[:64]
    except OSError:
        return ""


def worker_alive(heartbeat: WorkerHeartbeat, *, now=None) -> bool:
    """Whether the worker behind a heartbeat row is still there.

    Every worker must have beaten within HEARTBEAT_FRESH_SECONDS. One on this host (same
    host name and pid namespace, so a container sharing the host name is not mistaken for
    it) must also still have its process: a worker killed outright (SIGKILL, the OOM killer) cannot
    remove its row, and this tells within a second instead of after the stale window.
    """
    now = now or timezone.now()
    if (now - heartbeat.seen_at).total_seconds() > HEARTBEAT_FRESH_SECONDS:
        return False
    here = pid_namespace()
    if heartbeat.hostname == socket.gethostname()[:128] and here and heartbeat.pid_namespace == here:
        return process_alive(heartbeat.pid)
    return True


def live_heartbeats() -> list[WorkerHeartbeat]:
    """The heartbeat rows of workers that are alive (worker_alive), newest first."""
    now = timezone.now()
    fresh = WorkerHeartbeat.objects.filter(
        seen_at__gte=now - timezone.timedelta(seconds=HEARTBEAT_FRESH_SECONDS)
    ).order_by("-seen_at")
    return [beat for beat in fresh if worker_alive(beat, now=now)]


def live_worker_ids() -> set[str]:
    return {beat.worker_id for beat in live_heartbeats()}


def rss_mb() -> float:
    """This process's resident set size in MB (Linux /proc; 0 where unavailable)."""
    try:
        with open("/proc/self/statm") as handle:
            pages = int(handle.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


class BoundedWorker(Worker):
    """django-tasks-db's Worker that also stops (to be replaced) above a memory bound,
    and reports itself in WorkerHeartbeat."""

    def __init__(self, *, max_rss_mb: float | None, **kwargs):
        super().__init__(**kwargs)
        self.max_rss_mb = max_rss_mb
        self.started_at = timezone.now()
        self.stop_reason = ""

    def run_task(self, db_task_result) -> None:
        super().run_task(db_task_result)
        size = rss_mb()
        if self.max_rss_mb and size > self.max_rss_mb:
            self.stop_reason = f"memory {size:.0f} MB > {self.max_rss_mb:.0f} MB"
            logger.info("worker %s: %s, stopping to be replaced", self.worker_id, self.stop_reason)
            self.running = False
        elif self.max_tasks is not None and self._run_tasks >= self.max_tasks:
            self.stop_reason = f"{self._run_tasks} tasks"

    def beat(self) -> None:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "hostname": socket.gethostname()[:128],
                "pid": os.getpid(),
                "pid_namespace": pid_namespace(),
                "started_at": self.started_at,
                "seen_at": timezone.now(),
                "tasks_done": self._run_tasks,
                "rss_mb": round(rss_mb(), 1),
            },
        )

    def forget(self) -> None:
        WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()


class Housekeeper(threading.Thread):
    """Heartbeat and scheduler ticks beside the worker loop, on the thread's own connection."""

    def __init__(self, worker: BoundedWorker, *, scheduler: bool):
        super().__init__(name="worker-housekeeper", daemon=True)
        self.worker = worker
        self.scheduler = scheduler
        self.stopping = threading.Event()

    def run(self) -> None:
        last_schedule = 0.0
        while not self.stopping.is_set():
            try:
                close_old_connections()
                self.worker.beat()
                # The apps' own housekeeping, e.g. the outcome of 刊发 jobs a dead worker left.
                for job in hooks.housekeeping:
                    job()
                if self.scheduler and time.monotonic() - last_schedule >= SCHEDULER_SECONDS:
                    last_schedule = time.monotonic()
                    enqueue_due_jobs(timezone.localtime())
                WorkerHeartbeat.objects.filter(
                    seen_at__lt=timezone.now() - timezone.timedelta(days=1)
                ).delete()
            except Exception:  # the loop must survive a busy or restarting database
                logger.exception("worker housekeeping failed; trying again")
            finally:
                connection.close()
            self.stopping.wait(HEARTBEAT_SECONDS)


def run_worker_process(*, worker_id: str, interval: float, queue_names: list[str]) -> str:
    """Run one bounded worker process until it should be replaced (or is stopped).

    Returns why it stopped: "" when told to stop, otherwise the bound it reached.
    """
    worker = BoundedWorker(
        queue_names=queue_names,
        interval=interval,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=settings.BULLETIN_WORKER_MAX_TASKS or None,
        worker_id=worker_id,
        excluded_queue_names=[],
        max_rss_mb=settings.BULLETIN_WORKER_MAX_RSS_MB or None,
    )
    worker.configure_signals()
    worker.beat()  # before the first task is claimed: a running task's worker is known alive
    housekeeper = Housekeeper(worker, scheduler=settings.BULLETIN_SCHEDULER)
    housekeeper.start()
    try:
        worker.run()
    finally:
        housekeeper.stopping.set()
        housekeeper.join(timeout=5)
        try:
            worker.forget()
        except Exception:
            logger.exception("could not remove the heartbeat of %s", worker_id)
    return worker.stop_reason
