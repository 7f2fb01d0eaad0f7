"""The 查重 index: each piece's fingerprint (text and shingles) kept current, and a sample of
every piece's shingles in one inverted index per process for choosing candidates.

``refresh_index`` is called before each lookup, so the index follows every change of text or
status whichever action made it; ``manage.py proofreading_index`` runs the full sweep.
``sample_index`` keeps the process's inverted index in step with the table.
"""

from __future__ import annotations

import datetime
import hashlib
import threading
import unicodedata
from dataclasses import dataclass

import numpy as np
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone

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
    recent = queryset.annotate(fingerprinted=F("fingerprint__source_updated_at")).order_by("updated_at", "pk")
    return [s for s in recent[: limit + 1] if s.fingerprinted != s.updated_at][:limit]


BATCH = 200  # pieces indexed per transaction


# --- 查重 index ----------------------------------------------------------------------


def index_submissions(submissions: list[Submission]) -> int:
    """Compute and store the pieces' fingerprints, replacing older ones, in one statement
    whatever the number (up to the database's batch size). Returns how many.

    A piece with too little text to compare (under 3 letters) gets a fingerprint without
    shingles, so it is not taken for stale again. Idempotent.
    """
    rows = []
    now = timezone.now()
    for submission in submissions:
        text = printed_text(submission)
        shingle_set = similarity.shingles(text)
        rows.append(
            Fingerprint(
                submission_id=submission.pk,
                version=submission.version,
                source_updated_at=submission.updated_at,
                indexed_at=now,
                text=text,
                text_hash=hashlib.sha1(text.encode("utf-8")).hexdigest(),
                shingle_count=len(shingle_set),
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
                "indexed_at",
                "text",
                "text_hash",
                "shingle_count",
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


# --- a sample of every piece's shingles, in memory -------------------------------------

# Rows re-read before the newest write time seen, when the table has changed: a
# transaction that committed after a newer one (or a clock a little behind) is still seen.
OVERLAP = datetime.timedelta(minutes=2)
# Changed pieces kept beside the inverted index before it is rebuilt in memory (a rebuild
# sorts every sampled shingle again: some 30 ms at 6,000 pieces).
DELTA = 200


@dataclass
class SampleIndex:
    """The sampled shingles (``similarity.sample``) of every indexed piece as an inverted
    index: ``keys`` (m,) sorted uint32 shingles and ``owners`` (m,) the row of each; per
    row ``ids`` (submission id), ``sizes`` (sample size) and ``live`` (False once the piece
    has a newer sample in ``delta``, {submission id: sample}). ``newest`` is the latest
    ``indexed_at`` read and ``rows`` the table's row count then; ``complete`` False when
    the last incremental read could not account for every row."""

    ids: np.ndarray
    sizes: np.ndarray
    live: np.ndarray
    keys: np.ndarray
    owners: np.ndarray
    rows_of: dict[int, int]
    delta: dict[int, np.ndarray]
    newest: datetime.datetime | None = None
    rows: int = 0
    complete: bool = True

    @classmethod
    def built(cls, samples: dict[int, np.ndarray]) -> SampleIndex:
        """An index of ``samples`` {submission id: sampled shingles}."""
        ids = np.fromiter(samples, dtype=np.int64, count=len(samples))
        sizes = np.fromiter((len(v) for v in samples.values()), dtype=np.int64, count=len(samples))
        keys = np.concatenate(list(samples.values())) if samples else np.empty(0, dtype=np.uint32)
        owners = np.repeat(np.arange(len(ids), dtype=np.int32), sizes)
        order = np.argsort(keys, kind="stable")
        return cls(
            ids,
            sizes,
            np.ones(len(ids), dtype=bool),
            keys[order],
            owners[order],
            {int(pk): row for row, pk in enumerate(ids)},
            {},
        )

    def samples(self) -> dict[int, np.ndarray]:
        """{submission id: sample} of every piece, the newer sample where there are two."""
        live = self.live[self.owners]
        keys, owners = self.keys[live], self.owners[live]
        order = np.argsort(owners, kind="stable")
        keys, owners = keys[order], owners[order]
        bounds = np.searchsorted(owners, np.arange(len(self.ids) + 1))
        out = {
            int(self.ids[row]): np.sort(keys[bounds[row] : bounds[row + 1]])
            for row in np.flatnonzero(self.live)
        }
        out.update(self.delta)
        return out

    def __len__(self) -> int:
        return int(self.live.sum()) + len(self.delta)

    def merged(self, rows: dict[int, np.ndarray]) -> SampleIndex:
        """This index with ``rows`` {submission id: sample} added or replacing."""
        if not rows:
            return self
        live = self.live.copy()
        for pk in rows:
            if pk in self.rows_of:
                live[self.rows_of[pk]] = False
        delta = {**self.delta, **rows}
        merged = SampleIndex(self.ids, self.sizes, live, self.keys, self.owners, self.rows_of, delta)
        if len(delta) > DELTA:
            merged = SampleIndex.built(merged.samples())
        merged.newest, merged.rows = self.newest, self.rows
        return merged

    def estimates(self, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(submission ids, estimated containment) of every piece against a text whose
        sample is ``query`` (sorted distinct uint32)."""
        lo = np.searchsorted(self.keys, query, side="left")
        hi = np.searchsorted(self.keys, query, side="right")
        lengths = hi - lo
        total = int(lengths.sum())
        # Every posting of every query shingle, gathered without a Python loop.
        where = np.repeat(lo - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
        shared = np.bincount(self.owners[where], minlength=len(self.ids))
        main = similarity.estimated_containment(shared, len(query), self.sizes)
        main[~self.live] = -1.0
        if not self.delta:
            return self.ids, main
        extra_ids = np.fromiter(self.delta, dtype=np.int64, count=len(self.delta))
        extra_shared = np.array(
            [len(np.intersect1d(query, s, assume_unique=True)) for s in self.delta.values()], dtype=np.int64
        )
        extra_sizes = np.array([len(s) for s in self.delta.values()], dtype=np.int64)
        extra = similarity.estimated_containment(extra_shared, len(query), extra_sizes)
        return np.concatenate([self.ids, extra_ids]), np.concatenate([main, extra])


_indexes: dict[str, SampleIndex] = {}
_index_lock = threading.Lock()


def _samples(queryset) -> dict[int, np.ndarray]:
    return {
        pk: similarity.sample(similarity.from_bytes(data))
        for pk, data in queryset.values_list("submission_id", "shingles").iterator(chunk_size=500)
    }


def sample_index() -> SampleIndex:
    """The sampled shingles of every indexed piece, as this process last read them, brought
    up to date in one or two queries: an aggregate (row count, newest write), and when that
    moved, one read — of the rows written since the newest write seen (less OVERLAP) while
    the table only grew, of every row (the shingles of 6,000 pieces, some 30 MB, about a
    second) when rows went missing. Rows an incremental read cannot account for (a piece
    deleted as another was indexed) make the next call read every row.

    It may hold a piece since deleted, declined or edited: it only chooses candidates, and
    the lookup's final read keeps current pieces of the compared statuses. Kept per
    database (tests and the benchmark switch databases in one process).
    """
    alias = f"{connection.vendor}:{connection.settings_dict.get('NAME')}"
    # Both from indexes (the primary key, indexed_at): no row is read.
    state = Fingerprint.objects.aggregate(rows=Count("*"), newest=Max("indexed_at"))
    with _index_lock:
        cached = _indexes.get(alias)
        if (
            cached is not None
            and cached.complete
            and (cached.rows, cached.newest) == (state["rows"], state["newest"])
        ):
            return cached
        grown = (
            cached is not None
            and cached.complete
            and cached.newest is not None
            and state["newest"] is not None
            and state["rows"] >= cached.rows
            and state["newest"] >= cached.newest
        )
        if grown:
            changed = Fingerprint.objects.filter(indexed_at__gte=cached.newest - OVERLAP)
            index = cached.merged(_samples(changed))
            index.complete = len(index) == state["rows"]
        else:
            index = SampleIndex.built(_samples(Fingerprint.objects.all()))
        index.rows, index.newest = state["rows"], state["newest"]
        _indexes[alias] = index
        return index


def forget_sample_indexes() -> None:
    """Drop this process's in-memory samples, so the next lookup reads every row: after a
    database was restored or rolled back under a running process (the test suite's
    per-test transactions), when the cached rows no longer say what the table holds."""
    with _index_lock:
        _indexes.clear()
