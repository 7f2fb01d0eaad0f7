"""Import a Word/WPS file into a draft: title, second title line, paragraphs with bold,
byline, and a report of everything that could not be kept, with where it was.

``import_document(data, *, tables_as_rows=False) -> DocxImport`` is a pure function of
the file's bytes (no request, no database), so a background task can run it as it is.
The format is recognised by content (``formats.sniff``): .docx is read directly, .docm
without its macros, .doc/.wps/.rtf/.odt after LibreOffice (with no network) turns them
into .docx (``formats.convert_to_docx``). Every .docx, uploaded or converted, is first
cleaned of external links and active fields (``cleaning.clean_package``; each removal is
a line of ``DocxImport.dropped``), and one that declares an XML entity is refused; the
cleaned package is what is read and what ``DocxImport.source_docx`` holds. The text Word displays is read by ``wordml.read_word``;
every text then passes the one door (``textnorm``) and the body sanitizer
(``richtext``). Limits (``MAX_UPLOAD_BYTES``, ``wordml.Limits``) bound the cost of any
file; a file over them is refused with a message, never half-read silently.

Paragraphs: a manual line break (Shift+Enter) starts a new paragraph when the line before
it ends a sentence (。！？；：…, maybe closed by a quote or bracket), the line after it is
indented, or the line after it starts with an enumerator (一、 （一） 1. ① 第一条 一是);
otherwise the two lines are one paragraph (a title broken by hand), with a space where the
break stood between two Latin words. Leading
full-width spaces and tabs are removed: the print adds its own indent.

Title: the first paragraph when it looks like one (at most ``TITLE_MAX_CHARS``, the
piece form's limit, and not a plain body sentence ending in 。！？); when the body has
none, a page-header text that does (an OA puts the 标题 in the header) is offered and
named in the report.

Struck-through text is held back by default (a contributor's manual "deletion") and
listed in ``DocxImport.struck`` with its context; ``import_document(keep_struck={…})``
takes the chosen passages in, and the report says which are in and which are out.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from intake import formats
from intake.cleaning import clean_package, links_in_source, refuse_declarations, source_links_report
from intake.wordml import Limits, Paragraph, Struck, WordDocument, WordReadError, read_word
from text.normalize import normalize_line, normalize_text, quiet, recording
from text.richtext import run_plain, runs_to_html, sanitize_body
from text.scripts import MARKERS
from text.symbols import substitute_for_print, substitution_notice

logger = logging.getLogger(__name__)
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# A piece's title (and its second line): the one number, used by the Submission model's
# fields (hence the form's max_length) and by the title recognition here.
TITLE_MAX_CHARS = 80
BYLINE = re.compile(r"^[（(](.+)[)）]$")
_SENTENCE_END = re.compile(r"[。！？!?；;：:…][”’」』）)】\]]*$")
_INDENTED = re.compile(r"^(?:[\u3000\t]|\s{2,})")
# A line that starts with an enumerator starts a paragraph, whatever the line before ends
# with: 一、 （一） (1) 1. 1、 ① ⑴ ⒈ 第一条 第3章 一是 — the way Chinese official text lists.
_CN_NUMBER = "一二三四五六七八九十百零〇两"
_ENUMERATOR = re.compile(
    rf"^(?:[{_CN_NUMBER}]{{1,3}}[、．.]"
    rf"|[（(](?:[{_CN_NUMBER}]{{1,3}}|\d{{1,2}})[）)]"  # not (2024) at a line start
    r"|\d{1,2}[、．.](?!\d)"  # not 1.5亿
    "|[\u2460-\u2473\u2474-\u2487\u2488-\u249b\u3280-\u3289]"
    rf"|第[{_CN_NUMBER}\d]+[条章节款项部分篇]"
    rf"|[{_CN_NUMBER}]+是)"
)
# Two lines joined where both sides are Latin keep the word space the line break was.
_LATIN_END = re.compile(r"[A-Za-z0-9.,;:!?'\")]$")
_LATIN_START = re.compile(r"^[A-Za-z]")
_TITLE_STYLE = re.compile(r"title|heading|标题", re.I)
# A plain first paragraph that ends a sentence is body text, not a title.
_BODY_SENTENCE = re.compile(r"[。！？!?][”’」』）)]*$")
# Header lines that are never a piece's title: the office's own name (…人大常委会办公室),
# a security or handling mark (内部资料 注意保存, 秘密★1年), a page or date line.
_HEADER_NOT_TITLE = re.compile(
    r"^(?:\S{0,20}(?:人大常委会|人民代表大会常务委员会|委员会|工委|办公室|办公厅|研究室)"
    r"|.*(?:内部资料|注意保存|内部刊物|内部材料|秘密|机密|绝密|请勿外传|仅供参考).*"
    r"|.*第\s*\d+\s*页.*|\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)$"
)


class DocxImportError(Exception):
    """The file cannot be imported; the message says why, in Chinese."""


@dataclass
class DocxImport:
    title: str
    subtitle: str
    body_html: str
    byline: str = ""
    dropped: list[str] = field(default_factory=list)  # not imported, with where it was
    kept: list[str] = field(default_factory=list)  # kept in another form (text boxes, notes…)
    warnings: list[str] = field(default_factory=list)
    format_label: str = "Word 文件（.docx）"
    source_docx: bytes = b""  # the document as read: a .docx, without macros, external links, active fields
    struck: list[dict] = field(default_factory=list)  # struck passages (``struck_items``)


def read_upload(uploaded) -> bytes:
    """An uploaded file's bytes, refusing it past MAX_UPLOAD_BYTES without reading more."""
    if hasattr(uploaded, "seek"):
        uploaded.seek(0)
    data = uploaded.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise DocxImportError(
            f"文件超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB，无法导入。请删去其中的图片后再试，或直接粘贴文字。"
        )
    if not data:
        raise DocxImportError("上传的文件是空的。")
    return data


