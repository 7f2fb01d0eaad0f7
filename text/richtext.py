"""The body of a piece is paragraphs, bold, superscript and subscript, nothing else.

Whatever arrives (the in-page editor, a paste from Word/WPS, a plain textarea, a .docx
import) is reduced on the server to `<p>`, `<strong>`, `<sup>` and `<sub>`: nh3 first
removes everything dangerous (script and style with their content, attributes but
``style`` and ``hidden``, comments), then a small walk turns block elements into
paragraphs, bold markup into `<strong>` and raised or lowered text into `<sup>`/`<sub>`,
and leaves out what a browser does not show. Every text passes ``text.normalize`` (the
one door for text): no zero-width characters, byte-order marks or indents are stored, and
each paragraph's quotes are paired across its runs (``pair_runs``).

Bold is what a browser shows: ``<b>``/``<strong>`` or a ``font-weight`` of 600 and more,
and an explicit ``font-weight: normal``/400 cancels an enclosing bold (Google Docs and WPS
web wrap a whole paste in ``<b style="font-weight:normal">``); Word's
``mso-bidi-font-weight`` is not ``font-weight``. A table becomes one paragraph per row, its
cells separated by an ideographic space, never glued together. A list item of an ``<ol>``
keeps the number the browser shows before it (1. a. I. 一、, from ``start``, ``type``,
``value`` and ``list-style-type``); Word's own list labels (``mso-list:Ignore``) are kept
without the spaces that stand for the tab after them.

Superscript and subscript (m², 1.2×10⁴, CO₂) are ``<sup>``/``<sub>`` or a
``vertical-align: super|sub`` (Word's clipboard, Google Docs); ``vertical-align: baseline``
ends them, and the innermost wins (a ``<sub>`` inside a ``<sup>`` is a subscript: one
level, as the print sets it). They are kept only on text inside a paragraph, never on
white space alone, and without attributes; canonical nesting is
``<strong>m<sup>2</sup></strong>``. Plain-text views write them as text.scripts says
(m², CO₂, else ``^``/``_`` before the characters).

Hidden text never enters (and is named, ``hidden_notice``): an element with the ``hidden``
attribute (unless its style sets another ``display``), ``display: none``, Word's
``mso-hide: all``, ``opacity: 0``, a zero height or width with ``overflow: hidden``, all
with their content; text under ``visibility: hidden|collapse`` or ``font-size: 0`` unless
a descendant makes it visible again (``visibility: visible``, a non-zero absolute
``font-size``: the 秀米/135编辑器 layout trick) — as CSS 2.1 §11.2 and CSS Fonts 4 compute
them — from the style attribute and from the simple rules (element, .class,
element.class) of the page's ``<style>`` sheets (``style_rules``).

Struck-through text (``<del>``, ``<s>``, ``<strike>``, ``text-decoration: line-through``:
Word's tracked deletions and manual "deletions") never enters either, and is named; text
in a symbol font (Wingdings "Ø") is the character the font draws (``text.symbols``);
Word's 目录 paragraphs are skipped; ``read_paste`` returns the body with all it left out
or changed, ``PasteReport.notices`` words it for the contributor.
"""

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import nh3
from django.core.exceptions import ValidationError

from text.listnumbers import format_number  # one set of number formats for Word and paste
from text.normalize import normalize_paragraph, normalize_text, pair_runs
from text.scripts import SUB, SUP, script_plain
from text.symbols import FONT_NAMES, map_symbol_text, substitute_for_print, substitution_notice, symbol_font
from text.traces import is_contents_entry, is_contents_heading, stale_notice, stale_texts

