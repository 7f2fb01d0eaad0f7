"""The body of a piece is paragraphs and bold, nothing else.

Whatever arrives (the in-page editor, a paste from Word/WPS, a plain textarea, a .docx
import) is reduced on the server to `<p>` and `<strong>`: nh3 first removes everything
dangerous (script and style with their content, attributes, comments), then a small walk
turns block elements into paragraphs and bold markup into `<strong>`.
"""

import html
import re
from html.parser import HTMLParser

import nh3
from django.core.exceptions import ValidationError

# Tags that end a paragraph.
# fmt: off
_BLOCKS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "blockquote",
    "table", "tr", "td", "th", "section", "article",
}
# fmt: on
# Tags whose text we keep while we decide paragraphs and bold; all else is unwrapped by nh3.
_PASS_TAGS = _BLOCKS | {"br", "b", "strong", "span", "font"}
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(bold|bolder|[6-9]00)", re.I)


class _Paragraphs(HTMLParser):
    """Collects paragraphs as lists of (text, bold) runs from pre-cleaned HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[list[tuple[str, bool]]] = []
        self._runs: list[tuple[str, bool]] = []
        self._bold_stack: list[bool] = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS or tag == "br":
            self._break()
        if tag == "br":
            return
        bold = tag in ("b", "strong") or bool(_BOLD_STYLE.search(dict(attrs).get("style") or ""))
        self._bold_stack.append(bold)

    def handle_endtag(self, tag):
        if tag == "br":
            return
        if self._bold_stack:
            self._bold_stack.pop()
        if tag in _BLOCKS:
            self._break()

    def handle_data(self, data):
        text = re.sub(r"[\r\n\t]+", "", data)
        if text:
            self._runs.append((text, any(self._bold_stack)))

    def _break(self) -> None:
        runs = _tidy(self._runs)
        if runs:
            self.paragraphs.append(runs)
        self._runs = []

    def close(self):
        super().close()
        self._break()


def _tidy(runs: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Merge neighbouring runs of the same weight and trim the paragraph's outer whitespace."""
    merged: list[tuple[str, bool]] = []
    for text, bold in runs:
        if merged and merged[-1][1] == bold:
            merged[-1] = (merged[-1][0] + text, bold)
        else:
            merged.append((text, bold))
    if merged:
        merged[0] = (merged[0][0].lstrip(" \u3000\xa0"), merged[0][1])
        merged[-1] = (merged[-1][0].rstrip(" \u3000\xa0"), merged[-1][1])
    merged = [(text, bold) for text, bold in merged if text]
    # Whitespace alone is never bold.
    merged = [(text, bold and bool(text.strip())) for text, bold in merged]
    return merged if any(text.strip() for text, _ in merged) else []


def _paragraph_runs(value: str) -> list[list[tuple[str, bool]]]:
    if "<" not in value and "&" not in value:
        # Plain text (a textarea without the editor): one paragraph per line.
        return [
            [(line.strip(" \u3000\xa0\t"), False)]
            for line in value.splitlines()
            if line.strip(" \u3000\xa0\t")
        ]
    cleaned = nh3.clean(
        value,
        tags=_PASS_TAGS,
        attributes={"span": {"style"}, "font": {"style"}, "p": {"style"}, "div": {"style"}},
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


# What changed between two bodies: submissions/diff.py.


# --- single-line fields -------------------------------------------------------------

_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>|javascript\s*:|&(lt|#0*60|#x0*3c);\s*/?\s*[a-zA-Z]", re.I)


def reject_markup(value: str) -> None:
    """Validator for text fields: any tag, javascript: link or encoded tag is refused."""
    if value and _MARKUP.search(value):
        raise ValidationError("不能包含 HTML 标记或脚本，请只填写文字。", code="markup")
