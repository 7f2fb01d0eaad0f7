"""What the issue actions share: their errors, the editor check and the row locks."""

from django.core.exceptions import PermissionDenied

from bulletin.models import Issue
from bulletin.permissions import can_assemble_issues
from bulletin.renders import (
    schedule_draft_render,
)


class IssueActionError(Exception):
    """An action that cannot be done in the current state; the message is for the user."""


class StaleLayout(IssueActionError):
    """The page's view of the layout is older than the stored one."""


class CorrectionConflict(IssueActionError):
    """Another editor's 更正 is under way, or was made after this editor's page was shown:
    this editor's note is not taken (the page keeps it) and the message says whose came first."""


class NeedsConfirmation(IssueActionError):
    """Publishing out of order: earlier numbers of the year are still in assembly.
    The message names them; publishing again with `confirmed=True` goes ahead."""


class NumberingNeedsReason(IssueActionError):
    """期号 or 总期号 that do not follow the issue before (bulletin.numbering.sequence_problems),
    with no reason given. The message names the numbers; the form then asks for the
    confirmation and the reason, and the action goes ahead with ``numbering_reason``."""


def _require_editor(actor) -> None:
    if not can_assemble_issues(actor):
        raise PermissionDenied("只有编辑可以组刊和刊发。")


GONE = "这一期已被删除（可能是其他编辑刚删的），请回到期刊列表查看。"


def _lock_issue(issue: Issue) -> Issue:
    """The issue's row, locked; IssueActionError if it was deleted since the page was read."""
    locked = Issue.objects.select_for_update().filter(pk=issue.pk).first()
    if locked is None:
        raise IssueActionError(GONE)
    return locked


def _lock_draft(issue: Issue, expected_version: int | None = None) -> Issue:
    locked = _lock_issue(issue)
    if locked.status != Issue.Status.DRAFT:
        raise IssueActionError("这一期已经刊发，不能再改动编排。如需修改请使用“更正”。")
    if expected_version is not None and locked.layout_version != expected_version:
        raise StaleLayout("编排已被他人修改，页面已过期。请刷新后再操作，您刚才的调整没有保存。")
    return locked


def _bump(issue: Issue) -> None:
    issue.layout_version += 1
    issue.save(update_fields=["layout_version", "updated_at"])
    schedule_draft_render(issue)
