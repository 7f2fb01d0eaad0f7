"""Search on the text as printed: query words, their width forms, the database match
(PostgreSQL trigram and bigram indexes, SQLite FTS5) and the highlighted passage.

The printed text itself is kept by bulletin.printed_text.
"""

from __future__ import annotations

import re

from django.db import connection, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from bulletin.printed_text import BIGRAM_TABLE, FTS_TABLE
from printing.typography import normalize_text

TRIGRAM = 3  # the shortest word the trigram indexes can serve
MAX_WORDS = 8  # more words than this in one query are ignored (each is a filter)


# --- the query -----------------------------------------------------------------


def query_words(text: str) -> list[str]:
    """The words of a query, each normalised like the printed text (so "12 个" reads "12个"
    and straight quotes become the printed ones); at most MAX_WORDS."""
    words = [normalize_text(word) for word in (text or "").split()]
    return [word for word in words if word][:MAX_WORDS]


def unused_words(text: str) -> list[str]:
    """The words of a query beyond the first MAX_WORDS, which the search does not use (the
    results page names them rather than drop them silently)."""
    words = [normalize_text(word) for word in (text or "").split()]
    return [word for word in words if word][MAX_WORDS:]


def _is_cjk_pair(word: str) -> bool:
    return len(word) == 2 and all(
        "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf" for char in word
    )


def _postgresql_bigram_ids(word: str) -> list[int]:
    """Ids of the pieces whose bigram vector holds `word`, read from the GIN index.

    The planner is told not to scan the table: for a word in most pieces (代表 is in 87 %)
    it prefers a sequential scan, which reads every piece's out-of-line vector (80–110 ms
    at ten years of data), while the index answers in about 15 ms. The setting is put back
    at once: SET LOCAL would otherwise last to the end of an enclosing transaction
    (a request in ATOMIC_REQUESTS, a test).
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "SELECT id FROM submissions_submission WHERE printed_bigrams @@ to_tsquery('simple'::regconfig, %s)",
            [word],
        )
        rows = cursor.fetchall()
        # (On an error the savepoint's rollback undoes the SET LOCAL.)
        cursor.execute("SET LOCAL enable_seqscan TO DEFAULT")
    return [row[0] for row in rows]


# Letters and digits: ASCII and their full-width forms (U+FF10–FF19, FF21–FF3A, FF41–FF5A),
# which the print keeps as the author typed them and a Chinese input method in full-width
# mode sends (review 15b).
_ALNUM = [*range(0x30, 0x3A), *range(0x41, 0x5B), *range(0x61, 0x7B)]
_TO_HALF = {code + 0xFEE0: code for code in _ALNUM}
_TO_FULL = {code: code + 0xFEE0 for code in _ALNUM}


def word_forms(word: str) -> list[str]:
    """`word` as typed, with its letters and digits half-width, and full-width: "ＡＩ１２" →
    ["ＡＩ１２", "AI12"]. One form for a word without letters or digits."""
    half = word.translate(_TO_HALF)
    return list(dict.fromkeys([word, half, half.translate(_TO_FULL)]))


def matches(word: str) -> Q:
    """A filter on Submission: its printed text holds `word` (case-insensitive for Latin),
    its letters and digits in either width (`word_forms`): one filter per form."""
    forms = word_forms(word)
    found = _matches(forms[0])
    for form in forms[1:]:
        found |= _matches(form)
    return found


def _matches(word: str) -> Q:
    vendor = connection.vendor
    if _is_cjk_pair(word):
        if vendor == "sqlite":
            return Q(
                pk__in=RawSQL(
                    f"SELECT rowid FROM {BIGRAM_TABLE} WHERE {BIGRAM_TABLE} MATCH %s", [f'"{word}"']
                )
            )
        if vendor == "postgresql":
            # One array parameter, not thousands of literals, for a common word.
            return Q(pk__in=RawSQL("SELECT unnest(%s::bigint[])", [_postgresql_bigram_ids(word)]))
    if vendor == "sqlite" and len(word) >= TRIGRAM:
        phrase = '"' + word.replace('"', '""') + '"'
        return Q(pk__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [phrase]))
    if vendor == "postgresql":
        # The trigram index serves LIKE and ILIKE on the column itself; Django's icontains
        # would compare UPPER(column), which the index does not hold. Words without case
        # (Chinese) use LIKE, which is cheaper on the rows the index hands back.
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        operator = "LIKE" if word.upper() == word.lower() else "ILIKE"
        return Q(
            pk__in=RawSQL(
                f"SELECT id FROM submissions_submission WHERE printed_text {operator} %s", [pattern]
            )
        )
    return Q(printed_text__icontains=word)


def _pattern(words: list[str]) -> re.Pattern | None:
    forms = {form for word in words for form in word_forms(word)}
    if not forms:
        return None
    return re.compile("|".join(re.escape(w) for w in sorted(forms, key=len, reverse=True)), re.I)


def _marked(text: str, pattern: re.Pattern | None) -> str:
    parts, position = [], 0
    for match in pattern.finditer(text) if pattern else ():
        parts.append(escape(text[position : match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    parts.append(escape(text[position:]))
    return "".join(parts)


def passage(text: str, words: list[str], width: int = 90) -> SafeString:
    """The stretch of `text` around the first match, escaped, each word in <mark>.

    `width` is in characters; "…" marks text left out at either end. Without a match
    (a search by unit or year only) it is the start of the text.
    """
    flat = " ".join(text.split())
    pattern = _pattern(words)
    found = pattern.search(flat) if pattern else None
    start = max(0, found.start() - width // 4) if found else 0
    window = flat[start : start + width]
    before = "…" if start > 0 else ""
    after = "…" if start + width < len(flat) else ""
    return mark_safe(before + _marked(window, pattern) + after)


def highlight(text: str, words: list[str]) -> SafeString:
    """`text` escaped, with each word in <mark> (titles in the results)."""
    return mark_safe(_marked(text, _pattern(words)))
