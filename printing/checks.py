"""What the print cannot do with a text, found before it is printed.

- ``missing_glyphs(text)``: characters no installed face has (they would print as boxes).
  The piece form, the issue settings form and the back-issue import refuse such text
  with ``missing_glyph_message`` (or call ``validate_printable``, a Django validator).
- ``check_document(document)``: the check report of a whole issue, shown with the
  preview: missing glyphs, control/bidi characters the renderer strips, and lines set
  ragged because they could not be justified within the spacing bounds.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from printing.document import ArticleItem, paragraph_text
from printing.fonts import font_set
from printing.typography import is_unprintable

if TYPE_CHECKING:
    from printing.document import IssueDocument

# Whitespace is laid out, not drawn: it needs no glyph.
_NO_GLYPH_NEEDED = frozenset(" \n\t\r\u3000")


@dataclass(frozen=True)
class Finding:
    kind: str  # "missing_glyph", "unprintable" or "ragged"
    message: str  # Chinese, for the editor
    text: str = ""  # the line or character concerned


@dataclass
class CheckReport:
    """Findings of one document, in the order they were found."""

    findings: list[Finding] = field(default_factory=list)

    def add(self, kind: str, message: str, text: str = "") -> None:
        finding = Finding(kind, message, text)
        if finding not in self.findings:
            self.findings.append(finding)

    def of_kind(self, kind: str) -> list[Finding]:
        return [f for f in self.findings if f.kind == kind]

    def __iter__(self):
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)


def describe_char(char: str) -> str:
    """“𠀀”（U+20000）: the character and its code point, for messages. A control or
    bidi character is named, never shown: it would act on the message itself."""
    if is_unprintable(char):
        return f"U+{ord(char):04X}（{unicodedata.name(char, '控制字符')}）"
    return f"“{char}”（U+{ord(char):04X}）"


def missing_glyphs(text: str, *, font_dir: str | None = None) -> list[str]:
    """Characters of ``text`` (each once, in order) that no installed print face has.

    Whitespace and the control/format characters the renderer strips are not counted.
    Every face of the font set counts (the roles' faces and their fallbacks), since a
    character missing in one face is set in the next that has it.
    """
    fonts = font_set(font_dir)
    faces = list(fonts.faces.values())
    missing: list[str] = []
    seen: set[str] = set()
    for char in text:
        if char in seen or char in _NO_GLYPH_NEEDED or is_unprintable(char):
            continue
        seen.add(char)
        code = ord(char)
        if not any(code in fonts.metrics(face) for face in faces):
            missing.append(char)
    return missing


def missing_glyph_message(chars: list[str]) -> str:
    listed = "、".join(describe_char(c) for c in chars)
    return f"印刷字体中没有这些字：{listed}，印出来会是方框。请改用常用字形，或请管理员安装含有这些字的字体。"


def validate_printable(value: str) -> None:
    """Django validator: refuse text with characters no print face has."""
    from django.core.exceptions import ValidationError

    chars = missing_glyphs(value or "")
    if chars:
        raise ValidationError(missing_glyph_message(chars), code="missing_glyph")


def refuse_missing_glyphs(form, names) -> None:
    """In a Django form's ``clean()``: a field error on every field in ``names`` whose
    text has characters no print face has (the message names each and its code point)."""
    from django.core.exceptions import ValidationError

    for name in names:
        value = form.cleaned_data.get(name)
        chars = missing_glyphs(value) if isinstance(value, str) else []
        if chars:
            form.add_error(name, ValidationError(missing_glyph_message(chars), code="missing_glyph"))


def unprintable_chars(text: str) -> list[str]:
    seen: list[str] = []
    for char in text:
        if is_unprintable(char) and char not in seen:
            seen.append(char)
    return seen


def document_texts(document: IssueDocument) -> list[tuple[str, str]]:
    """(where, text) of every text of a document that prints, as stored."""
    texts = [
        ("刊名", document.publication_name),
        ("编印单位", document.compiler),
        ("送", "\n".join(document.distribution)),
        ("本期责任编辑", document.editor_name),
        ("电话", document.editor_phone),
        ("附注", document.extra_line),
    ]
    for section in document.sections:
        texts.append(("栏目", section.name))
        for number, item in enumerate(section.items, 1):
            if isinstance(item, ArticleItem):
                where = f"《{item.title}》"
                texts.append((where + "标题", item.title + item.subtitle))
                paragraphs = item.paragraphs
            else:
                where = f"{section.name}第{number}则"
                paragraphs = [item.paragraph]
            texts += [(f"{where}第{i}段", paragraph_text(p)) for i, p in enumerate(paragraphs, 1)]
            texts.append((where + "署名", item.byline_org + "".join(item.byline_authors)))
    return [(where, text) for where, text in texts if text]


def check_texts(document: IssueDocument, report: CheckReport, *, font_dir: str | None = None) -> None:
    """Missing glyphs and unprintable characters of the document's stored text."""
    for where, text in document_texts(document):
        for char in missing_glyphs(text, font_dir=font_dir):
            report.add("missing_glyph", f"{where}：{describe_char(char)}在印刷字体中没有，会印成方框", char)
        for char in unprintable_chars(text):
            report.add(
                "unprintable",
                f"{where}：控制字符 {describe_char(char)} 不会印出，已删去",
                char,
            )
