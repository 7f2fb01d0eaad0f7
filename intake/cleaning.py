"""Clean a .docx package of what reaches out or runs when Word (or LibreOffice) opens
it, and refuse XML entity declarations — before it is read, stored or offered for
download. The .docx a contributor uploads is stored as the piece's source and opened
later by an editor's Word, so it must not fetch an address or start a program there;
a .docx LibreOffice made from a .doc/.wps/.rtf/.odt keeps such links too.

``clean_package(data: bytes, *, limits: Limits | None = None) -> Cleaned``
    ``Cleaned.data`` is the package with, in every part:

    - every relationship with ``TargetMode="External"`` removed except hyperlinks (a
      hyperlink is followed only when a person clicks it; its text stays either way):
      linked images, linked OLE objects, an attached template, subdocuments, frames,
      mail-merge data sources, embedded documents by address; and the references to
      them (an attribute such as ``a:blip/@r:link`` removed, a WordprocessingML element
      that exists only to point there — ``w:attachedTemplate``, ``w:subDoc`` … — removed);
    - VML attributes that name an address directly (``v:imagedata/@src`` …) removed;
    - active fields (``ACTIVE_FIELDS``: DDE, DDEAUTO, INCLUDETEXT, INCLUDEPICTURE,
      IMPORT, LINK, MACROBUTTON, DATABASE …), simple (``w:fldSimple``) and complex
      (``w:fldChar`` begin / ``w:instrText`` / separate / end): the instruction removed,
      the result Word displays kept as plain runs (a MACROBUTTON's display text, which
      stands in its instruction, becomes a run);
    - ``w:mailMerge`` and ``w:updateFields`` removed from the settings;
    - a package inside it (an embedded .docx of a ``w:altChunk``, an Excel object) cleaned
      the same way, two levels deep; a deeper one, or one over ``limits.part_bytes``,
      refuses the file.

    ``Cleaned.removed`` names each kind removed, in Chinese, with the addresses
    shortened ("已去除指向外部地址的链接图片 1 处（http://…）"), for the import report.
    A package that is not a zip is returned as it is (the reader then says why); one
    with a part that cannot be parsed or is over ``limits`` is refused (``WordReadError``,
    ``WordTooLarge``): a package that skipped cleaning is never stored.

``refuse_declarations(data: bytes, *, limits=None) -> None`` makes the same check alone,
for an .odt before LibreOffice reads it.

Raises ``EntityDeclared`` (a ``WordReadError``, Chinese message) when any XML part
declares a DTD or an entity (``<!DOCTYPE``, ``<!ENTITY``): Word and WPS never write one,
and a reader that does not expand entities would silently lose the text after one.
XML is parsed with entities never resolved, no DTD loaded and no network.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from intake.wordml import EntityDeclared, Limits, WordReadError, WordTooLarge, _xml_error

_W = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
)
_R = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
_VML = ("urn:schemas-microsoft-com:vml", "urn:schemas-microsoft-com:office:office")
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"

# Fields that fetch an address, read a file, run a program or a macro, or query a
# database when Word updates them (opening, printing, or F9).
ACTIVE_FIELDS = frozenset(
    {
        "DDE",
        "DDEAUTO",
        "INCLUDETEXT",
        "INCLUDE",
        "INCLUDEPICTURE",
        "IMPORT",
        "LINK",
        "MACROBUTTON",
        "DATABASE",
        "PRINT",
        "RD",
        "AUTOTEXT",
        "AUTOTEXTLIST",
        "GLOSSARY",
    }
)
# External relationships kept: a hyperlink is followed only when clicked.
_KEPT_EXTERNAL = {"hyperlink"}
_EXTERNAL_KINDS = {
    "image": "链接图片",
    "oleObject": "链接的嵌入对象（OLE）",
    "package": "链接的嵌入对象（OLE）",
    "attachedTemplate": "附加的模板",
    "subDocument": "子文档",
    "frame": "框架网页",
    "aFChunk": "按地址嵌入的文档",
    "mailMergeSource": "邮件合并数据源",
    "mailMergeHeaderSource": "邮件合并数据源",
    "recipientData": "邮件合并数据源",
}
_DTD = re.compile(r"<!\s*(?:DOCTYPE|ENTITY)", re.I)
MAX_NESTING = 2  # packages inside packages cleaned: an embedded .docx and what it embeds
_XML_SUFFIXES = (".xml", ".rels", ".vml")
# Prefilters on a part's bytes: element and attribute names, which no character
# reference can disguise (a field's words can be split across runs, so they are not one).
# (XML names are case-sensitive; plain substring tests, a regular expression with
# alternatives is ten times slower on a large part.)
_FIELD_MARKUP = (b"fldSimple", b"instrText", b"fldChar")
_VML_ADDRESS_ATTRIBUTE = re.compile(rb"(?:src|href)\s*=")
_ADDRESS = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|\\\\|//)", re.I)


@dataclass
class Cleaned:
    data: bytes
    removed: list[str] = field(default_factory=list)  # report lines, Chinese


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _decoded(data: bytes) -> str:
    """An XML part's text for the declaration check: by its byte-order mark or its
    first bytes (UTF-16 or UTF-32 without a mark starts "<\\0" or "\\0<"), else UTF-8."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"<\x00\x00\x00", b"\x00\x00\x00<")):
        little = data.startswith((b"\xff\xfe", b"<"))
        return data.decode("utf-32-le" if little else "utf-32-be", "replace").lstrip("\ufeff")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    if data[:2] == b"<\x00":
        return data.decode("utf-16-le", "replace")
    if data[:2] == b"\x00<":
        return data.decode("utf-16-be", "replace")
    return data.decode("utf-8", "replace")


