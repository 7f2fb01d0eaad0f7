"""Issue PDFs rendered in the background: pre-rendered draft previews, and the PDF 刊发 stores.

Every change to a draft issue's layout or fields, and every edit of a placed piece's
text, schedules a render of the draft once the change commits (`schedule_draft_render`).
The worker renders whatever the draft holds when the task starts, so a burst of changes
costs at most the render in progress plus one more: the last change wins. Each PDF is
stored (Django's storage API) under the content key of the document it was made from,
so 预览 PDF serves it at once when the key matches what the draft holds now, and 刊发
reuses it when the key matches the content being frozen.

A render never runs inside a database transaction: the document is read, the PDF made
with no lock held, and only the bookkeeping is written afterwards (issue 15, "renders
never run inside a database transaction that holds locks").
"""

from __future__ import annotations

import hashlib
import json
import logging
import statistics
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from bulletin.documents import build_document
from bulletin.models import DraftRender, Issue
from bulletin.tasks import render_draft as render_task
from printing.document import IssueDocument
from printing.render import render_pdf
from printing.verify import Finding, PdfCheck, verify_pdf
from service.worker import live_worker_ids
from web.storage import DISK_FULL_MESSAGE, is_disk_full

logger = logging.getLogger(__name__)

# A render claimed this long ago and not finished belongs to a worker that died.
STALE_RENDER_SECONDS = 300
# Finished draft PDFs kept per issue (the newest); older ones are deleted with their files.
KEEP_DRAFT_RENDERS = 2
# Expected render time before any render of this installation has been measured.
DEFAULT_RENDER_MS = 1500


def storage_failure_message(error: OSError) -> str:
    """What the editor reads when a rendered PDF cannot be written to the storage: not a
    typesetting failure, and no server path (OSError.strerror only, e.g. "No space left
    on device")."""
    if is_disk_full(error):
        return f"PDF 已排好，但{DISK_FULL_MESSAGE}"
    reason = error.strerror or type(error).__name__
    return f"PDF 已排好，但无法存入文件存储（{reason}）。请管理员检查存储空间和写入权限后重试。"


