"""Shared fixtures and the typography checker for the print tests.

Each seed issue is rendered once per test session (real WeasyPrint), and the checker
reads the PDF back with pdfplumber (every character's position and font) and with the
poppler tools, the way a reader's software would.
"""

from __future__ import annotations

import logging
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber

from bench.seed_documents import build_seed_document
from printing.document import ArticleItem, BriefItem, IssueDocument, paragraph_text
from printing.render import BLOCK_HEIGHT, BLOCK_WIDTH, LINE, MM, title_lines
from printing.typography import LINE_END_FORBIDDEN, LINE_START_FORBIDDEN

TOP = 37 * MM
INNER = 28 * MM
OUTER = 26 * MM


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
    page_height = 297 * MM
    for number, chars in enumerate(rendered.pages, start=1):
        bottom_of_block = page_height - TOP - BLOCK_HEIGHT
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
    indent = 2 * BLOCK_WIDTH / 28

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
    page_top = 297 * MM - TOP
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
        if count == 22:
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
            report.add(f"p.{page} has {count} body lines, not 22")
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
