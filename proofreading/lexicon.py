"""The shipped 校对 lexicon: confusable and misspelt words of official writing, one entry a
line in ``proofreading/data/lexicon.tsv`` (the format is in docs/developer/proofreading.md).

Each line has seven tab-separated fields::

    wrong  right  kind  source  explanation  exceptions  context

- ``wrong``/``right``: the form to flag and the form to write (布署 → 部署);
- ``kind``: 异形词 | 规范词形 | 别字 | 成语 | 公文用语;
- ``source``: where the preferred form comes from — 教育部《第一批异形词整理表》(2001),
  《现代汉语词典》第7版, 公文用语 (the usage of 党政机关公文), GB/T 15835;
- ``explanation``: a short Chinese sentence shown with the finding;
- ``exceptions``: longer words that contain ``wrong`` and are right, ``|``-separated;
- ``context``: conditions, ``;``-separated, all of which must hold: ``after=RE`` (matched
  right after the word), ``before=RE`` (matched right before it), ``clause=RE`` (found in
  the rest of the clause, up to 。；！？). 截止 is wrong only before a time point
  (截止2024年底), so it carries ``after=``; 截止日期 is right.

Lines starting with ``#`` and blank lines are skipped. ``load_lexicon`` raises
``LexiconError`` (with the line number) on a malformed line; the shipped file is read once
per process (``shipped_lexicon``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

LEXICON_FILE = Path(__file__).with_name("data") / "lexicon.tsv"
KINDS = ("异形词", "规范词形", "别字", "成语", "公文用语")
SOURCES = (
    "教育部《第一批异形词整理表》(2001)",
    "《现代汉语词典》第7版",
    "公文用语",
    "GB/T 15835",
)
_FIELDS = 7
_CONDITION = re.compile(r"^(after|before|clause)=(.+)$")


class LexiconError(ValueError):
    """A line of the lexicon file that cannot be read."""


@dataclass(frozen=True)
class Condition:
    """One context condition of an entry: ``where`` is "after", "before" or "clause"."""

    where: str
    pattern: re.Pattern[str]

    def holds(self, text: str, start: int, end: int) -> bool:
        if self.where == "after":
            return bool(self.pattern.match(text, end))
        if self.where == "before":
            return any(m.end() == start for m in self.pattern.finditer(text, 0, start))
        stop = re.search(r"[。；！？]", text[end:])
        clause = text[end : end + stop.start()] if stop else text[end:]
        return bool(self.pattern.search(clause))


@dataclass(frozen=True)
class LexiconEntry:
    wrong: str
    right: str
    kind: str
    source: str
    explanation: str
    exceptions: tuple[str, ...] = ()
    conditions: tuple[Condition, ...] = ()

    def applies(self, text: str, start: int, end: int) -> bool:
        """Do the context conditions hold for ``text[start:end]`` (== ``wrong``)?"""
        return all(condition.holds(text, start, end) for condition in self.conditions)


def parse_conditions(field: str) -> tuple[Condition, ...]:
    conditions = []
    for part in filter(None, (p.strip() for p in field.split(";"))):
        match = _CONDITION.match(part)
        if not match:
            raise LexiconError(f"unknown condition {part!r}")
        try:
            conditions.append(Condition(match.group(1), re.compile(match.group(2))))
        except re.error as error:
            raise LexiconError(f"bad pattern in {part!r}: {error}") from error
    return tuple(conditions)


def parse_line(line: str) -> LexiconEntry:
    fields = line.rstrip("\n").split("\t")
    if len(fields) < 5 or len(fields) > _FIELDS:
        raise LexiconError(f"{len(fields)} fields, expected 5 to {_FIELDS}")
    fields += [""] * (_FIELDS - len(fields))
    wrong, right, kind, source, explanation, exceptions, context = (f.strip() for f in fields)
    if not wrong or not right or not explanation:
        raise LexiconError("wrong, right and explanation are required")
    if kind not in KINDS:
        raise LexiconError(f"unknown kind {kind!r}")
    if source not in SOURCES:
        raise LexiconError(f"unknown source {source!r}")
    return LexiconEntry(
        wrong,
        right,
        kind,
        source,
        explanation,
        tuple(e for e in (x.strip() for x in exceptions.split("|")) if e),
        parse_conditions(context),
    )


def load_lexicon(path: Path = LEXICON_FILE) -> tuple[LexiconEntry, ...]:
    """Every entry of the file, in file order; ``LexiconError`` names a bad line."""
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            entries.append(parse_line(line))
        except LexiconError as error:
            raise LexiconError(f"{path.name} line {number}: {error}") from error
    return tuple(entries)


@functools.cache
def shipped_lexicon() -> tuple[LexiconEntry, ...]:
    """The shipped file's entries (read once per process)."""
    return load_lexicon()
