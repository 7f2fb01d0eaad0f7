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
from proofreading import permissions, similarity
from proofreading.models import Band, Dismissal, Fingerprint
from proofreading.queries import printed_text
from submissions.models import Event, Submission

MAX_REASON = 200
BATCH = 200  # pieces indexed per transaction


class ProofreadingError(Exception):
    """A refused proofreading action; the message is for the user (Chinese)."""


# --- 查重 index ----------------------------------------------------------------------


def index_submissions(submissions: list[Submission]) -> int:
    """Compute and store the pieces' fingerprints and band keys, replacing older ones, in
    one transaction and a few statements whatever the number. Returns how many.

    A piece with too little text to compare (under 3 letters) gets a fingerprint without
    signature or bands, so it is not taken for stale again. Idempotent.
    """
    rows, bands = [], []
    for submission in submissions:
        text = printed_text(submission)
        shingle_set = similarity.shingles(text)
        sig = similarity.signature(shingle_set)
        rows.append(
            Fingerprint(
                submission_id=submission.pk,
                version=submission.version,
                source_updated_at=submission.updated_at,
                text=text,
                text_hash=hashlib.sha1(text.encode("utf-8")).hexdigest(),
                shingle_count=len(shingle_set),
                signature=sig.tobytes() if sig is not None else b"",
                shingles=shingle_set.tobytes(),
            )
        )
        if sig is not None:
            bands += [Band(fingerprint_id=submission.pk, key=key) for key in similarity.band_keys(sig)]
    with transaction.atomic():
        Fingerprint.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["submission"],
            update_fields=[
                "version",
                "source_updated_at",
                "text",
                "text_hash",
                "shingle_count",
                "signature",
                "shingles",
            ],
        )
        Band.objects.filter(fingerprint_id__in=[row.submission_id for row in rows]).delete()
        Band.objects.bulk_create(bands, batch_size=2000)
    return len(rows)


def index_submission(submission: Submission) -> Fingerprint:
    """One piece's fingerprint, computed and stored now (see ``index_submissions``)."""
    index_submissions([submission])
    return Fingerprint.objects.get(submission=submission)


def refresh_index(limit: int | None = 50) -> int:
    """Index the pieces 查重 compares that changed since the index last looked — at most
    ``limit`` per call, oldest change first (None: every piece whose fingerprint is
    missing or older than its text, a full sweep). Returns how many were indexed.

    Called before each 查重 lookup, so the index follows every change of text or status
    whichever action made it (submissions/ and bulletin/ need not know about it); the
    check reads one indexed range of ``Submission(status, updated_at)``.
    ``manage.py proofreading_index`` runs the full sweep after a bulk import.
    """
    from proofreading.queries import changed_submissions, stale_submissions

    done = 0
    while True:
        size = min(limit - done, BATCH) if limit else BATCH
        batch = list(changed_submissions(size) if limit else stale_submissions(size))
        if not batch:
            return done
        try:
            index_submissions(batch)
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
