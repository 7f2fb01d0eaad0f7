"""Parse one back issue's extracted text into an ``IssueDocument`` and a report.

The input is the text extracted from an issue's PDF (DESIGN §6, ``demo/sample_issues``):
masthead, 目 录, articles, 信息摘登, 送 / 本期责任编辑 / 电话 — with markdown marks,
page numbers, mixed punctuation widths, and paragraphs, titles and bylines broken or
displaced at page ends. Parsing is a pure function: no database, no settings.

API
---
``parse_issue_text(text: str) -> ParseResult``
``parse_issue_file(source: str | Path | bytes) -> ParseResult``
    A path or the file's bytes. Refuses empty and binary input, decodes UTF-8 (with or
    without BOM), UTF-16 or GB18030/GBK (``decode_issue_bytes``), then calls
    ``parse_issue_text``, which normalises the text first (``text.normalize``).

``ParseResult``
    ``document``: ``printing.document.IssueDocument``, ready for
    ``render_pdf`` and ``to_dict()``; text is kept as written (the renderer normalises),
    bold lead sentences are ``Run(bold=True)``; sections appear in 目录 order, only those
    with items. ``edition``: "regular" | "special" | "supplement". ``problems``: list of
    ``Problem``, errors first, each group in line order. ``item_lines``: one list per
    document section, ``item_lines[s][i]`` is the 1-based line where
    ``document.sections[s].items[i]`` starts (its title, or a brief's first line).
    Properties ``errors`` / ``warnings`` / ``repairs`` and ``line_of(section, index)``.

``Problem(line, text, kind, severity, message)``
    ``line`` 1-based in the original text (0: the issue as a whole), ``text`` that
    line, ``severity`` ``ERROR`` (import must not proceed), ``WARNING`` (uncertain, show
    it) or ``INFO`` (repaired), ``message`` in Chinese. Kinds:

    - errors: ``toc_title_missing`` (a 目录 title is not in the body), ``stray_text``,
      ``missing_glyph`` (a character no print face has),
      ``stray_byline``, ``empty_item``, ``no_distribution``, ``no_editor``,
      ``no_total_number``, ``no_date``, ``bad_date``, ``no_publication_name``
    - warnings: ``not_in_toc`` (a body article the 目录 does not list),
      ``title_differs`` (body title kept), ``no_byline``, ``byline_mismatch`` (a
      district's item signed by another), ``uncertain_byline``, ``uncertain_authors``,
      ``glued_byline``, ``displaced_byline``, ``doubled_char``
      (a character repeated across a page break, kept), ``brief_count``,
      ``brief_start``, ``brief_paragraphs``, ``briefs_not_in_toc``,
      ``unknown_section``, ``brief_count_missing``, ``toc_stray_line``,
      ``masthead_unknown``, ``no_edition``, ``no_compiler``, ``no_phone``
    - info: ``joined`` (paragraph rejoined across a page break), ``joined_title``,
      ``page_number_in_line``, ``unpaired_bold``, ``toc_title_joined``, ``normalized``
      (what ``text.normalize`` changed: ligatures, widths, the space before %, 〇 in
      years), ``quotes`` (straight quotes paired); warning ``unpaired_quotes`` (quotes
      kept as written: the pairing is in doubt)

``NotAnIssueError`` (a ``ValueError`` with a Chinese message)
    Raised for empty or binary input, for text without masthead number or 目 录, and
    when no item at all can be recovered. A truncated issue is *not* an exception: it
    parses, with errors.

Stages, each in its own function: ``read_lines`` (lines.py) → ``_masthead`` →
``read_toc`` (toc.py) → ``find_anchors`` and ``BodyBuilder`` (body.py) → ``_end_block``.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from backissues.parsing.body import BodyBuilder, PlacedItem, find_anchors
from backissues.parsing.lines import SourceLine, plain, read_lines
from backissues.parsing.report import ERROR, INFO, WARNING, NotAnIssueError, Problem, ProblemLog
from backissues.parsing.toc import TocSection, read_toc
from printing.checks import describe_char, missing_glyphs
from printing.document import EDITION_LABELS, IssueDocument, Item, Section
from text.normalize import normalize_block, pair_quotes, recording

__all__ = [
    "ERROR",
    "INFO",
    "WARNING",
    "NotAnIssueError",
    "ParseResult",
    "Problem",
    "decode_issue_bytes",
    "parse_issue_file",
    "parse_issue_text",
]

Edition = Literal["regular", "special", "supplement"]
EDITIONS: dict[str, Edition] = {"普": "regular", "专": "special", "增": "supplement"}

_TOC_HEADING = re.compile(r"^\**目\s*录\**$")
_EDITION = re.compile(r"^[(（]\s*([普专增])\s*刊\s*[)）]$")
_NUMBER = re.compile(r"^第\s*(\d{1,3})\s*期\s*(?:[(（]\s*总\s*第\s*(\d{1,5})\s*期\s*[)）])?$")
_DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_DISTRIBUTION = re.compile(r"^送\s*[:：]\s*(.*)$")
_EDITOR = re.compile(r"^本期责任编辑\s*[:：]\s*(.*)$")
_PHONE = re.compile(r"^电\s*话\s*[:：]\s*(.*)$")
# The masthead is short; a 目录 further down than this is not a masthead's.
_MASTHEAD_LINES = 15
NOT_AN_ISSUE = "这不是一期刊物的文字："


@dataclass
class ParseResult:
    document: IssueDocument
    edition: Edition
    problems: list[Problem] = field(default_factory=list)
    item_lines: list[list[int]] = field(default_factory=list)  # parallel to document.sections

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def repairs(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == INFO]

    def line_of(self, section: int, index: int) -> int:
        """The line where item ``index`` of section ``section`` starts."""
        return self.item_lines[section][index]


# --- input ---------------------------------------------------------------------------


def issue_text_files(folder: Path) -> list[Path]:
    """A folder's .txt files in name order (2024-01 before 2024-15)."""
    return sorted(p for p in folder.iterdir() if p.suffix.lower() == ".txt" and p.is_file())


