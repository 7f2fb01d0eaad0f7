"""Word boundaries of Chinese text: where a line may break without splitting a word.

Chinese is written without spaces, so "never break a title inside a word" needs a
segmenter. We use jieba (MIT, pure Python, its 350,000-word dictionary ships in the
wheel; docs/adr/0012-jieba-for-word-boundaries.md says why not ICU) with the office's
own terms as a user dictionary: the unit names, 人大常委会 and its committees, the
working terms of the bulletin (``text/data/office_terms.txt``). Terms known only at run
time (a unit added in the admin) are added with ``add_terms``.

The segmenter is loaded once per process (about 0.7 s from jieba's cache file, 2 s
the first time on a machine) and is safe to share between threads once loaded.

Shapes:

- ``words(text) -> list[str]``: the text cut into words and single marks; joined they
  give the text back unchanged.
- ``word_starts(text) -> frozenset[int]``: offsets 1..len-1 where a word begins, i.e.
  where a line may break without splitting a word. A short quotation in Chinese quotes
  (“四个一”, at most ``QUOTED_PHRASE_MAX`` characters inside) counts as one word: a
  campaign name is read as one term.
- ``inside_word(text, offset) -> bool``: True when a break at ``offset`` splits a word.

Dictionary mode only (jieba's HMM off): the HMM joins unknown characters into guessed
"words", which would forbid breaks that an editor would make; a break between two
characters jieba does not know is allowed.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path

import jieba

OFFICE_TERMS = Path(__file__).with_name("data") / "office_terms.txt"
# A campaign or slogan in quotes (“四个一”, “三化”, “最多跑一次”) is one term up to this
# many characters between the quotes; a longer quotation is ordinary text.
QUOTED_PHRASE_MAX = 8
# A user term must win over the dictionary's own cut of its parts.
_TERM_FREQUENCY = 200_000

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None
_pending_terms: list[str] = []

jieba.setLogLevel(logging.WARNING)


def _office_terms() -> list[str]:
    terms = []
    for line in OFFICE_TERMS.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            terms.append(line.split()[0])
    return terms


def _cache_dir() -> str:
    # jieba keeps a marshalled copy of its prefix dictionary: beside the renderer's caches
    # ($BULLETIN_CACHE_DIR, docs/operations.md), else the system's temporary directory.
    configured = os.environ.get("BULLETIN_CACHE_DIR")
    if configured:
        try:
            Path(configured).mkdir(parents=True, exist_ok=True)
            return configured
        except OSError:
            pass
    return tempfile.gettempdir()


def tokenizer() -> jieba.Tokenizer:
    """The process's loaded segmenter with the office's terms (loaded on first use)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                loaded = jieba.Tokenizer()
                loaded.tmp_dir = _cache_dir()
                loaded.initialize()
                for term in [*_office_terms(), *_pending_terms]:
                    loaded.add_word(term, _TERM_FREQUENCY)
                _pending_terms.clear()
                _tokenizer = loaded
    return _tokenizer


def add_terms(terms: Iterable[str]) -> None:
    """Teach the segmenter more terms (unit names from the database, say). Terms with
    characters jieba does not treat as words (punctuation, spaces) are ignored."""
    clean = [t.strip() for t in terms if t and t.strip() and " " not in t.strip()]
    with _lock:
        if _tokenizer is None:
            _pending_terms.extend(clean)
            return
        for term in clean:
            _tokenizer.add_word(term, _TERM_FREQUENCY)


def words(text: str) -> list[str]:
    """``text`` cut into words and marks, in order; ``"".join(words(t)) == t``."""
    if not text:
        return []
    return tokenizer().lcut(text, HMM=False)


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    start = None
    for index, char in enumerate(text):
        if char == "“":
            start = index
        elif char == "”" and start is not None:
            if index - start - 1 <= QUOTED_PHRASE_MAX:
                spans.append((start, index + 1))
            start = None
    return spans


def word_starts(text: str) -> frozenset[int]:
    """Offsets (1 ≤ offset < len(text)) where a word begins: a line may break there
    without splitting a word. A short quoted phrase is one word."""
    starts = set()
    offset = 0
    for word in words(text):
        if offset:
            starts.add(offset)
        offset += len(word)
    for start, end in _quoted_spans(text):
        starts.difference_update(range(start + 1, end))
    return frozenset(starts)


def inside_word(text: str, offset: int) -> bool:
    """True when breaking ``text`` before ``offset`` would split a word (or a short
    quoted phrase). Offsets at either end are never inside a word."""
    if offset <= 0 or offset >= len(text):
        return False
    return offset not in word_starts(text)