# Tags that end a paragraph.
# fmt: off
_BLOCKS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "blockquote",
    "table", "tr", "section", "article",
}
# fmt: on
_CELLS = {"td", "th"}
# Tags whose text we keep while we decide paragraphs and bold; all else is unwrapped by nh3.
# The inline and sectioning tags beyond those are passed only so that one that is hidden
# (style or ``hidden`` attribute) is seen as such; they make no paragraph of their own.
# fmt: off
_PASS_TAGS = _BLOCKS | _CELLS | {
    "br", "b", "strong", "span", "font", "sup", "sub", "del", "ins",
    "a", "em", "i", "u", "s", "strike", "small", "big", "label", "code", "mark", "abbr", "cite", "q",
    "header", "footer", "aside", "nav", "main", "figure", "figcaption", "center", "address", "pre",
    "dl", "dt", "dd", "caption", "thead", "tbody", "tfoot", "details", "summary",
}
# fmt: on
_DECLARATION = re.compile(r"(?<![\w-])([a-z-]+)\s*:\s*([^;]*)", re.I)
_ZERO = re.compile(r"^[+-]?0*\.?0*(px|pt|em|rem|ex|ch|%|cm|mm|in|pc|q|vw|vh)?$", re.I)
_RELATIVE_SIZE = re.compile(r"((?<!r)em|ex|ch|%)$|^(larger|smaller|inherit)$", re.I)
# "font-weight", not Word's "mso-bidi-font-weight" (the complex-script weight, which Word
# writes on almost every bold Chinese run as "normal").
_FONT_WEIGHT = re.compile(r"(?<![\w-])font-weight\s*:\s*([a-z0-9]+)", re.I)
# Word's list label (一、 1.) sits in a span marked mso-list:Ignore, followed by spaces
# standing for the tab Word shows after it: the label is text, the spacer is not.
_MSO_LIST_LABEL = re.compile(r"mso-list\s*:\s*ignore", re.I)
_LIST_STYLE = re.compile(r"list-style(?:-type)?\s*:\s*([a-z-]+)", re.I)
_OL_TYPES = {"1": "decimal", "a": "lower-alpha", "A": "upper-alpha", "i": "lower-roman", "I": "upper-roman"}
_VOID = {"br", "img", "hr", "meta", "input", "col", "wbr"}
# Struck-through text: a tracked deletion Word shows (<del>, span.msoDel), <s>, <strike>.
_STRUCK_TAGS = {"del", "s", "strike"}
# Word's 目录 paragraphs on the clipboard (class MsoToc1 … MsoToc9, the heading MsoTocHeading).
_TOC_CLASS = re.compile(r"^msotoc(?:[1-9]|heading)$", re.I)
# The declarations a rule of the page's <style> sheet may give an element here: what hides
# it, strikes it through or sets it in a symbol font.
_RULE_PROPERTIES = {
    "display", "mso-hide", "visibility", "text-decoration", "text-decoration-line",
    "font-family", "mso-symbol-font-family",
}  # fmt: skip
_STYLE_SHEET = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.I | re.S)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_SIMPLE_SELECTOR = re.compile(r"^([a-z][a-z0-9]*)?(?:\.([\w-]+))?$", re.I)


def style_rules(value: str) -> dict[tuple[str, str], dict[str, str]]:
    """The simple rules of a page's <style> sheets (also inside Word's conditional
    comments): (element or "", class or "") → the declarations that hide, strike or set a
    symbol font. Only element, .class and element.class selectors are read (Word writes
    ``span.Hid{display:none;mso-hide:all}``, WPS ``span.15{display:none}``); @-rules,
    combinators and pseudo-classes are not."""
    rules: dict[tuple[str, str], dict[str, str]] = {}
    for sheet in _STYLE_SHEET.findall(value or ""):
        sheet = _CSS_COMMENT.sub("", sheet).replace("<!--", " ").replace("-->", " ")
        for prelude, body in _top_level_rules(sheet):
            wanted = {k: v for k, v in _declarations(body).items() if k in _RULE_PROPERTIES}
            if not wanted:
                continue
            for selector in prelude.split(","):
                match = _SIMPLE_SELECTOR.match(selector.strip())
                if match and (match.group(1) or match.group(2)):
                    key = ((match.group(1) or "").lower(), (match.group(2) or "").lower())
                    rules.setdefault(key, {}).update(wanted)
    return rules


def _top_level_rules(sheet: str) -> list[tuple[str, str]]:
    """(prelude, declarations) of a sheet's top-level rules; @-rules (@media print {…},
    @font-face, @page, @import …;) with all they hold are passed over."""
    rules, depth, start, body_start, prelude = [], 0, 0, 0, ""
    for i, char in enumerate(sheet):
        if char == "{":
            if depth == 0:
                prelude = sheet[start:i].split(";")[-1].strip()
                body_start = i + 1
            depth += 1
        elif char == "}" and depth:
            depth -= 1
            if depth == 0:
                if prelude and not prelude.startswith("@"):
                    rules.append((prelude, sheet[body_start:i]))
                start = i + 1
    return rules


