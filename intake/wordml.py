"""Read a .docx (WordprocessingML) as Word displays it: paragraphs of (text, bold, script) runs,
and a list of what cannot be kept, with where it was.

Why a walker of our own rather than mammoth or python-docx alone: python-docx sees only
paragraphs and runs that sit directly in the body (no hyperlinks, fields, content controls,
tracked insertions, text boxes); mammoth reads those, but writes automatic numbering as
``<ol>`` without the number Word displays (一、 （一）), does not resolve bold through
paragraph styles, document defaults and ``w:b``/``w:bCs``, reads no Strict Open XML, and
cannot stop early on a hostile file. So the package is read with ``zipfile`` (sizes
checked in the zip directory first) and each XML part with lxml; ``_Reader.block`` is the
one function that walks the XML and yields the displayed text in order.

What Word displays and this keeps:

- runs inside hyperlinks, smart tags, custom XML, content controls (``w:sdt``, block and
  inline), ``w:bdo``/``w:dir``, simple fields and complex fields (the displayed result
  between ``separate`` and ``end``; the instruction never), ruby base text;
- tracked changes accepted: ``w:ins``/``w:moveTo`` kept, ``w:del``/``w:moveFrom`` dropped,
  a deleted paragraph mark joins the paragraph with the next, deleted table rows dropped;
- text boxes and shapes with text (DrawingML ``wps:txbx`` or VML ``v:textbox``; of an
  ``mc:AlternateContent`` only the first choice, so nothing twice), as paragraphs after
  the paragraph they are anchored in;
- footnotes and endnotes: the reference becomes （注1）/（尾注1） and the note's text a
  paragraph "注1：……" at the end of the document;
- automatic numbering as displayed (``numbering.xml``: formats 一 （一） 1. （1） ① 壹
  甲 a. i. …, levels, counters shared by lists of one abstract numbering, restarts,
  ``startOverride``, ``isLgl``, numbering set by a paragraph style);
- bold as Word resolves it: direct formatting (absolute, ``w:val="0"`` is "not bold"),
  character style and paragraph style (each through ``basedOn``; the two toggle, as
  ECMA-376 §17.7.3 says), document defaults; ``w:b`` for Chinese and Latin text, ``w:bCs``
  only for runs marked complex-script (``w:cs``/``w:rtl``);
- superscript and subscript (``w:vertAlign``, resolved like any run property: direct,
  character style, paragraph style, defaults): each run is ``(text, bold, script)``,
  script "sup", "sub" or "";
- manual line breaks (``w:br``, ``w:cr``) and page breaks as line ends (the importer
  decides which lines start paragraphs); tabs as tabs.

What is reported (``Dropped``), never lost without a word: tables (or kept as rows of
text when asked), images, charts, SmartArt, other drawings, equations, embedded objects,
comments (with their text), embedded documents that cannot be read.

What Word marks or hides is never kept silently (see "Marked and hidden text" below):
struck-through text is held back and offered (``WordDocument.struck``), hidden text never
enters, symbol-font characters are mapped to Unicode or named, a TOC/INDEX/BIBLIOGRAPHY/TOA
field or a 目录 content control is skipped with a note, a stale cross-reference's error
text is flagged, a DATE/TIME field is kept as displayed and named; an ``altChunk`` body
(HTML, MHT or RTF) is read as an upload of that format would be.

Cost is bounded: at most ``limits.paragraphs`` paragraphs, ``limits.runs`` runs and
``limits.chars`` characters are read; past that ``WordTooLarge`` is raised at once, so a
file of 280,000 tiny paragraphs is refused after reading a few thousand.
"""

from __future__ import annotations

import dataclasses
import email
import email.policy
import io
import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from text.listnumbers import format_number
from text.richtext import read_paste, run_plain
from text.scripts import script_plain
from text.symbols import FONT_NAMES, symbol_char, symbol_font
from text.traces import is_contents_entry, is_contents_heading, is_contents_style, stale_notice, stale_texts

# Namespaces: Transitional and Strict Open XML spell WordprocessingML differently.
_NS = {
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main": "w",
    "http://purl.oclc.org/ooxml/wordprocessingml/main": "w",
    "http://schemas.openxmlformats.org/markup-compatibility/2006": "mc",
    "http://schemas.microsoft.com/office/word/2010/wordprocessingShape": "wps",
    "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup": "wpg",
    "urn:schemas-microsoft-com:vml": "v",
    "urn:schemas-microsoft-com:office:office": "o",
    "http://schemas.openxmlformats.org/officeDocument/2006/math": "m",
    "http://purl.oclc.org/ooxml/officeDocument/math": "m",
    "http://schemas.openxmlformats.org/drawingml/2006/picture": "pic",
    "http://purl.oclc.org/ooxml/drawingml/picture": "pic",
    "http://schemas.openxmlformats.org/drawingml/2006/chart": "c",
    "http://purl.oclc.org/ooxml/drawingml/chart": "c",
    "http://schemas.openxmlformats.org/drawingml/2006/diagram": "dgm",
    "http://purl.oclc.org/ooxml/drawingml/diagram": "dgm",
    "http://schemas.openxmlformats.org/package/2006/relationships": "pr",
}
_W_NAMESPACES = [uri for uri, prefix in _NS.items() if prefix == "w"]
_TAG_CACHE: dict[str, str] = {}


