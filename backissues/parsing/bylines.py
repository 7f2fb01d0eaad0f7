"""Bylines: "(法工委 金 颖)", "(西湖区人大常委会办公室 钱苏晚)", "(代表工委)".

A byline is a line in parentheses at the end of an item: the office, then the authors.
Extraction writes a two-character name with a space inside ("金 颖") so that it lines up
with three-character names; a lone character joins the token after it ("李 寄 斯董瑾" →
李寄, 斯董瑾; "钱 苏晚" → 钱苏晚), see ``text.authors``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from accounts.reference_data import COMMITTEES, DISTRICTS
from backissues.parsing.lines import is_cjk, plain
from text.authors import split_names

_BYLINE = re.compile(r"^[(（]\s*([^()（）]{2,60}?)\s*[)）]$")
# Punctuation that belongs to sentences, never to an office and names.
_SENTENCE_PUNCTUATION = re.compile(r"[。，,；;：:！!？?、“”\"]")
# How offices end. The last match in an office without a space before the names tells
# where the office stops ("临平区人大常委会办公室郑丽芳").
_OFFICE_ENDING = re.compile(
    r"(人大常委会|常委会|人大|办公室|办公厅|研究室|工委|工作委员会|委员会|代表团|主席团)"
)
COMMITTEE_NAMES = frozenset(short for short, _ in COMMITTEES) | frozenset(full for _, full in COMMITTEES)
UNIT_PREFIXES: tuple[str, ...] = (*DISTRICTS, "市人大常委会", "杭州市人大常委会")


@dataclass(frozen=True)
class Byline:
    org: str
    authors: list[str] = field(default_factory=list)
    # Doubts about this byline, as (kind, message); the caller reports them at its line.
    doubts: tuple[tuple[str, str], ...] = ()


def parse_byline(text: str) -> Byline | None:
    """The byline a line spells, or None if the line is not one.

    The shape decides (parentheses, an office of Chinese characters, no sentence
    punctuation); what looks odd inside a byline is recorded in ``doubts``.
    """
    match = _BYLINE.match(plain(text))
    if not match or _SENTENCE_PUNCTUATION.search(match.group(1)):
        return None
    tokens = match.group(1).split()
    org, names = tokens[0], tokens[1:]
    if len(org) < 2 or not all(is_cjk(c) for c in org) or not all(is_cjk(c) for n in names for c in n):
        return None
    doubts: list[tuple[str, str]] = []
    if not names and not _ends_as_office(org):
        org, names, doubt = _split_glued_name(org)
        if doubt:
            doubts.append(doubt)
    if not _is_office(org):
        doubts.append(("uncertain_byline", f"无法确定署名：“{org}”不像报送单位的名称，请核对。"))
    split = split_names(" ".join(names))
    authors = split.names
    if split.doubt or any(len(a) == 1 for a in authors) or any(len(a) > 4 for a in authors):
        doubts.append(("uncertain_authors", f"无法确定署名中的姓名（{'、'.join(authors)}），请核对。"))
    return Byline(org, authors, tuple(doubts))


def _ends_as_office(org: str) -> bool:
    return org in COMMITTEE_NAMES or any(org.endswith(m) for m in _OFFICE_ENDING.findall(org))


def _is_office(org: str) -> bool:
    return _ends_as_office(org) or org.startswith(UNIT_PREFIXES)


def _split_glued_name(org: str) -> tuple[str, list[str], tuple[str, str] | None]:
    """An office with a name glued on ("…办公室郑丽芳"): cut after the last office ending
    when what follows is name-sized; otherwise leave it whole."""
    endings = list(_OFFICE_ENDING.finditer(org))
    if endings:
        cut = endings[-1].end()
        rest = org[cut:]
        if 2 <= len(rest) <= 4:
            message = f"署名中单位与姓名之间没有空格，已拆为“{org[:cut]}”和“{rest}”，请核对。"
            return org[:cut], [rest], ("glued_byline", message)
    return org, [], None


def starts_with_unit(text: str) -> bool:
    """Whether a paragraph begins with a unit's name, as a 信息摘登 item does."""
    text = plain(text)
    return text.startswith(UNIT_PREFIXES) or any(text.startswith(name) for name in COMMITTEE_NAMES)


def district_of(text: str) -> str:
    """The district (区、县、市) a text begins with, or ""."""
    return next((name for name in DISTRICTS if text.startswith(name)), "")