def import_docx(uploaded, *, tables_as_rows: bool = False) -> DocxImport:
    """An uploaded file (anything with ``read``) → DocxImport. See ``import_document``."""
    return import_document(read_upload(uploaded), tables_as_rows=tables_as_rows)


def _convert_rtf(data: bytes) -> bytes:
    """An embedded RTF document → .docx, as an uploaded .rtf is converted (same limits)."""
    try:
        return formats.convert_to_docx(data, formats.FileFormat("rtf", "嵌入的 RTF 文档"))
    except formats.ConversionError as error:
        raise WordReadError(str(error)) from error


def import_document(
    data: bytes,
    *,
    tables_as_rows: bool = False,
    limits: Limits | None = None,
    keep_struck: frozenset[int] | set[int] = frozenset(),
) -> DocxImport:
    """A Word/WPS/RTF/ODF file's bytes → title, body and report. Raises DocxImportError.

    ``keep_struck``: indexes of struck-through passages (as listed in ``DocxImport.struck``)
    to take in as live text; by default none is. What the one door for text changed that
    the contributor would see (quotes paired, ligatures, widths, 〇 in years:
    ``text.normalize``) is named in ``kept``."""
    with recording() as changes:
        result = _read_document(data, tables_as_rows=tables_as_rows, limits=limits, keep_struck=keep_struck)
    result.kept += changes.notes()
    return result


