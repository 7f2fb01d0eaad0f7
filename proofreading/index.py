"""The 查重 index: each piece's fingerprint (text, shingles, MinHash signature) kept
current, and every signature in one matrix per process for choosing candidates.

``refresh_index`` is called before each lookup, so the index follows every change of text or
status whichever action made it; ``manage.py proofreading_index`` runs the full sweep.
``signature_matrix`` keeps the process's copy of the signatures in step with the table.
"""

from __future__ import annotations

import datetime
import hashlib
import threading
import time
import unicodedata
from dataclasses import dataclass

import numpy as np
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Max, Q

from proofreading import similarity
from proofreading.models import Fingerprint
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
    """Compute and store the pieces' fingerprints, replacing older ones, in one statement
    whatever the number (up to the database's batch size). Returns how many.

    A piece with too little text to compare (under 3 letters) gets a fingerprint without
    signature, so it is not taken for stale again. Idempotent.
    """
    rows = []
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
    if limit:
        # One read of what changed (fewer than asked for means nothing else did), so a
        # lookup costs the same queries whether 1 or 40 pieces changed since the last.
        done = 0
        changed = changed_submissions(limit)
        for start in range(0, len(changed), BATCH):
            try:
                done += index_submissions(changed[start : start + BATCH])
            except IntegrityError:
                return done  # a concurrent request is indexing the same pieces
        return done
    done = 0
    while True:
        batch = list(stale_submissions(BATCH))
        if not batch:
            return done
        try:
            index_submissions(batch)
        except IntegrityError:
            return done
        done += len(batch)


# --- the signatures of every piece, in memory -----------------------------------------

# A full reload at least this often, whatever the table says: a piece re-indexed with an
# older time than the newest (a sweep of old pieces, a slow concurrent request) is then
# seen within this many seconds. Candidates only: the scores are measured from the table.
RELOAD_EVERY = 300.0
# Rows re-read before the newest time seen, when the table has changed: a transaction that
# committed after a newer one is still picked up.
OVERLAP = datetime.timedelta(minutes=2)


@dataclass
class SignatureMatrix:
    """Every indexed signature: ``ids`` (n,) submission ids, ``signatures`` (n, PERMUTATIONS)
    uint32, ``counts`` (n,) shingle counts; ``newest`` the latest ``source_updated_at`` read
    and ``rows`` the table's row count then (pieces with a signature only)."""

    ids: np.ndarray
    signatures: np.ndarray
    counts: np.ndarray
    newest: datetime.datetime | None
    rows: int
    loaded_at: float

    @classmethod
    def empty(cls) -> SignatureMatrix:
        return cls(
            np.empty(0, dtype=np.int64),
            np.empty((0, similarity.PERMUTATIONS), dtype=np.uint32),
            np.empty(0, dtype=np.int64),
            None,
            0,
            time.monotonic(),
        )

    def merged(self, rows: list[tuple[int, bytes, int]]) -> SignatureMatrix:
        """This matrix with ``rows`` (id, signature bytes, shingle count) added or replacing."""
        if not rows:
            return self
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        sigs = np.stack([similarity.from_bytes(r[1]) for r in rows]).astype(np.uint32)
        counts = np.fromiter((r[2] for r in rows), dtype=np.int64, count=len(rows))
        keep = ~np.isin(self.ids, ids)
        return SignatureMatrix(
            np.concatenate([self.ids[keep], ids]),
            np.concatenate([self.signatures[keep], sigs]),
            np.concatenate([self.counts[keep], counts]),
            self.newest,
            self.rows,
            self.loaded_at,
        )

    def estimates(self, sig: np.ndarray, count: int) -> np.ndarray:
        """Estimated containment of the text with signature ``sig`` and ``count`` shingles
        against each row (shape (n,), same order as ``ids``)."""
        matches = np.count_nonzero(self.signatures == sig[None, :], axis=1)
        return similarity.estimated_containment(matches, count, self.counts)


_matrices: dict[str, SignatureMatrix] = {}
_matrix_lock = threading.Lock()


def _signed():
    return Fingerprint.objects.filter(shingle_count__gt=0).exclude(signature=b"")


def _rows(queryset) -> list[tuple[int, bytes, int]]:
    return [
        (pk, bytes(sig), count)
        for pk, sig, count in queryset.values_list("submission_id", "signature", "shingle_count")
    ]


def signature_matrix() -> SignatureMatrix:
    """The signatures of every indexed piece, as this process last read them, brought up to
    date in one or two queries: an aggregate (row count, newest time), and when that moved,
    one read — of the rows changed since the newest time seen (less OVERLAP) while the
    table only grew, of every row (3 MB at 6,000 pieces) when rows went missing or every
    RELOAD_EVERY seconds. Rows that an incremental read cannot account for (deleted, or
    indexed with an older time) make the next call read every row.

    It may hold a piece since deleted, declined or edited: it only chooses candidates, and
    the lookup's final read keeps current pieces of the compared statuses. Kept per
    database (tests and the benchmark switch databases in one process).
    """
    alias = f"{connection.vendor}:{connection.settings_dict.get('NAME')}"
    state = _signed().aggregate(rows=Count("pk"), newest=Max("source_updated_at"))
    with _matrix_lock:
        cached = _matrices.get(alias)
        now = time.monotonic()
        fresh = cached is not None and now - cached.loaded_at < RELOAD_EVERY
        if fresh and cached.rows == state["rows"] and cached.newest == state["newest"]:
            return cached
        grown = (
            fresh
            and cached.newest is not None
            and state["newest"] is not None
            and state["rows"] >= cached.rows
            and state["newest"] >= cached.newest
        )
        if grown:
            matrix = cached.merged(_rows(_signed().filter(source_updated_at__gte=cached.newest - OVERLAP)))
            if len(matrix.ids) != state["rows"]:
                matrix.loaded_at = -RELOAD_EVERY  # read every row next time
        else:
            matrix = SignatureMatrix.empty().merged(_rows(_signed()))
            matrix.loaded_at = now
        matrix.rows, matrix.newest = state["rows"], state["newest"]
        _matrices[alias] = matrix
        return matrix