# One issue's text is 20–60 KB; a file many times that is not one, and is not read whole.
MAX_ISSUE_BYTES = 4 * 1024 * 1024


def parse_issue_file(source: str | Path | bytes) -> ParseResult:
    """Read a file (a path, or its bytes), refuse anything that is not text, and parse it."""
    if isinstance(source, bytes):
        data = source
    else:
        with Path(source).open("rb") as stream:
            data = stream.read(MAX_ISSUE_BYTES + 1)
    if len(data) > MAX_ISSUE_BYTES:
        raise NotAnIssueError(f"文件超过 {MAX_ISSUE_BYTES // 1024 // 1024} MB，不像是一期刊物的文字。")
    return parse_issue_text(decode_issue_bytes(data))


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_issue_bytes(data: bytes) -> str:
    """The bytes of a text file as text, or NotAnIssueError for empty and binary input.

    The browser upload and ``import_issue`` both decode here. Encodings, in this order:
    a byte-order mark (UTF-8, UTF-16, UTF-32); UTF-16 without a mark (the
    text has NUL bytes; the byte order that reads as Chinese or ASCII text); UTF-8; GB18030 (a superset of GBK and GB2312). GB18030
    accepts most byte sequences, so a decoded text full of control characters is still
    binary (an image or archive). The text is not normalised here; ``parse_issue_text``
    does that (``text.normalize``).
    """
    if not data.strip():
        raise NotAnIssueError("文件是空的，没有任何文字。")
    candidates: list[str] = [enc for bom, enc in _BOMS if data.startswith(bom)][:1]
    if not candidates:
        sample = data[:8192]
        zeros_even, zeros_odd = sample[0::2].count(0), sample[1::2].count(0)
        if zeros_even + zeros_odd:
            # UTF-16 without a mark. NUL bytes alone do not tell the byte order: ASCII puts
            # them on one side, but 一 (U+4E00), 最 (U+6700) and the ideographic space
            # U+3000 put them on the other. The order that reads as Chinese or ASCII text wins.
            encoding = _utf16_order(sample)
            if encoding is None:
                raise NotAnIssueError("这不是文本文件（含有二进制内容），请提供从 PDF 提取的文字（.txt）。")
            candidates.append(encoding)
        else:
            candidates += ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        text = text.lstrip("\ufeff")
        if not _plausible(text):
            break
        return text
    raise NotAnIssueError(
        "这不是文本文件（无法按 UTF-8、UTF-16 或 GB18030/GBK 读出文字），请提供从 PDF 提取的文字（.txt）。"
    )


def _text_share(text: str) -> float:
    """The share of characters a Chinese text is made of: ideographs, CJK and full-width
    punctuation, ASCII and line ends."""
    if not text:
        return 0.0
    usual = sum(
        1
        for c in text
        if " " <= c <= "~"
        or c in "\t\n\r"
        or "\u4e00" <= c <= "\u9fff"
        or "\u3000" <= c <= "\u303f"
        or "\uff00" <= c <= "\uffef"
        or "\u2010" <= c <= "\u206f"  # dashes, quotes, ellipsis
        or "\u2e80" <= c <= "\u2fdf"  # radicals (PDF extraction), mapped later
    )
    return usual / len(text)


