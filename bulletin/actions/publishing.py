"""The one way to publish an issue (刊发) and to correct a published one (更正): render, freeze
the snapshot and the printed text, store the PDF with its SHA-256, mark the pieces 已刊发.
"""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from audit.records import Kind, record
from bulletin.actions.common import (
    IssueActionError,
    NeedsConfirmation,
    StaleLayout,
    _lock_draft,
    _require_editor,
)
from bulletin.documents import build_document
from bulletin.models import Issue, IssuePdf
from bulletin.numbering import numbers_of, numbers_taken, sequence_problems
from bulletin.printed_text import freeze_printed_texts
from bulletin.queries import earlier_in_assembly
from bulletin.renders import (
    content_key,
    discard_draft_renders,
    storage_failure_message,
    stored_pdf_for,
)
from printing.render import render_pdf
from submissions.actions.pieces import publish_submissions
from submissions.models import Submission


@contextmanager
def _files_removed_on_failure(storage) -> Iterator[list[str]]:
    """Names of files written inside the block are deleted again if the block fails,
    so a rolled-back publication leaves no orphan PDF behind.

    Only new files are written inside a transaction, each under a fresh name that no row
    points to until the transaction commits (the storage never overwrites); no action
    deletes a stored PDF, so a failure can never cost an earlier file."""
    written: list[str] = []
    try:
        yield written
    except BaseException:
        for name in written:
            storage.delete(name)
        raise


def _store_pdf(*, issue: Issue, actor, pdf: bytes, written: list[str], note: str = "") -> IssuePdf:
    """Store rendered PDF bytes as the issue's next PDF version (the render happened before,
    outside the transaction this runs in)."""
    last = issue.pdfs.order_by("-version").first()
    record = IssuePdf(
        issue=issue,
        version=(last.version + 1) if last else 1,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        note=note,
        created_by=actor,
    )
    try:
        record.file.save("issue.pdf", ContentFile(pdf), save=False)
    except OSError as error:  # full disk, read-only mount, object store refusing
        raise IssueActionError(storage_failure_message(error)) from error
    written.append(record.file.name)
    record.save()
    return record


def _check_publishable(issue: Issue, expected_version: int | None) -> None:
    if issue.status != Issue.Status.DRAFT:
        raise IssueActionError("这一期已经刊发，不能再改动编排。如需修改请使用“更正”。")
    if expected_version is not None and issue.layout_version != expected_version:
        raise StaleLayout("编排已被他人修改，页面已过期。请刷新后再操作，您刚才的调整没有保存。")


def publish_issue(
    *, actor, issue: Issue, expected_version: int | None = None, confirmed: bool = False
) -> Issue:
    """Freeze the issue's content, mark its pieces 已刊发 and store its PDF — all or nothing.

    While an earlier number of the same year is still in assembly, NeedsConfirmation
    names it, unless `confirmed` (the editor saw that message and chose to go on; the
    worker publishes a job the editor already confirmed).

    The PDF is the pre-rendered draft PDF when its content key matches the content being
    frozen, otherwise rendered here; either way before the transaction, so no lock is held
    while rendering. Inside the transaction the content is read again: if it changed in
    the meantime nothing is published and the editor is told. Runs in the worker (see
    request_publication); tests and scripts may call it directly.
    """
    _require_editor(actor)
    issue = Issue.objects.select_related("publication").get(pk=issue.pk)
    if issue.status == Issue.Status.PUBLISHED and expected_version in (None, issue.layout_version):
        return issue  # a double click: the first click published it; same result
    _check_publishable(issue, expected_version)
    _check_sequence(issue)  # before rendering; again under the lock below
    document = build_document(issue)
    if not document.sections:
        raise IssueActionError("这一期还没有编入任何稿件，不能刊发。")
    key = content_key(document)
    pdf = stored_pdf_for(issue, key)
    if pdf is None:
        pdf = render_pdf(document)
    with _files_removed_on_failure(IssuePdf.file.field.storage) as written, transaction.atomic():
        current = Issue.objects.select_for_update().get(pk=issue.pk)
        if current.status == Issue.Status.PUBLISHED:
            return current  # a double click: the first click published it; same result
        issue = _lock_draft(issue, expected_version)
        _confirm_order(issue, confirmed)
        pieces = list(Submission.objects.filter(placement__issue=issue).only("pk"))
        if not pieces:
            raise IssueActionError("这一期还没有编入任何稿件，不能刊发。")
        frozen = build_document(issue)
        if content_key(frozen) != key:
            raise IssueActionError("刊发过程中本期内容又有改动，本次未刊发。请查看预览后重新刊发。")
        # Unique from the moment an issue exists; whether they still follow the issue
        # before is checked again (it may have been deleted, renumbered or imported since).
        slips = _check_sequence(issue)
        issue.snapshot = frozen.to_dict()
        issue.status = Issue.Status.PUBLISHED
        issue.published_at = timezone.now()
        issue.save()
        # Bulk moves: the query count does not grow with the issue's size (tested).
        publish_submissions(actor=actor, submissions=pieces, issue=issue)
        freeze_printed_texts(issue)
        stored = _store_pdf(issue=issue, actor=actor, pdf=pdf, written=written)
        record(
            Kind.ISSUE_PUBLISHED,
            actor=actor,
            obj=issue,
            after={
                "pieces": len(pieces),
                "pdf_version": stored.version,
                "sha256": stored.sha256,
                **({"numbering_reason": issue.numbering_reason} if slips else {}),
            },
            message="".join(slips),
        )
        issue_id = issue.pk
        transaction.on_commit(lambda: discard_draft_renders(issue_id))
    return issue


