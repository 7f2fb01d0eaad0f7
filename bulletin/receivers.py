"""How the bulletin app answers what the layers below it tell and ask.

Connected in ``BulletinConfig.ready()``: the piece workflow (``submissions.signals``), the
worker's housekeeping and the restore check (``service.hooks``).
"""

from bulletin.models import Issue, IssuePdf, Placement
from bulletin.printed_text import piece_printed_text, store_printed_texts
from bulletin.renders import schedule_draft_render
from service.backup import BackupError, sha256_of
from submissions.models import Submission


def keep_printed_text(sender, submission: Submission, **kwargs) -> None:
    """Search reads the text as printed. A published piece keeps the text of its frozen
    issue until 更正 re-freezes it (bulletin.actions.publishing.correct_issue), so an edit
    after publication changes nothing readers find."""
    if submission.status == Submission.Status.PUBLISHED:
        return
    text = piece_printed_text(submission)
    if text != submission.printed_text:
        store_printed_texts({submission.pk: text})
        submission.printed_text = text


def rerender_draft_issue(sender, submission: Submission, **kwargs) -> None:
    """A placed piece's text prints in its draft issue: re-render that draft once this
    commits (bulletin.renders; the editor's 预览 PDF is then ready without waiting)."""
    issue_id = (
        Placement.objects.filter(submission=submission, issue__status=Issue.Status.DRAFT)
        .values_list("issue_id", flat=True)
        .first()
    )
    if issue_id is not None:
        schedule_draft_render(issue_id)


def placement_label(sender, submission: Submission, **kwargs) -> str | None:
    """The issue ("2024年第1期") the piece is placed in, else None."""
    placement = Placement.objects.filter(submission=submission).select_related("issue").first()
    return None if placement is None else f"{placement.issue.year}年第{placement.issue.number}期"


def check_issue_pdfs(alias: str) -> None:
    """After a restore: every stored issue PDF is there and has the SHA-256 its row records.

    Raises BackupError (Chinese message) naming the first file that is missing or changed.
    """
    for record in IssuePdf.objects.using(alias).all():
        try:
            with record.file.open("rb") as handle:
                sha = sha256_of(handle)
        except OSError as error:
            raise BackupError(f"恢复后缺少期刊 PDF：{record.file.name}") from error
        if sha != record.sha256:
            raise BackupError(f"恢复后的期刊 PDF {record.file.name} 的 SHA-256 与记录不符。")