def _key(element) -> str:
    """ "w:p" for a paragraph in either flavour; "" for comments and processing instructions."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    key = _TAG_CACHE.get(tag)
    if key is None:
        if tag.startswith("{"):
            uri, local = tag[1:].split("}", 1)
            key = f"{_NS.get(uri, '?')}:{local}"
        else:
            key = tag
        _TAG_CACHE[tag] = key
    return key


def _attr(element, name: str) -> str | None:
    """A w: attribute (Transitional or Strict namespace)."""
    for uri in _W_NAMESPACES:
        value = element.get(f"{{{uri}}}{name}")
        if value is not None:
            return value
    return None


def _first(*elements):
    """The first element that is not None (lxml elements without children are falsy)."""
    return next((e for e in elements if e is not None), None)


def _child(element, key: str):
    if element is None:
        return None
    for child in element:
        if _key(child) == key:
            return child
    return None


def _int(value: str | None, default: int = 0) -> int:
    """A decimal attribute; a malformed one (a hostile or broken file) counts as the default."""
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _on(element) -> bool | None:
    """A toggle like <w:b/>: None when absent, else its value ("0", "false", "off" are off)."""
    if element is None:
        return None
    value = _attr(element, "val")
    return value is None or value.lower() not in ("0", "false", "off", "none")


class WordReadError(Exception):
    """The package or its XML cannot be read; the message says why, in Chinese."""


class WordTooLarge(WordReadError):
    """The document is over one of the reading limits."""


class EntityDeclared(WordReadError):
    """An XML part declares a DTD or an entity (Word and WPS never write one)."""


ENTITY_MESSAGE = (
    "文件中含有 XML 实体声明（DOCTYPE/ENTITY，Word 和 WPS 从不写入），可能被改动过，已拒绝导入。"
    "请在 Word / WPS 中打开并另存为新的 .docx 后再导入。"
)


def _refuse_doctype(tree) -> None:
    """A parsed part with a DOCTYPE (an internal subset, entities, or an external DTD):
    refused, so no text after an entity reference is silently lost."""
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise EntityDeclared(ENTITY_MESSAGE)


@dataclass(frozen=True)
class Limits:
    """How much of a document is read before it is refused (a piece is at most 6,000
    characters; these leave room for long source documents and stop hostile ones)."""

    paragraphs: int = 5000
    runs: int = 50000
    chars: int = 300_000
    part_bytes: int = 16 * 1024 * 1024  # one XML part (or embedded altChunk part), uncompressed
    package_bytes: int = 200 * 1024 * 1024  # all parts, uncompressed
    alt_chunks: int = 20  # embedded documents (w:altChunk) read; more are refused
    conversions: int = 1  # of those, RTF ones converted by LibreOffice (each up to its time limit)


@dataclass
class Paragraph:
    runs: list[tuple]  # (text, bold, script); text may hold "\n" (a line break) and "\t"
    kind: str = "body"  # body | textbox | table | note
    style_name: str = ""
    centred: bool = False
    size_pt: float = 0.0  # the largest font size in the paragraph

    @property
    def text(self) -> str:
        return "".join(run[0] for run in self.runs)


@dataclass(frozen=True)
class Dropped:
    what: str  # 表格, 图片, 公式 …
    place: str  # "第 3 段后的表格（2 行 3 列）"
    kept: bool = False  # kept in another form (a text box as paragraphs, a table as rows)
    line: bool = False  # ``place`` is a whole line of the report ("隐藏文字 2 处未导入：……")

    def __str__(self) -> str:
        return self.place


@dataclass
class Struck:
    """One passage of struck-through text (``w:strike``/``w:dstrike``, direct or from a
    style): consecutive struck runs of one paragraph. ``index`` counts passages in
    document order from 0 and is what ``read_word(keep_struck=…)`` names."""

    index: int
    text: str = ""
    place: str = ""  # "第 2 段中"
    before: str = ""  # up to 13 characters of the paragraph before the passage
    after: str = ""  # up to 13 characters after it (13: the reader can tell that more stands there)
    whole: bool = False  # a whole sentence (or paragraph) is struck, not a fragment
    kept: bool = False  # taken in as live text (the contributor chose it)


@dataclass
class WordDocument:
    paragraphs: list[Paragraph] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    notes: int = 0  # footnotes and endnotes appended as paragraphs
    struck: list[Struck] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)  # page-header paragraphs, in order, once each


# --- the package ---------------------------------------------------------------------


_OFFICE_DOCUMENT = re.compile(r"/officeDocument$")


class _Package:
    def __init__(self, data: bytes, limits: Limits) -> None:
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            members = self.zip.infolist()
        except (zipfile.BadZipFile, ValueError, EOFError, OSError) as error:
            raise WordReadError("文件已损坏，无法读取。请在 Word 中打开并重新保存后再导入。") from error
        self.limits = limits
        self.sizes = {m.filename: m.file_size for m in members}
        if sum(self.sizes.values()) > limits.package_bytes:
            raise WordTooLarge("文件解压后异常巨大（疑似压缩炸弹），已拒绝导入。")

    def xml(self, name: str):
        """The parsed part, or None when absent. The zip directory's size is checked first."""
        if name not in self.sizes:
            return None
        if self.sizes[name] > self.limits.part_bytes:
            raise WordTooLarge(
                f"文件内容过大（{name} 解压后 {self.sizes[name] // 1024 // 1024} MB），已拒绝导入。"
                "请删去多余内容，或把正文复制粘贴到编辑框。"
            )
        try:
            with self.zip.open(name) as stream:
                data = stream.read(self.limits.part_bytes + 1)
            parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
            root = etree.fromstring(data, parser)
            _refuse_doctype(root.getroottree())
            return root
        except etree.XMLSyntaxError as error:
            raise _xml_error(error) from error
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as error:
            raise WordReadError("文件已损坏，无法读取。请在 Word 中打开并重新保存后再导入。") from error

    def rels(self, part: str) -> dict[str, str]:
        """Relationship type suffix ("styles", "numbering" …) → part name, for one part."""
        found: dict[str, str] = {}
        for kind, name in self.all_rels(part):
            found.setdefault(kind, name)
        return found

    def all_rels(self, part: str) -> list[tuple[str, str]]:
        """(type suffix, part name) of every internal relationship of one part, in order."""
        folder, base = posixpath.split(part)
        root = self.xml(posixpath.join(folder, "_rels", base + ".rels"))
        found: list[tuple[str, str]] = []
        if root is None:
            return found
        for rel in root:
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target") or ""
            kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
            name = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(folder, target))
            )
            found.append((kind, name))
        return found

    def targets(self, part: str) -> dict[str, str]:
        """Relationship id → part name, for one part's internal relationships."""
        folder, base = posixpath.split(part)
        root = self.xml(posixpath.join(folder, "_rels", base + ".rels"))
        found: dict[str, str] = {}
        for rel in root if root is not None else ():
            target = rel.get("Target") or ""
            if rel.get("TargetMode") == "External" or not rel.get("Id"):
                continue
            found[rel.get("Id")] = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(folder, target))
            )
        return found

    def raw(self, name: str) -> bytes:
        """A part's bytes, bounded like an XML part (the zip directory's size checked first)."""
        if self.sizes.get(name, 0) > self.limits.part_bytes:
            raise WordTooLarge(f"文件中嵌入的文档过大（{name}），已拒绝导入。")
        try:
            with self.zip.open(name) as stream:
                return stream.read(self.limits.part_bytes + 1)[: self.limits.part_bytes]
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, KeyError) as error:
            raise WordReadError("文件已损坏，无法读取。请在 Word 中打开并重新保存后再导入。") from error

    def main_part(self) -> str:
        for kind, name in self.rels("").items():
            if kind == "officeDocument" and name in self.sizes:
                return name
        if "word/document.xml" in self.sizes:
            return "word/document.xml"
        raise WordReadError("这不是 Word 文档（找不到正文部分 word/document.xml）。")


# --- styles and numbering --------------------------------------------------------------


@dataclass
class _Style:
    kind: str
    name: str
    based_on: str | None
    rpr: object | None
    ppr: object | None


class _Styles:
    def __init__(self, root) -> None:
        self.styles: dict[str, _Style] = {}
        self.default_paragraph: str | None = None
        self.default_character: str | None = None
        self.defaults_rpr = None
        # Memo first: a package without a styles part (several generators omit it) reads
        # with Word's defaults, every lookup answering "not set".
        self._memo: dict[tuple, object] = {}
        if root is None:
            return
        for element in root:
            key = _key(element)
            if key == "w:docDefaults":
                self.defaults_rpr = _child(_child(element, "w:rPrDefault"), "w:rPr")
            elif key == "w:style":
                style_id = _attr(element, "styleId") or ""
                kind = _attr(element, "type") or "paragraph"
                name_element = _child(element, "w:name")
                based = _child(element, "w:basedOn")
                self.styles[style_id] = _Style(
                    kind,
                    (_attr(name_element, "val") if name_element is not None else None) or style_id,
                    _attr(based, "val") if based is not None else None,
                    _child(element, "w:rPr"),
                    _child(element, "w:pPr"),
                )
                if _attr(element, "default") in ("1", "true", "on"):
                    if kind == "paragraph":
                        self.default_paragraph = style_id
                    elif kind == "character":
                        self.default_character = style_id

    def chain(self, style_id: str | None):
        """The style and those it is based on, nearest first (cycles cut)."""
        seen = set()
        while style_id and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            style = self.styles[style_id]
            yield style
            style_id = style.based_on

    def rpr_value(self, style_id: str | None, prop: str):
        """The nearest definition of a run property along the style's basedOn chain."""
        memo_key = ("r", style_id, prop)
        if memo_key not in self._memo:
            value = None
            for style in self.chain(style_id):
                element = _child(style.rpr, prop)
                if element is not None:
                    value = element
                    break
            self._memo[memo_key] = value
        return self._memo[memo_key]

    def numbering_value(self, style_id: str | None, prop: str):
        """``w:numId`` or ``w:ilvl`` of the style's numbering, each inherited on its own
        along basedOn (a list style may set only the level and inherit the list)."""
        memo_key = ("n", style_id, prop)
        if memo_key not in self._memo:
            value = None
            for style in self.chain(style_id):
                element = _child(_child(style.ppr, "w:numPr"), prop)
                if element is not None:
                    value = element
                    break
            self._memo[memo_key] = value
        return self._memo[memo_key]

    def ppr_value(self, style_id: str | None, prop: str):
        memo_key = ("p", style_id, prop)
        if memo_key not in self._memo:
            value = None
            for style in self.chain(style_id):
                element = _child(style.ppr, prop)
                if element is not None:
                    value = element
                    break
            self._memo[memo_key] = value
        return self._memo[memo_key]

    def toggle(self, prop: str, paragraph_style: str | None, character_style: str | None, direct) -> bool:
        """A toggle property (bold, hidden) as Word resolves it (ECMA-376 §17.7.3)."""
        value = _on(_child(direct, prop))
        if value is not None:
            return value
        from_paragraph = _on(self.rpr_value(paragraph_style, prop))
        from_character = _on(self.rpr_value(character_style, prop))
        if from_paragraph is None and from_character is None:
            return bool(_on(_child(self.defaults_rpr, prop)))
        return bool(from_paragraph) ^ bool(from_character)

    def name(self, style_id: str | None) -> str:
        style = self.styles.get(style_id or "")
        return style.name if style else ""


def _w(name: str) -> str:
    return f"{{{_W_NAMESPACES[0]}}}{name}"


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str | None = "%1."
    restart: int | None = None  # lvlRestart: restart after a level above this one (1-based)
    legal: bool = False
    rpr: object | None = None
    style: str | None = None  # w:pStyle: the paragraph style this level belongs to