def _read_document(
    data: bytes, *, tables_as_rows: bool, limits: Limits | None, keep_struck: frozenset[int] | set[int]
) -> DocxImport:
    if len(data) > MAX_UPLOAD_BYTES:
        raise DocxImportError(f"文件超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB，无法导入。")
    if not data:
        raise DocxImportError("上传的文件是空的。")
    fmt = formats.sniff(data)
    source_links: list[str] = []
    if fmt.convertible:
        source_links = links_in_source(data, fmt.kind)
        try:
            if fmt.kind == "odt":  # an ODF package: its XML may not declare entities either
                refuse_declarations(data, limits=limits)
            docx = formats.convert_to_docx(data, fmt)
        except (formats.ConversionError, WordReadError) as error:
            raise DocxImportError(str(error)) from error
    elif fmt.readable:
        docx = data
    else:
        raise DocxImportError(formats.refusal(fmt))
    try:
        # What would reach out or run when Word opens the stored source is removed before
        # it is read or stored, and named in the report.
        cleaned = clean_package(docx, limits=limits)
        docx = cleaned.data
        unseen = source_links_report(source_links, cleaned.removed)
        if unseen:
            cleaned.removed.append(unseen)
        word = read_word(
            docx,
            limits=limits,
            tables_as_rows=tables_as_rows,
            keep_struck=frozenset(keep_struck),
            convert_rtf=_convert_rtf,
        )
    except WordReadError as error:
        message = str(error)
        if fmt.convertible:
            message = f"{fmt.label}转换后仍无法读取：{message}"
        raise DocxImportError(message) from error
    except (ValueError, KeyError, IndexError, AttributeError, TypeError, RecursionError) as error:
        # A structure no real Word file has; the contributor gets a message, never an error page.
        logger.warning("Unreadable %s: %r", fmt.kind, error)
        raise DocxImportError(
            f"{fmt.label}的内部结构异常，无法读取。请在 Word / WPS 中打开并另存为新的 .docx 后再导入。"
        ) from error
    if fmt.kind == "docm":
        docx = formats.strip_macros(docx)

    paragraphs = _split_lines(word.paragraphs)
    if not any(_plain(runs).strip() for runs, _ in paragraphs):
        if any(p.text.strip() and not p.kept for p in word.struck):
            raise DocxImportError(
                f"{fmt.label}中的文字都划了删除线（Word 中表示删除），没有可导入的正文。"
                "如需导入，请在 Word 中取消删除线后再上传。"
            )
        raise DocxImportError(f"{fmt.label}中没有文字内容。")

    title = subtitle = ""
    notes: list[str] = []
    body = [(runs, source) for runs, source in paragraphs if _plain(runs).strip()]
    if body and _looks_like_title(body[0], 0):
        title = normalize_line(_line(body.pop(0)[0], "标题", notes))
        if body and _looks_like_title(body[0], 1) and body[0][1].centred:
            subtitle = normalize_line(_line(body.pop(0)[0], "副标题", notes))
    else:
        title = _header_title(word)
        if title:
            notes.append(f"正文开头没有标题，标题取自页眉“{title}”，请核对")
            word.dropped = [
                d for d in word.dropped if d.place != f"页眉“{title[:30]}”（每页显示，未导入正文）"
            ]
    byline = ""
    last_body = max((i for i, (_, source) in enumerate(body) if source.kind == "body"), default=None)
    if last_body is not None:
        with quiet():  # a look; the paragraph enters below, named there
            match = BYLINE.match(normalize_line(_plain(body[last_body][0])))
        if match:
            byline = " ".join(match.group(1).split())
            body.pop(last_body)

    warnings = []
    if not title:
        warnings.append("没有识别出标题，请手动填写。")
    if len(title) > TITLE_MAX_CHARS:
        warnings.append(f"标题超过 {TITLE_MAX_CHARS} 字，请精简。")
    runs = [[(normalize_text(run[0]), *run[1:]) for run in paragraph] for paragraph, _ in body]
    # Bullets and check marks the print faces lack become the nearest they have, named.
    substituted: list[str] = []
    title, made = substitute_for_print(title)
    substituted += made
    subtitle, made = substitute_for_print(subtitle)
    substituted += made
    for paragraph in runs:
        for i, run in enumerate(paragraph):
            text, made = substitute_for_print(run[0])
            paragraph[i] = (text, *run[1:])
            substituted += made
    if substituted:
        notes.append(substitution_notice(substituted))
    body_html = sanitize_body(runs_to_html(runs))
    dropped = cleaned.removed + [
        d.place if d.line else f"未导入：{d.place}" for d in word.dropped if not d.kept
    ]
    kept = [d.place for d in word.dropped if d.kept] + notes
    held, taken = _struck_report(word.struck)
    return DocxImport(
        title=title[:TITLE_MAX_CHARS],
        subtitle=subtitle[:TITLE_MAX_CHARS],
        body_html=body_html,
        byline=byline,
        dropped=held + dropped,
        kept=taken + kept,
        warnings=warnings,
        format_label=fmt.label,
        source_docx=docx,
        struck=struck_items(word.struck),
    )


def struck_items(passages: list[Struck]) -> list[dict]:
    """Struck passages for the review (JSON-ready, kept in the session): index, the text
    struck and up to 12 characters either side (``more_*``: the paragraph goes on), where,
    whether a whole sentence, kept. (Shown for the choice, not entered: nothing is named.)"""
    with quiet():
        return _struck_items(passages)


def _struck_items(passages: list[Struck]) -> list[dict]:
    return [
        {
            "index": p.index,
            "text": normalize_line(p.text),
            "before": normalize_line(p.before[-12:]),
            "after": normalize_line(p.after[:12]),
            "more_before": len(p.before) > 12,
            "more_after": len(p.after) > 12,
            "place": p.place,
            "whole": p.whole,
            "kept": p.kept,
        }
        for p in passages
        if p.text.strip()
    ]


