"""Daily jobs: management commands run once a day, by the worker's scheduler or a timer.

The jobs are named in settings.BULLETIN_DAILY_JOBS ({command: "HH:MM"}, local time).
Whoever comes first on a day — a worker process on any machine, or the systemd timer of
deploy/ — claims the (job, date) row; everyone else finds it taken. A command that is not
installed is recorded as skipped with a warning, never an error that stops the worker.
"""

from __future__ import annotations

import datetime
import io
import logging

from django.conf import settings
from django.core.management import call_command, get_commands
from django.db import IntegrityError, transaction
from django.utils import timezone

from service.models import DailyJobRun
from service.tasks import run_daily_job

logger = logging.getLogger(__name__)


def due_jobs(now: datetime.datetime) -> list[str]:
    """Jobs whose time of day has come (local time `now`) and that have not run today."""
    today = now.date()
    taken = set(DailyJobRun.objects.filter(date=today).values_list("job", flat=True))
    due = []
    for job, at in settings.BULLETIN_DAILY_JOBS.items():
        hour, minute = (int(part) for part in at.split(":"))
        if now.time() >= datetime.time(hour, minute) and job not in taken:
            due.append(job)
    return due


def claim(job: str, date: datetime.date) -> DailyJobRun | None:
    """The run of `job` for `date`, if this caller is the first to take it; else None."""
    try:
        with transaction.atomic():
            return DailyJobRun.objects.create(job=job, date=date)
    except IntegrityError:
        return None


def execute(run: DailyJobRun) -> DailyJobRun:
    """Run the claimed job's management command and record the outcome and its output."""
    if run.job not in get_commands():
        logger.warning("daily job %s: no such management command on this installation; skipped", run.job)
        run.outcome = DailyJobRun.Outcome.SKIPPED
        run.output = f"命令 {run.job} 不存在（该功能未安装），已跳过。"
    else:
        out = io.StringIO()
        try:
            call_command(run.job, stdout=out, stderr=out)
        except BaseException as error:  # SystemExit from a command counts as a failure too
            run.outcome = DailyJobRun.Outcome.FAILED
            out.write(f"\n{type(error).__name__}: {error}")
            logger.exception("daily job %s failed", run.job)
        else:
            run.outcome = DailyJobRun.Outcome.DONE
        run.output = out.getvalue()[-20000:]
    run.finished_at = timezone.now()
    run.save(update_fields=["outcome", "output", "finished_at"])
    return run


def enqueue_due_jobs(now: datetime.datetime) -> list[str]:
    """Claim each due job for today and hand it to a worker. Returns the jobs enqueued."""
    enqueued = []
    for job in due_jobs(now):
        run = claim(job, now.date())
        if run is not None:
            run_daily_job.enqueue(run_id=run.pk)
            enqueued.append(job)
    return enqueued
