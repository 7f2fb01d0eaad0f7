"""Writes of the proofreading app: keep the 查重 index, dismiss a finding.

``dismiss_finding`` is the one way to set a finding aside: it checks the actor (an
editor), stores a ``Dismissal`` (actor, time, reason) and, for a piece, writes a
``submissions.Event`` (action ``proofreading_dismiss``, the status unchanged, the note
naming the finding and the reason) so the piece's audit trail shows it beside the other
decisions.
"""

from __future__ import annotations

import hashlib

from django.db import IntegrityError, transaction

from accounts.models import User
from bulletin.models import Issue
from submissions.models import Event, Submission

from . import permissions, similarity
from .models import Band, Dismissal, Fingerprint
from .queries import printed_text

MAX_REASON = 200


class ProofreadingError(Exception):
    """A refused proofreading action; the message is for the user (Chinese)."""


# --- 查重 index ----------------------------------------------------------------------


def index_submission(submission: Submission) -> Fingerprint | None:
    """Compute and store the piece's fingerprint and band keys (replacing older ones).

    Returns the fingerprint, or None for a piece with too little text to compare (any old
    fingerprint is removed). Idempotent; safe to call from any action that changed text.
    """
    text = printed_text(submission)
    text_hash = hashlib.sha1(text.encode("utf-8")).hexdigest()
    shingle_set = similarity.shingles(text)
    sig = similarity.signature(shingle_set)
    with transaction.atomic():
        if sig is None:
            Fingerprint.objects.filter(submission=submission).delete()
            return None
        fingerprint, created = Fingerprint.objects.update_or_create(
            submission=submission,
            defaults={
                "version": submission.version,
                "text_hash": text_hash,
                "shingle_count": len(shingle_set),
                "signature": sig.tobytes(),
            },
        )
        if not created:
            fingerprint.bands.all().delete()
        Band.objects.bulk_create(Band(fingerprint=fingerprint, key=key) for key in similarity.band_keys(sig))
    return fingerprint


def refresh_index(limit: int | None = 50) -> int:
    """Index the pieces whose fingerprint is missing or older than their text (their
    ``version`` moved on): at most ``limit`` per call (None: all). Returns how many.

    Called before each 查重 lookup, so the index follows every text change whichever
    action made it (the actions of submissions/ and bulletin/ need not know about it);
    ``manage.py proofreading_index`` builds it whole after a bulk import.
    """
    from .queries import stale_submissions

    done = 0
    for submission in stale_submissions(limit):
        try:
            index_submission(submission)
        except IntegrityError:
            continue  # a concurrent request indexed it first
        done += 1
    return done


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

    Errors (``ProofreadingError``, Chinese): the actor is not an editor; no reason; both or
    neither of piece and issue. Dismissing the same finding again returns the first
    dismissal unchanged (a double submit records nothing twice).
    """
    if not permissions.can_dismiss(actor):
        raise ProofreadingError("只有编辑可以忽略校对提示。")
    reason = (reason or "").strip()
    if not reason:
        raise ProofreadingError("请填写忽略这条提示的理由。")
    if (submission is None) == (issue is None):
        raise ProofreadingError("请指明是哪篇稿件或哪一期的提示。")
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