def _struck_report(passages: list[Struck]) -> tuple[list[str], list[str]]:
    """("删除线文字 2 处未导入：“15个”、……", "删除线文字 1 处已按您的选择导入：……")."""
    shown = [p for p in passages if p.text.strip()]

    def listing(items: list[Struck]) -> str:
        with quiet():  # the report's quotation of the text, not its entry
            quoted = "、".join(f"“{normalize_line(p.text)[:30]}”" for p in items[:5])
        return quoted + (f"等 {len(items)} 处" if len(items) > 5 else "")

    held = [p for p in shown if not p.kept]
    taken = [p for p in shown if p.kept]
    return (
        [f"删除线文字 {len(held)} 处未导入：{listing(held)}（Word 中划了删除线；如需保留，请在下方勾选）"]
        if held
        else [],
        [f"删除线文字 {len(taken)} 处已按您的选择导入：{listing(taken)}"] if taken else [],
    )


def _header_title(word: WordDocument) -> str:
    """The longest page-header paragraph that could be a title (not a sentence, 4 characters
    to the title limit; an OA writes its own name on one line and the 标题 on another), or ""."""
    with quiet():  # a look at every header line; the one taken enters below, named there
        candidates = [
            (line, text)
            for line, text in ((normalize_line(text), text) for text in word.headers)
            if 4 <= len(line) <= TITLE_MAX_CHARS
            and not _BODY_SENTENCE.search(line)
            and not _HEADER_NOT_TITLE.match(line.replace("\u3000", " ").strip())
        ]
    return normalize_line(max(candidates, key=lambda c: len(c[0]))[1]) if candidates else ""


def _line(runs: list[tuple], field: str, notes: list[str]) -> str:
    """Runs as one line of a plain-text field (标题, 副标题). A field holds no markup: a
    superscript or subscript with a Unicode form is written with it (m², CO₂); one
    without (PM₂.₅'s ".", a footnote mark [1]) is read as ordinary text and named in
    ``notes``, never written with the body's plain-text markers (^, _)."""
    flattened = []
    parts = []
    for run in runs:
        text, script = run[0], (run[2] if len(run) > 2 else "")
        plain = run_plain(run)
        if script in MARKERS and plain == MARKERS[script] + text:
            flattened.append(text)
            plain = text
        parts.append(plain)
    if flattened:
        kinds = "、".join(f"“{t}”" for t in dict.fromkeys(flattened))
        notes.append(f"{field}中的上标或下标 {kinds} 没有对应的字符，已按普通文字读入{field}，请核对")
    return "".join(parts)


def _plain(runs: list[tuple]) -> str:
    """Runs as plain text; a superscript or subscript as text.scripts writes it (m², CO₂)."""
    return "".join(run_plain(run) for run in runs)


def _split_lines(paragraphs: list[Paragraph]) -> list[tuple[list[tuple[str, bool]], Paragraph]]:
    """Word paragraphs → the paragraphs a reader sees (manual line breaks decided)."""
    out: list[tuple[list[tuple[str, bool]], Paragraph]] = []
    for paragraph in paragraphs:
        lines: list[list[tuple[str, bool]]] = [[]]
        for text, *style in paragraph.runs:
            pieces = text.split("\n")
            for index, piece in enumerate(pieces):
                if index:
                    lines.append([])
                if piece:
                    lines[-1].append((piece, *style))
        current: list[tuple[str, bool]] | None = None
        for line in lines:
            text = _plain(line)
            if not text.strip(" \u3000\t\xa0"):
                if current is not None and current:
                    out.append((current, paragraph))
                current = None  # an empty line always ends a paragraph
                continue
            previous = _plain(current).rstrip(" \u3000\t\xa0") if current else ""
            if (
                current
                and not _INDENTED.match(text)
                and not _SENTENCE_END.search(previous)
                and not _ENUMERATOR.match(text.lstrip(" \u3000\t\xa0"))
            ):
                if _LATIN_END.search(previous) and (
                    _LATIN_START.match(text) or (previous[-1].isalpha() and text[:1].isdigit())
                ):
                    current.append((" ", False))
                current.extend(line)
                continue
            if current:
                out.append((current, paragraph))
            current = list(line)
        if current:
            out.append((current, paragraph))
    return out


def _looks_like_title(item: tuple[list[tuple[str, bool]], Paragraph], index: int) -> bool:
    runs, source = item
    with quiet():  # a look; the title or paragraph enters later, named there
        text = normalize_line(_plain(runs))
    if not text or len(text) > TITLE_MAX_CHARS or index > 1 or source.kind != "body":
        return False
    all_bold = any(r[0].strip() for r in runs) and all(r[1] for r in runs if r[0].strip())
    return (
        (index == 0 and not _BODY_SENTENCE.search(text))
        or source.centred
        or all_bold
        or source.size_pt >= 18
        or bool(_TITLE_STYLE.search(source.style_name))
    )