class _Numbering:
    """Counters as Word keeps them: per abstract numbering, reset by level and overrides."""

    def __init__(self, root, styles: _Styles) -> None:
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.abstract_style_link: dict[str, str] = {}
        self.nums: dict[str, tuple[str, dict[int, int], dict[int, _Level]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()
        self.styles = styles
        if root is None:
            return
        for element in root:
            key = _key(element)
            if key == "w:abstractNum":
                abstract_id = _attr(element, "abstractNumId") or ""
                self.abstract[abstract_id] = {
                    _int(_attr(lvl, "ilvl")): self._level(lvl) for lvl in element if _key(lvl) == "w:lvl"
                }
                link = _child(element, "w:numStyleLink")
                if link is not None:
                    self.abstract_style_link[abstract_id] = _attr(link, "val") or ""
            elif key == "w:num":
                num_id = _attr(element, "numId") or ""
                abstract = _child(element, "w:abstractNumId")
                starts: dict[int, int] = {}
                levels: dict[int, _Level] = {}
                for override in element:
                    if _key(override) != "w:lvlOverride":
                        continue
                    ilvl = _int(_attr(override, "ilvl"))
                    start = _child(override, "w:startOverride")
                    if start is not None:
                        starts[ilvl] = _int(_attr(start, "val"))
                    lvl = _child(override, "w:lvl")
                    if lvl is not None:
                        levels[ilvl] = self._level(lvl)
                self.nums[num_id] = (
                    (_attr(abstract, "val") or "") if abstract is not None else "",
                    starts,
                    levels,
                )

    @staticmethod
    def _level(lvl) -> _Level:
        level = _Level()
        start = _child(lvl, "w:start")
        if start is not None:
            level.start = _int(_attr(start, "val"), 1)
        formats = [e for e in lvl.iter() if _key(e) == "w:numFmt"]
        usable = [_attr(e, "val") for e in formats if _attr(e, "val") not in (None, "custom")]
        if usable:
            level.fmt = usable[0]
        text = _child(lvl, "w:lvlText")
        level.text = _attr(text, "val") if text is not None else None
        restart = _child(lvl, "w:lvlRestart")
        if restart is not None:
            level.restart = _int(_attr(restart, "val"))
        level.legal = bool(_on(_child(lvl, "w:isLgl")))
        level.rpr = _child(lvl, "w:rPr")
        style = _child(lvl, "w:pStyle")
        level.style = _attr(style, "val") if style is not None else None
        return level

    def _abstract_of(self, num_id: str) -> tuple[str, dict[int, _Level]]:
        abstract_id, _, _ = self.nums.get(num_id, ("", {}, {}))
        # A numbering that only links to a numbering style: follow the style's numId once.
        if abstract_id in self.abstract_style_link and not self.abstract.get(abstract_id):
            num_pr = self.styles.ppr_value(self.abstract_style_link[abstract_id], "w:numPr")
            linked = _child(num_pr, "w:numId")
            if linked is not None:
                abstract_id = self.nums.get(_attr(linked, "val") or "", ("", {}, {}))[0]
        return abstract_id, self.abstract.get(abstract_id, {})

    def level_of_style(self, num_id: str, style_id: str | None) -> int:
        """The level of the list whose ``w:pStyle`` is the paragraph's style (or a style it
        is based on), else 0 — for a paragraph whose numbering gives no level."""
        if style_id is None or num_id not in self.nums:
            return 0
        _, levels = self._abstract_of(num_id)
        levels = {**levels, **self.nums[num_id][2]}
        for style in self.styles.chain(style_id):
            for ilvl, level in sorted(levels.items()):
                if level.style and self.styles.styles.get(level.style) is style:
                    return ilvl
        return 0

    @staticmethod
    def _bullet(level: _Level) -> str:
        """A bullet level's text as Word draws it: in the level's symbol font (``w:rPr/
        w:rFonts``: "Ø" in Wingdings is ⮚, "l" is ●, U+F0FC is ✓, U+F0B7 in Symbol is •)
        through the one symbol-font table; a private-use code point with no font that
        maps it is shown as a plain bullet •."""
        text = level.text or ""
        fonts = _child(level.rpr, "w:rFonts")
        font = None
        if fonts is not None:
            for attribute in ("ascii", "hAnsi", "cs", "eastAsia"):
                font = symbol_font(_attr(fonts, attribute))
                if font:
                    break
        out = []
        for char in text:
            code = ord(char)
            mapped = (
                symbol_char(font, code)
                if font and (0x20 < code <= 0xFF or 0xF020 <= code <= 0xF0FF)
                else None
            )
            if mapped is None and 0xE000 <= code <= 0xF8FF:
                mapped = "•"
            out.append(mapped or char)
        return "".join(out)

    def label(self, num_id: str, ilvl: int) -> tuple[str, object | None] | None:
        """The number text a paragraph displays, advancing the counters; None if none."""
        if num_id in ("", "0") or num_id not in self.nums:
            return None
        abstract_id, levels = self._abstract_of(num_id)
        _, starts, overrides = self.nums[num_id]
        levels = {**levels, **overrides}
        if ilvl not in levels:
            return None
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for level, start in starts.items():
                counters.pop(level, None)
                levels[level] = _Level(**{**levels.get(level, _Level()).__dict__, "start": start})
                self.nums[num_id][2][level] = levels[level]
        level = levels[ilvl]
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else level.start
        for deeper in [k for k in counters if k > ilvl]:
            restart = levels.get(deeper, _Level()).restart
            if restart is None or (restart and ilvl < restart):
                del counters[deeper]
        if level.text is None:
            return None

        def value(match: re.Match) -> str:
            index = int(match.group(1)) - 1
            at = levels.get(index, _Level())
            count = counters.get(index, at.start)
            fmt = "decimal" if level.legal and at.fmt not in ("none",) else at.fmt
            return format_number(count, fmt)

        if level.fmt == "bullet":
            return self._bullet(level), level.rpr
        return re.sub(r"%([1-9])", value, level.text), level.rpr


# --- the walker ------------------------------------------------------------------------


def _direct(element, key: str):
    """Children with the key, looking through content controls, custom XML and insertions
    (a table's rows, a row's cells); tracked deletions are skipped."""
    for child in element:
        child_key = _key(child)
        if child_key == key:
            yield child
        elif child_key == "w:sdt":
            content = _child(child, "w:sdtContent")
            if content is not None:
                yield from _direct(content, key)
        elif child_key in ("w:customXml", "w:ins", "w:moveTo"):
            yield from _direct(child, key)


_INLINE_CONTAINERS = {
    "w:hyperlink",
    "w:smartTag",
    "w:customXml",
    "w:ins",
    "w:moveTo",
    "w:bdo",
    "w:dir",
}
_SKIPPED = {"w:del", "w:moveFrom"}
_BLOCK_CONTAINERS = {"w:customXml", "w:ins", "w:moveTo"}


# --- marked and hidden text ------------------------------------------------------------
#
# Word displays struck-through text struck, hides hidden text, draws symbol-font code
# points as pictures, and shows a field's last result (a 目录 with page numbers, a
# cross-reference's error text, an old date). None of that is kept as live text without
# a word: struck passages are held back and offered, hidden passages are named, symbol
# characters are mapped through the published tables or named, fields are classified.


# A field result that says the field is broken (Word's and WPS's words, zh and en).
_FIELD_ERROR = re.compile(r"^\s*(?:错误[！!]|Error!)", re.I)
_SKIPPED_FIELDS = {"TOC": "目录", "INDEX": "索引", "BIBLIOGRAPHY": "参考文献目录", "TOA": "引文目录"}
_REF_FIELDS = {"REF", "PAGEREF", "NOTEREF", "STYLEREF"}
_DATE_FIELDS = {"DATE", "TIME", "CREATEDATE", "SAVEDATE", "PRINTDATE", "EDITTIME"}
_CONTENTS_HEADING = re.compile(r"目\s*录|目\s*次|(?:table\s+of\s+)?contents", re.I)
_SKIPPED_GALLERIES = {"table of contents": "目录", "bibliographies": "参考文献目录"}
_SENTENCE_END_CHARS = "。！？!?；;"
# Latin-1 characters Word draws in the East Asian font when a run has w:hint="eastAsia".
_HINT_EAST_ASIA = frozenset(
    [0xA1, 0xA4, 0xA7, 0xA8, 0xAA, 0xAD, 0xAF, *range(0xB0, 0xB5), *range(0xB6, 0xBB), *range(0xBC, 0xC0)]
    + [0xD7, 0xF7]
)
_HTML_BLOCK = re.compile(r"<(?:p|div|li|tr|h[1-6]|blockquote)\b", re.I)
_HTML_TAG = re.compile(r"<[^>]*>")


@dataclass
class _Field:
    """An open complex field (or a simple one while its result is read)."""

    state: str = "instr"  # instr | result
    code: str = ""  # the instruction, collected from w:instrText
    kind: str = ""  # skip | ref | date | "" (an ordinary field: its result is kept)
    name: str = ""  # the field's name for the report (目录, 索引 …)
    place: str = ""
    buffer: list = field(default_factory=list)  # (text, bold, hidden, struck, script) held until the end

    @property
    def word(self) -> str:
        """The field's name: the instruction's first word (TOC, REF, DATE …)."""
        return (self.code.split() or [""])[0].upper().lstrip("\\")

    def classify(self) -> None:
        word = self.word
        if word in _SKIPPED_FIELDS:
            self.kind, self.name = "skip", _SKIPPED_FIELDS[word]
        elif word in _REF_FIELDS:
            self.kind = "ref"
        elif word in _DATE_FIELDS:
            self.kind = "date"


@dataclass
class _Marks:
    """What the walker held back or could not convert, for the report."""

    struck: list[Struck] = field(default_factory=list)
    hidden: list[list[str]] = field(default_factory=list)  # [place, text]
    symbols: list[str] = field(default_factory=list)  # "第 3 段中（Wingdings F0A8）"
    open_struck: Struck | None = None
    open_hidden: bool = False
    in_paragraph: list[tuple[Struck, int, int]] = field(default_factory=list)  # passage, start, end
    skipped: set[str] = field(default_factory=set)  # skipped field names already noted
    stale: list[tuple[str, str]] = field(default_factory=list)  # (place, "错误！未找到引用源。")
    in_contents: bool = False  # the last body paragraph was a 目录 entry as plain text


class _Reader:
    def __init__(self, package: _Package, styles: _Styles, numbering: _Numbering, limits: Limits) -> None:
        self.package = package
        self.styles = styles
        self.numbering = numbering
        self.limits = limits
        self.paragraphs: list[Paragraph] = []
        self.dropped: list[Dropped] = []
        self.tables_as_rows = False
        self.counted_paragraphs = 0
        self.counted_runs = 0
        self.counted_chars = 0
        self.body_count = 0  # non-empty body paragraphs so far: "第 N 段"
        self.fields: list[str] = []  # open complex fields: "instr" or "result"
        self.notes: list[tuple[str, str]] = []  # (label, kind/id) in reference order
        self.comment_ids: list[tuple[str, str]] = []  # (comment id, place)
        self._runs: list[tuple[str, bool]] = []
        self._sizes: list[float] = []
        self._anchored: list[Paragraph] = []  # text-box paragraphs waiting for their anchor
        self._join_next = False  # the last paragraph's mark was deleted (tracked)
        self._kind = "body"
        self._style: str | None = None
        self._caps = False  # the run being read shows its letters as capitals
        self._script = ""  # the run being read is raised ("sup") or lowered ("sub")
        self.marks = _Marks()
        self.keep_struck: frozenset[int] = frozenset()  # struck passages taken in as live text
        self._struck = False  # the run being read is struck through
        self._fonts: dict[str, str] = {}  # the run's symbol fonts: rFonts attribute → table key
        self._degree = False  # the last text emitted ends with a degree sign from a symbol font
        self.main = ""  # the main part's name (altChunk relationships are its)
        self.convert_rtf: Callable[[bytes], bytes] | None = None
        self.alt_chunks = 0
        self.conversions = 0

    # bounds
    def _count(self, paragraphs: int = 0, runs: int = 0, chars: int = 0) -> None:
        self.counted_paragraphs += paragraphs
        self.counted_runs += runs
        self.counted_chars += chars
        if (
            self.counted_paragraphs > self.limits.paragraphs
            or self.counted_runs > self.limits.runs
            or self.counted_chars > self.limits.chars
        ):
            raise WordTooLarge(
                f"文件内容过多（超过 {self.limits.paragraphs} 段、{self.limits.runs} 个文字片段或"
                f" {self.limits.chars} 字），已停止读取并拒绝导入。信息稿不超过 6000 字，请只保留稿件正文后再导入。"
            )

    def place(self, inside: bool) -> str:
        n = self.body_count + (1 if inside and self._has_text() else 0)
        if n == 0:
            return "文档开头"
        return f"第 {n} 段" + ("中" if inside and self._has_text() else "后")

    def _has_text(self) -> bool:
        return any(run[0].strip() for run in self._runs)

    def drop(self, what: str, inside: bool = True, detail: str = "", kept: bool = False) -> None:
        where = self.place(inside)
        connector = "" if where == "文档开头" else "的"
        self.dropped.append(Dropped(what, f"{where}{connector}{what}{detail}", kept))

    # blocks
    def block(self, element) -> None:
        """Walk one block-level element (paragraph, table, content control …) in order."""
        key = _key(element)
        if key == "w:p":
            self.paragraph(element)
        elif key == "w:tbl":
            self.table(element)
        elif key == "w:sdt":
            gallery = self._gallery(element)
            if gallery in _SKIPPED_GALLERIES:
                self._skipped_field(_Field(kind="skip", name=_SKIPPED_GALLERIES[gallery]))
                return
            for child in self._sdt_content(element):
                self.block(child)
        elif key == "mc:AlternateContent":
            chosen = self._alternate(element)
            for child in chosen if chosen is not None else ():
                self.block(child)
        elif key in _BLOCK_CONTAINERS:
            for child in element:
                self.block(child)
        elif key == "w:altChunk":
            self.alt_chunk(element)
        elif key == "m:oMathPara":
            self.drop("公式", inside=False)

    def paragraph(self, element) -> None:
        self._count(paragraphs=1)
        ppr = _child(element, "w:pPr")
        style_element = _child(ppr, "w:pStyle")
        style_id = (
            _attr(style_element, "val") if style_element is not None else None
        ) or self.styles.default_paragraph
        mark_rpr = _child(ppr, "w:rPr")
        # A deleted paragraph mark (tracked, accepted): this paragraph runs on into the
        # next, and the joined paragraph is the next one's — its mark, hence its number.
        # The deleted mark's number is never shown and never counted.
        mark_deleted = mark_rpr is not None and (
            _child(mark_rpr, "w:del") is not None or _child(mark_rpr, "w:moveFrom") is not None
        )
        # A drop cap is a frame paragraph holding the first letter(s) of the next one.
        frame = _child(ppr, "w:framePr")
        if frame is not None and _attr(frame, "dropCap") in ("drop", "margin"):
            mark_deleted = True
        if not self._join_next:
            self._runs, self._sizes = [], []
            self._degree = False
        self._join_next = False
        self._style = style_id
        label = None if mark_deleted else self._number(ppr, style_id)
        if label:
            text, level_rpr = label
            bold = self.styles.toggle(
                "w:b", style_id, None, level_rpr if _child(level_rpr, "w:b") is not None else mark_rpr
            )
            self._runs.insert(0, (text, bold))  # before any text joined from above
        for child in element:
            self.inline(child)
        if mark_deleted:
            self._join_next = True
            return
        self._end_passages()
        jc = _child(ppr, "w:jc")
        jc_value = _attr(jc, "val") if jc is not None else None
        if jc_value is None:
            style_jc = self.styles.ppr_value(style_id, "w:jc")
            jc_value = _attr(style_jc, "val") if style_jc is not None else None
        paragraph = Paragraph(
            self._runs,
            self._kind,
            self.styles.name(style_id),
            jc_value == "center",
            max(self._sizes, default=0.0),
        )
        place = self.place(True)
        self._runs, self._sizes = [], []
        if self._contents_entry(paragraph, style_id):
            self._skip_note("目录")
            self.paragraphs.extend(self._anchored)
            self._anchored = []
            return
        self.marks.stale += [(place, text) for text in stale_texts(paragraph.text)]
        if paragraph.text.strip() or self._kind != "body":
            self.paragraphs.append(paragraph)
        if self._kind == "body" and paragraph.text.strip():
            self.body_count += 1
        anchored, self._anchored = self._anchored, []
        self.paragraphs.extend(anchored)

    def _contents_entry(self, paragraph: Paragraph, style_id: str | None) -> bool:
        """A line of a 目录 that is no longer a field (its text kept, the field gone): in a
        "toc N" style, or a tab/dot-leader line with a page number right under a "目录"
        heading or another such line. Its heading goes with it (``_drop_contents_heading``)."""
        text = paragraph.text.strip()
        if self._kind != "body" or not text:
            return False
        if is_contents_style(paragraph.style_name or style_id):
            self.marks.in_contents = True
            return True
        last = self.paragraphs[-1] if self.paragraphs else None
        under_heading = last is not None and last.kind == "body" and is_contents_heading(last.text)
        entry = (self.marks.in_contents or under_heading) and is_contents_entry(paragraph.text)
        self.marks.in_contents = entry
        return entry

    def _number(self, ppr, style_id):
        """The paragraph's number label (advancing the counters), or None. numId and ilvl
        are each taken from direct formatting, else the style chain; with no level given,
        a style that a numbering level names (``w:lvl/w:pStyle``) takes that level."""
        num_pr = _child(ppr, "w:numPr")
        num_id_element = _first(_child(num_pr, "w:numId"), self.styles.numbering_value(style_id, "w:numId"))
        if num_id_element is None:
            return None
        num_id = _attr(num_id_element, "val") or ""
        ilvl_element = _first(_child(num_pr, "w:ilvl"), self.styles.numbering_value(style_id, "w:ilvl"))
        if ilvl_element is not None:
            ilvl = _int(_attr(ilvl_element, "val"))
        else:
            ilvl = self.numbering.level_of_style(num_id, style_id)
        return self.numbering.label(num_id, ilvl)

    def table(self, element) -> None:
        rows: list[list[str]] = []
        marked = (len(self.marks.struck), len(self.marks.hidden), len(self.marks.symbols))
        for row in _direct(element, "w:tr"):
            trpr = _child(row, "w:trPr")
            if trpr is not None and _child(trpr, "w:del") is not None:
                continue
            cells = [self._cell_text(cell) for cell in _direct(row, "w:tc")]
            rows.append(cells)
        grid = _child(element, "w:tblGrid")
        columns = len([c for c in grid if _key(c) == "w:gridCol"]) if grid is not None else 0
        columns = columns or max((len(r) for r in rows), default=0)
        if self.tables_as_rows:
            self.drop(
                "表格", inside=False, detail=f"（{len(rows)} 行 {columns} 列，已按行转为文字）", kept=True
            )
            for cells in rows:
                text = "\u3000".join(c for c in cells if c.strip())
                if text.strip():
                    self.paragraphs.append(Paragraph([(text, False)], "table"))
        else:
            # The table is reported whole; what its cells mark or hide is not offered apart.
            del (
                self.marks.struck[marked[0] :],
                self.marks.hidden[marked[1] :],
                self.marks.symbols[marked[2] :],
            )
            self.drop("表格", inside=False, detail=f"（{len(rows)} 行 {columns} 列）")

    def _cell_text(self, cell) -> str:
        """A table cell's text, its paragraphs joined by a space (nested tables included)."""
        saved = (
            self.paragraphs,
            self._runs,
            self._sizes,
            self._kind,
            self._anchored,
            self.tables_as_rows,
            self._style,
        )
        self.paragraphs, self._runs, self._sizes, self._kind, self._anchored = [], [], [], "table", []
        # Nested tables become text inside the cell; they are not reported twice.
        self.tables_as_rows = True
        dropped_before = len(self.dropped)
        try:
            for child in cell:
                self.block(child)
            text = " ".join(p.text.replace("\n", " ").strip() for p in self.paragraphs if p.text.strip())
        finally:
            self.dropped = self.dropped[:dropped_before] + [
                d for d in self.dropped[dropped_before:] if d.what != "表格"
            ]
            (
                self.paragraphs,
                self._runs,
                self._sizes,
                self._kind,
                self._anchored,
                self.tables_as_rows,
                self._style,
            ) = saved
        return text

    # inline content
    def inline(self, element) -> None:
        key = _key(element)
        if key == "w:r":
            self.run(element)
        elif key == "w:fldSimple":
            simple = _Field(state="result", code=_attr(element, "instr") or "", place=self.place(True))
            simple.classify()
            self.fields.append(simple)
            try:
                for child in element:
                    self.inline(child)
            finally:
                self.fields.pop()
            self._field_done(simple)
        elif key in _INLINE_CONTAINERS:
            for child in element:
                self.inline(child)
        elif key == "w:sdt":
            for child in self._sdt_content(element):
                self.inline(child)
        elif key in _SKIPPED:
            return
        elif key in ("m:oMath", "m:oMathPara"):
            self.drop("公式")
        elif key == "w:commentRangeStart":
            pass
        elif key == "mc:AlternateContent":
            chosen = self._alternate(element)
            for child in chosen if chosen is not None else ():
                self.inline(child)

    @staticmethod
    def _gallery(element) -> str:
        """The building-block gallery of a content control ("table of contents" for the
        目录 Word inserts from References ▸ Table of Contents), lower case, or ""."""
        properties = _child(element, "w:sdtPr")
        part = _first(_child(properties, "w:docPartObj"), _child(properties, "w:docPartList"))
        gallery = _child(part, "w:docPartGallery")
        return (_attr(gallery, "val") or "").strip().lower() if gallery is not None else ""

    def alt_chunk(self, element) -> None:
        """An embedded document (``w:altChunk``: what an OA's "导出Word" writes) read as an
        upload of its format: HTML through the paste path (``text.richtext``), MHT by its
        text/html part, RTF through LibreOffice (``convert_rtf``) and then this reader, a
        .docx by this reader. An embedded document inside an embedded one is named, not read."""
        rel_id = next((v for k, v in element.attrib.items() if k.endswith("}id")), None)
        name = self.package.targets(self.main).get(rel_id or "")
        if name is None or name not in self.package.sizes:
            self.drop("嵌入的外部文档", inside=False, detail="（找不到其内容，未导入）")
            return
        if self.limits.alt_chunks == 0:
            self.drop("嵌入的外部文档", inside=False, detail="（嵌入文档中又嵌入的文档，未导入）")
            return
        self.alt_chunks += 1
        if self.alt_chunks > self.limits.alt_chunks:
            raise WordTooLarge(f"文件嵌入的文档超过 {self.limits.alt_chunks} 个，已拒绝导入。")
        data = self.package.raw(name)
        kind = alt_chunk_kind(data)
        if kind == "rtf":
            self._alt_rtf(data)
            return
        if kind == "docx":
            self._alt_nested(data)
            return
        html = mht_html(data) if kind == "mht" else decode_html(data)
        if html is None:
            self.drop("嵌入的外部文档", inside=False, detail="（MHT 中没有网页正文，未导入）")
            return
        self._bound_html(html)
        images = len(re.findall(r"<img\b", html, re.I))
        page = read_paste(html, for_print=False)  # the print's substitutes: the importer's
        paragraphs = page.paragraphs
        # Text the embedded page hides (display:none …) or strikes through is not read, and
        # named like Word's; so are its symbols without an equivalent and its 目录.
        where = f"{self.place(False)}嵌入的网页中"
        self.marks.hidden += [[where, text] for text in page.hidden]
        if page.struck:
            quoted = "、".join(f"“{text[:20]}{'……' if len(text) > 20 else ''}”" for text in page.struck[:5])
            more = "……" if len(page.struck) > 5 else ""
            self.dropped.append(
                Dropped(
                    "删除线文字",
                    f"删除线文字 {len(page.struck)} 处未导入：{where}{quoted}{more}（网页中划了删除线或修订中删去的文字）",
                    line=True,
                )
            )
        self.marks.symbols += [f"{where}（{name}）" for name in page.symbols]
        if page.contents:
            self._skip_note("目录")
        self.marks.stale += [(f"{where}{place}", text) for place, text in page.stale]
        for runs in paragraphs:
            self._count(paragraphs=1, chars=sum(len(run[0]) for run in runs))
            self.paragraphs.append(Paragraph(list(runs), self._kind))
            if self._kind == "body":
                self.body_count += 1
        if images:
            self.drop("图片", inside=False, detail=f" {images} 张（嵌入的网页中，信息稿不刊印图片）")

    def _bound_html(self, html: str) -> None:
        """Refuse an embedded page far over the document limits before it is parsed: its
        block elements, its tags (each a run at most, as in Word) and its text outside
        tags are counted with one regular expression each, against twice the limits
        (wrappers and markup count too; the paragraphs and characters read are then
        counted exactly)."""
        blocks = len(_HTML_BLOCK.findall(html))
        tags = _HTML_TAG.findall(html)
        text = len(html) - sum(len(tag) for tag in tags)
        if blocks > 2 * self.limits.paragraphs:
            self._count(paragraphs=self.limits.paragraphs + 1)
        if len(tags) > 2 * self.limits.runs:
            self._count(runs=self.limits.runs + 1)
        if text > 2 * self.limits.chars:
            self._count(chars=self.limits.chars + 1)

    def _alt_rtf(self, data: bytes) -> None:
        self.conversions += 1
        if self.convert_rtf is None or self.conversions > self.limits.conversions:
            self.drop(
                "嵌入的外部文档", inside=False, detail="（RTF 格式，未导入；请把其正文复制粘贴到编辑框）"
            )
            return
        self._alt_nested(self.convert_rtf(data))

    def _alt_nested(self, docx: bytes) -> None:
        """An embedded .docx (or an RTF converted to one) read by this reader, its paragraphs,
        report and struck passages (numbered on from this document's) taken in place."""
        offset = len(self.marks.struck)
        nested = read_word(
            docx,
            limits=dataclasses.replace(self.limits, alt_chunks=0),
            tables_as_rows=self.tables_as_rows,
            keep_struck=frozenset(k - offset for k in self.keep_struck if k >= offset),
        )
        self._count(paragraphs=len(nested.paragraphs), chars=sum(len(p.text) for p in nested.paragraphs))
        for passage in nested.struck:
            passage.index += offset
            self.marks.struck.append(passage)
        self.paragraphs.extend(nested.paragraphs)
        self.body_count += sum(1 for p in nested.paragraphs if p.kind == "body" and p.text.strip())
        self.dropped.extend(nested.dropped)

    def _sdt_content(self, element) -> list:
        """A content control's content; placeholder text ("单击此处输入文字") is not content."""
        properties = _child(element, "w:sdtPr")
        if properties is not None and _on(_child(properties, "w:showingPlcHdr")):
            return []
        content = _child(element, "w:sdtContent")
        return list(content) if content is not None else []

    @staticmethod
    def _alternate(element):
        for child in element:
            if _key(child) in ("mc:Choice", "mc:Fallback"):
                return child
        return None

    def run(self, element) -> None:
        self._count(runs=1)
        rpr = _child(element, "w:rPr")
        char_style_element = _child(rpr, "w:rStyle")
        char_style = (
            _attr(char_style_element, "val") if char_style_element is not None else None
        ) or self.styles.default_character
        complex_script = bool(_on(_child(rpr, "w:cs")) or _on(_child(rpr, "w:rtl")))
        bold = self.styles.toggle("w:bCs" if complex_script else "w:b", self._style, char_style, rpr)
        hidden = self._hidden(rpr, char_style)
        # All caps and small caps display letters as capitals (ECMA-376 §17.3.2.5, §17.3.2.33).
        caps = self.styles.toggle("w:caps", self._style, char_style, rpr) or self.styles.toggle(
            "w:smallCaps", self._style, char_style, rpr
        )
        size = _child(rpr, "w:sz")
        if size is None:
            size = _first(
                self.styles.rpr_value(char_style, "w:sz"), self.styles.rpr_value(self._style, "w:sz")
            )
        if size is not None:
            self._sizes.append(_int(_attr(size, "val")) / 2)
        saved = (self._caps, self._struck, self._fonts, self._script)
        self._caps = caps
        self._struck = self._is_struck(rpr, char_style)
        self._fonts = self._symbol_fonts(rpr, char_style)
        self._script = self._vert_align(rpr, char_style)
        try:
            for child in element:
                self.run_content(child, bold, hidden)
        finally:
            self._caps, self._struck, self._fonts, self._script = saved

    def _vert_align(self, rpr, char_style: str | None) -> str:
        """ "sup", "sub" or "": ``w:vertAlign`` (superscript, subscript, baseline) as Word
        resolves it — direct formatting, character style, paragraph style, defaults."""
        element = _first(
            _child(rpr, "w:vertAlign"),
            self.styles.rpr_value(char_style, "w:vertAlign"),
            self.styles.rpr_value(self._style, "w:vertAlign"),
            _child(self.styles.defaults_rpr, "w:vertAlign"),
        )
        value = (_attr(element, "val") or "") if element is not None else ""
        return {"superscript": "sup", "subscript": "sub"}.get(value, "")

    # marked and hidden text
    def _hidden(self, rpr, char_style) -> bool:
        """Hidden (``w:vanish``, ``w:specVanish``) or hidden in Word's web view
        (``w:webHidden``), directly or from a style."""
        return any(
            self.styles.toggle(prop, self._style, char_style, rpr)
            for prop in ("w:vanish", "w:specVanish", "w:webHidden")
        )

    def _is_struck(self, rpr, char_style) -> bool:
        return self.styles.toggle("w:strike", self._style, char_style, rpr) or self.styles.toggle(
            "w:dstrike", self._style, char_style, rpr
        )

    def _symbol_fonts(self, rpr, char_style) -> dict[str, str]:
        """The run's fonts that are symbol fonts, by rFonts attribute (ascii, hAnsi, eastAsia,
        cs), each resolved on its own: direct, character style, paragraph style, defaults."""
        found: dict[str, str] = {}
        sources = [
            e
            for e in (
                _child(rpr, "w:rFonts"),
                self.styles.rpr_value(char_style, "w:rFonts"),
                self.styles.rpr_value(self._style, "w:rFonts"),
                _child(self.styles.defaults_rpr, "w:rFonts"),
            )
            if e is not None
        ]
        for attribute in ("ascii", "hAnsi", "eastAsia", "cs"):
            theme = "cstheme" if attribute == "cs" else f"{attribute}Theme"
            for source in sources:
                # A theme font overrides the named one (ECMA-376 §17.3.2.26); a theme's
                # fonts are text fonts, never symbol fonts.
                if _attr(source, theme):
                    break
                name = _attr(source, attribute)
                if name:
                    key = symbol_font(name)
                    if key:
                        found[attribute] = key
                    break
        if found and sources and _attr(sources[0], "hint") == "eastAsia":
            found["_hint"] = "eastAsia"
        return found

    def _map_symbols(self, text: str) -> str:
        """Text in a symbol font as the characters Word draws: each code point through the
        font's table (ASCII by the ``ascii`` font, U+0080–U+00FF by ``hAnsi``, U+F020–U+F0FF
        by whichever symbol font the run has); one without an equivalent is named."""
        if not self._fonts:
            return text
        out = []
        for char in text:
            code = ord(char)
            if code < 0x20 or code > 0xF0FF or 0x100 <= code < 0xF000:
                out.append(char)
                continue
            if code < 0x80:
                font = self._fonts.get("ascii")
            elif code < 0x100:
                # With the East Asian hint, Word draws these shared characters (× ° § …)
                # in the East Asian font (ECMA-376 §17.3.2.26), so an IME-typed × stays ×.
                shared = "_hint" in self._fonts and code in _HINT_EAST_ASIA
                font = self._fonts.get("eastAsia" if shared else "hAnsi")
            else:
                font = next((v for k, v in self._fonts.items() if not k.startswith("_")), None)
            mapped = symbol_char(font, code) if font else None
            if font and mapped is None:
                self._symbol_miss(font, code)
            out.append(char if font is None else (mapped or ""))
        return "".join(out)

    def _symbol_miss(self, font: str, code: int) -> None:
        name = FONT_NAMES.get(font, font.title())
        where = self.place(True)
        self.marks.symbols.append(f"{where}（{name} 字体 {code:04X}）")

    def _close_passages(self) -> None:
        """A non-struck, non-hidden text (or the paragraph's end) ends the open passages."""
        marks = self.marks
        if marks.open_struck is not None:
            start = marks.in_paragraph[-1][1]
            marks.in_paragraph[-1] = (marks.open_struck, start, len(self._plain_runs()))
            marks.open_struck = None
        marks.open_hidden = False

    def _plain_runs(self) -> str:
        """The paragraph so far as plain text, raised and lowered text as text.scripts
        writes it (m², CO₂), so the struck passages' snippets read as Word shows them."""
        return "".join(run_plain(run) for run in self._runs)

    def _end_passages(self) -> None:
        """At a paragraph's end: each struck passage of it learns what stands after it,
        and whether it is a whole sentence (nothing, or a sentence end, on either side)."""
        self._close_passages()
        text = self._plain_runs()
        for passage, _, end in self.marks.in_paragraph:
            passage.after = text[end : end + 13]
            before = passage.before.rstrip()
            after = text[end:].strip()
            passage.whole = (not before or before[-1] in _SENTENCE_END_CHARS) and (
                not after or passage.text.rstrip()[-1:] in tuple(_SENTENCE_END_CHARS)
            )
        self.marks.in_paragraph = []

    def _struck_text(self, text: str) -> bool:
        """Record struck text; True when it is held back (not taken in as live text)."""
        marks = self.marks
        if marks.open_struck is None:
            passage = Struck(len(marks.struck), place=self.place(True), before=self._plain_runs()[-13:])
            passage.kept = passage.index in self.keep_struck
            marks.struck.append(passage)
            marks.open_struck = passage
            marks.in_paragraph.append((passage, len(self._plain_runs()), 0))
        marks.open_struck.text += script_plain(text, self._script)
        return not marks.open_struck.kept

    def _hidden_text(self, text: str) -> None:
        marks = self.marks
        if not text.strip() and not marks.open_hidden:
            return
        if not marks.open_hidden:
            marks.hidden.append([self.place(True), ""])
            marks.open_hidden = True
        marks.hidden[-1][1] += text

    def _field_done(self, done: _Field) -> None:
        """A field closed: a skipped one is noted, a broken cross-reference flagged (its
        error text not imported), a date kept as displayed and named."""
        if done.state == "instr" and not done.kind:
            done.classify()
        if done.kind == "skip":
            self._skipped_field(done)
            return
        text = "".join(item[0] for item in done.buffer)
        if _FIELD_ERROR.match(text):
            what = "交叉引用" if done.kind == "ref" else f"Word 域（{done.word or '未知'}）"
            self.dropped.append(
                Dropped(
                    f"失效的{what}",
                    f"{done.place}的{what}显示“{text.strip()[:40]}”（所引内容已不存在），未导入，请补写所引内容",
                    line=True,
                )
            )
            return
        if done.kind == "date" and text.strip():
            self.dropped.append(
                Dropped(
                    "日期域",
                    f"{done.place}的日期域按 Word 显示导入为“{text.strip()[:30]}”（Word 打开时会自动更新，请核对日期）",
                    kept=True,
                    line=True,
                )
            )
        saved = self._struck, self._script
        try:
            for text, bold, hidden, struck, script in done.buffer:
                self._struck, self._script = struck, script
                self._emit(text, bold, hidden)
        finally:
            self._struck, self._script = saved

    def _skipped_field(self, done: _Field) -> None:
        self._skip_note(done.name or "目录")

    def _skip_note(self, name: str) -> None:
        """A generated 目录, index or bibliography skipped: noted once; a 目录's heading
        goes with it."""
        if name == "目录":
            self._drop_contents_heading()
        if name not in self.marks.skipped:
            self.marks.skipped.add(name)
            self.dropped.append(
                Dropped(name, f"已跳过 Word 自动{name}（{name}条目和页码不导入正文）", kept=True, line=True)
            )

    def _drop_contents_heading(self) -> None:
        """The "目  录" heading Word's 目录 stands under is part of it, not the title."""
        last = self.paragraphs[-1] if self.paragraphs else None
        if (
            last is not None
            and last.kind == "body"
            and not self._has_text()
            and _CONTENTS_HEADING.fullmatch(last.text.strip())
        ):
            self.paragraphs.pop()
            self.body_count -= 1

    def _emit(self, text: str, bold: bool, hidden: bool) -> None:
        if not text:
            return
        if any(f.state == "instr" for f in self.fields[:-1]):
            return  # inside an outer field's instruction (a nested field's result included)
        if any(f.kind == "skip" and f.state == "result" for f in self.fields):
            return  # a 目录, index or bibliography Word generated: skipped, noted once
        # Text (w:t) in the innermost field's instruction part is not an instruction —
        # instructions are w:instrText, never emitted — but a field left open by a damaged
        # file; it is shown, so no text after a broken field is lost.
        innermost = self.fields[-1] if self.fields else None
        if innermost is not None and innermost.state == "result":
            # Held until the field ends: a field's error text (a stale cross-reference) is
            # not imported.
            innermost.buffer.append((text, bold, hidden, self._struck, self._script))
            return
        self._count(chars=len(text))
        if hidden:
            # Word does not display hidden text; it never enters, and each passage is named.
            self._hidden_text(text)
            return
        after_c = text[1:2]
        if (
            self._degree
            and text[:1] == "C"
            and not (after_c.isascii() and after_c.isalpha())
            and self._runs
            and self._runs[-1][0].endswith("°")
        ):
            # A degree sign from the Symbol font before C is how Word users type ℃ (26℃).
            last = self._runs[-1]
            self._runs[-1] = (last[0][:-1] + "℃", *last[1:])
            text = text[1:]
        self._degree = False
        if not text:
            return
        if self._struck and text != "\n" and self._struck_text(text):
            return
        if not self._struck or text == "\n":
            self._close_passages()
        self._runs.append((text, bold, self._script))

    def run_content(self, element, bold: bool, hidden: bool) -> None:
        key = _key(element)
        if key == "w:t":
            raw = element.text or ""
            text = self._map_symbols(raw)
            self._emit(text.upper() if self._caps else text, bold, hidden)
            self._degree = text.endswith("°") and not raw.endswith("°") and not hidden
        elif key == "w:instrText":
            if self.fields and self.fields[-1].state == "instr":
                self.fields[-1].code += element.text or ""
        elif key in ("w:tab", "w:ptab"):
            self._emit("\t", bold, hidden)
        elif key in ("w:br", "w:cr"):
            self._emit("\n", False, hidden)
        elif key == "w:noBreakHyphen":
            self._emit("-", bold, hidden)
        elif key == "w:sym":
            # A symbol inserted with Insert ▸ Symbol: w:font names the font, w:char the code
            # point (U+F020–U+F0FF for a symbol font). Mapped through the font's table.
            font = _attr(element, "font") or ""
            try:
                code = int(_attr(element, "char") or "", 16)
            except ValueError:
                return
            table = symbol_font(font)
            if table is not None:
                mapped = symbol_char(table, code)
                if mapped is None:
                    self._symbol_miss(table, code)
                else:
                    self._emit(mapped, bold, hidden)
                    self._degree = mapped == "°" and not hidden
            elif 0xE000 <= code <= 0xF8FF or code > 0x10FFFF:
                self.marks.symbols.append(f"{self.place(True)}（{font or '未知'} 字体 {code:04X}）")
            else:
                self._emit(chr(code), bold, hidden)
        elif key == "w:fldChar":
            kind = _attr(element, "fldCharType")
            if kind == "begin":
                self.fields.append(_Field(place=self.place(True)))
            elif kind == "separate" and self.fields:
                self.fields[-1].state = "result"
                self.fields[-1].classify()
            elif kind == "end" and self.fields:
                self._field_done(self.fields.pop())
        elif key in ("w:footnoteReference", "w:endnoteReference"):
            note_kind = "footnote" if key == "w:footnoteReference" else "endnote"
            number = 1 + sum(1 for label, _ in self.notes if label.startswith(note_kind))
            self.notes.append(
                (f"{note_kind}:{_attr(element, 'id')}", "注" if note_kind == "footnote" else "尾注")
            )
            self._emit(f"（{'注' if note_kind == 'footnote' else '尾注'}{number}）", False, hidden)
        elif key == "w:commentReference":
            self.comment_ids.append((_attr(element, "id") or "", self.place(True)))
        elif key == "w:drawing":
            self.drawing(element)
        elif key == "w:pict":
            self.vml(element)
        elif key == "w:object":
            self.drop("嵌入对象", detail="（如 Excel 表格、Visio 图）")
        elif key == "mc:AlternateContent":
            chosen = self._alternate(element)
            for child in chosen if chosen is not None else ():
                self.run_content(child, bold, hidden)
        elif key == "w:ruby":
            base = _child(element, "w:rubyBase")
            for child in base if base is not None else ():
                self.inline(child)
        elif key == "w:contentPart":
            self.drop("墨迹或图形")

    def _text_boxes(self, element) -> bool:
        boxes = [e for e in element.iter() if _key(e) == "w:txbxContent"]
        # A box inside another box is read with its outer box.
        outer = [b for b in boxes if not any(_key(a) == "w:txbxContent" for a in b.iterancestors())]
        for box in outer:
            saved = (self.paragraphs, self._runs, self._sizes, self._kind, self._anchored, self._style)
            self.paragraphs, self._runs, self._sizes, self._kind, self._anchored = [], [], [], "textbox", []
            try:
                for child in box:
                    self.block(child)
                inner = [p for p in self.paragraphs if p.text.strip()]
            finally:
                self.paragraphs, self._runs, self._sizes, self._kind, self._anchored, self._style = saved
            if inner:
                self._anchored.extend(inner)
                self.drop("文本框", detail="（文字已作为段落保留在此处）", kept=True)
        return bool(outer)

    def drawing(self, element) -> None:
        if self._text_boxes(element):
            return
        keys = {_key(e) for e in element.iter()}
        if "pic:pic" in keys:
            self.drop("图片", detail="（信息稿不刊印图片）")
        elif "c:chart" in keys:
            self.drop("图表")
        elif any(k.startswith("dgm:") for k in keys):
            self.drop("SmartArt 图形")
        else:
            self.drop("图形")

    def vml(self, element) -> None:
        if self._text_boxes(element):
            return
        keys = {_key(e) for e in element.iter()}
        if "v:imagedata" in keys:
            self.drop("图片", detail="（信息稿不刊印图片）")
        elif "o:OLEObject" in keys:
            self.drop("嵌入对象")
        elif keys & {"v:shape", "v:rect", "v:oval", "v:line", "v:roundrect", "v:group"}:
            self.drop("图形")


def read_word(
    data: bytes,
    *,
    limits: Limits | None = None,
    tables_as_rows: bool = False,
    keep_struck: frozenset[int] | set[int] = frozenset(),
    convert_rtf: Callable[[bytes], bytes] | None = None,
) -> WordDocument:
    """Read a .docx/.docm package's displayed text. Raises WordReadError (Chinese message).

    ``tables_as_rows``: keep each table row as a paragraph of text (cells separated by an
    ideographic space) instead of only reporting the table.
    ``keep_struck``: indexes of struck-through passages (``WordDocument.struck``) to take
    in as live text; the others are held back (and listed).
    ``convert_rtf``: RTF bytes → .docx bytes (LibreOffice, ``intake.formats``), for an
    embedded RTF document; without it such a document is named, not read. It may raise
    ``WordReadError``.
    """
    limits = limits or Limits()
    package = _Package(data, limits)
    main = package.main_part()
    rels = package.rels(main)
    styles = _Styles(package.xml(rels["styles"]) if "styles" in rels else None)
    numbering = _Numbering(package.xml(rels["numbering"]) if "numbering" in rels else None, styles)
    reader = _Reader(package, styles, numbering, limits)
    reader.tables_as_rows = tables_as_rows
    reader.keep_struck = frozenset(keep_struck)
    reader.convert_rtf = convert_rtf
    reader.main = main
    document = _stream_body(package, main, reader, limits)
    _notes(package, rels, reader, document)
    _comments(package, rels, reader, document)
    _headers_and_footers(package, main, reader, document)
    _marks_report(reader, document)
    return document


def _listing(items: list[str], limit: int = 5) -> str:
    shown = "；".join(items[:limit])
    return shown + (f"……等 {len(items)} 处" if len(items) > limit else "")


def _marks_report(reader: _Reader, document: WordDocument) -> None:
    """One report line for each kind of marked or hidden text (struck text is reported by
    the importer, which knows the contributor's choice)."""
    marks = reader.marks
    document.struck = marks.struck
    hidden = [f"{place}“{' '.join(text.split())[:20]}”" for place, text in marks.hidden if text.strip()]
    if hidden:
        document.dropped.append(
            Dropped(
                "隐藏文字",
                f"隐藏文字 {len(hidden)} 处未导入：{_listing(hidden)}（Word 中设为隐藏，不显示）",
                line=True,
            )
        )
    if marks.stale:
        document.dropped.append(Dropped("失效引用文字", stale_notice(marks.stale), line=True))
    if marks.symbols:
        document.dropped.append(
            Dropped(
                "符号字体字符",
                f"符号字体字符 {len(marks.symbols)} 处无法转换：{_listing(marks.symbols)}"
                "（没有对应的标准字符，未导入，请核对后补上）",
                line=True,
            )
        )


def alt_chunk_kind(data: bytes) -> str:
    """ "rtf", "docx", "mht" or "html": an embedded document's format, by its content."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    if re.search(rb"^(?:MIME-Version\s*:|Content-Type\s*:\s*multipart/)", head, re.I | re.M):
        return "mht"
    return "html"


# Chinese pages labelled GB2312 or GBK often hold characters only GB18030 (their superset) has.
_CHARSET_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)


def decode_html(data: bytes, charset: str | None = None) -> str:
    """HTML bytes as text: a byte-order mark, else the charset given (MIME) or declared in
    a <meta>, else UTF-8, else GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    meta = _META_CHARSET.search(data[:4096])
    declared = charset or (meta.group(1).decode("ascii") if meta else None)
    candidates = [_CHARSET_ALIASES.get(declared.lower(), declared)] if declared else []
    for encoding in [*candidates, "utf-8", "gb18030"]:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace")


def mht_html(data: bytes) -> str | None:
    """The text/html part of an MHT (MIME HTML, RFC 2557) document, decoded by its charset
    (GB2312/GBK read as GB18030); None when it has none."""
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                return decode_html(payload, part.get_content_charset())
    return None


def _headers_and_footers(package: _Package, main: str, reader: _Reader, document: WordDocument) -> None:
    """Word shows headers and footers on every page; a piece has none. Their text is named
    in the report (once per distinct text), page-number fields and all."""
    seen: set[tuple[str, str]] = set()
    for kind, name in package.all_rels(main):
        if kind not in ("header", "footer"):
            continue
        root = package.xml(name)
        if root is None:
            continue
        saved = (reader.paragraphs, reader._kind, reader.fields, reader.dropped, reader.marks)
        reader.paragraphs, reader._kind, reader.fields, reader.dropped = [], "note", [], []
        reader.marks = _Marks()
        try:
            for child in root:
                reader.block(child)
            lines = [" ".join(p.text.split()) for p in reader.paragraphs if p.text.strip()]
        finally:
            reader.paragraphs, reader._kind, reader.fields, reader.dropped, reader.marks = saved
        text = " ".join(lines)
        # A header that is only a page number says nothing the print does not say again.
        page_number = re.compile(r"[-—–\s\d第页共/]*")
        if kind == "header":
            document.headers.extend(
                line for line in lines if line not in document.headers and not page_number.fullmatch(line)
            )
        if text and not page_number.fullmatch(text) and (kind, text) not in seen:
            seen.add((kind, text))
            what = "页眉" if kind == "header" else "页脚"
            document.dropped.append(Dropped(what, f"{what}“{text[:30]}”（每页显示，未导入正文）"))


def _stream_body(package: _Package, main: str, reader: _Reader, limits: Limits) -> WordDocument:
    """Walk the body block by block while it is parsed, so a hostile file is refused after
    the first few thousand paragraphs, without building its whole tree."""
    if package.sizes.get(main, 0) > limits.part_bytes:
        package.xml(main)  # raises WordTooLarge with the message
    blocks = {
        f"{{{uri}}}{name}"
        for uri in _W_NAMESPACES
        for name in ("p", "tbl", "sdt", "customXml", "ins", "moveTo", "altChunk", "del", "moveFrom")
    }
    # A block the body holds that is not WordprocessingML: an mc:AlternateContent (Word
    # writes one for newer content) is walked once, through its first choice.
    blocks |= {"{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"}
    bodies = {f"{{{uri}}}body" for uri in _W_NAMESPACES}
    paragraph_tags = {f"{{{uri}}}p" for uri in _W_NAMESPACES}
    run_tags = {f"{{{uri}}}r" for uri in _W_NAMESPACES}
    try:
        with package.zip.open(main) as stream:
            events = etree.iterparse(
                stream,
                events=("end",),
                tag=[*blocks, *run_tags],
                resolve_entities=False,
                no_network=True,
                huge_tree=False,
                load_dtd=False,
            )
            # Counted as they are parsed, so one huge paragraph or table is refused
            # before it is whole; the walker counts again what it reads.
            streamed = {"p": 0, "r": 0}
            checked = False
            for _, element in events:
                if not checked:
                    _refuse_doctype(element.getroottree())
                    checked = True
                if element.tag in run_tags:
                    streamed["r"] += 1
                    if streamed["r"] > limits.runs:
                        reader._count(runs=limits.runs + 1)
                    continue
                parent = element.getparent()
                if parent is None or parent.tag not in bodies:
                    if element.tag in paragraph_tags:
                        streamed["p"] += 1
                        if streamed["p"] > limits.paragraphs:
                            reader._count(paragraphs=limits.paragraphs + 1)
                    continue
                reader.block(element)
                element.clear()
                while element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as error:
        raise _xml_error(error) from error
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise WordReadError("文件已损坏，无法读取。请在 Word 中打开并重新保存后再导入。") from error
    reader._end_passages()
    return WordDocument(reader.paragraphs, reader.dropped)


def _xml_error(error: Exception) -> WordReadError:
    """libxml2 refuses text nodes over 10 MB and nesting deeper than 256 levels (we never
    ask for its huge-tree mode); say so rather than call the file damaged."""
    text = str(error).lower()
    if any(word in text for word in ("huge", "depth", "too big", "too long")):
        return WordTooLarge(
            "文件内容异常（单段文字过长或结构嵌套过深），已拒绝导入。请把正文复制粘贴到编辑框，或另存为新文件后再试。"
        )
    return WordReadError("文件已损坏（XML 无法解析），无法读取。请在 Word 中打开并重新保存后再导入。")


def _notes(package: _Package, rels: dict[str, str], reader: _Reader, document: WordDocument) -> None:
    if not reader.notes:
        return
    bodies: dict[str, object] = {}
    for kind, rel in (("footnote", "footnotes"), ("endnote", "endnotes")):
        root = package.xml(rels[rel]) if rel in rels else None
        for note in root if root is not None else ():
            if _key(note) == f"w:{kind}":
                bodies[f"{kind}:{_attr(note, 'id')}"] = note
    numbers = {"footnote": 0, "endnote": 0}
    for label, prefix in reader.notes:
        kind = label.split(":", 1)[0]
        numbers[kind] += 1
        note = bodies.get(label)
        if note is None:
            continue
        saved = (reader.paragraphs, reader._kind, reader.fields)
        reader.paragraphs, reader._kind, reader.fields = [], "note", []
        try:
            for child in note:
                reader.block(child)
        finally:
            paragraphs = [p for p in reader.paragraphs if p.text.strip()]
            reader.paragraphs, reader._kind, reader.fields = saved
        if paragraphs:
            first = paragraphs[0]
            first.runs.insert(0, (f"{prefix}{numbers[kind]}：", False))
            document.paragraphs.extend(paragraphs)
            document.notes += 1
    if document.notes:
        document.dropped.append(
            Dropped("脚注", f"脚注和尾注 {document.notes} 条（已附在正文末尾，请核对是否保留）", kept=True)
        )


def _comments(package: _Package, rels: dict[str, str], reader: _Reader, document: WordDocument) -> None:
    if not reader.comment_ids:
        return
    root = package.xml(rels["comments"]) if "comments" in rels else None
    texts: dict[str, tuple[str, str]] = {}
    for comment in root if root is not None else ():
        if _key(comment) != "w:comment":
            continue
        text = "".join(t.text or "" for t in comment.iter() if _key(t) == "w:t")
        texts[_attr(comment, "id") or ""] = (_attr(comment, "author") or "", text)
    for comment_id, place in reader.comment_ids:
        author, text = texts.get(comment_id, ("", ""))
        connector = "" if place == "文档开头" else "的"
        detail = f"（{author}：{text[:30]}）" if author else (f"（{text[:30]}）" if text else "")
        document.dropped.append(Dropped("批注", f"{place}{connector}批注{detail}"))


__all__ = [
    "Dropped",
    "EntityDeclared",
    "Struck",
    "Limits",
    "Paragraph",
    "WordDocument",
    "WordReadError",
    "WordTooLarge",
    "format_number",
    "read_word",
]
