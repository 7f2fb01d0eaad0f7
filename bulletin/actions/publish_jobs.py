"""刊发 and 更正 as background jobs: request one, run it in the worker, and settle the jobs a
dead worker left (run from the worker's housekeeping, service.hooks).
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.utils import timezone

from bulletin.actions.common import CorrectionConflict, IssueActionError, _lock_draft, _require_editor
from bulletin.actions.publishing import _check_sequence, _confirm_order, correct_issue, publish_issue
from bulletin.documents import build_document
from bulletin.models import Issue, IssuePdf, PublishJob
from bulletin.renders import (
    content_key,
    stored_pdf_for,
)
from bulletin.tasks import publish_issue as publish_task
from service.worker import HEARTBEAT_FRESH_SECONDS, live_worker_ids


def request_publication(
    *, actor, issue: Issue, expected_version: int | None, confirmed: bool = False
) -> PublishJob:
    """刊发 from the page: check now, then let the worker render and publish.

    A second click while a job for the issue is waiting or running returns that job.
    The issue stays 编辑中 until the worker has stored its PDF. Raises NeedsConfirmation
    (see publish_issue) unless `confirmed`.
    """
    _require_editor(actor)
    settle_abandoned_publish_jobs(issue=issue)
    with transaction.atomic():
        issue = _lock_draft(issue, expected_version)
        running = issue.publish_jobs.exclude(status__in=[PublishJob.Status.DONE, PublishJob.Status.FAILED])
        job = running.first()
        if job is not None:
            return job
        _check_sequence(issue)
        _confirm_order(issue, confirmed)
        if not issue.placements.exists():
            raise IssueActionError("这一期还没有编入任何稿件，不能刊发。")
        job = PublishJob.objects.create(
            issue=issue, requested_by=actor, expected_version=issue.layout_version
        )
        job_id = job.pk
        transaction.on_commit(lambda: publish_task.enqueue(job_id=job_id))
    return job


def request_correction(
    *, actor, issue: Issue, note: str, expected_pdf_version: int | None = None
) -> PublishJob:
    """更正 from the page: checked now, rendered and stored by the worker (correct_issue).

    Two editors correcting at once: the second is told, never silently merged into the
    first. A 更正 already under way by someone else (or with another note), or a PDF version
    newer than ``expected_pdf_version`` (the version the page showed: a 更正 was made since),
    raises CorrectionConflict naming who and what; the same editor's double click returns
    the job under way.
    """
    _require_editor(actor)
    note = (note or "").strip()
    if not note:
        raise IssueActionError("请填写更正说明。")
    settle_abandoned_publish_jobs(issue=issue)
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        if issue.status != Issue.Status.PUBLISHED:
            raise IssueActionError("只有已刊发的期才能更正；未刊发的期请直接修改后刊发。")
        job = (
            issue.publish_jobs.exclude(status__in=[PublishJob.Status.DONE, PublishJob.Status.FAILED])
            .select_related("requested_by")
            .first()
        )
        if job is not None:
            if (
                job.kind == PublishJob.Kind.CORRECT
                and job.requested_by_id == actor.pk
                and job.note == note[:200]
            ):
                return job  # a double click
            raise CorrectionConflict(
                f"{job.requested_by.display_name}已于 {timezone.localtime(job.requested_at):%H:%M} 提交了更正"
                f"（{job.note or '刊发'}），正在生成新版本。您的更正说明尚未提交，已保留在下方；"
                "请等其完成、查看新版本后，再决定是否提交。"
            )
        latest = issue.pdfs.select_related("created_by").order_by("-version").first()
        if expected_pdf_version is not None and latest is not None and latest.version != expected_pdf_version:
            who = latest.created_by.display_name if latest.created_by else "另一位编辑"
            raise CorrectionConflict(
                f"您打开本页后，{who}已于 {timezone.localtime(latest.created_at):%H:%M} 完成了一次更正"
                f"（第 {latest.version} 版：{latest.note or '无说明'}）。您的更正说明尚未提交，已保留在下方；"
                "请先查看新版本，确认仍需更正后再提交。"
            )
        job = PublishJob.objects.create(
            issue=issue,
            requested_by=actor,
            kind=PublishJob.Kind.CORRECT,
            note=note[:200],
            expected_version=issue.layout_version,
        )
        job_id = job.pk
        transaction.on_commit(lambda: publish_task.enqueue(job_id=job_id))
    return job


# What the editor reads when the worker that ran a 刊发 (or 更正) went away before finishing
# and the job has already been taken up again MAX_RESUMES times.
ABANDONED_PUBLISH_MESSAGE = "后台任务进程在处理时中断（已停止或重启），本期未刊发，仍在编排中。请重新刊发。"
ABANDONED_CORRECTION_MESSAGE = "后台任务进程在处理时中断（已停止或重启），未生成更正版。请重新提交更正。"
# A job whose worker died or lost the database is taken up again by itself this many times
# (a database that was down, a worker restarted by a deploy); after that it fails with the
# message above, so a 刊发 that kills its worker every time does not loop.
MAX_RESUMES = 3
RESUMED_NOTE = "后台任务进程或数据库曾中断，已自动重新排队，无需再次点击。"


def _publish_job_abandoned(job: PublishJob) -> bool:
    """Whether no worker will ever finish this unfinished job.

    Only with the database task backend (the immediate backend runs the job inside the
    request; a queue without workers is waiting, not abandoned). The job's task row is
    found by its job_id. It is abandoned when that row is finished although the job is
    not (the task raised before recording an outcome), when the row is running but none
    of the workers that claimed it is alive (service.worker.worker_alive: killed, or the
    machine went down), or when no row exists that long after the request
    (the enqueue after commit was lost).
    """
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(publish_task.get_backend(), DatabaseBackend):
        return False
    fresh_since = timezone.now() - datetime.timedelta(seconds=HEARTBEAT_FRESH_SECONDS)
    task = (
        DBTaskResult.objects.filter(task_path=publish_task.module_path, args_kwargs__kwargs__job_id=job.pk)
        .order_by("-enqueued_at")
        .first()
    )
    if task is None:
        return job.requested_at < fresh_since
    if task.status == "READY":
        return False
    if task.status == "RUNNING":
        return not live_worker_ids().intersection(task.worker_ids)
    return True  # SUCCESSFUL or FAILED, yet the job has no outcome


def settle_abandoned_publish_jobs(*, issue: Issue | None = None) -> list[PublishJob]:
    """Give every abandoned unfinished 刊发/更正 job (of the issue, or of all issues) its
    true outcome.

    A job whose publication committed before its worker died is done (the issue is
    已刊发, or the correction's PDF version exists); any other is queued again by itself
    (its worker was killed or restarted, or the database went away mid-job), at most
    MAX_RESUMES times, and after that failed with the reason, so the page stops waiting and
    a new 刊发 can be asked for. Its task row, left running by the dead worker, is marked
    failed. Returns the jobs settled. Called by the
    刊发中 page, by request_publication/request_correction and by the worker's housekeeper.
    """
    settled = []
    unfinished = PublishJob.objects.exclude(status__in=[PublishJob.Status.DONE, PublishJob.Status.FAILED])
    if issue is not None:
        unfinished = unfinished.filter(issue=issue)
    for job in unfinished:
        if not _publish_job_abandoned(job):
            continue
        with transaction.atomic():
            job = PublishJob.objects.select_for_update().select_related("issue").get(pk=job.pk)
            if job.is_finished:
                continue
            if job.kind == PublishJob.Kind.CORRECT:
                done = IssuePdf.objects.filter(issue=job.issue, created_at__gte=job.requested_at).exists()
                message = ABANDONED_CORRECTION_MESSAGE
            else:
                done = job.issue.is_published
                message = ABANDONED_PUBLISH_MESSAGE
            _fail_dead_task(job.pk)
            if not done and job.resumed < MAX_RESUMES:
                # Taken up again: a new task row in this transaction (the database backend,
                # the only one under which a job is found abandoned), so the page keeps
                # following the same job and nobody has to click 刊发 again.
                job.status = PublishJob.Status.QUEUED
                job.resumed += 1
                job.error = RESUMED_NOTE
                job.started_at = None
                job.save(update_fields=["status", "resumed", "error", "started_at"])
                publish_task.enqueue(job_id=job.pk)
            else:
                job.status = PublishJob.Status.DONE if done else PublishJob.Status.FAILED
                job.error = "" if done else message
                job.finished_at = timezone.now()
                job.save(update_fields=["status", "error", "finished_at"])
        settled.append(job)
    return settled


def _fail_dead_task(job_id: int) -> None:
    """Mark the task row a dead worker left RUNNING as failed (so /healthz stops counting it)."""
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(
        task_path=publish_task.module_path, args_kwargs__kwargs__job_id=job_id, status="RUNNING"
    ).update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path="builtins.RuntimeError",
        traceback="The worker running this task stopped without reporting (settle_abandoned_publish_jobs).",
    )


def run_publish_job(*, job_id: int) -> PublishJob:
    """The worker's side of 刊发: publish_issue for the job, its outcome recorded on the job.

    A refusal or a failed render leaves the issue in assembly with the reason on the job,
    which the page shows.
    """
    job = PublishJob.objects.select_related("issue", "requested_by").get(pk=job_id)
    if job.is_finished:
        return job
    PublishJob.objects.filter(pk=job.pk).update(status=PublishJob.Status.RENDERING, started_at=timezone.now())
    correcting = job.kind == PublishJob.Kind.CORRECT
    reused = False
    try:
        key = "" if correcting or job.issue.is_published else content_key(build_document(job.issue))
        reused = bool(key) and stored_pdf_for(job.issue, key) is not None
        if correcting:
            correct_issue(actor=job.requested_by, issue=job.issue, note=job.note)
        else:
            publish_issue(
                actor=job.requested_by,
                issue=job.issue,
                expected_version=job.expected_version,
                confirmed=True,  # asked in request_publication, before the job existed
            )
    except (IssueActionError, PermissionDenied) as error:
        outcome = {"status": PublishJob.Status.FAILED, "error": str(error)}
    except DatabaseError:
        # The database went away mid-job: nothing to record now (or nowhere to record it).
        # The job stays unfinished; once the database answers again the housekeeping finds
        # its task ended without an outcome and queues it again (settle_abandoned_publish_jobs).
        raise
    except Exception as error:  # a render that broke: the editor sees why, nothing is published
        outcome = {"status": PublishJob.Status.FAILED, "error": f"排版失败：{type(error).__name__}: {error}"}
    else:
        outcome = {"status": PublishJob.Status.DONE, "reused_preview": reused}
    PublishJob.objects.filter(pk=job.pk).update(finished_at=timezone.now(), **outcome)
    job.refresh_from_db()
    return job