def content_key(document: IssueDocument) -> str:
    """SHA-256 (64 hex digits) of the print document plus the font folder in use.

    The document is what prints: the issue's fields, the sections in layout order and
    each placed piece's text. So the key changes with the layout version and the pieces'
    versions whenever they change what prints, and with nothing else.
    """
    payload = json.dumps(
        {"document": document.to_dict(), "fonts": settings.BULLETIN_FONT_DIR},
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def draft_document(issue: Issue) -> tuple[IssueDocument, str]:
    """The draft as it would print now, and its content key. Two queries; no render."""
    document = build_document(issue)
    return document, content_key(document)


# --- scheduling ---------------------------------------------------------------------


def _render_waiting(issue_id: int) -> bool:
    """Whether a render task for the issue is already waiting in the database queue."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        status="READY", task_path=render_task.module_path, args_kwargs__kwargs__issue_id=issue_id
    ).exists()


def request_draft_render(issue_id: int) -> None:
    """Enqueue a render of the draft unless one is already waiting (coalescing).

    Call outside a transaction (or through `schedule_draft_render`): the worker must see
    the committed change. A render already running is not waited for: its content may be
    older, so one more waits behind it.
    """
    from django_tasks_db import DatabaseBackend

    if isinstance(render_task.get_backend(), DatabaseBackend) and _render_waiting(issue_id):
        return
    render_task.enqueue(issue_id=issue_id)


def schedule_draft_render(issue: Issue | int) -> None:
    """After the current transaction commits, render the draft (see module docstring)."""
    issue_id = issue if isinstance(issue, int) else issue.pk
    transaction.on_commit(lambda: request_draft_render(issue_id))


# --- rendering -------------------------------------------------------------------------


def _storage():
    return DraftRender.file.field.storage


def render_abandoned(render: DraftRender, *, from_task: bool = False) -> bool:
    """Whether a render marked 排版中 has no live worker behind it (database task backend).

    Its worker died when no render task of the issue is running on a worker whose
    heartbeat says it is alive (service.worker.worker_alive; the supervisor removes the heartbeat
    of a worker it saw killed, so this is known within seconds); `from_task` when the
    caller is itself such a task, which does not count. Render task rows left running by
    dead workers are marked failed. Always False with another backend; there the
    STALE_RENDER_SECONDS rule alone applies.
    """
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if render.status != DraftRender.Status.RENDERING or not isinstance(
        render_task.get_backend(), DatabaseBackend
    ):
        return False
    running = DBTaskResult.objects.filter(
        status="RUNNING", task_path=render_task.module_path, args_kwargs__kwargs__issue_id=render.issue_id
    )
    alive = live_worker_ids()
    tasks = list(running)
    dead = [task.pk for task in tasks if not alive.intersection(task.worker_ids)]
    if dead:
        DBTaskResult.objects.filter(pk__in=dead, status="RUNNING").update(
            status="FAILED",
            finished_at=timezone.now(),
            exception_class_path="builtins.RuntimeError",
            traceback="The worker running this render stopped without reporting (renders.render_abandoned).",
        )
    return len(tasks) - len(dead) - (1 if from_task else 0) <= 0


def _claim(issue: Issue, key: str) -> DraftRender | None:
    """The DraftRender row for (issue, key), marked 排版中 for this worker; None when it is
    already done or another worker is rendering it (and has neither gone silent nor died)."""
    render, _ = DraftRender.objects.get_or_create(issue=issue, content_key=key)
    if render.status == DraftRender.Status.DONE:
        return None
    stale = timezone.now() - timezone.timedelta(seconds=STALE_RENDER_SECONDS)
    claimable = DraftRender.objects.filter(pk=render.pk)
    if not render_abandoned(render, from_task=True):
        claimable = claimable.exclude(status=DraftRender.Status.RENDERING, started_at__gt=stale)
    if not claimable.update(status=DraftRender.Status.RENDERING, started_at=timezone.now(), error=""):
        return None
    render.refresh_from_db()
    return render


def render_draft(issue_id: int) -> str:
    """Render the draft issue as it is now and store the PDF under its content key.

    Returns what happened ("rendered", "up to date", "busy", "published", "missing"),
    for the task's result and the tests. A failure is recorded on the row and re-raised.
    """
    issue = Issue.objects.select_related("publication").filter(pk=issue_id).first()
    if issue is None:
        return "missing"
    if issue.is_published:
        return "published"
    document, key = draft_document(issue)
    render = _claim(issue, key)
    if render is None:
        done = DraftRender.objects.filter(issue=issue, content_key=key, status=DraftRender.Status.DONE)
        return "up to date" if done.exists() else "busy"
    started = time.perf_counter()
    pdf = None
    try:
        pdf = render_pdf(document)
        name = _storage().save(f"drafts/{issue.pk}/{key[:24]}.pdf", ContentFile(pdf))
    except Exception as error:
        if pdf is not None and isinstance(error, OSError):
            reason = storage_failure_message(error)  # rendered, but the storage refused it
        else:
            reason = f"{type(error).__name__}: {error}"
        DraftRender.objects.filter(pk=render.pk).update(
            status=DraftRender.Status.FAILED, error=reason[:2000], finished_at=timezone.now()
        )
        raise
    elapsed_ms = round((time.perf_counter() - started) * 1000)
    findings, verify_ms = verify_render(pdf)
    DraftRender.objects.filter(pk=render.pk).update(
        status=DraftRender.Status.DONE,
        file=name,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        finished_at=timezone.now(),
        render_ms=elapsed_ms,
        findings=findings,
        verify_ms=verify_ms,
    )
    prune_draft_renders(issue.pk)
    logger.info(
        "draft render issue=%s key=%s %d ms %d bytes, checked in %s ms: %s findings",
        issue.pk,
        key[:12],
        elapsed_ms,
        len(pdf),
        verify_ms,
        "no" if findings is None else len(findings),
    )
    return "rendered"


def verify_render(pdf: bytes) -> tuple[list[dict] | None, int | None]:
    """The verifier's findings on a finished PDF (``Finding.to_dict()`` each) and the
    time it took (ms). A failure of the check never fails the render: it is logged and
    stored as None, which the preview shows as "not checked"."""
    started = time.perf_counter()
    try:
        findings = [finding.to_dict() for finding in verify_pdf(pdf)]
    except Exception:
        logger.exception("verifying the rendered PDF failed")
        return None, None
    return findings, round((time.perf_counter() - started) * 1000)


def prune_draft_renders(issue_id: int, keep: int = KEEP_DRAFT_RENDERS) -> int:
    """Delete all but the newest `keep` finished draft PDFs of an issue (rows and files)."""
    done = list(
        DraftRender.objects.filter(issue_id=issue_id, status=DraftRender.Status.DONE)
        .order_by("-finished_at", "-id")
        .values_list("pk", "file")
    )
    old = done[keep:]
    # Abandoned rows of content that was never rendered (the draft moved on) go too.
    stale = timezone.now() - timezone.timedelta(seconds=STALE_RENDER_SECONDS)
    DraftRender.objects.filter(
        issue_id=issue_id, status=DraftRender.Status.QUEUED, requested_at__lt=stale
    ).delete()
    return _delete_renders(old)


def _delete_renders(rows: list[tuple[int, str]]) -> int:
    DraftRender.objects.filter(pk__in=[pk for pk, _ in rows]).delete()
    for _, name in rows:
        if name:
            _storage().delete(name)
    return len(rows)


def delete_render_files(names: list[str]) -> None:
    """Remove stored draft PDFs whose rows are already gone (call on commit)."""
    for name in names:
        _storage().delete(name)


def discard_draft_renders(issue_id: int) -> None:
    """Once an issue is published its draft PDFs are of no further use."""
    _delete_renders(list(DraftRender.objects.filter(issue_id=issue_id).values_list("pk", "file")))


def stored_pdf_for(issue: Issue, key: str) -> bytes | None:
    """The stored draft PDF for exactly this content, or None. Verified by its SHA-256."""
    render = DraftRender.objects.filter(issue=issue, content_key=key, status=DraftRender.Status.DONE).first()
    if render is None or not render.file:
        return None
    try:
        with render.file.open("rb") as handle:
            data = handle.read()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == render.sha256 else None


# --- what the editor's page shows ---------------------------------------------------------


@dataclass(frozen=True)
class PreviewState:
    """Where the draft's PDF stands, for 预览 PDF and its status endpoint.

    `progress` is 0–100: 100 when ready; while rendering, the share of the expected
    render time already spent (from this installation's recent renders), never above 95.
    """

    key: str
    status: str  # "ready", "queued", "rendering", "failed"
    render: DraftRender | None
    progress: int
    expected_ms: int
    error: str = ""

    @property
    def ready(self) -> bool:
        return self.status == "ready"


def expected_render_ms(issue: Issue | None = None) -> int:
    """How long a render should take (ms): the issue's own last render (a draft's length
    changes little between renders), else the median of the last 20 renders, else
    DEFAULT_RENDER_MS. A render is done once its PDF is also checked, so the check's
    time counts."""
    done = DraftRender.objects.filter(status=DraftRender.Status.DONE, render_ms__isnull=False).annotate(
        total_ms=Coalesce(F("render_ms") + F("verify_ms"), F("render_ms"))
    )
    if issue is not None:
        own = done.filter(issue=issue).order_by("-finished_at").values_list("total_ms", flat=True).first()
        if own:
            return own
    recent = list(done.order_by("-finished_at").values_list("total_ms", flat=True)[:20])
    return round(statistics.median(recent)) if recent else DEFAULT_RENDER_MS


def preview_state(issue: Issue, *, request_if_missing: bool = True) -> PreviewState:
    """The draft's current key and its render; asks for a render when none is on its way."""
    _, key = draft_document(issue)
    render = DraftRender.objects.filter(issue=issue, content_key=key).first()
    if render is not None and render.status == DraftRender.Status.DONE:
        return PreviewState(key, "ready", render, 100, render.render_ms or 0)
    expected = expected_render_ms(issue)
    if render is not None and render.status == DraftRender.Status.FAILED:
        return PreviewState(key, "failed", render, 0, expected, render.error)
    if render is None:
        render, _ = DraftRender.objects.get_or_create(issue=issue, content_key=key)
    if render.status == DraftRender.Status.QUEUED and request_if_missing:
        request_draft_render(issue.pk)
        render.refresh_from_db()  # the immediate backend has rendered it already
        if render.status == DraftRender.Status.DONE:
            return PreviewState(key, "ready", render, 100, render.render_ms or 0)
    if render.status == DraftRender.Status.RENDERING and render.started_at:
        silent = (timezone.now() - render.started_at).total_seconds() > STALE_RENDER_SECONDS
        if request_if_missing and (silent or render_abandoned(render)):
            request_draft_render(issue.pk)  # its worker died mid-render: another takes it over
        elapsed = (timezone.now() - render.started_at).total_seconds() * 1000
        return PreviewState(
            key, "rendering", render, min(95, max(5, round(100 * elapsed / expected))), expected
        )
    return PreviewState(key, "queued", render, 0, expected)


def pdf_check(state: PreviewState) -> PdfCheck:
    """What the preview's check report says of the draft's PDF (printing.verify)."""
    if state.ready:
        stored = state.render.findings if state.render is not None else None
        if stored is None:
            return PdfCheck("unchecked")
        return PdfCheck("done", tuple(Finding.from_dict(item) for item in stored))
    if state.status == "failed":
        return PdfCheck("failed", note=state.error)
    return PdfCheck("pending")


def retry_failed_render(issue: Issue) -> None:
    """Forget a failed render of the current content and ask again (the 重试 button)."""
    _, key = draft_document(issue)
    DraftRender.objects.filter(issue=issue, content_key=key, status=DraftRender.Status.FAILED).update(
        status=DraftRender.Status.QUEUED, error=""
    )
    request_draft_render(issue.pk)
