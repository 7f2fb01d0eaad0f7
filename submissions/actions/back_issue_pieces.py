"""The pieces of an imported back issue: recorded, updated on a replace, deleted, by the
back-issue import (backissues.actions) with an explicit actor.
"""

from django.core.exceptions import PermissionDenied

from accounts.models import Role, Unit, User
from submissions.actions.pieces import BACK_ISSUE_FIELDS, S, _lock
from submissions.models import Event, Submission
from text.richtext import sanitize_body


def record_back_issue_piece(
    *,
    actor: User,
    unit: Unit,
    adopted_as: str,
    title: str = "",
    subtitle: str = "",
    body: str = "",
    byline_org: str = "",
    byline_authors: str = "",
    brief_text: str = "",
    brief_byline: str = "",
    note: str = "",
) -> Submission:
    """A piece of a back issue, recorded as published (called by the back-issue import,
    inside its transaction). The audit row says where it came from."""
    if actor.role != Role.EDITOR or not actor.is_active:
        raise PermissionDenied("只有编辑可以导入往期刊物。")
    submission = Submission(
        unit=unit,
        created_by=actor,
        title=title[:80],
        subtitle=subtitle[:80],
        body=sanitize_body(body),
        byline_org=byline_org[:64],
        byline_authors=byline_authors[:64],
        adopted_as=adopted_as,
        brief_text=brief_text,
        brief_byline=brief_byline[:100],
        status=S.PUBLISHED,
    )
    submission.full_clean(exclude=["source_docx"])
    submission.save()
    Event.objects.create(
        submission=submission, actor=actor, action="import", from_status="", to_status=S.PUBLISHED, note=note
    )
    return submission


def update_back_issue_piece(
    *, actor: User, submission: Submission, unit: Unit, adopted_as: str, note: str = "", **fields
) -> Submission:
    """A back-issue piece re-imported with corrected text (called by the replace import,
    inside its transaction): the same row, so its 批示, comments and events stay."""
    if actor.role != Role.EDITOR or not actor.is_active:
        raise PermissionDenied("只有编辑可以导入往期刊物。")
    submission = _lock(submission)
    limits = {"title": 80, "subtitle": 80, "byline_org": 64, "byline_authors": 64, "brief_byline": 100}
    for name in BACK_ISSUE_FIELDS:
        value = fields.get(name, "")
        if name == "body":
            value = sanitize_body(value)
        setattr(submission, name, value[: limits[name]] if name in limits else value)
    submission.unit = unit
    submission.adopted_as = adopted_as
    submission.version += 1
    submission.full_clean(exclude=["source_docx"])
    submission.save()
    Event.objects.create(
        submission=submission,
        actor=actor,
        action="reimport",
        from_status=S.PUBLISHED,
        to_status=S.PUBLISHED,
        note=note,
    )
    return submission


def delete_back_issue_piece(*, actor: User, submission: Submission) -> None:
    """A back-issue piece that a replace import no longer has (called inside its
    transaction, only for pieces nobody added anything to; see bulletin.actions)."""
    if actor.role != Role.EDITOR or not actor.is_active:
        raise PermissionDenied("只有编辑可以导入往期刊物。")
    submission.delete()
