"""The 查重 index: each piece's fingerprint (MinHash signature and LSH bands) kept current.

``refresh_index`` is called before each lookup, so the index follows every change of text or
status whichever action made it; ``manage.py proofreading_index`` runs the full sweep.
"""

from __future__ import annotations

import hashlib
import unicodedata

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q

from proofreading import similarity
from proofreading.models import Band, Fingerprint
from submissions.models import Submission
from text.richtext import body_paragraphs

S = Submission.Status
# The pieces 查重 compares (drafts and pieces waiting for 审签 are the unit's own business).
COMPARED_STATUSES = (S.PUBLISHED, S.SUBMITTED, S.RETURNED, S.ADOPTED)


def printed_text(submission: Submission) -> str:
    """Title and body as plain text, one paragraph a line: what 查重 compares. (Only
    letters and digits are compared, so the print's normalisation of punctuation and
    spaces would change nothing but the time it takes.)"""
    lines = [unicodedata.normalize("NFC", submission.title + submission.subtitle)]
    lines += [unicodedata.normalize("NFC", p) for p in body_paragraphs(submission.body)]
    return "\n".join(line for line in lines if line.strip())


def stale_submissions(limit: int | None):
    """Pieces 查重 compares whose fingerprint is missing or older than their text: the
    full sweep (a join over every piece)."""
    queryset = (
        Submission.objects.filter(status__in=COMPARED_STATUSES)
        .filter(Q(fingerprint__isnull=True) | ~Q(fingerprint__version=F("version")))
        .order_by("updated_at", "pk")
    )
    return queryset[:limit] if limit else queryset


def changed_submissions(limit: int) -> list[Submission]:
    """Pieces 查重 compares that changed (text or status) since the newest piece the index
    has seen, oldest first. Two index reads: the newest indexed time, then the
    (status, updated_at) range from there (each row with the time its fingerprint has)."""
    newest = Fingerprint.objects.aggregate(newest=Max("source_updated_at"))["newest"]
    queryset = Submission.objects.filter(status__in=COMPARED_STATUSES)
    if newest is not None:
        queryset = queryset.filter(updated_at__gte=newest)
    recent = queryset.annotate(indexed_at=F("fingerprint__source_updated_at")).order_by("updated_at", "pk")
    return [s for s in recent[: limit + 1] if s.indexed_at != s.updated_at][:limit]


BATCH = 200  # pieces indexed per transaction


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
