"""Reading extracted text into content lines, and the text helpers every stage shares.

The text extracted from a PDF carries marks that are not content: markdown headings
(``#``), list marks (``- ``), rules (``---``), page numbers ("-10 -", "— 3 —"), even a page
number inside a line when the extraction ran a page end into the text. ``read_lines``
drops them and keeps, for each remaining line, its number in the original file.
``**bold**`` stays in the text: it is content (lead sentences print bold).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from backissues.parsing.report import INFO, ProblemLog

# A line that is only a page number: "3", "-10 -", "— 3 —", "- 3 -", "－ 12 －".
_DASH = "-—–－―"
PAGE_NUMBER_LINE = re.compile(rf"^[{_DASH}\s]*\d{{1,3}}[{_DASH}\s]*$")
# A page number the extraction ran into a line ("…主任任 — 8 — 组长…"): dashes on both
# sides and spaces outside them, so "2024—2026年" and "1-2 位" never match.
PAGE_NUMBER_INSIDE = re.compile(rf"\s[{_DASH}]\s*\d{{1,3}}\s*[{_DASH}](?=\s)\s*")
RULE_LINE = re.compile(r"^(?:[-*_=—]\s*){3,}$")
HEADING_MARK = re.compile(r"^#{1,6}\s*")
LIST_MARK = re.compile(r"^[-*+•·]\s+")
MARKDOWN_LINK = re.compile(r"<((?:https?|ftp)://[^>\s]+)>")

SENTENCE_FINAL = "。！？!?；;…"
CLOSING = "”’\"'）)】」』》"
QUOTES = "“”\"'‘’「」『』"
# Half-width punctuation and its full-width form, for comparing titles typed either way.
_TO_FULL_WIDTH = str.maketrans({",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"})


@dataclass(frozen=True)
class SourceLine:
    """One content line: its 1-based number in the file and its text without marks."""

    number: int
    text: str  # heading/list marks removed, ``**`` kept, stripped
    heading: bool = False  # the extraction marked it as a heading (#): a title line

    @property
    def plain(self) -> str:
        """The text without bold marks."""
        return plain(self.text)


def read_lines(text: str, log: ProblemLog) -> list[SourceLine]:
    """Non-empty content lines with their numbers; page numbers and rules dropped.

    A page number inside a line is cut out (and reported as repaired), because it would
    otherwise end up in the middle of a sentence.
    """
    lines: list[SourceLine] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.replace("\ufeff", "").replace("\u200b", "").strip()
        if not line or PAGE_NUMBER_LINE.match(line) or RULE_LINE.match(line):
            continue
        heading = bool(HEADING_MARK.match(line))
        line = LIST_MARK.sub("", HEADING_MARK.sub("", line))
        line = MARKDOWN_LINK.sub(r"\1", line).strip()
        if found := PAGE_NUMBER_INSIDE.search(line):
            line = PAGE_NUMBER_INSIDE.sub("", line)
            message = f"行中夹有页码“{found.group(0).strip()}”，已删除。"
            log.add("page_number_in_line", INFO, message, line=number, text=raw)
        if not line or line == "**":
            continue
        lines.append(SourceLine(number, line, heading))
    return lines


def plain(text: str) -> str:
    return text.replace("**", "").strip()


def comparison_key(text: str) -> str:
    """Text as it is compared, never stored: no marks or spaces, one width, one quote.

    Titles are typed with half- or full-width punctuation and either kind of quote, and
    the 目录 may join or space a title differently from the body; none of that matters
    when deciding whether two titles are the same.
    """
    text = unicodedata.normalize("NFC", plain(text)).translate(_TO_FULL_WIDTH)
    text = re.sub(rf"[{QUOTES}]", '"', text)
    return re.sub(r"[\s\u3000#*]", "", text)


def ends_paragraph(text: str) -> bool:
    """Whether the text ends a paragraph: sentence-final punctuation, maybe closed by a quote."""
    text = plain(text).rstrip(CLOSING + "*")
    return bool(text) and text[-1] in SENTENCE_FINAL


def is_cjk(char: str) -> bool:
    return (
        "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf" or "\U00020000" <= char <= "\U0002ffff"
    )


def looks_like_title(text: str, max_length: int = 40) -> bool:
    """A short line without sentence-final punctuation: what a title looks like."""
    key = comparison_key(text)
    return 0 < len(key) <= max_length and not ends_paragraph(text)
