"""The printed PDF read back and checked: what the page shows, found before 刊发.

``verify_pdf(pdf) -> list[Finding]`` reads a rendered issue's text layer (every drawn
character with its position, size and font, as pdfplumber gives them; read with its
parser, pdfminer.six) and lists the faults a reader would see on paper, each with its
page and its line on that page. It does not look at the layout model or the document:
whatever the renderer did, the check sees what was drawn. Accepts the PDF as bytes, a
file path or a binary file object. Each finding carries the printed text concerned
(``excerpt``, "｜" where a line breaks) and says what is wrong and what to do
(``message_zh``).

Kinds (``Finding.kind``) and their rule:

- ``off_paper``: characters drawn outside the paper (lost in print).
- ``off_block``: characters outside the text block (版心, GB/T 9704-2012 §5.2.1: 天头
  37 mm, 订口 28 mm, 156 × 225 mm, mirrored on left pages — read from print.css by
  ``printing.geometry``). The page number (GB/T 9704 §7.5, "— N —" below the block) is
  where it belongs and is not counted.
- ``word_break``: a title, a byline or the 送 block broken inside a word or a name
  (``text.segment.inside_word`` on the joined lines; in a byline the unit's name so, and
  the names by their form: a break cuts a name when the parts read as whole names
  — two to four characters, or a spaced two-character name "金　颖" — only if the
  break is taken as inside a part). In the 送 block a line that leaves room for the
  next line's first word ends an entry and is not judged.
- ``quote``: double or single quotes reversed or unpaired within a paragraph or a title
  (GB/T 15834-2011 §4.1: “ opens, ” closes; nested quotes are ‘’). The first fault of a
  paragraph is named: once one quote is misread every later one reads reversed. A
  straight quote left in the text is named too. A paragraph left open whose next
  paragraph opens with “ is a quotation over several paragraphs (§4.1.3.4) and passes.
- ``unit_split``: a number split from its unit or sign (86.5 | ㎡, 15 | ℃, 3 | %), a
  number split inside itself, or a superscript or subscript split from what it
  belongs to (m | ², CO | ₂, also when set as a smaller raised digit), at a line end (clreq §3.1.7, numbers and their units
  are not broken).
- ``orphan_char``: a body paragraph's last line holding one character (with its
  punctuation), 孤字 (clreq §3.1.7 避免孤字); also a 目录 entry's wrapped last line.
- ``heading_last``: a sub-heading (a body-size line all in a bold face) or a title last
  on its page with its text on the next page (背题).
- ``ragged``: a line inside a body paragraph (not its last) that ends short of the
  block's right edge by more than ``RAGGED_PT``: the body is justified.
- ``circle_zero``: the geometric circle ○ (U+25CB) inside a Chinese numeral (二○二四年);
  the numeral zero is 〇 (U+3007, GB/T 15835-2011). The entry replaces it, but a document
  can reach print another way.
- ``toc_long``: the 目录 runs on to page 2 (DESIGN §5 sets it on page 1); its lines
  there are checked like page 1's.
- ``dist_split``: the 送 block run on to a further page (GB/T 9704-2012 §7.4 puts 版记 on
  the last page): not a fault of the renderer, but an editor should know.

Lines are counted from the top of each page, every line of text counted (titles,
bylines, the 送 block), the page number not. Roles are told by size and face only:
titles by the title size (2号, 22 pt), body lines by the body size (3号, 16 pt) — a
body-size line all in a bold face is a sub-heading, one in neither the body nor a bold
face a byline (楷体) — and 4号 (14 pt) lines after page 1 form the 送 block.

Cost: one pdfminer pass over the characters, plus one jieba segmentation per line
break in titles, bylines and the 送 block; a 16-page issue takes under half its render
time (``bench/verify.py``).
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from os import PathLike
from typing import IO

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTChar
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage

from printing.geometry import MM, Box, PageGeometry, page_geometry
from printing.render import BODY_SIZE, CHARS_PER_LINE, SMALL_SIZE, TITLE_SIZE
from text.normalize import pair_quotes
from text.segment import inside_word
from text.segment import words as segment_words

# The sizes are the renderer's (DESIGN §5): 2号 titles, 3号 body, 4号 目录, 送 block and
# page numbers; a size within this much (pt) is that size.
SIZE_TOLERANCE = 0.5
# How far (pt) a glyph may reach past the block or the paper before it counts: a
# justified line's last glyph ends on the edge to within a few hundredths of a point.
EDGE_TOLERANCE = 1.0
# A line inside a justified paragraph that ends this much (pt) short of the right
# edge is ragged: a fifth of a character at 3号, about the width of a hairline gap
# the eye picks out on a straight edge.
RAGGED_PT = 3.0
# Rows of text whose baselines lie within this distance (pt) are one line: a superscript
# or subscript sits a few points off its line; the closest two lines (4号 at 24 pt) are
# far further apart.
SAME_LINE_PT = 8.0
# Face names that are bold whatever their family (WeasyPrint writes Pango's face
# description, e.g. "FandolSong-Bold," or "SimHei").
BOLD_NAME = re.compile(r"bold|heavy|black|hei|xbs|biaosong|黑体|小标宋", re.I)

# A unit or sign that belongs to the number before it: the CJK compatibility squares
# (㎡ ㎞ ㎏ ㏄ …, U+3380–U+33DF) and the postfix signs.
POSTFIX_UNIT_SIGNS = frozenset("℃℉‰‱%％°′″") | frozenset(chr(c) for c in range(0x3380, 0x33E0))
SUPERSCRIPT_DIGITS = "²³¹⁰⁴⁵⁶⁷⁸⁹"
# A glyph set at less than this share of its line's size is a superscript or subscript.
SCRIPT_SIZE_RATIO = 0.85
FOLIO = re.compile(r"^[—–-]\s*\d+\s*[—–-]$")

KIND_LABELS = {
    "off_paper": "超出纸张",
    "off_block": "超出版心",
    "word_break": "词中断行",
    "quote": "引号",
    "unit_split": "数字与单位分开",
    "orphan_char": "孤字",
    "heading_last": "背题",
    "ragged": "行未排齐",
    "circle_zero": "〇写成○",
    "dist_split": "送名单跨页",
    "toc_long": "目录超过一页",
}


@dataclass(frozen=True)
class Finding:
    """One fault on the printed page. ``page`` and ``line`` are 1-based; ``line`` counts
    the lines of text on that page from the top (the page number not counted)."""

    kind: str  # one of KIND_LABELS
    page: int
    line: int
    excerpt: str  # the printed text concerned; "｜" marks a line break
    message_zh: str  # what is wrong and what to do, for the editor (without place or excerpt)

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def where(self) -> str:
        return f"第{self.page}页第{self.line}行"

    @property
    def text_zh(self) -> str:
        return f"{self.where}：{self.message_zh}：{self.excerpt}"

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Finding:
        return cls(**{name: data[name] for name in ("kind", "page", "line", "excerpt", "message_zh")})


@dataclass(frozen=True)
class PdfCheck:
    """The verifier's result as the preview's check report shows it.

    ``state``: "done" (``findings`` holds what was found, possibly nothing), "pending"
    (the PDF is being rendered), "unchecked" (a PDF made before the check existed, or
    the check itself failed) or "failed" (the render failed; ``note`` says why).
    """

    state: str
    findings: tuple[Finding, ...] = ()
    note: str = ""

    @property
    def summary(self) -> str:
        return summary_zh(list(self.findings))


@dataclass
class _Row:
    """One line of drawn text on a page."""

    page: int
    number: int  # on its page, from the top; 0 for the page number
    chars: list[dict]
    block: Box
    kind: str = ""
    size: float = 0.0
    faces: Counter = field(default_factory=Counter)
    outside: bool = False  # drawn outside the text block: named as such, not checked further

    @property
    def text(self) -> str:
        return "".join(c["text"] for c in self.chars)

    @property
    def x0(self) -> float:
        return min(c["x0"] for c in self.chars)

    @property
    def x1(self) -> float:
        return max(c["x1"] for c in self.chars)

    @property
    def top(self) -> float:
        return min(c["top"] for c in self.chars)

    @property
    def bottom(self) -> float:
        return max(c["bottom"] for c in self.chars)


def _face(char: dict) -> str:
    """ "ABCDEF+FandolSong-Bold," → "FandolSong-Bold" (subset tag and trailing comma dropped)."""
    return str(char.get("fontname", "")).split("+", 1)[-1].rstrip(",")


def _rows(pages: list[list[dict]], geometry: PageGeometry) -> list[_Row]:
    rows: list[_Row] = []
    for page_number, chars in enumerate(pages, 1):
        block = geometry.block(page_number)
        ordered = sorted(chars, key=lambda c: c["baseline"])
        groups: list[list[dict]] = []
        for char in ordered:
            if groups and char["baseline"] - groups[-1][-1]["baseline"] <= SAME_LINE_PT:
                groups[-1].append(char)
            else:
                groups.append([char])
        number = 0
        for group in groups:
            group.sort(key=lambda c: c["x0"])
            text = "".join(c["text"] for c in group).strip()
            if not text:
                continue
            row = _Row(page_number, 0, group, block)
            sizes = Counter(round(c["size"], 1) for c in group if c["text"].strip())
            row.size = sizes.most_common(1)[0][0]
            row.faces = Counter(_face(c) for c in group if c["text"].strip())
            if FOLIO.match(text) and row.top >= block.bottom - EDGE_TOLERANCE:
                row.kind = "folio"
            else:
                number += 1
                row.number = number
            rows.append(row)
    return rows


def _near(value: float, target: float) -> bool:
    return abs(value - target) < SIZE_TOLERANCE


def _classify(rows: list[_Row]) -> None:
    """Set each row's kind: title, heading, body, byline, small, front (page 1) or other."""
    body_faces: Counter = Counter()
    title_faces: set[str] = set()
    for row in rows:
        if row.kind == "folio" or row.page == 1:
            continue
        if _near(row.size, BODY_SIZE):
            # Body lines start at the block's left edge or at the paragraph indent; a
            # byline is set flush right and starts anywhere.
            if abs(row.x0 - row.block.left) < 1.0 or _starts_paragraph(row):
                body_faces.update(row.faces)
        elif _near(row.size, TITLE_SIZE):
            title_faces.update(row.faces)
    bold = {face for face in [*body_faces, *title_faces] if face in title_faces or BOLD_NAME.search(face)}
    plain = Counter({face: count for face, count in body_faces.items() if face not in bold})
    body_face = plain.most_common(1)[0][0] if plain else ""
    for row in rows:
        if row.kind == "folio":
            continue
        if row.page == 1:
            row.kind = "front"  # masthead and 目录
        elif _near(row.size, TITLE_SIZE):
            row.kind = "title"
        elif _near(row.size, BODY_SIZE):
            faces = set(row.faces)
            if faces <= bold:
                row.kind = "heading"
            elif row.faces[body_face] * 2 >= sum(row.faces.values()) or faces <= bold | {body_face}:
                row.kind = "body"
            else:
                row.kind = "byline"
        elif _near(row.size, SMALL_SIZE):
            row.kind = "small"
        else:
            row.kind = "other"
    # A 目录 longer than page 1 runs on at the top of page 2, in 4号 like the 送 block.
    for row in rows:
        if row.page < 2 or row.kind == "folio":
            continue
        if row.page > 2 or row.kind != "small" or row.text.strip().startswith("送"):
            break
        row.kind = "front"


