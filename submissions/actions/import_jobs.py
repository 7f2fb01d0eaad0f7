"""从 Word 导入 as a background job: the request stores the upload and answers at once; the
task worker reads it (LibreOffice for .doc/.wps/.rtf/.odt) and the draft form fills from
the job's result.

The request only checks what is cheap (size, the format by its first bytes); nothing in
it waits on a conversion. A person has at most ``BULLETIN_IMPORT_QUEUE_PER_USER`` jobs
unfinished, and every upload counts against the daily quota (``actions.uploads``). A job
still unfinished ``BULLETIN_IMPORT_JOB_STALE_SECONDS`` after its upload (the worker
stopped while reading it) is failed with the reason, by the worker's housekeeping and by
the pages, so it never holds its owner's place for ever.
"""

import datetime
import logging
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from intake.docx_import import DocxImport, DocxImportError, import_document
from intake.uploads import PENDING_DIR
from submissions import permissions, queries
from submissions.actions.common import SubmissionActionError
from submissions.actions.uploads import UploadRefused, record_upload
from submissions.models import ImportJob, UploadRecord
from submissions.tasks import run_import_job as run_import_task
from text.authors import split_names

logger = logging.getLogger(__name__)
S = ImportJob.Status

STALE_MESSAGE = "后台处理进程在读取这个文件时中断（已停止或重启），文件未能读取。请重新上传。"
GONE_MESSAGE = "上传的文件已过期或已被清理，请重新上传。"
BROKEN_MESSAGE = (
    "读取这个文件时出错。请在 Word / WPS 中打开并“另存为” .docx 后再导入，或直接把文字粘贴到正文编辑框。"
)


def queue_limit() -> int:
    return max(1, int(settings.BULLETIN_IMPORT_QUEUE_PER_USER))


def stale_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=int(settings.BULLETIN_IMPORT_JOB_STALE_SECONDS))


def request_import(*, actor: User, name: str, data: bytes, tables_as_rows: bool = False) -> ImportJob:
    """Store an upload and queue its reading; the job's page follows it.

    Refused (UploadRefused, nothing stored) when the actor already has the most unfinished
    imports one person may have, or the upload would pass the daily quota. The file is
    written inside the transaction and removed again if it does not commit; the task is
    enqueued once it has."""
    if not permissions.can_write_for_unit(actor):
        raise PermissionDenied("只有单位报送员可以导入稿件。")
    path = ""
    try:
        with transaction.atomic():
            # The actor's row, locked: two uploads sent at once are counted one after the other.
            User.objects.select_for_update().filter(pk=actor.pk).first()
            settle_stale_import_jobs(owner=actor)
            waiting = queries.unfinished_imports(actor).count()
            if waiting >= queue_limit():
                raise UploadRefused(
                    f"您已有 {waiting} 个文件正在读取，每人同时最多 {queue_limit()} 个。"
                    "请等前面的文件读取完成（点上方的文件名可查看进度）后再上传，已上传的文件不受影响。"
                )
            record_upload(actor=actor, kind=UploadRecord.Kind.PIECE_IMPORT, size=len(data))
            path = default_storage.save(f"{PENDING_DIR}/{uuid.uuid4().hex}.upload", ContentFile(data))
            job = ImportJob.objects.create(
                owner=actor,
                unit_id=actor.unit_id,
                original_name=(name or "稿件")[-255:],
                size=len(data),
                upload_path=path,
                tables_as_rows=tables_as_rows,
            )
            job_id = job.pk
            transaction.on_commit(lambda: run_import_task.enqueue(job_id=job_id))
    except BaseException:
        if path:
            default_storage.delete(path)
        raise
    return job


