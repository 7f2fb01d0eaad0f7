"""The body of a piece is paragraphs and bold, nothing else.

Whatever arrives (the in-page editor, a paste from Word/WPS, a plain textarea, a .docx
import) is reduced on the server to `<p>` and `<strong>`: nh3 first removes everything
dangerous (script and style with their content, attributes, comments), then a small walk
turns block elements into paragraphs and bold markup into `<strong>`. Every text passes
``text.normalize`` (the one door for text): no zero-width characters, byte-order
marks or indents are stored, and each paragraph's quotes are paired across its runs
(``pair_runs``).

Bold is what a browser shows: ``<b>``/``<strong>`` or a ``font-weight`` of 600 and more,
and an explicit ``font-weight: normal``/400 cancels an enclosing bold (Google Docs and WPS
web wrap a whole paste in ``<b style="font-weight:normal">``); Word's
``mso-bidi-font-weight`` is not ``font-weight``. A table becomes one paragraph per row, its
cells separated by an ideographic space, never glued together. A list item of an ``<ol>``
keeps the number the browser shows before it (1. a. I. 一、, from ``start``, ``type``,
``value`` and ``list-style-type``); Word's own list labels (``mso-list:Ignore``) are kept
without the spaces that stand for the tab after them.
"""

import html
import re
from html.parser import HTMLParser

import nh3
from django.core.exceptions import ValidationError

from text.listnumbers import format_number  # one set of number formats for Word and paste
from text.normalize import normalize_paragraph, normalize_text, pair_runs

# Tags that end a paragraph.
# fmt: off
_BLOCKS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "blockquote",
    "table", "tr", "section", "article",
}
# fmt: on
_CELLS = {"td", "th"}
# Tags whose text we keep while we decide paragraphs and bold; all else is unwrapped by nh3.
_PASS_TAGS = _BLOCKS | _CELLS | {"br", "b", "strong", "span", "font"}
# "font-weight", not Word's "mso-bidi-font-weight" (the complex-script weight, which Word
# writes on almost every bold Chinese run as "normal").
_FONT_WEIGHT = re.compile(r"(?<![\w-])font-weight\s*:\s*([a-z0-9]+)", re.I)
# Word's list label (一、 1.) sits in a span marked mso-list:Ignore, followed by spaces
# standing for the tab Word shows after it: the label is text, the spacer is not.
_MSO_LIST_LABEL = re.compile(r"mso-list\s*:\s*ignore", re.I)
_LIST_STYLE = re.compile(r"list-style(?:-type)?\s*:\s*([a-z-]+)", re.I)
_OL_TYPES = {"1": "decimal", "a": "lower-alpha", "A": "upper-alpha", "i": "lower-roman", "I": "upper-roman"}
_VOID = {"br", "img", "hr", "meta", "input", "col", "wbr"}
CELL_SEPARATOR = "\u3000"


def _weight(style: str) -> bool | None:
    """True/False when the style sets a bold/regular weight, None when it says nothing."""
    match = _FONT_WEIGHT.search(style or "")
    if not match:
        return None
    value = match.group(1).lower()
    if value in ("bold", "bolder"):
        return True
    if value in ("normal", "lighter"):
        return False
    return value.isdigit() and int(value) >= 600


