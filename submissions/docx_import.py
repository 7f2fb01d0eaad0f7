"""Import a Word (.docx) file into a draft: title, second title line, paragraphs with bold, byline.

The file is checked before it is parsed: size, that it is a zip holding word/document.xml,
and that it does not unpack to something huge (a zip bomb). Tables and images cannot be
kept in a piece; they are reported as dropped, never silently lost.
"""

import io
import re
import zipfile
from dataclasses import dataclass, field

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from .richtext import runs_to_html, sanitize_body

MAX_DOCX_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_RATIO = 100  # a member that compresses more than this, and is big, is a bomb
TITLE_MAX_CHARS = 40
BYLINE = re.compile(r"^[（(](.+)[)）]$")


class DocxImportError(Exception):
    """The file cannot be imported; the message says why, in Chinese."""


@dataclass
class DocxImport:
    title: str
    subtitle: str
    body_html: str
    byline: str = ""
    dropped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _read_limited(uploaded) -> bytes:
    if hasattr(uploaded, "seek"):
        uploaded.seek(0)
    data = uploaded.read(MAX_DOCX_BYTES + 1)
    if len(data) > MAX_DOCX_BYTES:
        raise DocxImportError("文件超过 10 MB，无法导入。请删去其中的图片后再试，或直接粘贴文字。")
    if not data:
        raise DocxImportError("上传的文件是空的。")
    return data


def _check_archive(data: bytes) -> None:
    not_docx = "这不是 Word（.docx）文件，无法导入；如果是 .doc 或 WPS 格式，请在 Word / WPS 中另存为 .docx 后再导入。"
    if not data.startswith(b"PK\x03\x04"):
        raise DocxImportError(not_docx)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as error:
        raise DocxImportError("文件已损坏，无法读取。请在 Word 中打开并重新保存后再导入。") from error
    if "word/document.xml" not in {m.filename for m in members}:
        raise DocxImportError(not_docx)
    total = sum(m.file_size for m in members)
    if total > MAX_UNPACKED_BYTES or any(
        m.file_size > 10 * 1024 * 1024 and m.file_size > MAX_RATIO * max(m.compress_size, 1) for m in members
    ):
        raise DocxImportError("文件解压后异常巨大（疑似压缩炸弹），已拒绝导入。")


def _looks_like_title(paragraph, index: int) -> bool:
    text = paragraph.text.strip()
    if not text or len(text) > TITLE_MAX_CHARS or index > 1:
        return False
    style = (paragraph.style.name or "").lower() if paragraph.style is not None else ""
    centred = paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
    all_bold = bool(paragraph.runs) and all(run.bold for run in paragraph.runs if run.text.strip())
    big = any(run.font.size and run.font.size.pt >= 18 for run in paragraph.runs)
    return (
        index == 0 or centred or all_bold or big or "title" in style or "heading" in style or "标题" in style
    )


def import_docx(uploaded) -> DocxImport:
    data = _read_limited(uploaded)
    _check_archive(data)
    try:
        document = Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises many kinds for broken XML
        raise DocxImportError("文件已损坏，无法读取。请在 Word 中打开并重新保存后再导入。") from error

    paragraphs = [p for p in document.paragraphs if p.text.strip()]
    if not paragraphs:
        raise DocxImportError("文件中没有文字内容。")

    dropped = []
    if document.tables:
        dropped.append(
            f"表格 {len(document.tables)} 个未导入（稿件只保留文字段落，请将表格内容改写为文字）。"
        )
    body_xml = document.element.body
    images = len(body_xml.findall(".//" + qn("w:drawing"))) + len(body_xml.findall(".//" + qn("w:pict")))
    if images:
        dropped.append(f"图片 {images} 张未导入（信息稿不刊印图片）。")

    title = subtitle = ""
    if _looks_like_title(paragraphs[0], 0):
        title = paragraphs.pop(0).text.strip()
        if (
            paragraphs
            and _looks_like_title(paragraphs[0], 1)
            and paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
        ):
            subtitle = paragraphs.pop(0).text.strip()
    byline = ""
    if paragraphs:
        match = BYLINE.match(paragraphs[-1].text.strip())
        if match:
            byline = " ".join(match.group(1).split())
            paragraphs.pop()

    warnings = []
    if not title:
        warnings.append("没有识别出标题，请手动填写。")
    if len(title) > 80:
        warnings.append("标题超过 80 字，请精简。")
    # Through the sanitizer too: it also drops the line breaks Word keeps inside runs.
    body_html = sanitize_body(
        runs_to_html([[(run.text, bool(run.bold)) for run in p.runs if run.text] for p in paragraphs])
    )
    return DocxImport(
        title=title[:80],
        subtitle=subtitle[:80],
        body_html=body_html,
        byline=byline,
        dropped=dropped,
        warnings=warnings,
    )