def reread_import(*, actor: User, job: ImportJob, keep: set[int]) -> ImportJob:
    """Read the job's stored source again with the chosen struck-through passages taken in
    (the others stay out). Passages the reading did not offer are ignored."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.owner_id != actor.pk:
            raise PermissionDenied("这不是您上传的文件。")
        if job.status != S.DONE or not job.source_path or not default_storage.exists(job.source_path):
            raise SubmissionActionError("导入的文件已过期，请重新上传。")
        offered = {item["index"] for item in job.result.get("struck", [])}
        job.keep_struck = sorted(set(keep) & offered)
        job.status = S.QUEUED
        job.error = ""
        job.started_at = job.finished_at = None
        job.created_at = timezone.now()  # its place in the queue, and the stale bound, start now
        job.save(update_fields=["keep_struck", "status", "error", "started_at", "finished_at", "created_at"])
        job_id = job.pk
        transaction.on_commit(lambda: run_import_task.enqueue(job_id=job_id))
    return job


def close_import_job(*, actor: User, job: ImportJob) -> None:
    """The draft made from the job is saved (its source copied into the piece): the job and
    its waiting files go, once that commits."""
    if job.owner_id != actor.pk:
        raise PermissionDenied("这不是您上传的文件。")
    paths = [p for p in (job.upload_path, job.source_path) if p]
    ImportJob.objects.filter(pk=job.pk).delete()
    transaction.on_commit(lambda: _delete_files(paths))


def run_import_job(*, job_id: int) -> ImportJob | None:
    """The worker's side: read the stored upload into the draft's fields and report.

    Claims the job (queued → running) so a second delivery of the task does nothing; a
    file that cannot be read fails the job with the reason in Chinese. Bounded: the
    reading is limited in size and structure (intake.wordml.Limits) and a conversion by
    its wait for LibreOffice and its own wall-clock limit (intake.formats)."""
    now = timezone.now()
    if not ImportJob.objects.filter(pk=job_id, status=S.QUEUED).update(status=S.RUNNING, started_at=now):
        return ImportJob.objects.filter(pk=job_id).first()
    job = ImportJob.objects.select_related("unit").get(pk=job_id)
    rereading = job.keep_struck is not None
    try:
        with default_storage.open(job.source_path if rereading else job.upload_path, "rb") as stored:
            data = stored.read()
    except (FileNotFoundError, ValueError):
        return _finish(job, status=S.FAILED, error=GONE_MESSAGE)
    try:
        result = import_document(
            data, tables_as_rows=job.tables_as_rows, keep_struck=frozenset(job.keep_struck or ())
        )
    except DocxImportError as error:
        return _finish(job, status=S.FAILED, error=str(error))
    except Exception:  # a reader that broke: the contributor is told, the worker goes on
        logger.exception("import job %s could not be read", job.pk)
        return _finish(job, status=S.FAILED, error=BROKEN_MESSAGE)
    review = import_review(result, job.unit.office_name)
    review["name"] = docx_name(job.original_name)  # the source kept with the draft
    review["uploaded_name"] = job.original_name  # what the contributor chose, named back to them
    review["format"] = result.format_label
    if rereading:
        offered = {item["index"] for item in review["struck"]}
        kept = set(job.keep_struck) & offered
        review["notice"] = (
            f"已按您的选择重新读入：删除线文字保留 {len(kept)} 处，未导入 {len(offered - kept)} 处。"
        )
        return _finish(job, status=S.DONE, result=review)
    source = default_storage.save(f"{PENDING_DIR}/{uuid.uuid4().hex}.docx", ContentFile(result.source_docx))
    return _finish(job, status=S.DONE, result=review, source_path=source)


def _finish(
    job: ImportJob, *, status: str, error: str = "", result: dict | None = None, source_path: str = ""
):
    """Record the outcome unless the job was settled (or removed) meanwhile; the upload as
    it came is no longer needed either way, nor the source of a failed job."""
    fields = {"status": status, "error": error, "finished_at": timezone.now(), "upload_path": ""}
    if result is not None:
        fields["result"] = result
    if source_path:
        fields["source_path"] = source_path
    if status == S.FAILED:
        fields["source_path"] = ""
    recorded = ImportJob.objects.filter(pk=job.pk, status=S.RUNNING).update(**fields)
    leftovers = [job.upload_path] if recorded else [job.upload_path, source_path]
    if recorded and status == S.FAILED:
        leftovers.append(job.source_path)
    _delete_files([p for p in leftovers if p])
    return ImportJob.objects.filter(pk=job.pk).first()


def is_stale(job: ImportJob) -> bool:
    """Unfinished past the stale bound (read without writing: the pages poll often)."""
    return not job.is_finished and job.created_at < timezone.now() - stale_after()


def settle_stale_import_jobs(*, owner: User | None = None) -> int:
    """Fail the unfinished jobs older than the stale bound (of one owner, or all); the number.

    Run by the worker's housekeeping (service.hooks) and before a person's queue is counted."""
    stale = ImportJob.objects.filter(
        status__in=ImportJob.UNFINISHED, created_at__lt=timezone.now() - stale_after()
    )
    if owner is not None:
        stale = stale.filter(owner_id=owner.pk)
    return stale.update(status=S.FAILED, error=STALE_MESSAGE, finished_at=timezone.now())


def remove_old_import_jobs(*, older_than: datetime.timedelta = datetime.timedelta(days=1)) -> int:
    """Delete the jobs uploaded longer ago than `older_than` (never saved as a draft) and their
    files (cleanup_uploads). Returns how many."""
    old = list(ImportJob.objects.filter(created_at__lt=timezone.now() - older_than))
    paths = [p for job in old for p in (job.upload_path, job.source_path) if p]
    ImportJob.objects.filter(pk__in=[job.pk for job in old]).delete()
    transaction.on_commit(lambda: _delete_files(paths))
    return len(old)


def _delete_files(paths: list[str]) -> None:
    for path in paths:
        try:
            default_storage.delete(path)
        except OSError:
            logger.warning("could not delete %s; cleanup_uploads removes it later", path)


# --- what the draft form shows -----------------------------------------------------------


def import_review(result: DocxImport, office_name: str) -> dict:
    """What the draft form shows of an import: the fields to review and the report (JSON)."""
    return {
        "fields": {
            "title": result.title,
            "subtitle": result.subtitle,
            "body": result.body_html,
            **_byline_fields(result.byline, office_name),
        },
        "dropped": result.dropped,
        "kept": result.kept,
        "warnings": result.warnings + _byline_doubts(result.byline),
        "struck": result.struck,
    }


def docx_name(name: str) -> str:
    """The stored source is always a .docx (converted or without macros)."""
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem[:80] or '稿件'}.docx"


def _byline_fields(byline: str, default_org: str) -> dict:
    if not byline:
        return {"byline_org": default_org}
    org, *authors = byline.split()
    return {"byline_org": org, "byline_authors": split_names(" ".join(authors)).text}


def _byline_doubts(byline: str) -> list[str]:
    doubt = split_names(" ".join(byline.split()[1:])).doubt if byline else ""
    return [doubt] if doubt else []