def _utf16_order(sample: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" for a sample with NUL bytes, whichever reads as text
    (at least 90 % usual characters); None when neither does (binary data)."""
    sample = sample[: len(sample) - len(sample) % 2]
    best, best_share = None, 0.0
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = sample.decode(encoding)
        except UnicodeDecodeError:
            # A sample cut inside a surrogate pair: judge without its last unit.
            try:
                text = sample[:-2].decode(encoding)
            except UnicodeDecodeError:
                continue
        share = _text_share(text)
        if share > best_share:
            best, best_share = encoding, share
    return best if best_share >= 0.9 else None


def _plausible(text: str) -> bool:
    """Whether decoded bytes read as text: few control, private-use or unassigned characters.

    A wrong guess (an image read as GB18030, binary read as UTF-16) decodes to such
    characters; real text has almost none.
    """
    odd = sum(
        1
        for c in text
        if (unicodedata.category(c) in ("Cc", "Co", "Cn", "Cs") and c not in "\t\n\r\f\v") or c == "\ufeff"
    )
    return odd <= max(2, len(text) // 200)


# --- the stages ----------------------------------------------------------------------


def parse_issue_text(text: str) -> ParseResult:
    """Parse one issue's extracted text. See the module docstring for the result."""
    log = ProblemLog()
    # The one door for text: radicals, invisible characters, NFC, ligatures, widths, the
    # space before %, 〇 in years (text.normalize); what the reader would see changed is named.
    with recording() as changes:
        normalized = normalize_block(text)
    for note in changes.notes():
        log.add("normalized", INFO, note)
    lines = read_lines(normalized, log)
    if not lines:
        raise NotAnIssueError("文件是空的，没有任何文字。")
    for line in lines:  # never a box in print
        for char in missing_glyphs(line.text):
            log.add(
                "missing_glyph",
                ERROR,
                f"{describe_char(char)}在印刷字体中没有，会印成方框。",
                line=line.number,
                text=line.text,
            )
    toc_at = _find_toc_heading(lines)
    head = _masthead(lines[:toc_at], log)
    sections, body_start = read_toc(lines, toc_at + 1, log)
    if not sections:
        raise NotAnIssueError(NOT_AN_ISSUE + "“目 录”下没有栏目。")
    body_stop = _end_block_start(lines, body_start)
    anchors = find_anchors(lines, body_start, body_stop, sections, log)
    placed = BodyBuilder(lines, sections, log).build(anchors, body_start, body_stop)
    if not placed:
        raise NotAnIssueError("正文中没有找到任何稿件，无法导入。")
    end = _end_block(lines[body_stop:], log)
    document_sections, item_lines = _sections(sections, placed)
    edition: Edition = head.get("edition", "regular")
    date: dt.date = head.get("date") or dt.date(1900, 1, 1)
    document = IssueDocument(
        publication_name=head.get("publication", ""),
        compiler=head.get("compiler", ""),
        edition_label=EDITION_LABELS[edition],
        year=date.year,
        number=head["number"],
        total_number=head.get("total", 0),
        date=date,
        sections=document_sections,
        distribution=end.distribution,
        editor_name=end.editor,
        editor_phone=end.phone,
        extra_line=end.extra,
    )
    _report_quotes(document, item_lines, lines, log)
    return ParseResult(document, edition, log.sorted(), item_lines)


def _report_quotes(
    document: IssueDocument, item_lines: list[list[int]], lines: list[SourceLine], log: ProblemLog
) -> None:
    """Name the quotes the import pairs (the print and the stored pieces pair them through
    ``text.normalize.pair_quotes``) and, with their item's line, those it cannot pair."""
    text_of = {line.number: line.text for line in lines}
    converted = 0
    for s, section in enumerate(document.sections):
        for i, item in enumerate(section.items):
            parts = (
                [item.title, item.subtitle, *("".join(r.text for r in p) for p in item.paragraphs)]
                if hasattr(item, "paragraphs")
                else ["".join(r.text for r in item.paragraph)]
            )
            for part in parts:
                pairing = pair_quotes(part)
                converted += pairing.converted + pairing.turned
                if pairing.unpaired:
                    at = pairing.unpaired[0]
                    line = item_lines[s][i]
                    log.add(
                        "unpaired_quotes",
                        WARNING,
                        f"引号无法自动配对，按原样保留：「{part[max(0, at - 8) : at + 9]}」，请改为中文引号。",
                        line=line,
                        text=text_of.get(line, ""),
                    )
    if converted:
        log.add("quotes", INFO, f"直引号 {converted} 处改为中文引号。")


def _find_toc_heading(lines: list[SourceLine]) -> int:
    for index, line in enumerate(lines[:_MASTHEAD_LINES]):
        if _TOC_HEADING.match(plain(line.text)):
            return index
    raise NotAnIssueError(NOT_AN_ISSUE + "开头找不到“第 N 期(总第 M 期)”和“目 录”。")


def _masthead(lines: list[SourceLine], log: ProblemLog) -> dict:
    """Publication name, edition, numbers, compiler and date: the lines before 目 录."""
    found: dict = {}
    for line in lines:
        text = plain(line.text)
        if match := _EDITION.match(text):
            found["edition"] = EDITIONS[match.group(1)]
        elif match := _NUMBER.match(text):
            found["number"] = int(match.group(1))
            if match.group(2):
                found["total"] = int(match.group(2))
        elif match := _DATE.match(text):
            found["date"] = _date(match, line, log)
        elif text.endswith("编") and len(text) <= 30:
            found["compiler"] = text
        elif "publication" not in found and "number" not in found and len(text) <= 30:
            found["publication"] = text
        else:
            log.add("masthead_unknown", WARNING, "报头中有无法识别的文字。", line=line.number, text=line.text)
    if "number" not in found:
        raise NotAnIssueError(NOT_AN_ISSUE + "开头找不到“第 N 期(总第 M 期)”。")
    first = lines[0] if lines else None
    missing = [
        ("publication", "no_publication_name", ERROR, "报头中没有刊物名称。"),
        ("total", "no_total_number", ERROR, "报头中没有总期号（“总第 M 期”）。"),
        ("date", "no_date", ERROR, "报头中没有出刊日期。"),
        ("edition", "no_edition", WARNING, "报头中没有“(普刊)”“(专刊)”或“(增刊)”，已按普刊处理。"),
        ("compiler", "no_compiler", WARNING, "报头中没有编印单位（“……编”）。"),
    ]
    for key, kind, severity, message in missing:
        if key not in found:
            log.add(
                kind, severity, message, line=first.number if first else 0, text=first.text if first else ""
            )
    return found


def _date(match: re.Match[str], line: SourceLine, log: ProblemLog) -> dt.date | None:
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        log.add("bad_date", ERROR, "出刊日期不是有效日期。", line=line.number, text=line.text)
        return None


def _end_block_start(lines: list[SourceLine], start: int) -> int:
    """Where the 送 / 本期责任编辑 / 电话 block begins (the end of the text if it is missing)."""
    for index in range(start, len(lines)):
        text = plain(lines[index].text)
        if _DISTRIBUTION.match(text) or _EDITOR.match(text) or _PHONE.match(text):
            return index
    return len(lines)


@dataclass
class EndBlock:
    distribution: list[str] = field(default_factory=list)
    editor: str = ""
    phone: str = ""
    extra: str = ""


def _end_block(lines: list[SourceLine], log: ProblemLog) -> EndBlock:
    """送 and its lines until 本期责任编辑, the editor, the phone, then any extra line."""
    end = EndBlock()
    seen_distribution = False
    extra: list[str] = []
    for line in lines:
        text = plain(line.text)
        if match := _DISTRIBUTION.match(text):
            seen_distribution = True
            if match.group(1).strip():
                end.distribution.append(match.group(1).strip())
        elif match := _EDITOR.match(text):
            end.editor = match.group(1).strip()
        elif match := _PHONE.match(text):
            end.phone = match.group(1).strip()
        elif end.editor or end.phone:
            extra.append(text)
        elif seen_distribution:
            end.distribution.append(text)
        else:
            log.add("stray_text", ERROR, "这段文字无法归入任何一篇稿件。", line=line.number, text=line.text)
    end.extra = " ".join(extra)
    if not end.distribution:
        log.add("no_distribution", ERROR, "没有找到发送范围（“送：……”），文字可能不完整。")
    if not end.editor:
        log.add("no_editor", ERROR, "没有找到“本期责任编辑”，文字可能不完整。")
    if not end.phone:
        log.add("no_phone", WARNING, "没有找到“电话”。")
    return end


def _sections(toc: list[TocSection], placed: list[PlacedItem]) -> tuple[list[Section], list[list[int]]]:
    """Document sections in 目录 order, only those with items, and each item's line."""
    sections: list[Section] = []
    lines: list[list[int]] = []
    for toc_section in toc:
        mine = [p for p in placed if p.section is toc_section]
        if not mine:
            continue
        items: list[Item] = [p.item for p in mine]
        sections.append(Section(toc_section.name, toc_section.kind, items))
        lines.append([p.line for p in mine])
    return sections, lines