# ----------------------------------------------------------------------------- blocks


@dataclass
class _Block:
    kind: str  # "title", "heading", "body", "byline", "dist"
    rows: list[_Row]

    @property
    def texts(self) -> list[str]:
        return [row.text.strip() for row in self.rows]


def _indent(row: _Row) -> float:
    """The body's first-line indent: two characters of the grid (GB/T 9704 §5.2.3)."""
    return 2 * row.block.width / CHARS_PER_LINE


def _starts_paragraph(row: _Row) -> bool:
    return abs(row.x0 - (row.block.left + _indent(row))) < 1.0


def _blocks(rows: list[_Row]) -> list[_Block]:
    """Titles, paragraphs (body or sub-heading), bylines and 送 entries in reading order;
    a paragraph runs on across a page break."""
    blocks: list[_Block] = []
    in_distribution = False
    for row in rows:
        kind = row.kind
        if kind in ("folio", "front", "other") or row.outside:
            continue
        if kind == "small":
            text = row.text.strip()
            if text.startswith("送"):
                in_distribution = True
                blocks.append(_Block("dist", [row]))
                continue
            if not in_distribution or re.match(r"(本期责任编辑|电话|附)", text):
                in_distribution = False
                continue
            # The 送 block is read as one run of text: an entry's wrapped line and the
            # next entry both start at the hanging indent, and no word runs from one
            # unit's name into the next's.
            blocks[-1].rows.append(row)
            continue
        in_distribution = False
        last = blocks[-1] if blocks else None
        paragraph = ("body", "heading")
        if last is not None and kind in paragraph and last.kind in paragraph and not _starts_paragraph(row):
            # A line that does not start at the indent continues the paragraph above. A
            # paragraph mixing bold and plain lines (a bold lead a line or more long) is
            # body text, not a sub-heading.
            last.rows.append(row)
            if kind != last.kind:
                last.kind = "body"
            continue
        if last is not None and last.kind == kind:
            previous = last.rows[-1]
            if kind in ("title", "byline") and row.page == previous.page:
                last.rows.append(row)
                continue
        blocks.append(_Block(kind, [row]))
    return blocks


