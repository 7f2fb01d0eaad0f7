"""The one way to record a 领导批示 on a published piece."""

import datetime

from django.db import transaction
from django.utils import timezone

from assessment.models import Instruction
from audit.records import Kind, record
from bulletin.actions.common import IssueActionError, _require_editor
from submissions.models import Submission


@transaction.atomic
def record_instruction(*, actor, submission, leader: str, level: str, date: datetime.date, text: str = ""):
    """记录批示 on a published piece; the piece's unit earns the scheme's bonus. Recording
    the same instruction again returns the existing record."""
    _require_editor(actor)
    if submission.status != Submission.Status.PUBLISHED:
        raise IssueActionError("只能为已刊发的稿件记录批示。")
    leader = " ".join((leader or "").split())
    if not leader:
        raise IssueActionError("请填写批示领导。")
    if date > timezone.localdate():
        raise IssueActionError("批示日期不能晚于今天。")
    text = (text or "").strip()
    # The same instruction sent twice (a double click, a resubmitted form) is one record, so
    # its bonus counts once: the piece's row is locked while we look for it.
    Submission.objects.select_for_update().filter(pk=submission.pk).first()
    same = Instruction.objects.filter(submission=submission, leader=leader, level=level, date=date, text=text)
    if same.exists():
        return same.first()
    instruction = Instruction(
        submission=submission,
        leader=leader,
        level=level,
        date=date,
        text=text,
        recorded_by=actor,
    )
    instruction.full_clean()
    instruction.save()
    record(
        Kind.INSTRUCTION_RECORDED,
        actor=actor,
        obj=submission,
        after={"leader": leader, "level": level, "date": date.isoformat()},
    )
    return instruction
