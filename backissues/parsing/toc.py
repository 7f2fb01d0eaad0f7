"""The 目 录 block: which sections the issue has, in order, and the titles each expects.

It looks like this (markdown marks and all)::

    - 要闻速递** 市人大常委会“三个力”推动备案审查工作高质量发展
    市人大常委会首次开展民生实事项目“回头看”督查
    - 助力攻坚** 上城区:服务“在一线” 护航经济“开门红”
    - 信息摘登** 4 则

A line that starts with a section label opens a section (the first title may follow on
the same line); the lines after it are further titles; "N 则" gives the number of brief
items. The block ends where the body begins: at a heading, at the first title again, at a
paragraph, or after the brief entry at any line that is not a section label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from backissues.parsing.lines import CLOSING, SourceLine, comparison_key, plain
from backissues.parsing.report import WARNING, ProblemLog
from bulletin.reference_data import SECTIONS

KNOWN_SECTIONS: tuple[str, ...] = tuple(name for name, _ in SECTIONS)
BRIEFS_SECTION = next(name for name, kind in SECTIONS if kind == "briefs")

# An unknown label: 2–6 Chinese characters, then bold marks or a space, then the title.
_LABEL = re.compile(r"^\**([\u4e00-\u9fff]{2,6})(?:\*\*\s*|\s+)(.*)$")
_LABEL_ALONE = re.compile(r"^\*\*([\u4e00-\u9fff]{2,6})\*\*$")
_BRIEF_COUNT = re.compile(r"^([0-9]+|[一二三四五六七八九十]+)\s*则$")
_CHINESE_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九", start=1)}
# A TOC line longer than this is a paragraph: the body has begun.
_LONGEST_TOC_LINE = 60


@dataclass(frozen=True)
class TocTitle:
    text: str  # as the 目录 writes it, without marks
    line: int  # its line in the original text


@dataclass
class TocSection:
    name: str
    kind: Literal["articles", "briefs"]
    line: int
    titles: list[TocTitle] = field(default_factory=list)
    brief_count: int | None = None  # "N 则"


def read_toc(lines: list[SourceLine], start: int, log: ProblemLog) -> tuple[list[TocSection], int]:
    """Sections from the 目录 starting at ``lines[start]``, and the index where the body begins."""
    sections: list[TocSection] = []
    index = start
    while index < len(lines):
        line = lines[index]
        if _body_begins(line, sections):
            break
        label = section_label(line.text)
        if label is not None:
            sections.append(_open_section(line, *label, log))
        elif sections and sections[-1].kind == "briefs":
            break  # nothing follows a brief count but another section: the body begins
        elif sections:
            sections[-1].titles.append(TocTitle(plain(line.text), line.number))
        else:
            log.add(
                "toc_stray_line",
                WARNING,
                "目录中的这一行不属于任何栏目，已忽略。",
                line=line.number,
                text=line.text,
            )
        index += 1
    return sections, index


def _body_begins(line: SourceLine, sections: list[TocSection]) -> bool:
    """Whether ``line`` is already the body: a heading, a paragraph, or the first title again."""
    if not sections:
        return False
    # A title may end with "？" or "！", never with a full stop.
    ends_sentence = plain(line.text).rstrip(CLOSING).endswith(("。", "；", ";"))
    if line.heading or ends_sentence or len(comparison_key(line.text)) > _LONGEST_TOC_LINE:
        return True
    first = next((s.titles[0].text for s in sections if s.titles), None)
    if first is None:
        return False
    key, first_key = comparison_key(line.text), comparison_key(first)
    # The first article's title may start on a line of its own (a two-line title).
    return key == first_key or (len(key) >= 6 and first_key.startswith(key))


def section_label(text: str) -> tuple[str, str, bool] | None:
    """(label, rest of the line, known?) if the line opens a section, else None."""
    bare = plain(text)
    for name in KNOWN_SECTIONS:
        if bare.startswith(name):
            return name, bare[len(name) :].strip(), True
    if match := _LABEL_ALONE.match(text.strip()):
        return match.group(1), "", False
    if match := _LABEL.match(text.strip()):
        return match.group(1), plain(match.group(2)), False
    return None


def _open_section(line: SourceLine, name: str, rest: str, known: bool, log: ProblemLog) -> TocSection:
    count = _BRIEF_COUNT.match(rest.replace(" ", ""))
    if not known:
        log.add(
            "unknown_section",
            WARNING,
            f"目录中的栏目“{name}”不在常用栏目之列，请核对。",
            line=line.number,
            text=line.text,
        )
    if count or name == BRIEFS_SECTION:
        section = TocSection(
            name, "briefs", line.number, brief_count=_count(count.group(1)) if count else None
        )
        if count is None:
            log.add(
                "brief_count_missing",
                WARNING,
                f"目录中“{name}”没有写明则数。",
                line=line.number,
                text=line.text,
            )
        return section
    section = TocSection(name, "articles", line.number)
    if rest:
        section.titles.append(TocTitle(rest, line.number))
    return section


def _count(written: str) -> int:
    if written.isdigit():
        return int(written)
    # 一 … 十九: enough for a count of brief items.
    tens, _, units = written.partition("十")
    if "十" not in written:
        return _CHINESE_DIGITS.get(written, 0)
    return (_CHINESE_DIGITS.get(tens, 1) if tens else 1) * 10 + _CHINESE_DIGITS.get(units, 0)
