"""Dismissals: setting a 校对 finding aside with a reason.

``dismiss_finding`` is the one way to set a finding aside: it checks the actor (an
editor), stores a ``Dismissal`` (actor, time, reason) and, for a piece, writes a
``submissions.Event`` (action ``proofreading_dismiss``, the status unchanged, the note
naming the finding and the reason) so the piece's audit trail shows it beside the other
decisions.
"""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from bulletin.models import Issue
from proofreading import permissions
from proofreading.actions.common import ProofreadingError
from proofreading.models import Dismissal
from submissions.models import Event, Submission

MAX_REASON = 200


# --- dismissals -----------------------------------------------------------------------


def dismiss_finding(
    *,
    actor: User,
    key: str,
    rule: str,
    message: str,
    reason: str,
    excerpt: str = "",
    submission: Submission | None = None,
    issue: Issue | None = None,
) -> Dismissal:
    """Set a finding of a piece (``submission``) or of an issue (``issue``) aside.

    Errors (``ProofreadingError``, Chinese): the actor is not an editor, or may not read
    the piece (the same predicate as the read, ``submissions.permissions.can_view``); no
    reason; both or neither of piece and issue. Dismissing the same finding again returns the first
    dismissal unchanged (a double submit records nothing twice).
    """
    if not permissions.can_dismiss(actor):
        raise ProofreadingError("只有编辑可以忽略校对提示。")
    reason = (reason or "").strip()
    if not reason:
        raise ProofreadingError("请填写忽略这条提示的理由。")
    if (submission is None) == (issue is None):
        raise ProofreadingError("请指明是哪篇稿件或哪一期的提示。")
    if not permissions.can_dismiss_in(actor, submission):
        raise ProofreadingError("您无权查看这篇稿件，不能忽略它的校对提示。")
    if not key or len(key) > 20:
        raise ProofreadingError("这条提示无法识别，请刷新页面后再试。")
    scope = {"submission": submission} if submission is not None else {"issue": issue}
    with transaction.atomic():
        existing = Dismissal.objects.filter(key=key, **scope).first()
        if existing is not None:
            return existing
        dismissal = Dismissal.objects.create(
            key=key,
            rule=rule[:32],
            message=message[:200],
            excerpt=excerpt[:200],
            reason=reason[:MAX_REASON],
            actor=actor,
            **scope,
        )
        if submission is not None:
            Event.objects.create(
                submission=submission,
                actor=actor,
                action="proofreading_dismiss",
                from_status=submission.status,
                to_status=submission.status,
                note=f"忽略校对提示：{message[:100]}（理由：{reason[:MAX_REASON]}）",
            )
    return dismissal