def _struck(tag: str, css: dict[str, str]) -> bool:
    decoration = css.get("text-decoration", "") + " " + css.get("text-decoration-line", "")
    return tag in _STRUCK_TAGS or "line-through" in decoration


CELL_SEPARATOR = "\u3000"
# A run of a paragraph: (text, bold, script), script "sup", "sub" or "" (the baseline).
# Functions that take runs also take the older (text, bold) pairs.
Run = tuple[str, bool, str]


def as_run(run: tuple) -> Run:
    """A (text, bold) pair or a (text, bold, script) triple as a triple."""
    return (run[0], bool(run[1]), run[2] if len(run) > 2 else "")


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


def _declarations(style: str) -> dict[str, str]:
    """A style attribute's declarations, property → value, lower case (the last one wins)."""
    return {
        name.lower(): value.strip().lower().removesuffix("!important").strip()
        for name, value in _DECLARATION.findall(style or "")
    }


def _script(tag: str, css: dict[str, str], inherited: str) -> str:
    """ "sup", "sub" or "" for the baseline: the tag, else vertical-align, else inherited."""
    if tag == "sup":
        return SUP
    if tag == "sub":
        return SUB
    align = css.get("vertical-align", "")
    if align in ("super", "sub"):
        return SUP if align == "super" else SUB
    if align == "baseline":
        return ""
    return inherited


def _display_none(attrs: dict, css: dict[str, str]) -> bool:
    """The element and all it holds are not shown (no descendant can show itself again)."""
    display = css.get("display", "")
    if display == "none":
        return True
    if "hidden" in attrs and not display:
        return True  # the user agent's [hidden] { display: none }, unless the style says otherwise
    if css.get("mso-hide", "") == "all":
        return True  # Word's hidden text on the clipboard
    if _ZERO.match(css.get("opacity", "x") or "x"):
        return True
    clipped = css.get("overflow", "") in ("hidden", "clip")
    return clipped and any(
        _ZERO.match(css.get(name, "x") or "x") for name in ("height", "max-height", "width", "max-width")
    )