def _parse(name: str, content: bytes):
    """A part's root, parsed without entities, DTD or network; a DOCTYPE the byte scan
    missed (an unusual encoding) is refused here."""
    root = etree.fromstring(content, _parser())
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        _refuse_declarations(name, b"<!DOCTYPE")
    return root


def _refuse_declarations(name: str, data: bytes) -> None:
    if _DTD.search(_decoded(data)):
        raise EntityDeclared(
            f"文件中含有 XML 实体声明（{name} 中的 DOCTYPE/ENTITY，Word 和 WPS 从不写入），"
            "可能被改动过，已拒绝导入。请在 Word / WPS 中打开并另存为新的 .docx 后再导入。"
        )


def _short(address: str, limit: int = 48) -> str:
    address = " ".join(address.split())
    return address if len(address) <= limit else address[: limit - 13] + "…" + address[-12:]


def _xml_parts(archive: zipfile.ZipFile, names: list[str]) -> set[str]:
    """The parts that are XML: by name, or by a content type that says so (not an SVG
    image, which Word never parses as WordprocessingML)."""
    parts = {n for n in names if n.lower().endswith(_XML_SUFFIXES)}
    if "[Content_Types].xml" in names:
        try:
            root = etree.fromstring(archive.read("[Content_Types].xml"), _parser())
        except etree.XMLSyntaxError:
            return parts
        xml_extensions = set()
        for item in root:
            content_type = (item.get("ContentType") or "").lower()
            is_xml = "xml" in content_type and not content_type.startswith("image/")
            if item.tag == f"{{{_CONTENT_TYPES}}}Override" and is_xml:
                parts.add((item.get("PartName") or "").lstrip("/"))
            elif item.tag == f"{{{_CONTENT_TYPES}}}Default" and is_xml:
                xml_extensions.add("." + (item.get("Extension") or "").lower())
        parts |= {n for n in names if any(n.lower().endswith(e) for e in xml_extensions if e != ".")}
    return parts & set(names)


def refuse_declarations(data: bytes, *, limits: Limits | None = None) -> None:
    """Raise EntityDeclared when an XML part of a zip package (an .odt before LibreOffice
    reads it, a .docx) declares a DTD or an entity; a package that is not a zip, or a
    part over ``limits.part_bytes``, is left to its reader."""
    limits = limits or Limits()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
        xml_parts = _xml_parts(archive, [i.filename for i in infos])
        for info in infos:
            if info.filename in xml_parts and info.file_size <= limits.part_bytes:
                _refuse_declarations(info.filename, _read(archive, info, limits))
    except (zipfile.BadZipFile, ValueError, EOFError, OSError, RuntimeError, NotImplementedError):
        return


