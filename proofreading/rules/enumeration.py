"""序号: numbered leads and headings within a piece run in order, without gaps or repeats,
one style per level; a lone 一是 (no 二是 after it) is flagged.

Styles and levels (a marker resets the sequences of every lower level, so each （一）
may have its own 一是、二是):

====== ================================ =====================================
level  styles                           where
====== ================================ =====================================
0      一、 二、                         at the start of a paragraph
1      （一） （二）                     at the start of a paragraph
2      1. 2.  ·  1、 2、                 at the start of a paragraph
3      （1） （2）                       at the start of a paragraph
4      一是 二是  ·  第一， 第二，       anywhere after a punctuation mark or a
                                        paragraph start (not 统一是, 之一是, 全省第一，)
====== ================================ =====================================

Two styles of one level continuing one sequence (一是、二是、第三，) is flagged as mixed.

A lead or an ordinal inside quotation marks or a title (落实“一是抓落实”的要求,
《关于“第一，…”的说明》) is quoted text, not the piece's own numbering, and is not read
(review 16: it restarted the piece's 一是、二是 and made its 三是 a gap).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from proofreading.findings import Finding, Hit, finding_in
from proofreading.rules.base import CJK, piece_rule
from proofreading.text import CheckContext, PieceText

_NUMERAL = "一二三四五六七八九十"
_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九", start=1)}


def chinese_number(text: str) -> int | None:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 二十三 → 23; None for anything else."""
    if not text or any(c not in _NUMERAL for c in text):
        return None
    if "十" not in text:
        return _DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)


def chinese_numeral(value: int) -> str:
    digits = "一二三四五六七八九"
    if value < 10:
        return digits[value - 1]
    tens, ones = divmod(value, 10)
    return ("" if tens == 1 else digits[tens - 1]) + "十" + (digits[ones - 1] if ones else "")


@dataclass(frozen=True)
class Style:
    id: str
    level: int
    pattern: re.Pattern[str]
    chinese: bool  # the number is written in Chinese numerals

    def form(self, value: int) -> str:
        n = chinese_numeral(value) if self.chinese else str(value)
        return {
            "lead": f"{n}是",
            "ordinal": f"第{n}",
            "head": f"{n}、",
            "paren_head": f"（{n}）",
            "num_dot": f"{n}.",
            "num_comma": f"{n}、",
            "paren_num": f"（{n}）",
        }[self.id]


_N = f"[{_NUMERAL}]{{1,3}}"
STYLES = (
    Style("head", 0, re.compile(rf"^({_N})、"), True),
    Style("paren_head", 1, re.compile(rf"^[（(]({_N})[）)]"), True),
    Style("num_dot", 2, re.compile(r"^(\d{1,2})[.．](?!\d)"), False),
    Style("num_comma", 2, re.compile(r"^(\d{1,2})、(?!\d)"), False),
    Style("paren_num", 3, re.compile(r"^[（(](\d{1,2})[）)]"), False),
    Style("lead", 4, re.compile(rf"(?<![{CJK}\d])({_N})是"), True),
    Style("ordinal", 4, re.compile(rf"(?<![{CJK}\d])第({_N})(?=[，,、：:])"), True),
)


@dataclass(frozen=True)
class Marker:
    style: Style
    value: int
    paragraph: int
    offset: int
    length: int


_OPENERS, _CLOSERS = "“‘《〈「『", "”’》〉」』"


def quoted(text: str) -> list[bool]:
    """For each character of ``text``: is it inside quotation marks or a title?"""
    depth, inside = 0, []
    for char in text:
        if char in _CLOSERS and depth:
            depth -= 1
        inside.append(depth > 0)
        if char in _OPENERS:
            depth += 1
    return inside


def markers(paragraphs: list[str]) -> list[Marker]:
    """Every numbering marker of the body, in reading order (leads and ordinals inside
    quotation marks or a title are quoted text and left out)."""
    found: list[Marker] = []
    for index, text in enumerate(paragraphs, start=1):
        here: list[Marker] = []
        inside = None
        for style in STYLES:
            for match in style.pattern.finditer(text):
                if style.level == 4:
                    inside = inside if inside is not None else quoted(text)
                    if inside[match.start()]:
                        continue
                number = match.group(1)
                value = chinese_number(number) if style.chinese else int(number)
                if value:
                    here.append(Marker(style, value, index, match.start(), match.end() - match.start()))
        here.sort(key=lambda m: (m.offset, m.style.level))
        # A paragraph head like "一、" is not also read as the start of a lead "一是".
        taken: set[int] = set()
        for marker in here:
            if marker.offset in taken:
                continue
            taken.update(range(marker.offset, marker.offset + marker.length))
            found.append(marker)
    return found


@piece_rule("enumeration", "序号")
def enumeration(piece: PieceText, context: CheckContext) -> Iterator[Finding]:
    sequences: dict[int, list[Marker]] = {}
    problems: list[tuple[Marker, Hit]] = []

    def close(level: int) -> None:
        sequence = sequences.pop(level, [])
        if len(sequence) == 1 and sequence[0].value == 1:
            first = sequence[0]
            nxt = first.style.form(2)
            problems.append(
                (first, Hit(first.offset, first.length, f"有“{first.style.form(1)}”而没有“{nxt}”"))
            )

    for marker in markers(piece.paragraphs):
        level = marker.style.level
        for lower in [lv for lv in sequences if lv > level]:
            close(lower)
        sequence = sequences.get(level)
        here = marker.style.form(marker.value)
        if not sequence:
            sequences[level] = [marker]
            if marker.value != 1:
                first = marker.style.form(1)
                hit = Hit(marker.offset, marker.length, f"“{here}”之前没有“{first}”", first)
                problems.append((marker, hit))
            continue
        previous = sequence[-1]
        expected = previous.value + 1
        first_style = sequence[0].style
        if marker.value == 1:
            close(level)
            sequences[level] = [marker]
            continue
        if marker.value == expected:
            if marker.style.id != first_style.id:
                right = first_style.form(marker.value)
                hit = Hit(
                    marker.offset,
                    marker.length,
                    f"同一层序号写法不一致：前面用“{first_style.form(1)}”",
                    right,
                )
                problems.append((marker, hit))
        elif marker.value == previous.value:
            right = first_style.form(expected)
            problems.append((marker, Hit(marker.offset, marker.length, f"序号“{here}”重复", right)))
        elif marker.value > expected:
            missing = "、".join(first_style.form(v) for v in range(expected, marker.value))
            right = first_style.form(expected)
            problems.append((marker, Hit(marker.offset, marker.length, f"序号跳过了“{missing}”", right)))
        else:
            right = first_style.form(expected)
            problems.append((marker, Hit(marker.offset, marker.length, f"序号“{here}”顺序颠倒", right)))
        sequence.append(marker)
    for level in sorted(sequences, reverse=True):
        close(level)
    for marker, hit in sorted(problems, key=lambda p: (p[0].paragraph, p[0].offset)):
        text = piece.paragraphs[marker.paragraph - 1]
        yield finding_in(
            text, hit, rule="enumeration", piece=piece.key, part="body", paragraph=marker.paragraph
        )