class _Paragraphs(HTMLParser):
    """Collects paragraphs as lists of (text, bold, script) runs from pre-cleaned HTML, and
    the hidden texts it leaves out (``hidden``, one entry per hidden place)."""

    def __init__(self, rules: dict[tuple[str, str], dict[str, str]] | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[list[Run]] = []
        self.tables = 0  # how many tables were turned into rows of text
        self.hidden: list[str] = []  # the texts left out because a browser does not show them
        self.struck: list[str] = []  # the struck-through texts left out, one per passage
        self.symbols: list[str] = []  # symbol-font code points without an equivalent ("Wingdings F0FF")
        self.contents = 0  # 目录 paragraphs left out
        self._rules = rules or {}
        self._struck_stack: list[bool] = []  # inside struck-through text
        self._font_stack: list[str | None] = []  # the symbol font (table key) in effect, or None
        self._toc_stack: list[bool] = []  # inside a 目录 paragraph
        self._struck_text: list[str] = []  # the struck passage being read
        self._toc_paragraph = False  # the paragraph being read is a 目录 entry (by class)
        self._in_contents = False  # the last paragraph was a 目录 entry
        self._runs: list[Run] = []
        self._bold_stack: list[bool] = []  # the effective weight of each open element
        self._label_stack: list[bool] = []  # inside a Word list label (mso-list:Ignore)
        self._script_stack: list[str] = []  # "sup", "sub" or "" of each open element
        # Each open element: (not displayed, visibility hidden, font size zero).
        self._shown_stack: list[tuple[bool, bool, bool]] = []
        self._hidden_text: list[str] = []  # the hidden place being read
        self._cells = 0  # depth of open table cells: blocks inside a cell do not break
        # Open lists: [next number, list-style-type] for <ol>, None for <ul>.
        self._lists: list[list | None] = []
        self._pending_label: Run | None = None  # an <li>'s number, before its text

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
            self._pending_label = (label, bold, "")

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

    def _shown(self, attrs: dict, css: dict[str, str]) -> tuple[bool, bool, bool]:
        """(not displayed, visibility hidden, font size zero) of an element, as CSS computes
        them: display is not inherited but hides the whole subtree; visibility and a zero
        font size are inherited and a descendant may undo them."""
        none, invisible, zero = self._shown_stack[-1] if self._shown_stack else (False, False, False)
        none = none or _display_none(attrs, css)
        visibility = css.get("visibility", "")
        if visibility in ("hidden", "collapse"):
            invisible = True
        elif visibility == "visible":
            invisible = False
        size = css.get("font-size", "")
        if size and _ZERO.match(size):
            zero = True
        elif size and not _RELATIVE_SIZE.search(size):
            zero = False  # an absolute size (16px, 12pt, 1rem, medium) shows the text again
        return none, invisible, zero

    @property
    def _is_hidden(self) -> bool:
        return bool(self._shown_stack) and any(self._shown_stack[-1])

    def _end_hidden_place(self) -> None:
        text = " ".join(normalize_text("".join(self._hidden_text)).split())
        if text:
            self.hidden.append(text)
        self._hidden_text = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in _VOID:
            if tag == "br" and not (self._shown_stack and self._shown_stack[-1][0]):
                self._structure(tag, attributes)
            return
        style = attributes.get("style") or ""
        classes = (attributes.get("class") or "").lower().split()
        css = {**self._rule_css(tag, classes), **_declarations(style)}
        shown = self._shown(attributes, css)
        self._struck_stack.append(bool(self._struck_stack and self._struck_stack[-1]) or _struck(tag, css))
        family = css.get("mso-symbol-font-family") or css.get("font-family") or attributes.get("face")
        if family:
            self._font_stack.append(symbol_font(family))
        else:
            self._font_stack.append(self._font_stack[-1] if self._font_stack else None)
        toc = any(_TOC_CLASS.match(name) for name in classes)
        self._toc_stack.append(bool(self._toc_stack and self._toc_stack[-1]) or toc)
        self._shown_stack.append(shown)
        inherited = self._bold_stack[-1] if self._bold_stack else False
        weight = _weight(style)
        if weight is None:
            weight = True if tag in ("b", "strong") else inherited
        self._bold_stack.append(weight)
        self._label_stack.append(
            bool(self._label_stack and self._label_stack[-1]) or bool(_MSO_LIST_LABEL.search(style))
        )
        self._script_stack.append(_script(tag, css, self._script_stack[-1] if self._script_stack else ""))
        if shown[0]:
            return  # not displayed: it makes no paragraph, list number or table row
        self._structure(tag, attributes)
        if toc:
            self._toc_paragraph = True
        if tag == "li":
            self._list_item(attributes, weight)

    def _rule_css(self, tag: str, classes: list[str]) -> dict[str, str]:
        """What the sheet's rules give the element, by specificity: element, then .class,
        then element.class (the style attribute, applied after, wins over all)."""
        if not self._rules:
            return {}
        css: dict[str, str] = {}
        css.update(self._rules.get((tag, ""), {}))
        for name in classes:
            css.update(self._rules.get(("", name), {}))
        for name in classes:
            css.update(self._rules.get((tag, name), {}))
        return css

    def _structure(self, tag: str, attributes: dict) -> None:
        """Paragraph breaks, table cells and lists an element makes where it is displayed."""
        if tag in ("ol", "ul"):
            self._open_list(tag, attributes)
        if tag == "table":
            self.tables += 1
        if tag in _CELLS:
            if self._runs:
                self._runs.append((CELL_SEPARATOR, False, ""))
            self._cells += 1
        elif tag in _BLOCKS or tag == "br":
            if self._cells and tag not in ("tr", "table"):
                if tag == "br":
                    self._runs.append((" ", False, ""))
            else:
                self._break()

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        if self._bold_stack:
            self._bold_stack.pop()
        if self._label_stack:
            self._label_stack.pop()
        if self._script_stack:
            self._script_stack.pop()
        if self._font_stack:
            self._font_stack.pop()
        if self._toc_stack:
            self._toc_stack.pop()
        was_struck = bool(self._struck_stack) and self._struck_stack.pop()
        if was_struck and not (self._struck_stack and self._struck_stack[-1]):
            self._end_struck_passage()
        was_hidden = self._is_hidden
        not_displayed = bool(self._shown_stack) and self._shown_stack.pop()[0]
        if was_hidden and not self._is_hidden:
            self._end_hidden_place()
        if not_displayed:
            return
        if tag in ("ol", "ul") and self._lists:
            self._lists.pop()
        if tag == "li":
            self._pending_label = None  # an empty item shows a number and nothing else
        if tag in _CELLS:
            self._cells = max(0, self._cells - 1)
        elif tag in _BLOCKS and not (self._cells and tag not in ("tr", "table")):
            self._break()

    def _end_struck_passage(self) -> None:
        text = " ".join(normalize_text("".join(self._struck_text)).split())
        if text:
            self.struck.append(text)
        self._struck_text = []

    def handle_data(self, data):
        if self._toc_stack and self._toc_stack[-1]:
            return  # a 目录 entry, its dot leader and page number: left out as a whole, noted once
        if self._is_hidden:
            self._hidden_text.append(data)
            return
        if self._struck_stack and self._struck_stack[-1]:
            self._struck_text.append(data)
            return
        font = self._font_stack[-1] if self._font_stack else None
        if font:
            data, missing = map_symbol_text(font, data)
            name = FONT_NAMES.get(font, font.title())
            self.symbols += [f"{name} 字体 {code:04X}" for code in missing]
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
            bold = bool(self._bold_stack and self._bold_stack[-1])
            self._runs.append((text, bold, self._script_stack[-1] if self._script_stack else ""))

    def _break(self) -> None:
        # Quotes pair within the paragraph, across its bold and regular runs.
        runs = _tidy(pair_runs(_tidy(self._runs)))
        self._runs = []
        toc, self._toc_paragraph = self._toc_paragraph, False
        if not runs and not toc:
            return
        text = "".join(run[0] for run in runs)
        last = "".join(run[0] for run in self.paragraphs[-1]) if self.paragraphs else ""
        if toc or ((self._in_contents or is_contents_heading(last)) and is_contents_entry(text)):
            # A 目录 (Word's TOC paragraphs, or lines with a dot leader and a page number
            # under a 目录 heading): not the piece's text; its heading goes with it.
            if self.paragraphs and is_contents_heading(last):
                self.paragraphs.pop()
            self.contents += 1
            self._in_contents = True
            return
        self._in_contents = False
        self.paragraphs.append(runs)

    def close(self):
        super().close()
        self._end_hidden_place()
        self._end_struck_passage()
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


def _resolve_white_space(runs: list[Run]) -> list[Run]:
    """Source line ends become a space, or nothing between two wide characters; runs of
    ordinary spaces, across runs too, become one space (as a browser shows them)."""
    full = "".join(text for text, _, _ in runs)
    if _SEGMENT in full:
        full = _SEGMENT_BETWEEN_WIDE.sub(lambda m: "\x00" * len(m.group()), full)
        resolved, start = [], 0
        for text, bold, script in runs:
            piece = full[start : start + len(text)]
            start += len(text)
            resolved.append((piece.replace("\x00", "").replace(_SEGMENT, " "), bold, script))
        runs = resolved
    out: list[Run] = []
    for text, bold, script in runs:
        text = re.sub(" {2,}", " ", text)
        if out and text.startswith(" ") and any(t for t, _, _ in out) and _last_char(out) == " ":
            text = text[1:]
        if text:
            out.append((text, bold, script))
    return out


def _last_char(runs: list[Run]) -> str:
    for text, _, _ in reversed(runs):
        if text:
            return text[-1]
    return ""


_OUTER_SPACE = " \u3000\xa0\t"


def _tidy(runs: list[tuple]) -> list[Run]:
    """Merge neighbouring runs of the same weight and script and trim the paragraph's outer
    whitespace. White space alone is never bold, raised or lowered."""
    merged: list[Run] = []
    for text, bold, script in _resolve_white_space([as_run(run) for run in runs]):
        if not text.strip():
            bold, script = False, ""
        if merged and merged[-1][1:] == (bold, script):
            merged[-1] = (merged[-1][0] + text, bold, script)
        else:
            merged.append((text, bold, script))
    # The indent and trailing spaces go, however many runs they span.
    while merged and not merged[0][0].lstrip(_OUTER_SPACE):
        merged.pop(0)
    while merged and not merged[-1][0].rstrip(_OUTER_SPACE):
        merged.pop()
    if merged:
        merged[0] = (merged[0][0].lstrip(_OUTER_SPACE), *merged[0][1:])
        merged[-1] = (merged[-1][0].rstrip(_OUTER_SPACE), *merged[-1][1:])
    merged = [run for run in merged if run[0]]
    return merged if any(text.strip() for text, _, _ in merged) else []


def _clean(value: str) -> _Paragraphs:
    """The body read into paragraphs of runs (the parser, closed), hidden text left out."""
    parser = _Paragraphs(style_rules(value) if "<style" in value.lower() else None)
    if "<" not in value and "&" not in value:
        # Plain text (a textarea without the editor): one paragraph per line.
        lines = (normalize_paragraph(line) for line in normalize_text(value).split("\n"))
        parser.paragraphs = [[(line, False, "")] for line in lines if line]
        return parser
    cleaned = nh3.clean(
        value,
        tags=_PASS_TAGS,
        attributes={
            "*": {"style", "hidden", "class"},
            "ol": {"start", "type"},
            "li": {"value"},
            "font": {"face"},
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
    parser.feed(cleaned)
    parser.close()
    return parser


def _paragraph_runs(value: str) -> list[list[Run]]:
    return _clean(value).paragraphs


_SCRIPT_TAGS = {SUP: ("<sup>", "</sup>"), SUB: ("<sub>", "</sub>")}


def runs_to_html(paragraphs: list[list[tuple]]) -> str:
    """Paragraphs of (text, bold[, script]) runs as the canonical body: <p>, then <strong>
    around each stretch of bold, <sup>/<sub> innermost (``<strong>m<sup>2</sup></strong>``)."""
    out = []
    for runs in paragraphs:
        parts = []
        for text, bold, script in _tidy(runs):
            inner = html.escape(text, quote=False)
            if script in _SCRIPT_TAGS:
                opening, closing = _SCRIPT_TAGS[script]
                inner = f"{opening}{inner}{closing}"
            if bold and parts and parts[-1].endswith("</strong>"):
                parts[-1] = parts[-1][: -len("</strong>")] + inner + "</strong>"
            else:
                parts.append(f"<strong>{inner}</strong>" if bold else inner)
        inner = "".join(parts)
        if inner:
            out.append(f"<p>{inner}</p>")
    return "".join(out)


def body_runs(value: str) -> list[list[Run]]:
    """The body as paragraphs of (text, bold, script) runs, as sanitize_body keeps them."""
    return [_tidy(runs) for runs in _paragraph_runs(value or "")]


def sanitize_body(value: str) -> str:
    """HTML limited to <p>, <strong>, <sup> and <sub>, canonical (sanitizing twice changes
    nothing). Hidden text is left out; ``sanitize_paste`` also says what was."""
    return runs_to_html(_paragraph_runs(value or ""))


def sanitize_paste(value: str) -> tuple[str, list[str]]:
    """(``sanitize_body(value)``, the hidden texts left out, one per hidden place, white
    space collapsed) — for the paths that must name what they did not take."""
    parser = _clean(value or "")
    return runs_to_html(parser.paragraphs), parser.hidden


@dataclass
class PasteReport:
    """A pasted (or embedded) page read as the body, and what it did not take as shown:
    ``hidden`` and ``struck`` texts (one per place), ``symbols`` without an equivalent,
    ``contents`` 目录 paragraphs left out, ``substituted`` bullets the print lacks ("⮚→▶"),
    ``stale`` broken-field texts kept as they are, as (place, text)."""

    paragraphs: list[list[Run]]
    hidden: list[str] = field(default_factory=list)
    struck: list[str] = field(default_factory=list)
    symbols: list[str] = field(default_factory=list)
    contents: int = 0
    substituted: list[str] = field(default_factory=list)
    stale: list[tuple[str, str]] = field(default_factory=list)
    tables: int = 0

    @property
    def body(self) -> str:
        return runs_to_html(self.paragraphs)

    def notices(self, verb: str = "粘贴") -> list[str]:
        """One line per kind, in Chinese, for the contributor (see ``paste_notices``)."""
        return paste_notices(self, verb=verb)


def read_paste(value: str, *, for_print: bool = True) -> PasteReport:
    """A pasted page (or a body as the form posts it) read as ``sanitize_body`` reads it,
    with what it left out or changed. ``for_print``: bullets and check marks the print faces
    lack are replaced by the nearest they have (``text.symbols.PRINT_SUBSTITUTES``)."""
    parser = _clean(value or "")
    paragraphs = [_tidy(runs) for runs in parser.paragraphs]
    report = PasteReport(
        paragraphs,
        hidden=parser.hidden,
        struck=parser.struck,
        symbols=parser.symbols,
        contents=parser.contents,
        tables=parser.tables,
    )
    for number, runs in enumerate(paragraphs, 1):
        if for_print:
            for i, run in enumerate(runs):
                text, made = substitute_for_print(run[0])
                if made:
                    runs[i] = (text, *run[1:])
                    report.substituted += made
        report.stale += [(f"第 {number} 段", text) for text in stale_texts("".join(r[0] for r in runs))]
    return report


def _quoted_list(texts: list[str], limit: int, width: int) -> str:
    """“甲”、“乙……”…: at most ``limit`` texts, each cut after ``width`` characters."""
    quoted = [f"“{text[:width]}{'……' if len(text) > width else ''}”" for text in texts[:limit]]
    return "、".join(quoted) + ("……" if len(texts) > limit else "")


def struck_notice(struck: list[str], *, verb: str = "粘贴", limit: int = 5, width: int = 20) -> str:
    """ "删除线文字 2 处未粘贴：“15个”、“计划年底前完成。”（原文中划了删除线或是修订中删除的文字…）"."""
    if not struck:
        return ""
    return (
        f"删除线文字 {len(struck)} 处未{verb}：{_quoted_list(struck, limit, width)}"
        "（原文中划了删除线或修订中删去的文字，不会保存和刊印；如需要，请直接输入）"
    )


def paste_notices(report: PasteReport, *, verb: str = "粘贴") -> list[str]:
    """The lines naming what a paste did not take as shown: hidden text, struck text,
    symbol characters without an equivalent, a 目录 skipped, symbols replaced for print,
    broken-field texts kept. The editor (static/submissions/editor.js) words them alike."""
    notes = [hidden_notice(report.hidden, verb=verb), struck_notice(report.struck, verb=verb)]
    if report.symbols:
        listed = "、".join(report.symbols[:5]) + ("……" if len(report.symbols) > 5 else "")
        notes.append(
            f"符号字体字符 {len(report.symbols)} 处无法转换：{listed}（没有对应的标准字符，未{verb}，请核对后补上）"
        )
    if report.contents:
        notes.append(f"已跳过 Word 自动目录（目录条目和页码 {report.contents} 行未{verb}）")
    notes.append(substitution_notice(report.substituted))
    notes.append(stale_notice(report.stale, verb=verb))
    return [note for note in notes if note]


def hidden_notice(hidden: list[str], *, verb: str = "粘贴", limit: int = 5, width: int = 20) -> str:
    """The notice naming hidden text that was left out: "隐藏文字 2 处未粘贴：“此处数据待核实，
    请勿外发”、“点击此处替换标题文字”（网页或 Word 中设为不显示的文字，不会保存和刊印）"; "" for none.
    Each text is cut after ``width`` characters (……), at most ``limit`` are quoted."""
    if not hidden:
        return ""
    return (
        f"隐藏文字 {len(hidden)} 处未{verb}：{_quoted_list(hidden, limit, width)}"
        "（原文中设为不显示的文字，不会保存和刊印；如需要，请直接输入）"
    )


def run_plain(run: tuple) -> str:
    """One run as plain text: a superscript or subscript as text.scripts writes it."""
    text, _, script = as_run(run)
    return script_plain(text, script)


def body_paragraphs(value: str) -> list[str]:
    """The body's paragraphs as plain text (m<sup>2</sup> reads "m²", see text.scripts)."""
    return ["".join(run_plain(run) for run in runs) for runs in _paragraph_runs(value or "")]


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