def _confirm_order(issue: Issue, confirmed: bool) -> None:
    """NeedsConfirmation while an earlier number of the same year is still in assembly."""
    earlier = earlier_in_assembly(issue)
    if earlier and not confirmed:
        names = "、".join(f"第{e.number}期" for e in earlier)
        raise NeedsConfirmation(
            f"{issue.year}年{names}还在编辑中，尚未刊发。确定先刊发第{issue.number}期吗？"
        )


def _check_sequence(issue: Issue) -> list[str]:
    """The issue's sequence slips (bulletin.numbering.sequence_problems); IssueActionError
    when there are some and the issue has no recorded reason, and whatever the reason for
    a number taken or a 总期号 out of order (``numbers_taken``). Imported issues keep the
    back-issue import's own rules and are not checked."""
    if issue.origin != Issue.Origin.ASSEMBLED:
        return []
    # A number another issue took since, or a 总期号 out of order: no reason lifts these.
    taken = numbers_taken(**numbers_of(issue))
    if taken:
        raise IssueActionError(
            "期号核对未通过，本期未刊发：" + "".join(taken) + "请在“本期信息”中改正后再刊发。"
        )
    slips = sequence_problems(**numbers_of(issue))
    if slips and not issue.numbering_reason:
        raise IssueActionError(
            "期号核对未通过，本期未刊发："
            + "".join(slips)
            + "如确需这样编号，请在“本期信息”中勾选确认并填写理由后再刊发。"
        )
    return slips


def correct_issue(*, actor, issue: Issue, note: str) -> IssuePdf:
    """更正: re-freeze a published issue from its pieces' current text and store a new PDF.

    Earlier PDF versions stay stored and downloadable by editors.
    """
    _require_editor(actor)
    note = (note or "").strip()
    if not note:
        raise IssueActionError("请填写更正说明。")
    issue = Issue.objects.select_related("publication").get(pk=issue.pk)
    if issue.status != Issue.Status.PUBLISHED:
        raise IssueActionError("只有已刊发的期才能更正；未刊发的期请直接修改后刊发。")
    document = build_document(issue)
    pdf = render_pdf(document)  # outside the transaction: no lock held while rendering
    with _files_removed_on_failure(IssuePdf.file.field.storage) as written, transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        frozen = build_document(issue)
        if content_key(frozen) != content_key(document):
            raise IssueActionError("更正过程中稿件又有改动，本次未更正。请重新提交更正。")
        snapshot = frozen.to_dict()
        last = issue.pdfs.order_by("-version").first()
        if snapshot == issue.snapshot and last is not None:
            if last.note == note:
                return last  # a double click: the first click made this version; same result
            raise IssueActionError("本期稿件内容自上次刊发或更正以来没有变化，无需更正。请先修改稿件再更正。")
        before = {"pdf_version": last.version if last else None, "sha256": last.sha256 if last else None}
        issue.snapshot = snapshot
        issue.save(update_fields=["snapshot", "updated_at"])
        # Readers now find the corrected text (and only now: issue 12).
        freeze_printed_texts(issue)
        pdf = _store_pdf(issue=issue, actor=actor, pdf=pdf, written=written, note=note)
        record(
            Kind.ISSUE_CORRECTED,
            actor=actor,
            obj=issue,
            before=before,
            after={"pdf_version": pdf.version, "sha256": pdf.sha256},
            message=note,
        )
        return pdf