class _Paragraphs(HTMLParser):
    """Collects paragraphs as lists of (text, bold) runs from pre-cleaned HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[list[tuple[str, bool]]] = []
        self.tables = 0  # how many tables were turned into rows of text
        self._runs: list[tuple[str, bool]] = []
        self._bold_stack: list[bool] = []  # the effective weight of each open element
        self._label_stack: list[bool] = []  # inside a Word list label (mso-list:Ignore)
        self._cells = 0  # depth of open table cells: blocks inside a cell do not break
        # Open lists: [next number, list-style-type] for <ol>, None for <ul>.
        self._lists: list[list | None] = []
        self._pending_label: tuple[str, bool] | None = None  # an <li>'s number, before its text

    def _list_item(self, attrs: dict, bold: bool) -> None:
        """An <li>: its number as the browser shows it (1. a. I. 一、), put before its text."""
        self._pending_label = None
        if not self._lists or self._lists[-1] is None:
            return
        current = self._lists[-1]
        if (attrs.get("value") or "").strip().lstrip("-").isdigit():
            current[0] = int(attrs["value"])
        style = _LIST_STYLE.search(attrs.get("style") or "")
        kind = style.group(1).lower() if style else current[1]
        label = list_label(current[0], kind)
        current[0] += 1
        if label:
            self._pending_label = (label, bold)

    def _open_list(self, tag: str, attrs: dict) -> None:
        if tag == "ul":
            self._lists.append(None)
            return
        start = (attrs.get("start") or "").strip()
        style = _LIST_STYLE.search(attrs.get("style") or "")
        kind = (
            style.group(1).lower() if style else _OL_TYPES.get((attrs.get("type") or "1").strip(), "decimal")
        )
        self._lists.append([int(start) if start.lstrip("-").isdigit() else 1, kind])

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("ol", "ul"):
            self._open_list(tag, attributes)
        if tag == "table":
            self.tables += 1
        if tag in _CELLS:
            if self._runs:
                self._runs.append((CELL_SEPARATOR, False))
            self._cells += 1
        elif tag in _BLOCKS or tag == "br":
            if self._cells and tag not in ("tr", "table"):
                if tag == "br":
                    self._runs.append((" ", False))
            else:
                self._break()
        if tag in _VOID:
            return
        inherited = self._bold_stack[-1] if self._bold_stack else False
        style = attributes.get("style") or ""
        weight = _weight(style)
        if weight is None:
            weight = True if tag in ("b", "strong") else inherited
        self._bold_stack.append(weight)
        self._label_stack.append(
            bool(self._label_stack and self._label_stack[-1]) or bool(_MSO_LIST_LABEL.search(style))
        )
        if tag == "li":
            self._list_item(attributes, weight)

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        if self._bold_stack:
            self._bold_stack.pop()
        if self._label_stack:
            self._label_stack.pop()
        if tag in ("ol", "ul") and self._lists:
            self._lists.pop()
        if tag == "li":
            self._pending_label = None  # an empty item shows a number and nothing else
        if tag in _CELLS:
            self._cells = max(0, self._cells - 1)
        elif tag in _BLOCKS and not (self._cells and tag not in ("tr", "table")):
            self._break()

    def handle_data(self, data):
        # White space in HTML source is what a browser shows (CSS white-space: normal): runs
        # of spaces and tabs are one space; a line end is a space too, except between two
        # ideographs, where it is nothing (Word's clipboard HTML breaks long lines in the
        # middle of text). Line ends are marked here and decided per paragraph (_tidy), as
        # their neighbours may sit in other elements. U+2028 inside text is layout.
        text = _SOURCE_LINE_END.sub(_SEGMENT, data.replace(_SEGMENT, ""))
        text = normalize_text(_SOURCE_SPACES.sub(" ", text)).replace("\n", "")
        if self._label_stack and self._label_stack[-1]:
            text = text.strip(" \u3000" + _SEGMENT)  # the spacer after Word's list label
        if text and self._pending_label and text.strip(" \u3000"):
            self._runs.append(self._pending_label)
            self._pending_label = None
        if text:
            self._runs.append((text, bool(self._bold_stack and self._bold_stack[-1])))

    def _break(self) -> None:
        # Quotes pair within the paragraph, across its bold and regular runs.
        runs = _tidy(pair_runs(_tidy(self._runs)))
        if runs:
            self.paragraphs.append(runs)
        self._runs = []

    def close(self):
        super().close()
        self._break()


_CJK_DIGITS = "〇一二三四五六七八九"


def _cjk_number(n: int) -> str:
    if not 0 < n < 100:
        return str(n)
    tens, units = divmod(n, 10)
    return (("" if tens == 1 else _CJK_DIGITS[tens]) + "十" if tens else "") + (
        _CJK_DIGITS[units] if units else ""
    )


def list_label(n: int, kind: str) -> str:
    """The marker a browser draws for item ``n`` of an <ol> of a list-style-type, as text:
    1. a. A. i. I. 01. 一、; "" for none (and for bullets, which are not text in a piece)."""
    if kind in ("none", "disc", "circle", "square"):
        return ""
    if kind in ("cjk-ideographic", "simp-chinese-informal", "simp-chinese-formal", "cjk-decimal"):
        if not 0 < n < 100:  # as the editor's list_label (editor.js) does
            return f"{n}、"
        if kind == "simp-chinese-formal":
            return format_number(n, "chineseLegalSimplified") + "、"
        if kind == "cjk-decimal":
            return format_number(n, "ideographDigital") + "、"
        return _cjk_number(n) + "、"
    formats = {
        "lower-alpha": "lowerLetter",
        "lower-latin": "lowerLetter",
        "upper-alpha": "upperLetter",
        "upper-latin": "upperLetter",
        "lower-roman": "lowerRoman",
        "upper-roman": "upperRoman",
        "decimal-leading-zero": "decimalZero",
    }
    return format_number(n, formats.get(kind, "decimal")) + "."


_SEGMENT = "\ufdd0"  # a line end of HTML source, until its paragraph decides (a noncharacter)
_SOURCE_LINE_END = re.compile(r"[ \t]*[\r\n]+[ \t\r\n]*")
_SOURCE_SPACES = re.compile(r"[ \t]+")
# Wide characters (CSS Text 3 segment-break rule; Hangul keeps its space): ideographs, kana,
# CJK and full-width punctuation. editor.js has the same ranges.
_WIDE = (
    "\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uf900-\ufaff"
    "\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd"
)
_SEGMENT_BETWEEN_WIDE = re.compile(f"(?<=[{_WIDE}]){_SEGMENT}+(?=[{_WIDE}])")


def _resolve_white_space(runs: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Source line ends become a space, or nothing between two wide characters; runs of
    ordinary spaces, across runs too, become one space (as a browser shows them)."""
    full = "".join(text for text, _ in runs)
    if _SEGMENT in full:
        full = _SEGMENT_BETWEEN_WIDE.sub(lambda m: "\x00" * len(m.group()), full)
        resolved, start = [], 0
        for text, bold in runs:
            piece = full[start : start + len(text)]
            start += len(text)
            resolved.append((piece.replace("\x00", "").replace(_SEGMENT, " "), bold))
        runs = resolved
    out: list[tuple[str, bool]] = []
    for text, bold in runs:
        text = re.sub(" {2,}", " ", text)
        if out and text.startswith(" ") and any(t for t, _ in out) and _last_char(out) == " ":
            text = text[1:]
        if text:
            out.append((text, bold))
    return out


