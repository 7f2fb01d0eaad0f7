"""查重 arithmetic, without the database: shingles, their samples, the containment of one
text in another (measured, or estimated from two samples), and the passages two texts
share.

- Texts are compared by their **character 3-gram shingles**, letters and digits only
  (punctuation widths and spaces do not make a re-sent piece look new). A 3-gram is about
  a word and a half of Chinese: two pieces on the same topic share few of them, a re-sent
  or lightly edited piece most.
- The score is **containment**: the share of the smaller text's shingles found in the
  other, |A ∩ B| / min(|A|, |B|). A re-send is often not the same size as what it copies
  — half of a printed piece, a piece merged with another, a brief condensed sentence for
  sentence from an article (86 % of its shingles in the original, Jaccard similarity
  0.17) — and Jaccard similarity, which divides by the union, scores those low. Re-sends
  measure ≥ 0.7 (halved and merged ≥ 0.95), unrelated pieces on the same topic ≤ 0.4.
- Candidates are chosen from a **sample** of each text's shingles: those whose mixed hash
  falls in one eighth of the range (Broder's MOD-m sampling, "On the resemblance and
  containment of documents", 1997). The same shingle is sampled in every text, so the
  share of the smaller sample found in the other estimates the containment without bias,
  with an error that depends on the sample of the *smaller* text only (±0.08 for a brief
  of 200 shingles) — unlike a MinHash signature, whose Jaccard estimate, scaled up to a
  containment, errs by the ratio of the two sizes (±0.2 for a brief against an article).
  The samples of all pieces sit in one inverted index per process
  (``proofreading.index.sample_index``; 6,000 pieces are about 7 MB); see ADR 0014 for
  why not LSH bands or ``datasketch``'s LSH Ensemble.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

import numpy as np

SHINGLE = 3
SAMPLE_BITS = 3  # one shingle in 2³ = 8 is in the sample
_MIX = np.uint32(0x9E3779B1)  # Knuth's multiplicative hash: spreads CRC-32's low bits
_TOP = np.uint32(32 - SAMPLE_BITS)


_NOT_LETTER = re.compile(r"[\W_]+")
_LETTER = re.compile(r"[^\W_]")


def letters(text: str) -> str:
    """The letters and digits of ``text``, lower-cased: what shingles are made of."""
    return _NOT_LETTER.sub("", text).lower()


def shingles(text: str) -> np.ndarray:
    """The text's 3-gram shingles as their sorted, distinct CRC-32 values (uint32)."""
    chars = letters(text)
    grams = {chars[i : i + SHINGLE] for i in range(len(chars) - SHINGLE + 1)}
    hashes = np.fromiter((zlib.crc32(g.encode("utf-8")) for g in grams), dtype="<u4", count=len(grams))
    return np.unique(hashes)


def sample(shingle_hashes: np.ndarray) -> np.ndarray:
    """The shingles of the sample (about one in 8), sorted as given: those whose hash,
    multiplied by a fixed odd constant mod 2³², has its top SAMPLE_BITS bits zero."""
    hashes = shingle_hashes.astype(np.uint32)
    with np.errstate(over="ignore"):
        return hashes[((hashes * _MIX) >> _TOP) == 0]


def from_bytes(data: bytes) -> np.ndarray:
    """A stored shingle-hash array back as uint32 values."""
    return np.frombuffer(bytes(data), dtype="<u4")


def estimated_containment(shared: np.ndarray, mine: int, theirs: np.ndarray) -> np.ndarray:
    """Estimated containment (0–1) of one text against many, from samples: ``shared`` (n,)
    sampled shingles in common with each other text, ``mine`` the query's sample size,
    ``theirs`` (n,) the others'. The share of the smaller sample found in the other; a
    sample of 0 gives 0."""
    smaller = np.minimum(theirs, mine).astype(np.float64)
    return np.where(smaller > 0, shared / np.maximum(smaller, 1.0), 0.0)


@dataclass(frozen=True)
class Overlap:
    """The shingles two texts share, measured: ``shared`` of ``mine`` (this text's
    distinct shingles) and ``theirs`` (the other's)."""

    shared: int
    mine: int
    theirs: int

    @property
    def mine_in_theirs(self) -> float:
        """Share of this text's shingles found in the other (0–1)."""
        return self.shared / self.mine if self.mine else 0.0

    @property
    def theirs_in_mine(self) -> float:
        """Share of the other text's shingles found in this one (0–1)."""
        return self.shared / self.theirs if self.theirs else 0.0

    @property
    def containment(self) -> float:
        """Share of the smaller text's shingles found in the larger (0–1)."""
        return max(self.mine_in_theirs, self.theirs_in_mine)

    @property
    def jaccard(self) -> float:
        """Shared shingles over all distinct shingles of the two (0–1)."""
        union = self.mine + self.theirs - self.shared
        return self.shared / union if union else 0.0


