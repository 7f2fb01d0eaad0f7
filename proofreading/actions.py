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
BATCH = 200  # pieces indexed per transaction


class ProofreadingError(Exception):
    """A refused proofreading action; the message is for the user (Chinese)."""


# --- 查重 index ----------------------------------------------------------------------


def index_submission(submission: Submission) -> Fingerprint:
    """Compute and store the piece's fingerprint and band keys (replacing older ones).

    A piece with too little text to compare (under 3 letters) gets a fingerprint without
    signature or bands. Idempotent; safe to call from any action that changed text.
    """
    text = printed_text(submission)
    text_hash = hashlib.sha1(text.encode("utf-8")).hexdigest()
    shingle_set = similarity.shingles(text)
    sig = similarity.signature(shingle_set)
    with transaction.atomic():
        fingerprint, created = Fingerprint.objects.update_or_create(
            submission=submission,
            defaults={
                "version": submission.version,
                "source_updated_at": submission.updated_at,
                "text": text,
                "text_hash": text_hash,
                "shingle_count": len(shingle_set),
                # A text too short to compare is recorded too (so it is not stale), without bands.
                "signature": sig.tobytes() if sig is not None else b"",
            },
        )
        if not created:
            fingerprint.bands.all().delete()
        if sig is not None:
            Band.objects.bulk_create(
                Band(fingerprint=fingerprint, key=key) for key in similarity.band_keys(sig)
            )
    return fingerprint


def refresh_index(limit: int | None = 50) -> int:
    """Index the pieces 查重 compares that changed since the index last looked — at most
    ``limit`` per call, oldest change first (None: every piece whose fingerprint is
    missing or older than its text, a full sweep). Returns how many were indexed.

    Called before each 查重 lookup, so the index follows every change of text or status
    whichever action made it (submissions/ and bulletin/ need not know about it); the
    check reads one indexed range of ``Submission(status, updated_at)``.
    ``manage.py proofreading_index`` runs the full sweep after a bulk import.
    """
    from .queries import changed_submissions, stale_submissions

    done = 0
    while True:
        size = min(limit - done, BATCH) if limit else BATCH
        batch = list(changed_submissions(size) if limit else stale_submissions(size))
        if not batch:
            return done
        try:
            # One transaction a batch: on SQLite a commit per piece costs more than the piece.
            with transaction.atomic():
                for submission in batch:
                    index_submission(submission)
        except IntegrityError:
            return done  # a concurrent request is indexing the same pieces
        done += len(batch)
        if limit and done >= limit:
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