def _last_char(runs: list[tuple[str, bool]]) -> str:
    for text, _ in reversed(runs):
        if text:
            return text[-1]
    return ""


def _tidy(runs: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Merge neighbouring runs of the same weight and trim the paragraph's outer whitespace."""
    merged: list[tuple[str, bool]] = []
    for text, bold in _resolve_white_space(runs):
        if merged and merged[-1][1] == bold:
            merged[-1] = (merged[-1][0] + text, bold)
        else:
            merged.append((text, bold))
    # The indent and trailing spaces go, however many runs they span.
    while merged and not merged[0][0].lstrip(" \u3000\xa0\t"):
        merged.pop(0)
    while merged and not merged[-1][0].rstrip(" \u3000\xa0\t"):
        merged.pop()
    if merged:
        merged[0] = (merged[0][0].lstrip(" \u3000\xa0\t"), merged[0][1])
        merged[-1] = (merged[-1][0].rstrip(" \u3000\xa0\t"), merged[-1][1])
    merged = [(text, bold) for text, bold in merged if text]
    # Whitespace alone is never bold.
    merged = [(text, bold and bool(text.strip())) for text, bold in merged]
    return merged if any(text.strip() for text, _ in merged) else []


def _paragraph_runs(value: str) -> list[list[tuple[str, bool]]]:
    if "<" not in value and "&" not in value:
        # Plain text (a textarea without the editor): one paragraph per line.
        lines = (normalize_paragraph(line) for line in normalize_text(value).split("\n"))
        return [[(line, False)] for line in lines if line]
    cleaned = nh3.clean(
        value,
        tags=_PASS_TAGS,
        attributes={
            **{tag: {"style"} for tag in ("span", "font", "p", "div", "b", "strong", "td", "th", "ul")},
            "ol": {"style", "start", "type"},
            "li": {"style", "value"},
        },
        clean_content_tags={
            "script",
            "style",
            "iframe",
            "object",
            "embed",
            "noscript",
            "template",
            "title",
            "head",
        },
        strip_comments=True,
        link_rel=None,
    )
    parser = _Paragraphs()
    parser.feed(cleaned)
    parser.close()
    return parser.paragraphs


def runs_to_html(paragraphs: list[list[tuple[str, bool]]]) -> str:
    """Paragraphs of (text, bold) runs as the canonical <p>/<strong> body."""
    out = []
    for runs in paragraphs:
        inner = "".join(
            f"<strong>{html.escape(text, quote=False)}</strong>" if bold else html.escape(text, quote=False)
            for text, bold in _tidy(runs)
        )
        if inner:
            out.append(f"<p>{inner}</p>")
    return "".join(out)


def body_runs(value: str) -> list[list[tuple[str, bool]]]:
    """The body as paragraphs of (text, bold) runs, as sanitize_body keeps them."""
    return [_tidy(runs) for runs in _paragraph_runs(value or "")]


def sanitize_body(value: str) -> str:
    """HTML limited to <p> and <strong>, canonical (sanitizing twice changes nothing)."""
    return runs_to_html(_paragraph_runs(value or ""))


def body_paragraphs(value: str) -> list[str]:
    return ["".join(text for text, _ in runs) for runs in _paragraph_runs(value or "")]


def body_text(value: str) -> str:
    return "\n".join(body_paragraphs(value))


def is_blank(value: str) -> bool:
    return not body_text(value).strip()


def body_length(value: str) -> int:
    return len(re.sub(r"\s", "", body_text(value)))


# What changed between two bodies: text/diff.py.


# --- single-line fields -------------------------------------------------------------

_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>|javascript\s*:|&(lt|#0*60|#x0*3c);\s*/?\s*[a-zA-Z]", re.I)


def reject_markup(value: str) -> None:
    """Validator for text fields: any tag, javascript: link or encoded tag is refused."""
    if value and _MARKUP.search(value):
        raise ValidationError("不能包含 HTML 标记或脚本，请只填写文字。", code="markup")