def clean_package(data: bytes, *, limits: Limits | None = None, _depth: int = 0) -> Cleaned:
    """See the module docstring. Raises EntityDeclared; WordTooLarge or WordReadError
    (Chinese messages, the reader's) for a package that cannot be cleaned whole."""
    limits = limits or Limits()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError, OSError):
        return Cleaned(data)
    # Whatever cannot be cleaned is refused as the reader would refuse it: a package
    # that skipped cleaning must never be stored.
    if sum(i.file_size for i in infos) > limits.package_bytes:
        raise WordTooLarge("文件解压后异常巨大（疑似压缩炸弹），已拒绝导入。")
    names = [i.filename for i in infos]
    try:
        xml_parts = _xml_parts(archive, names)
        for info in infos:
            if info.filename in xml_parts and info.file_size > limits.part_bytes:
                raise WordTooLarge(
                    f"文件内容过大（{info.filename} 解压后 {info.file_size // 1024 // 1024} MB），已拒绝导入。"
                    "请删去多余内容，或把正文复制粘贴到编辑框。"
                )
        parts = {i.filename: _read(archive, i, limits) for i in infos if i.filename in xml_parts}
        for name in sorted(xml_parts):
            _refuse_declarations(name, parts[name])
        report = _Report()
        changed: dict[str, bytes] = {}
        removed_ids = _clean_relationships(parts, xml_parts, changed, report)
        for name in sorted(xml_parts):
            content = changed.get(name, parts[name])
            cleaned = _clean_part(name, content, removed_ids.get(name, set()), report)
            if cleaned is not None:
                changed[name] = cleaned
        for info in infos:
            if info.filename in xml_parts:
                continue
            with archive.open(info) as stream:
                if stream.read(4) != b"PK\x03\x04":
                    continue
            # A package inside (an embedded .docx, an Excel object) is cleaned too; one that
            # cannot be cleaned whole is refused, never stored as it is.
            if _depth >= MAX_NESTING or info.file_size > limits.part_bytes:
                raise WordTooLarge(f"文件中嵌入的文档过大或嵌套层次过多（{info.filename}），已拒绝导入。")
            nested = clean_package(_read(archive, info, limits), limits=limits, _depth=_depth + 1)
            if nested.removed:
                changed[info.filename] = nested.data
                report.lines += [f"嵌入的文档中：{line}" for line in nested.removed]
    except etree.XMLSyntaxError as error:
        raise _xml_error(error) from error
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as error:
        raise WordReadError("文件已损坏，无法读取。请在 Word 中打开并重新保存后再导入。") from error
    if not changed:
        return Cleaned(data, report.finish())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in infos:
            if info.filename in changed:
                content = changed[info.filename]
            elif info.filename in parts:
                content = parts[info.filename]
            else:
                content = archive.read(info)
            target.writestr(info, content, zipfile.ZIP_DEFLATED)
    return Cleaned(out.getvalue(), report.finish())


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> bytes:
    with archive.open(info) as stream:
        return stream.read(limits.part_bytes + 1)


@dataclass
class _Report:
    external: dict[str, list[str]] = field(default_factory=dict)  # kind → addresses
    fields: list[str] = field(default_factory=list)  # "INCLUDEPICTURE（http://…）"
    lines: list[str] = field(default_factory=list)

    def finish(self) -> list[str]:
        out = []
        for kind, addresses in self.external.items():
            shown = "、".join(_short(a) for a in list(dict.fromkeys(addresses))[:3])
            more = "等" if len(set(addresses)) > 3 else ""
            out.append(
                f"已去除指向外部地址的{kind} {len(addresses)} 处（{shown}{more}），Word 打开时不再读取外部内容"
            )
        if self.fields:
            shown = "、".join(self.fields[:5]) + ("等" if len(self.fields) > 5 else "")
            out.append(
                f"已去除会读取外部内容或运行程序的 Word 域 {len(self.fields)} 处：{shown}；域所显示的文字已保留"
            )
        return out + self.lines


def _rels_source(rels_name: str) -> str:
    """word/_rels/document.xml.rels → word/document.xml; _rels/.rels → "" (the package)."""
    folder, _, base = rels_name.rpartition("_rels/")
    return folder + base[: -len(".rels")] if base.endswith(".rels") else ""