def overlap(mine: np.ndarray, theirs: np.ndarray) -> Overlap:
    """Measure two sorted distinct shingle-hash arrays (``shingles`` output)."""
    shared = len(np.intersect1d(mine, theirs, assume_unique=True)) if len(mine) and len(theirs) else 0
    return Overlap(shared, len(mine), len(theirs))


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard similarity of two sorted distinct shingle-hash arrays (0–1)."""
    return overlap(a, b).jaccard


def containment(a: np.ndarray, b: np.ndarray) -> float:
    """Share of the smaller of two shingle-hash arrays found in the other (0–1)."""
    return overlap(a, b).containment


@dataclass(frozen=True)
class Span:
    start: int
    end: int


# Shared passages: at least this many letters in a row that occur in both texts.
PASSAGE = 8


_BASE = np.uint64(0x100000001B3)  # FNV-1a's 64-bit prime, as the base of a polynomial hash
# Which characters of the Basic Multilingual Plane are letters or digits (str.isalnum(),
# exactly what [^\W_] matches): one table lookup a character instead of a Python call.
_ALNUM = np.array([chr(c).isalnum() for c in range(0x10000)], dtype=bool)


@dataclass(frozen=True)
class Prepared:
    """A text made ready for finding shared passages: its letters and digits (lower-cased),
    each one's index in ``text``, a 64-bit hash of each run of PASSAGE of them (position
    i: letters i … i + PASSAGE − 1) and the same hashes sorted."""

    text: str
    letters: str
    where: np.ndarray
    grams: np.ndarray
    sorted_grams: np.ndarray


def _letter_positions(text: str, chars: str) -> np.ndarray:
    codes = np.frombuffer(text.encode("utf-32-le"), dtype="<u4")
    if not len(codes) or codes.max() < 0x10000:
        where = np.flatnonzero(_ALNUM[codes])
        if len(where) == len(chars):
            return where
    # A character beyond the BMP, or a letter whose lower case is longer (İ): one by one.
    return np.array(
        [i for i, char in enumerate(text) if char.isalnum() for _ in char.lower()], dtype=np.int64
    )


def prepare(text: str) -> Prepared:
    chars = letters(text)
    where = _letter_positions(text, chars)
    codes = np.frombuffer(chars.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    count = len(codes) - PASSAGE + 1
    grams = np.zeros(max(count, 0), dtype=np.uint64)
    if count > 0:
        with np.errstate(over="ignore"):
            for k in range(PASSAGE):
                grams = grams * _BASE + codes[k : k + count]
    return Prepared(text, chars, where, grams, np.sort(grams))


def shared_spans(text: str, other: str) -> list[Span]:
    """Where ``text`` repeats passages of ``other`` (≥ PASSAGE letters and digits in a row,
    punctuation ignored): merged spans of indices into ``text``."""
    return spans_in(prepare(text), prepare(other))


def spans_in(mine: Prepared, theirs: Prepared) -> list[Span]:
    """``shared_spans`` of two prepared texts (prepare each once when one is compared with
    several): spans of indices into ``mine.text``."""
    text, where = mine.text, mine.where
    if not len(mine.grams) or not len(theirs.grams):
        return []
    found = np.searchsorted(theirs.sorted_grams, mine.grams)
    found[found == len(theirs.sorted_grams)] = 0
    starts = np.flatnonzero(theirs.sorted_grams[found] == mine.grams)
    if not len(starts):
        return []
    # Letters covered by a shared run: +1 where a run starts, −1 PASSAGE letters later.
    edges = np.zeros(len(mine.letters) + 1, dtype=np.int32)
    np.add.at(edges, starts, 1)
    np.add.at(edges, starts + PASSAGE, -1)
    covered = np.cumsum(edges[:-1]) > 0
    change = np.flatnonzero(np.diff(np.concatenate([[False], covered, [False]]).astype(np.int8)))
    spans: list[Span] = []
    for run_start, run_end in zip(change[::2], change[1::2], strict=True):
        start, end = int(where[run_start]), int(where[run_end - 1]) + 1
        gap = text[spans[-1].end : start] if spans else ""
        if spans and len(gap) <= 2 and not _LETTER.search(gap):
            # A mark or two between passages; never a letter or digit (12个 → 15个 is a
            # change, not part of a shared passage).
            spans[-1] = Span(spans[-1].start, end)
        else:
            spans.append(Span(start, end))
    return spans
