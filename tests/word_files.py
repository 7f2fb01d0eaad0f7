"""Word files built in the tests: python-docx writes a real package, then its parts are
edited as raw XML to hold what python-docx cannot write (fields, content controls, text
boxes, notes, numbering definitions, styles, tracked changes, Strict namespaces)."""

from __future__ import annotations

import io
import re
import zipfile

from docx import Document

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = (
    f'xmlns:w="{W}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" '
    'mc:Ignorable=""'
)
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
CT_ENDNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
CT_NUMBERING = "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"


def p(*runs: str, ppr: str = "") -> str:
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{''.join(runs)}</w:p>"


def r(text: str, rpr: str = "") -> str:
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f"<w:r>{f'<w:rPr>{rpr}</w:rPr>' if rpr else ''}<w:t{space}>{text}</w:t></w:r>"


def b(text: str) -> str:
    return r(text, "<w:b/>")


def build_docx(
    body: str,
    *,
    styles: str = "",
    doc_defaults_rpr: str = "",
    numbering: str | None = None,
    footnotes: str | None = None,
    endnotes: str | None = None,
    comments: str | None = None,
    strict: bool = False,
) -> bytes:
    """A .docx whose body is ``body`` (WordprocessingML, w: prefix). ``styles`` are extra
    <w:style> elements; notes and comments are the inner elements of their parts."""
    buffer = io.BytesIO()
    Document().save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    parts = {name: source.read(name) for name in source.namelist()}
    parts["word/document.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {NAMESPACES}><w:body>{body}'
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>'
    ).encode()
    style_xml = parts["word/styles.xml"].decode()
    if styles:
        style_xml = style_xml.replace("</w:styles>", styles + "</w:styles>")
    if doc_defaults_rpr:
        style_xml = re.sub(r"(<w:rPrDefault>\s*<w:rPr>)", r"\1" + doc_defaults_rpr, style_xml, count=1)
    parts["word/styles.xml"] = style_xml.encode()
    extra = {
        "numbering": (numbering, "numbering", CT_NUMBERING),
        "footnotes": (footnotes, "footnotes", CT_FOOTNOTES),
        "endnotes": (endnotes, "endnotes", CT_ENDNOTES),
        "comments": (comments, "comments", CT_COMMENTS),
    }
    rels = parts["word/_rels/document.xml.rels"].decode()
    types = parts["[Content_Types].xml"].decode()
    for index, (name, (content, root, content_type)) in enumerate(extra.items()):
        if content is None:
            continue
        part = f"word/{name}.xml"
        parts[part] = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:{root} {NAMESPACES}>{content}</w:{root}>'
        ).encode()
        if part not in re.findall(r'Target="([^"]+)"', rels) and f'Target="{name}.xml"' not in rels:
            rels = rels.replace(
                "</Relationships>",
                f'<Relationship Id="rIdTest{index}" Type="{REL}/{name}" Target="{name}.xml"/></Relationships>',
            )
        if f'PartName="/{part}"' not in types:
            types = types.replace(
                "</Types>", f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>'
            )
    parts["word/_rels/document.xml.rels"] = rels.encode()
    parts["[Content_Types].xml"] = types.encode()
    if strict:
        parts = {name: _strict(name, data) for name, data in parts.items()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return out.getvalue()


def _strict(name: str, data: bytes) -> bytes:
    """Strict Open XML spells the namespaces and relationship types differently."""
    if not name.endswith((".xml", ".rels")):
        return data
    text = data.decode()
    text = text.replace(W, "http://purl.oclc.org/ooxml/wordprocessingml/main")
    text = text.replace(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "http://purl.oclc.org/ooxml/officeDocument/relationships",
    )
    return text.encode()