def _clean_relationships(
    parts: dict[str, bytes], xml_parts: set[str], changed: dict[str, bytes], report: _Report
) -> dict[str, set[str]]:
    """Remove external relationships (hyperlinks kept); the removed ids by source part."""
    removed: dict[str, set[str]] = {}
    for name in sorted(n for n in xml_parts if n.endswith(".rels")):
        content = parts[name]
        if b"external" not in content.lower():
            continue
        root = _parse(name, content)
        dropped = False
        for rel in list(root):
            external = (rel.get("TargetMode") or "").strip().lower() == "external"
            if rel.tag != f"{{{_PACKAGE_RELS}}}Relationship" or not external:
                continue
            kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
            if kind in _KEPT_EXTERNAL:
                continue
            root.remove(rel)
            dropped = True
            removed.setdefault(_rels_source(name), set()).add(rel.get("Id") or "")
            what = _EXTERNAL_KINDS.get(kind, f"外部链接（{kind or '未知类型'}）")
            report.external.setdefault(what, []).append(rel.get("Target") or "")
        if dropped:
            changed[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return removed


def _clean_part(name: str, content: bytes, removed_ids: set[str], report: _Report) -> bytes | None:
    """The part without references to removed relationships, VML addresses, active
    fields and active settings; None when nothing changed."""
    touches_fields = any(markup in content for markup in _FIELD_MARKUP)
    # Every Word document declares the VML namespace; only one with an address-like
    # attribute is parsed for it (an attribute's name cannot hide behind a reference).
    touches_vml = (
        b"urn:schemas-microsoft-com:vml" in content
        and (b"src" in content or b"href" in content)
        and _VML_ADDRESS_ATTRIBUTE.search(content) is not None
    )
    is_settings = b"mailMerge" in content or b"updateFields" in content
    if not (removed_ids or touches_fields or touches_vml or is_settings):
        return None
    root = _parse(name, content)
    changed = False
    if removed_ids:
        changed |= _drop_references(root, removed_ids)
    if touches_vml:
        changed |= _drop_vml_addresses(root, report)
    if touches_fields:
        changed |= _FieldCleaner(root, report).run()
    if is_settings:
        for element in list(root.iter(*(f"{{{w}}}{n}" for w in _W for n in ("mailMerge", "updateFields")))):
            if element.tag.endswith("mailMerge"):
                report.lines.append("已去除邮件合并设置（Word 打开时会查询外部数据源）")
            element.getparent().remove(element)
            changed = True
    if not changed:
        return None
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _drop_references(root, removed_ids: set[str]) -> bool:
    """Attributes naming a removed relationship: removed; a w: element that only points
    there (attachedTemplate, subDoc, altChunk, a frame's source …) removed whole."""
    changed = False
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        for attribute, value in list(element.attrib.items()):
            if value not in removed_ids or not attribute.startswith("{"):
                continue
            if attribute[1:].split("}", 1)[0] not in _R:
                continue
            parent = element.getparent()
            if element.tag.split("}", 1)[0][1:] in _W and parent is not None:
                parent.remove(element)
            else:
                del element.attrib[attribute]
            changed = True
            break
    return changed


def _drop_vml_addresses(root, report: _Report) -> bool:
    changed = False
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag.split("}", 1)[0][1:] not in _VML:
            continue
        for attribute, value in list(element.attrib.items()):
            local = attribute.rsplit("}", 1)[-1].lower()
            if local in ("src", "href", "althref") and _ADDRESS.match(value.strip()):
                del element.attrib[attribute]
                report.external.setdefault("链接图片", []).append(value)
                changed = True
    return changed


def _w(element, local: str) -> bool:
    tag = element.tag
    return isinstance(tag, str) and tag.endswith("}" + local) and tag[1:].split("}", 1)[0] in _W


def _w_attr(element, local: str) -> str | None:
    for uri in _W:
        value = element.get(f"{{{uri}}}{local}")
        if value is not None:
            return value
    return None


def _field_word(code: str) -> str:
    return (code.split() or [""])[0].upper().lstrip("\\")


def _field_label(code: str) -> str:
    """ "INCLUDEPICTURE（http://…）": the field's name and its first argument, shortened."""
    word = _field_word(code)
    rest = code.strip()[len(word) :].strip()
    # An address in quotes (LINK names a program first, then the file), else all of it.
    address = next((q for q in re.findall(r'"([^"]*)"', rest) if _ADDRESS.match(q.strip())), None)
    argument = address or rest
    # Only quotes left: the address was given by a nested field, removed with this one.
    return f"{word}（{_short(argument, 40)}）" if argument.strip('" ') else word


@dataclass
class _OpenField:
    begin: object
    code: str = ""
    separate: object | None = None
    end: object | None = None
    last: object | None = None  # the last element of its instruction seen

    @property
    def stop(self):
        """Where what is removed ends: the separator, else the end, else the last of the
        instruction (a field never closed)."""
        return _first(self.separate, self.end, self.last)


class _FieldCleaner:
    """Active fields out of one part: simple ones unwrapped to their result, complex ones
    reduced to the runs between ``separate`` and ``end``. Two passes over the tree, and
    no list of all its elements (a 16 MB part has a million of them)."""

    def __init__(self, root, report: _Report) -> None:
        self.root = root
        self.report = report

    def run(self) -> bool:
        active = self._complex_fields()
        simple = [
            element
            for element in self.root.iter(*(f"{{{w}}}fldSimple" for w in _W))
            if _field_word(_w_attr(element, "instr") or "") in ACTIVE_FIELDS
        ]
        if not active and not simple:
            return False
        starts = {f.begin: f for f in active}
        simple_set = set(simple)
        found: list[str] = []  # labels in document order
        doomed: list = []
        removing: _OpenField | None = None
        for element in self.root.iter():
            if element in simple_set:
                found.append(_field_label(_w_attr(element, "instr") or ""))
            if removing is None and element in starts:
                # Outermost only: a field inside this one's instruction goes with it.
                removing = starts[element]
                found.append(_field_label(removing.code))
                if removing.end is not None:
                    doomed.append(removing.end)
            if removing is not None:
                parent = element.getparent()
                if parent is not None and _w(parent, "r"):
                    doomed.append(element)
                if element is removing.stop:
                    if _field_word(removing.code) == "MACROBUTTON" and removing.separate is None:
                        text = _macrobutton_text(removing.code)
                        if text:
                            removing.begin.addprevious(_text(text, removing.begin.nsmap))
                    removing = None
        for element in dict.fromkeys(doomed):
            parent = element.getparent()
            if parent is not None:
                parent.remove(element)
        for element in simple:
            self._unwrap(element)
        self.report.fields += found
        return True

    def _complex_fields(self) -> list[_OpenField]:
        """The active complex fields, each with its begin, separate, end and instruction."""
        tags = [f"{{{w}}}{n}" for w in _W for n in ("fldChar", "instrText", "delInstrText")]
        stack: list[_OpenField] = []
        active: list[_OpenField] = []
        for element in self.root.iter(*tags):
            if _w(element, "fldChar"):
                kind = _w_attr(element, "fldCharType")
                if kind == "begin":
                    stack.append(_OpenField(element, last=element))
                elif kind == "separate" and stack:
                    stack[-1].separate = element
                elif kind == "end" and stack:
                    done = stack.pop()
                    done.end = element
                    if _field_word(done.code) in ACTIVE_FIELDS:
                        active.append(done)
                if stack and stack[-1].separate is None:
                    stack[-1].last = element
            elif stack and stack[-1].separate is None:
                stack[-1].code += element.text or ""
                stack[-1].last = element
        return active + [f for f in stack if _field_word(f.code) in ACTIVE_FIELDS]  # never closed

    @staticmethod
    def _unwrap(element) -> None:
        """A simple field replaced by its result runs (a macro button by its display text)."""
        parent = element.getparent()
        if parent is None:
            return
        code = _w_attr(element, "instr") or ""
        index = parent.index(element)
        children = list(element)
        if _field_word(code) == "MACROBUTTON" and not any(_w(c, "r") for c in children):
            children = [_run(_macrobutton_text(code), element.nsmap)]
        parent.remove(element)  # its tail is whitespace between runs, if anything
        for offset, child in enumerate(children):
            parent.insert(index + offset, child)


def _first(*elements):
    """The first that is not None (an lxml element without children is falsy)."""
    return next((e for e in elements if e is not None), None)


def _macrobutton_text(code: str) -> str:
    """MACROBUTTON's display text: what follows the macro's name."""
    words = code.split(None, 2)
    return words[2].strip() if len(words) > 2 else ""


def _text(text: str, nsmap) -> object:
    uri = next((u for u in nsmap.values() if u in _W), _W[0])
    element = etree.Element(f"{{{uri}}}t")
    element.text = text
    element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return element


def _run(text: str, nsmap) -> object:
    uri = next((u for u in nsmap.values() if u in _W), _W[0])
    run = etree.Element(f"{{{uri}}}r")
    run.append(_text(text, nsmap))
    return run


__all__ = [
    "ACTIVE_FIELDS",
    "Cleaned",
    "EntityDeclared",
    "WordReadError",
    "clean_package",
    "refuse_declarations",
]


# --- what a file to be converted names, before LibreOffice sees it --------------------------

_RTF_FIELD = re.compile(r"\\fldinst")
_RTF_CONTROL = re.compile(r"\\[a-zA-Z]+-?\d* ?|\\\*|[{}]")
_RTF_LINKED_OBJECT = re.compile(r"\\objautlink|\\objlink")
_DOC_FIELD = re.compile(r"\x13\s*([A-Za-z]+[^\x13\x14\x15]{0,500})")
_ODF_LINK = re.compile(
    r'<(draw:image|draw:object|draw:object-ole|text:section-source)\b[^>]*?xlink:href="([^"]+)"'
)
_ODF_KINDS = {
    "draw:image": "链接图片",
    "draw:object": "链接的嵌入对象（OLE）",
    "draw:object-ole": "链接的嵌入对象（OLE）",
    "text:section-source": "链接的文档段落",
}
MAX_SOURCE_LABELS = 10


def links_in_source(data: bytes, kind: str) -> list[str]:
    """What a .rtf, .doc/.wps or .odt names that would fetch or run when updated: active
    fields ("INCLUDEPICTURE（http://…）") and linked images or objects ("链接图片（http://…）"),
    at most MAX_SOURCE_LABELS, found in the raw file before conversion.

    LibreOffice itself drops some of them while converting (an RTF or Word 97 INCLUDEPICTURE
    becomes nothing), so the cleaned result alone would not show that the file named them.
    A scan of the bytes, bounded by the upload limit; nothing is parsed or fetched."""
    labels: list[str] = []
    if kind == "rtf":
        text = data.decode("latin-1")
        for match in _RTF_FIELD.finditer(text):
            chunk = text[match.end() : match.end() + 2000].split("\\fldrslt", 1)[0]
            code = _RTF_CONTROL.sub(" ", chunk).replace("\\\\", "\\")
            if _field_word(code) in ACTIVE_FIELDS:
                labels.append(_field_label(code))
        if _RTF_LINKED_OBJECT.search(text):
            labels.append("链接的嵌入对象（OLE）")
    elif kind == "doc":
        texts = [data.decode("latin-1")] + [data[start:].decode("utf-16-le", "ignore") for start in (0, 1)]
        for text in texts:
            for match in _DOC_FIELD.finditer(text):
                code = match.group(1)
                if _field_word(code) in ACTIVE_FIELDS:
                    labels.append(_field_label(code))
    elif kind == "odt":
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            names = [n for n in ("content.xml", "styles.xml") if n in archive.namelist()]
            parts = [archive.read(n)[: 50 * 1024 * 1024].decode("utf-8", "replace") for n in names]
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
            parts = []
        for part in parts:
            for element, address in _ODF_LINK.findall(part):
                if _ADDRESS.match(address.strip()) and not address.startswith("./"):
                    labels.append(f"{_ODF_KINDS[element]}（{_short(address, 40)}）")
    unique = list(dict.fromkeys(labels))
    return unique[:MAX_SOURCE_LABELS]


def source_links_report(labels: list[str], removed: list[str]) -> str | None:
    """One report line for what the source named and the cleaned result no longer shows
    (the conversion dropped it), or None when every one is already named in `removed`."""
    shown = " ".join(removed)
    # Named already when its address (or, without one, its name) is in the report.
    missing = [label for label in labels if (label.partition("（")[2].rstrip("）") or label) not in shown]
    if not missing:
        return None
    return (
        f"原文件中有会读取外部内容或运行程序的链接或域 {len(missing)} 处，转换时未保留"
        f"（服务器转换时不联网，未读取任何地址）：{'、'.join(missing)}"
    )
