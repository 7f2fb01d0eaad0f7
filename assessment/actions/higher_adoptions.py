"""The one way to record and remove a 上级采用 (a piece adopted by 省人大 or 全国人大):
checks the editor, writes the audit row and the piece's event.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from assessment.models import HigherAdoption
from audit.records import Kind, record
from bulletin.actions.common import IssueActionError, _require_editor
from bulletin.models import Placement
from submissions.models import Event, Submission


def _earliest_higher_adoption(submission) -> datetime.date | None:
    """A higher bulletin can only take up a piece it could have seen: not before the piece
    first reached the editor (a back-issue piece: its issue's date). None when unknown."""
    if submission.first_submitted_at is not None:
        return timezone.localtime(submission.first_submitted_at).date()
    placement = Placement.objects.filter(submission=submission).select_related("issue").first()
    return placement.issue.date if placement is not None else None


def _higher_adoption_text(adoption) -> str:
    return (
        f"{adoption.date.year}年{adoption.date.month}月{adoption.date.day}日 · "
        f"{adoption.get_level_display()} · 《{adoption.publication}》{adoption.issue}"
    )


def _audit_on_piece(*, actor, submission, action: str, note: str) -> None:
    """An audit row on the piece for a record that does not move it (its status stays)."""
    Event.objects.create(
        submission=submission,
        actor=actor,
        action=action,
        from_status=submission.status,
        to_status=submission.status,
        note=note,
    )


def record_higher_adoption(
    *, actor, submission, level: str, publication: str, date: datetime.date, issue: str = ""
):
    """记录上级采用: a piece forwarded to and adopted by a provincial or national bulletin; the
    piece's unit earns the scheme's points for that level on that date. The date lies between
    the piece's first arrival (`_earliest_higher_adoption`) and today. Audited on the piece."""
    _require_editor(actor)
    if submission.status not in (Submission.Status.ADOPTED, Submission.Status.PUBLISHED):
        raise IssueActionError("只能为已采用或已刊发的稿件记录上级采用。")
    if level not in HigherAdoption.Level.values:
        raise IssueActionError("请选择省人大或全国人大。")
    publication = " ".join((publication or "").split())
    if not publication:
        raise IssueActionError("请填写采用的刊物名称。")
    if date > timezone.localdate():
        raise IssueActionError("采用日期不能晚于今天。")
    earliest = _earliest_higher_adoption(submission)
    if earliest is not None and date < earliest:
        raise IssueActionError(
            f"采用日期不能早于稿件报送本刊的日期（{earliest.year}年{earliest.month}月{earliest.day}日）。"
        )
    adoption = HigherAdoption(
        submission=submission,
        level=level,
        publication=publication,
        date=date,
        issue=" ".join((issue or "").split()),
        recorded_by=actor,
    )
    adoption.full_clean(validate_constraints=False)
    with transaction.atomic():
        try:
            with transaction.atomic():
                adoption.save()
        except IntegrityError as error:
            raise IssueActionError(f"《{publication}》{adoption.issue}的这次采用已经记录过了。") from error
        _audit_on_piece(
            actor=actor,
            submission=submission,
            action="higher_adoption",
            note=f"记录上级采用：{_higher_adoption_text(adoption)}",
        )
        record(Kind.HIGHER_ADOPTION, actor=actor, obj=submission, message=_higher_adoption_text(adoption))
    return adoption


@transaction.atomic
def remove_higher_adoption(*, actor, adoption, note: str):
    """Remove a mistaken 上级采用 record (the unit's points for it go with it). The reason is
    required and kept, with what the record said, in the piece's audit trail."""
    _require_editor(actor)
    note = " ".join((note or "").split())
    if not note:
        raise IssueActionError("删除上级采用记录时请写明原因。")
    adoption = (
        HigherAdoption.objects.select_for_update().select_related("submission").filter(pk=adoption.pk).first()
    )
    if adoption is None:
        raise IssueActionError("这条上级采用记录已经删除了。")
    _audit_on_piece(
        actor=actor,
        submission=adoption.submission,
        action="higher_adoption_removed",
        note=f"删除上级采用记录：{_higher_adoption_text(adoption)}。原因：{note}",
    )
    record(
        Kind.HIGHER_ADOPTION,
        actor=actor,
        obj=adoption.submission,
        before={"adoption": _higher_adoption_text(adoption)},
        message=f"删除：{note}",
    )
    adoption.delete()
    return adoption