# ----------------------------------------------------------------------------- checks


def _excerpt(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _around(text: str, index: int, before: int = 8, after: int = 8) -> str:
    start, end = max(0, index - before), min(len(text), index + after + 1)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def _check_edges(rows: Iterable[_Row], geometry: PageGeometry) -> list[Finding]:
    findings = []
    for row in rows:
        if row.kind == "folio":
            continue
        paper = geometry.paper()
        outside_paper = [
            c
            for c in row.chars
            if c["x0"] < paper.left - EDGE_TOLERANCE
            or c["x1"] > paper.right + EDGE_TOLERANCE
            or c["top"] < paper.top - EDGE_TOLERANCE
            or c["bottom"] > paper.bottom + EDGE_TOLERANCE
        ]
        text = _excerpt(row.text.strip())
        if outside_paper:
            row.outside = True
            findings.append(
                Finding(
                    "off_paper",
                    row.page,
                    row.number,
                    text,
                    f"{len(outside_paper)} 个字画在纸张以外，印不出来",
                )
            )
            continue
        block = row.block
        sides = []
        if row.top < block.top - EDGE_TOLERANCE:
            sides.append(f"上边 {(block.top - row.top) / MM:.1f} 毫米")
        if row.bottom > block.bottom + EDGE_TOLERANCE:
            sides.append(f"下边 {(row.bottom - block.bottom) / MM:.1f} 毫米")
        if row.x0 < block.left - EDGE_TOLERANCE:
            sides.append(f"左边 {(block.left - row.x0) / MM:.1f} 毫米")
        if row.x1 > block.right + EDGE_TOLERANCE:
            sides.append(f"右边 {(row.x1 - block.right) / MM:.1f} 毫米")
        if sides:
            row.outside = True
            findings.append(
                Finding(
                    "off_block",
                    row.page,
                    row.number,
                    text,
                    f"超出版心{'、'.join(sides)}，印刷时可能被裁掉",
                )
            )
    return findings


# The end of a unit's name (区, 县, 办公室, 委员会, 代表联络站 …): a byline's first part
# is its unit when it ends so or is longer than a personal name.
UNIT_ENDINGS = tuple("区县市镇乡街村室会局委办部组处厅站所院校社队科")
NAME_MAX = 4  # a Chinese personal name: two to four characters (a 复姓 with two)


def _names(tokens: list[str]) -> list[tuple[int, int]] | None:
    """``tokens`` (a byline's parts after its unit, split at full-width spaces) read as
    whole names: [(first, last) token index of each name], or None when they cannot be.
    A name is a part of two to four characters (or a foreign name with ·), or two
    one-character parts in a row (a two-character name spaced "金　颖")."""
    names: list[tuple[int, int]] = []
    single: int | None = None
    for index, token in enumerate(tokens):
        if len(token) == 1:
            if single is None:
                single = index
            else:
                names.append((single, index))
                single = None
            continue
        if single is not None or not ("·" in token or 2 <= len(token) <= NAME_MAX):
            return None
        names.append((index, index))
    return None if single is not None else names


def _byline_break(texts: list[str], index: int) -> str:
    """What the break before ``texts[index]`` cuts in a byline: "单位名称" (inside the unit,
    by the segmenter), "人名" (inside a name), or "" (between parts).

    A break at a full-width space drops the space, so both readings are tried: the break
    as a space between parts, or inside a part. It cuts a name when only the second
    reading leaves whole names."""
    before, after = "".join(texts[:index]), "".join(texts[index:])
    inner_before, inner_after = before.lstrip("（("), after.rstrip("）)")
    head = inner_before.split("\u3000")
    unit = head[0] if "\u3000" in inner_before else None
    if unit is not None and not (len(unit) > NAME_MAX or unit.endswith(UNIT_ENDINGS)):
        unit = None
    if (
        unit is None
        and "\u3000" not in inner_before
        and (len(inner_before) > NAME_MAX or inner_before.endswith(UNIT_ENDINGS))
    ):
        # the break falls inside the unit's name itself
        return "单位名称" if inside_word(before + after, len(before)) else ""
    names_before = head[1:] if unit is not None else head
    names_after = inner_after.split("\u3000")
    cut = len(names_before)  # the first token after the break
    as_space = _names(names_before + names_after)
    if as_space is not None:
        # whole names; but a spaced two-character name may sit astride the break
        return "人名" if any(first < cut <= last for first, last in as_space) else ""
    as_inside = names_before[:-1] + [names_before[-1] + names_after[0]] + names_after[1:]
    return "人名" if _names(as_inside) is not None else ""


def _check_word_breaks(block: _Block) -> list[Finding]:
    what = {"title": "标题", "byline": "署名", "dist": "“送”名单"}[block.kind]
    findings = []
    texts = block.texts
    for index in range(1, len(texts)):
        before, after = "".join(texts[:index]), texts[index]
        if block.kind == "byline":
            cut = _byline_break(texts, index)
        elif block.kind == "dist" and _entry_end(block.rows[index - 1], after):
            cut = ""
        else:
            cut = "词" if inside_word(before + after, len(before)) else ""
        if not cut:
            continue
        left = before[-6:]
        right = after[:6]
        findings.append(
            Finding(
                "word_break",
                block.rows[index - 1].page,
                block.rows[index - 1].number,
                f"{left}｜{right}",
                f"{what}在{cut}中间断行，请改在词与词之间或标点处断行",
            )
        )
    return findings


def _entry_end(row: _Row, after: str) -> bool:
    """True when a 送 line ends a unit's entry rather than wrapping it: the line leaves
    room for the next line's first word, which a wrapped entry would have taken. (Each
    entry starts on a line of its own at the same indent as a wrapped line, so the
    position is all the page tells.) Widths are estimated: a wide character one em, any
    other half an em, the narrowest a Latin word can take."""
    words = segment_words(after)
    if not words:
        return True
    width = sum(row.size if unicodedata.east_asian_width(c) in "WF" else row.size / 2 for c in words[0])
    return row.block.right - row.x1 >= width - EDGE_TOLERANCE


# A Chinese-numeral year or number written with the geometric circle ○ (U+25CB) in place
# of the numeral 〇 (U+3007): GB/T 15835-2011 §4.1 writes zero as 〇 in Chinese numerals.
# Input methods offer both and they look alike; the entry replaces it, but text that
# reached the print another way is listed here.
CIRCLE_ZERO = re.compile(r"[〇○零一二三四五六七八九十]*○[〇○零一二三四五六七八九十]*")
CHINESE_DIGITS = frozenset("〇零一二三四五六七八九十")


def _check_dist_split(block: _Block) -> list[Finding]:
    """The 送 block run on to a further page: allowed when it is taller than a page can
    hold with the last byline, but an editor should know (GB/T 9704 puts 版记 on the
    last page)."""
    pages = sorted({row.page for row in block.rows})
    if len(pages) < 2:
        return []
    first = next(row for row in block.rows if row.page == pages[1])
    return [
        Finding(
            "dist_split",
            first.page,
            first.number,
            _excerpt(first.text.strip()),
            f"“送”名单在第{pages[0]}页排不下，分在{len(pages)}页（第{pages[0]}–{pages[-1]}页）",
        )
    ]


def _check_circle_zero(rows: list[_Row]) -> list[Finding]:
    findings = []
    for row in rows:
        if row.kind in ("folio", "other") or row.outside:
            continue
        for match in CIRCLE_ZERO.finditer(row.text):
            if not CHINESE_DIGITS & set(match.group()):
                continue  # a circle on its own (a list mark, a blank): not a numeral
            findings.append(
                Finding(
                    "circle_zero",
                    row.page,
                    row.number,
                    _around(row.text, match.start()),
                    f"“{match.group()}”中的“○”是几何图形（U+25CB），数字零应写作“〇”（U+3007）",
                )
            )
    return findings


def _is_latin_or_digit(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _quote_fault(text: str, next_text: str) -> tuple[int, str] | None:
    """(index, what) of the first quote fault of a paragraph's text, or None."""
    # Primes and inch marks (5', 3"), and quotes in a line without Chinese, are no
    # quotation marks: the entry's pairing (text.normalize.pair_quotes) leaves them straight.
    not_quotes = set(pair_quotes(text).ignored)
    for index, char in enumerate(text):
        if char in '"＂' and index not in not_quotes:
            return index, f"直引号 {char} 没有转成“”"
    for opening, closing in (("“", "”"), ("‘", "’")):
        open_at = -1
        for index, char in enumerate(text):
            if char == closing and opening == "‘":
                before = text[index - 1] if index else ""
                after = text[index + 1] if index + 1 < len(text) else ""
                if _is_latin_or_digit(before) and (not after or _is_latin_or_digit(after) or after == " "):
                    continue  # an apostrophe: People’s, 90’s
            if char == opening:
                if open_at >= 0:
                    return index, f"前引号{opening}之前的{opening}没有对应的{closing}（引号方向可能反了）"
                open_at = index
            elif char == closing:
                if open_at < 0:
                    return index, f"后引号{closing}前面没有前引号{opening}（引号方向反了）"
                open_at = -1
        if open_at >= 0 and not next_text.startswith(opening):
            return open_at, f"前引号{opening}在本段没有对应的后引号{closing}"
    return None


def _row_at(block: _Block, index: int) -> _Row:
    offset = 0
    for row, text in zip(block.rows, block.texts, strict=True):
        offset += len(text)
        if index < offset:
            return row
    return block.rows[-1]


def _check_quotes(block: _Block, next_text: str) -> list[Finding]:
    text = "".join(block.texts)
    fault = _quote_fault(text, next_text)
    if fault is None:
        return []
    index, what = fault
    row = _row_at(block, index)
    excerpt = _around(text, index)
    return [Finding("quote", row.page, row.number, excerpt, what)]


def _unit_split(before: str, after: str) -> str:
    """What a line break between ``before`` and ``after`` splits, or ""."""
    if not before or not after:
        return ""
    last, first = before[-1], after[0]
    if first in SUPERSCRIPT_DIGITS and last.isascii() and last.isalpha():
        return "单位被拆到两行"
    digit_end = last.isdigit() or (last in ".,．" and len(before) > 1 and before[-2].isdigit())
    if not digit_end:
        return ""
    if first in POSTFIX_UNIT_SIGNS or first in SUPERSCRIPT_DIGITS:
        return "数字和单位被拆到两行"
    if first.isascii() and first.isalpha():
        return "数字和后面的字母单位被拆到两行"
    if first.isdigit() or (first in ".．" and len(after) > 1 and after[1].isdigit()):
        return "一个数字被拆到两行"
    return ""


def _starts_with_script(row: _Row) -> bool:
    """Whether a line begins with a superscript or subscript: a glyph set smaller than
    its line (the print sets them at about two thirds of the size), as in m｜2 for m²."""
    first = next((c for c in row.chars if c["text"].strip()), None)
    return first is not None and first["size"] < SCRIPT_SIZE_RATIO * row.size


def _check_units(block: _Block) -> list[Finding]:
    findings = []
    texts = block.texts
    for index in range(1, len(texts)):
        what = _unit_split(texts[index - 1], texts[index])
        if not what and _starts_with_script(block.rows[index]) and texts[index - 1][-1:].isalnum():
            what = "上标或下标和前面的字被拆到两行"
        if what:
            excerpt = f"{texts[index - 1][-6:]}｜{texts[index][:4]}"
            row = block.rows[index - 1]
            findings.append(
                Finding("unit_split", row.page, row.number, excerpt, f"{what}，请让它们排在同一行")
            )
    return findings


def _counted(char: str) -> bool:
    return not (char.isspace() or unicodedata.category(char).startswith(("P", "Z")))


def _check_last_line(block: _Block) -> list[Finding]:
    if len(block.rows) < 2:
        return []
    last = block.texts[-1]
    if sum(_counted(c) for c in last) != 1:
        return []
    row = block.rows[-1]
    return [
        Finding(
            "orphan_char",
            row.page,
            row.number,
            last,
            "段末一行只有一个字（孤字），请调整前面的文字使它回到上一行",
        )
    ]


def _check_contents(rows: list[_Row]) -> list[Finding]:
    """目录 entries (page 1, 4号) whose wrapped last line holds one character; a 目录
    that runs on to page 2."""
    findings = []
    run_on = [row for row in rows if row.kind == "front" and row.page == 2]
    if run_on:
        findings.append(
            Finding(
                "toc_long",
                2,
                run_on[0].number,
                _excerpt(run_on[0].text.strip()),
                f"目录超过一页，第2页续排{len(run_on)}行（文章接在目录之后排）；可精简标题或调整本期篇目",
            )
        )
    for row in rows:
        if row.kind != "front" or row.outside or not _near(row.size, SMALL_SIZE):
            continue
        text = row.text.strip()
        if sum(_counted(c) for c in text) == 1:
            findings.append(
                Finding(
                    "orphan_char",
                    row.page,
                    row.number,
                    text,
                    "目录条目的最后一行只有一个字（孤字），请调整这篇的标题",
                )
            )
    return findings


def _check_ragged(block: _Block) -> list[Finding]:
    findings = []
    for row in block.rows[:-1]:
        short = row.block.right - row.x1
        if short > RAGGED_PT:
            text = _excerpt(row.text.strip())
            findings.append(
                Finding(
                    "ragged",
                    row.page,
                    row.number,
                    text,
                    f"这一行没有排齐，右边比版心短 {short / MM:.1f} 毫米",
                )
            )
    return findings


def _check_headings(blocks: list[_Block], rows: list[_Row]) -> list[Finding]:
    last_on_page: dict[int, _Row] = {}
    for row in rows:
        if row.kind not in ("folio", "small", "front"):
            last_on_page[row.page] = row
    findings = []
    for block, following in zip(blocks, blocks[1:], strict=False):
        # A sub-heading leads into its paragraph; a title into its text or byline.
        if block.kind not in ("heading", "title") or following.kind not in ("body", "heading", "byline"):
            continue
        end = block.rows[-1]
        if last_on_page.get(end.page) is end and following.rows[0].page > end.page:
            what = "小标题" if block.kind == "heading" else "标题"
            text = _excerpt("".join(block.texts))
            findings.append(
                Finding(
                    "heading_last",
                    end.page,
                    end.number,
                    text,
                    f"{what}在本页最后一行，正文却从下一页开始（背题），请让它和正文排在同一页",
                )
            )
    return findings


# ------------------------------------------------------------------------------ entry


def read_chars(pdf: bytes | str | PathLike | IO[bytes]) -> list[list[dict]]:
    """Every drawn character of every page: text, x0, x1, top, bottom (pt from the
    page's top-left), baseline (pt from the top), size and fontname — what pdfplumber's
    ``page.chars`` gives, read with pdfminer.six (pdfplumber's own parser) without
    pdfplumber's object layer, which would take a third of the time for nothing here."""
    if isinstance(pdf, (bytes, bytearray)):
        handle, close = io.BytesIO(pdf), False
    elif isinstance(pdf, (str, PathLike)):
        handle, close = open(pdf, "rb"), True
    else:
        handle, close = pdf, False
    resources = PDFResourceManager(caching=True)
    device = PDFPageAggregator(resources, laparams=None)
    interpreter = PDFPageInterpreter(resources, device)
    pages = []
    try:
        for page in PDFPage.get_pages(handle):
            interpreter.process_page(page)
            layout = device.get_result()
            height = float(layout.y1)
            pages.append(
                [
                    {
                        "text": char.get_text(),
                        "x0": float(char.x0),
                        "x1": float(char.x1),
                        "top": height - float(char.y1),
                        "bottom": height - float(char.y0),
                        "baseline": height - float(char.matrix[5]),
                        "size": float(char.size),
                        "fontname": char.fontname,
                    }
                    for char in layout
                    if isinstance(char, LTChar)
                ]
            )
    finally:
        if close:
            handle.close()
    return pages


def verify_pdf(
    pdf: bytes | str | PathLike | IO[bytes], *, geometry: PageGeometry | None = None
) -> list[Finding]:
    """The faults of a rendered issue as the PDF shows them, in page and line order
    (see the module docstring for the kinds). ``geometry``: the page the PDF was set on,
    by default the print stylesheet's."""
    geometry = geometry or page_geometry()
    rows = _rows(read_chars(pdf), geometry)
    _classify(rows)
    findings = _check_edges(rows, geometry)
    blocks = _blocks(rows)
    for index, block in enumerate(blocks):
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        next_text = following.texts[0] if following and following.kind == block.kind else ""
        if block.kind in ("title", "byline", "dist"):
            findings += _check_word_breaks(block)
        if block.kind == "dist":
            findings += _check_dist_split(block)
        if block.kind in ("title", "body", "heading"):
            findings += _check_quotes(block, next_text)
            findings += _check_units(block)
        if block.kind == "body":
            findings += _check_last_line(block)
            findings += _check_ragged(block)
    findings += _check_headings(blocks, rows)
    findings += _check_contents(rows)
    findings += _check_circle_zero(rows)
    order = list(KIND_LABELS)
    return sorted(findings, key=lambda f: (f.page, f.line, order.index(f.kind)))


def summary_zh(findings: list[Finding]) -> str:
    """ "孤字 2 处、背题 1 处": the count of each kind, for a heading line; "" when none."""
    counts = Counter(f.kind for f in findings)
    return "、".join(f"{KIND_LABELS[kind]} {counts[kind]} 处" for kind in KIND_LABELS if counts[kind])
