"""Shared fixtures and the typography checker for the print tests.

Each seed issue is rendered once per test session (real WeasyPrint), and the checker
reads the PDF back with pdfplumber (every character's position and font) and with the
poppler tools, the way a reader's software would.

The rules the checkers hold the PDF to are written out here, each with its source, and
never imported from ``printing`` (docs/developer/testing.md): a mark dropped from the
renderer's table must turn a test red, not move the expectation with it
(tests/printing/test_printing_checkers.py proves that it does).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import subprocess
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber

from bench.seed_documents import build_seed_document
from printing.document import ArticleItem, BriefItem, IssueDocument, Section, paragraph_text
from printing.render import title_lines

# ------------------------------------------------------------------ the page (GB/T 9704)
#
# GB/T 9704-2012 (党政机关公文格式) §5.1 and §5.2.1: A4 paper, 天头 37 mm, 订口 28 mm,
# 版心 156 mm × 225 mm (so the outer margin is 210 − 28 − 156 = 26 mm); §5.2.3: 22 lines
# a page, 28 characters a line; §5.2.2: the body in 3号 (16 pt); §7.3.3: the title in 2号 (22 pt).

MM = 72 / 25.4  # pt per mm
PAGE_HEIGHT = 297 * MM
TOP = 37 * MM
INNER = 28 * MM
OUTER = 26 * MM
BLOCK_WIDTH = 156 * MM
BLOCK_HEIGHT = 225 * MM
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
LINE = BLOCK_HEIGHT / LINES_PER_PAGE  # the line pitch, about 28.99 pt
PITCH = BLOCK_WIDTH / CHARS_PER_LINE  # the character pitch, about 15.79 pt
BODY_SIZE = 16.0  # 3号
TITLE_SIZE = 22.0  # 2号

# ------------------------------------------------- what may start and end a line
#
# GB/T 15834-2011 (标点符号用法) §5.1, horizontal text:
#   5.1.1 句号、逗号、顿号、分号、冒号 … 不出现在一行之首
#   5.1.2 问号、叹号 … 不出现在一行之首
#   5.1.3 引号、括号、书名号的前一半不出现在一行之末，后一半不出现在一行之首
#   5.1.4 破折号 … 不能中间断开分处上行之末和下行之首
#   5.1.5 省略号 … 不能中间断开分处上行之末和下行之首
#   5.1.6 连接号 … 不出现在一行之首
#   5.1.7 间隔号 … 不出现在一行之首
# clreq (W3C Requirements for Chinese Text Layout) §3.1.7 "Prohibition Rules for Line
# Start and Line End" (行首行尾禁则): the same marks, with the corner brackets 「」『』,
# the lenticular brackets 〖〗〘〙 and the full-width forms ［］｛｝．.
# House rules (the issue history: tests/fixtures/cases/README.md, print/07 and print/12,
# and the review of issue 13, docs/developer/printing.md) are marked "house".
#
# The Japanese iteration marks and small kana of clreq's and JIS X 4051's lists
# (々〻ゝゞヽヾー, ぁぃ…) are not in these tables: they do not occur in the Chinese text
# this office prints, and the renderer has no rule for them.

# §5.1.1 and §5.1.2 (。，、；：？！); clreq §3.1.7 adds ．(U+FF0E, full-width full stop).
STOP_AND_PAUSE_MARKS = "。，、；：？！．"
# house: the same marks typed half-width in Chinese text (normalisation turns most of them
# full-width, not the ones between digits or Latin: "8:30", "v2.0").
HALF_WIDTH_STOP_AND_PAUSE_MARKS = ",.:;?!"
# §5.1.3 the second half of quotation marks, brackets and title marks; clreq §3.1.7.
CLOSING_MARKS = "”’）〕】》〉」』〗〙］｝"
# house: the half-width brackets.
HALF_WIDTH_CLOSING_MARKS = ")]}"
# §5.1.3 the first half; clreq §3.1.7.
OPENING_MARKS = "“‘（〔【《〈「『〖〘［｛"
# house: the half-width brackets, also across a space ("( abc").
HALF_WIDTH_OPENING_MARKS = "([{"
# §5.1.6 连接号: — (一字线) and ～ (浪纹线); house: every other code point a contributor
# types for one (― ─ 〜 〰 － ~ ‐ ‑ –): "2024—2026年", "3～5次" never put the connector
# at the start of the next line (cases print/07). The ASCII hyphen "-" is not here: it
# breaks after itself (UAX #14 HY, and inside addresses, URL_BREAK_AFTER).
CONNECTORS = "—～―─〜〰－~‐‑–"
# §5.1.5 省略号 and clreq §3.1.7: an ellipsis (… and its forms ⋯ ‥) never starts a line.
ELLIPSES = "…⋯‥"
# §5.1.7 间隔号 (·); house: the forms typed for it (・ • ‧).
MIDDLE_DOTS = "·・•‧"
# house (cases print/07 and the review of issue 13): a sign written after a number stays
# with it: "3%", "5‰", "25℃", "30°", "10′30″".
POSTFIX_SIGNS = "％%‰‱℃℉°′″"
# house: 元 written right after a number is its sign ("3500元"), not in "元旦".
POSTFIX_AFTER_DIGIT = "元"
# house (cases print/07): a sign written before a number stays with it: "￥120万元",
# "±3%", "№5", also across a space ("$ 200").
PREFIX_SIGNS = "￥¥＄$±№＃#£€§"
# §5.1.4 (破折号 ——) and §5.1.5 (省略号 ……): never split between two lines; house: in
# every code point they are typed with (―― ── ⋯⋯ ‥‥ ～～ 〜〜 〰〰 ﹏﹏).
DASH_AND_ELLIPSIS_HALVES = "—―─…⋯‥～〜〰﹏"
# house (cases print/12): inside a web or e-mail address a line breaks only after these.
URL_BREAK_AFTER = "/.@-_?&="

# 行首禁则: never at a line's start.
LINE_START_FORBIDDEN = frozenset(
    STOP_AND_PAUSE_MARKS
    + HALF_WIDTH_STOP_AND_PAUSE_MARKS
    + CLOSING_MARKS
    + HALF_WIDTH_CLOSING_MARKS
    + CONNECTORS
    + ELLIPSES
    + MIDDLE_DOTS
    + POSTFIX_SIGNS
)
# 行尾禁则: never at a line's end.
LINE_END_FORBIDDEN = frozenset(OPENING_MARKS + HALF_WIDTH_OPENING_MARKS + PREFIX_SIGNS)

# house (docs/developer/printing.md, "Spacing bounds"): a justified line's letter-spacing
# stays within −0.08 em … +0.25 em a character; between two narrow characters (ASCII, not
# a space: Latin, digits, an address) it is tightened no further than −0.045 em.
SPACING_BOUNDS_EM = (-0.08, 0.25)
NARROW_MIN_EM = -0.045


def is_ideograph(char: str) -> bool:
    """A Han ideograph, by its Unicode name (the unified and compatibility blocks)."""
    return unicodedata.name(char, "").startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH"))


class _WarningCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@dataclass
class Rendered:
    name: str
    document: IssueDocument  # normalised, as printed
    pdf_path: Path
    warnings: list[str]
    _chars: list[list[dict]] | None = field(default=None, repr=False)

    @property
    def pages(self) -> list[list[dict]]:
        if self._chars is None:
            with pdfplumber.open(self.pdf_path) as pdf:
                self._chars = [
                    [
                        {k: c[k] for k in ("text", "x0", "x1", "fontname", "size", "top")}
                        | {"baseline": c["matrix"][5]}
                        for c in page.chars
                    ]
                    for page in pdf.pages
                ]
        return self._chars

    def text(self, *extra: str) -> str:
        return subprocess.run(
            ["pdftotext", *extra, str(self.pdf_path), "-"], check=True, capture_output=True, text=True
        ).stdout


def issue_document(
    sections: list[Section], distribution: list[str] | tuple[str, ...] = ("省人大常委会办公厅、研究室",)
) -> IssueDocument:
    """2026年第1期 (总第704期) holding ``sections``: the frame of every made-up print test."""
    return IssueDocument(
        publication_name="杭州人大信息",
        compiler="杭州市人大常委会研究室编",
        edition_label="普刊",
        year=2026,
        number=1,
        total_number=704,
        date=dt.date(2026, 3, 2),
        sections=sections,
        distribution=list(distribution),
        editor_name="杨青青",
        editor_phone="(0571)85250657",
    )


def render_document(document: IssueDocument, directory: Path, name: str) -> Rendered:
    """``document`` rendered to ``directory/name.pdf``."""
    from printing.render import render_pdf

    path = directory / f"{name}.pdf"
    path.write_bytes(render_pdf(document))
    return Rendered(name, document.normalized(), path, [])


def render_seed(name: str, directory: Path) -> Rendered:
    from printing.render import render_pdf

    document = build_seed_document(name)
    collector = _WarningCollector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        pdf = render_pdf(document)
    finally:
        logger.removeHandler(collector)
    path = directory / f"{name}.pdf"
    path.write_bytes(pdf)
    return Rendered(name, document.normalized(), path, collector.messages)


# ----------------------------------------------------------------------- the checker


@dataclass
class Line:
    page: int  # 1-based
    baseline: float  # PDF y (from the page bottom)
    chars: list[dict]

    @property
    def text(self) -> str:
        return "".join(c["text"] for c in self.chars)

    @property
    def x0(self) -> float:
        return self.chars[0]["x0"]

    @property
    def x1(self) -> float:
        return self.chars[-1]["x1"]

    @property
    def size(self) -> float:
        return max(c["size"] for c in self.chars)

    def fonts(self) -> set[str]:
        return {font_name(c) for c in self.chars}


def font_name(char: dict) -> str:
    """ "ABCDEF+FandolSong-Bold," → "FandolSong-Bold" (subset tag and WeasyPrint's comma dropped)."""
    return char["fontname"].split("+", 1)[-1].rstrip(",")


def left_edge(page: int) -> float:
    return INNER if page % 2 == 1 else OUTER  # odd pages are right-hand pages


def text_lines(rendered: Rendered) -> list[Line]:
    """Lines of text inside the text block (page numbers excluded), in reading order."""
    lines: list[Line] = []
    for number, chars in enumerate(rendered.pages, start=1):
        bottom_of_block = PAGE_HEIGHT - TOP - BLOCK_HEIGHT
        rows: dict[float, list[dict]] = {}
        for char in chars:
            if char["baseline"] < bottom_of_block - 1:
                continue  # the page number, below the block
            key = round(char["baseline"], 1)
            rows.setdefault(key, []).append(char)
        for baseline in sorted(rows, reverse=True):
            row = sorted(rows[baseline], key=lambda c: c["x0"])
            lines.append(Line(number, baseline, row))
    return lines


def is_body_line(line: Line, body_font: str, bold_font: str) -> bool:
    """16 pt text in the body or bold face: paragraphs and briefs, not titles or bylines."""
    return abs(line.size - 16) < 0.05 and bool(line.fonts() & {body_font, bold_font})


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    justified_lines: int = 0
    full_pages: int = 0
    exact_pages: int = 0  # body pages holding exactly 22 lines

    def add(self, message: str) -> None:
        self.problems.append(message)


def check_typography(
    rendered: Rendered, *, body_font: str = "FandolFang", bold_font: str = "FandolSong-Bold"
) -> Report:
    """Justification, kinsoku and the line grid, measured on the PDF."""
    report = Report()
    lines = [line for line in text_lines(rendered) if line.page > 1]  # page 1: masthead and 目录
    body = [line for line in lines if is_body_line(line, body_font, bold_font)]
    indent = 2 * PITCH

    # Justification: a body line followed by a body line that starts at the left edge
    # (a continuation, not an indented new paragraph) must end on the right edge.
    for line, following in zip(body, body[1:], strict=False):
        continues = abs(following.x0 - left_edge(following.page)) < 0.5
        starts_block = (
            abs(line.x0 - left_edge(line.page)) < 0.5 or abs(line.x0 - left_edge(line.page) - indent) < 0.5
        )
        if continues and starts_block:
            report.justified_lines += 1
            right = left_edge(line.page) + BLOCK_WIDTH
            if abs(line.x1 - right) > 0.1:  # digits and Latin as exactly as Chinese (measured ≤ 0.035)
                report.add(f"p.{line.page} line ends {line.x1 - right:+.2f} pt from the edge: {line.text}")

    # Kinsoku on every line of the text block, titles and bylines included.
    for line in lines:
        text = line.text.strip()
        if text and text[0] in LINE_START_FORBIDDEN:
            report.add(f"p.{line.page} line starts with {text[0]!r}: {text}")
        if text and text[-1] in LINE_END_FORBIDDEN:
            report.add(f"p.{line.page} line ends with {text[-1]!r}: {text}")

    # The grid: every 16 pt line's baseline sits on the same 22-line grid on every page.
    page_top = PAGE_HEIGHT - TOP
    pages: dict[int, list[Line]] = {}
    for line in lines:
        if abs(line.size - 16) > 0.05 and abs(line.size - 22) > 0.05:
            continue  # the 14 pt distribution block
        if line.size < 20:
            pages.setdefault(line.page, []).append(line)
    body_offsets = [(((page_top - b.baseline) / LINE) % 1) * LINE for b in body]
    if max(body_offsets) - min(body_offsets) > 0.1:
        report.add(
            f"body baselines are off the grid: offsets {min(body_offsets):.2f}…{max(body_offsets):.2f} pt"
        )
    last_page = len(rendered.pages)
    for page, page_lines in pages.items():
        has_title = any(abs(other.size - 22) < 0.05 for other in lines if other.page == page)
        only_body = all(is_body_line(pl, body_font, bold_font) for pl in page_lines)
        if page == last_page or has_title or not only_body:
            continue
        report.full_pages += 1
        count = len(page_lines)
        if count == LINES_PER_PAGE:
            report.exact_pages += 1
            continue
        # A body page may end one or two lines short only for orphans and widows: the
        # next page starts a paragraph, or ends one (with its byline) within two lines.
        following = [other for other in lines if other.page == page + 1]

        def paragraph_starts(line: Line) -> bool:
            return (
                not is_body_line(line, body_font, bold_font)
                or abs(line.x0 - left_edge(line.page) - indent) < 0.5
            )

        justified_short = (
            count >= 20
            and following
            and (paragraph_starts(following[0]) or any(paragraph_starts(other) for other in following[1:3]))
        )
        if not justified_short:
            report.add(f"p.{page} has {count} body lines, not {LINES_PER_PAGE}")
    return report


def expected_pieces(document: IssueDocument) -> list[str]:
    """Everything the issue must print, in order, as the text layer must read it."""
    from printing.fonts import font_set

    fonts = font_set()
    pieces: list[str] = []
    for section in document.sections:
        for item in section.items:
            if isinstance(item, ArticleItem):
                pieces.append("".join(title_lines(item.title, fonts)))
                if item.subtitle:
                    pieces.append("".join(title_lines(item.subtitle, fonts)))
                pieces += [paragraph_text(p) for p in item.paragraphs]
            elif isinstance(item, BriefItem):
                pieces.append(paragraph_text(item.paragraph))
            if item.byline:
                pieces.append(item.byline)
    pieces.append("送：" + document.distribution[0])
    pieces += document.distribution[1:]
    pieces.append(f"本期责任编辑：{document.editor_name}")
    pieces.append(f"电话：{document.editor_phone}")
    if document.extra_line:
        pieces.append(document.extra_line)
    return pieces


def flat_text(rendered: Rendered, first_page: int = 2) -> str:
    """pdftotext's text (content order) without page numbers, line and page breaks.

    Page 1 (masthead and 目录) is left out by default: the 目录 repeats the titles.
    """
    text = re.sub(r"^— ?\d+ ?—$", "", rendered.text("-raw", "-f", str(first_page)), flags=re.M)
    return re.sub(r"[\n\f]", "", text)
