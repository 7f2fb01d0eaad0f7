"""Render an issue document to print HTML and to PDF (WeasyPrint).

Both are pure functions of the document: no request, no database. The HTML is the same
one the preview shows and the PDF prints, stylesheet included.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.template import Context, Engine
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from printing.checks import check_texts
from printing.libraries import quick_library_lookup

with quick_library_lookup():
    from weasyprint import HTML
    from weasyprint.document import Document
    from weasyprint.formatting_structure.boxes import FootnoteAreaBox, LineBox, PageBox
    from weasyprint.text.fonts import FontConfiguration

from printing.checks import CheckReport
from printing.document import ArticleItem, BriefItem, IssueDocument, Paragraph, Run
from printing.fonts import Face, FontSet, font_set, screen_family
from printing.typography import (
    NARROW_MIN_EM,
    SPACING_BOUNDS_EM,
    break_lines,
    css_letter_spacing,
    drawn_line_end,
    justify_drawn,
    phrase_lines,
    save_break_cache,
    save_segment_cache,
    short_last_line,
    strip_unprintable,
    text_boxes,
)

MM = 72 / 25.4  # pt per mm
BLOCK_WIDTH = 156 * MM
BLOCK_HEIGHT = 225 * MM
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
LINE = BLOCK_HEIGHT / LINES_PER_PAGE  # line pitch, ≈ 28.99 pt
PITCH = BLOCK_WIDTH / CHARS_PER_LINE  # character pitch, ≈ 15.79 pt
BODY_SIZE = 16.0  # 3号
TITLE_SIZE = 22.0  # 2号
SMALL_SIZE = 14.0  # 4号: page numbers, distribution block
TOC_SIZE = 14.0
# At 16 pt a CJK character is wider than the grid pitch; this letter-spacing puts
# 28 characters on a line.
GRID_SPACING = PITCH - BODY_SIZE
# A line whose last glyph ends this close to the edge with the grid spacing is left as it is.
NATURAL_TOLERANCE = 0.05
# A line broken inside a web or e-mail address is spaced out at most this much (em,
# a twentieth of the body size, about a tenth of a Latin letter):
# Latin letters spaced further read as separate letters; such a line is set ragged.
ADDRESS_MAX_EM = 0.05
# Lines are broken with the bounds narrowed by this much (pt): the drawn spacing of
# single glyphs differs from a line's average by up to 3/1000 em (see justify_drawn).
DRAWING_MARGIN = 0.08
# A last line that ends this close to the edge is full, and is justified like the others.
FULL_LAST_LINE = 0.5
# Superscript and subscript (m², CO₂) are set this much smaller than their paragraph: 五号
# (10.5 pt) in a 三号 body, as Word's and WPS's superscript button sets them (about two
# thirds). print.css raises and lowers them without changing the line's height.
SCRIPT_SCALE = 10.5 / 16

# The 送 / 本期责任编辑 / 电话 block (print.css): 24 pt lines, 4 pt paddings, its rules,
# and the one grid line above it.
COLOPHON_LINE = 24.0
# Taller than this, the 送 block cannot sit under the last byline and two lines of its
# text on one page: it goes straight into the flow.
COLOPHON_FOOTNOTE_MAX = BLOCK_HEIGHT - 3 * LINE
# In the flow, a block no taller than this goes whole to the next page, with the last
# byline and two lines of its text, rather than be split.
COLOPHON_WHOLE_MAX = COLOPHON_FOOTNOTE_MAX

CSS_PATH = Path(__file__).with_name("print.css")
SCREEN_CSS_PATH = Path(__file__).with_name("screen.css")
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE = "printing/issue.html"

# The print template is rendered by a standalone engine: rendering needs neither a
# request nor Django's settings, so scripts and workers can print without django.setup().
_ENGINE = Engine(
    dirs=[str(TEMPLATES_DIR)],
    loaders=[("django.template.loaders.cached.Loader", ["django.template.loaders.filesystem.Loader"])],
    autoescape=True,
)

# One FontConfiguration for the process: WeasyPrint caches loaded @font-face files and
# Pango font maps on it, which is most of what makes a second render fast.
FONT_CONFIG = FontConfiguration()


@dataclass(frozen=True)
class _Glyph:
    char: str
    face: Face
    advance: float
    script: str = ""  # "sup" or "sub": set at SCRIPT_SCALE, raised or lowered

    @property
    def key(self) -> str:
        """What one text box shares: the face, and the script (its own size)."""
        return f"{self.face.key}:{self.script}" if self.script else self.face.key


def _glyphs(runs: Sequence[Run], fonts: FontSet, role: str, bold_role: str, size: float) -> list[_Glyph]:
    glyphs = []
    for run in runs:
        run_role = bold_role if run.bold else role
        script = run.script if run.script in ("sup", "sub") else ""
        glyph_size = size * SCRIPT_SCALE if script else size
        for char in strip_unprintable(run.text):
            face, advance = fonts.glyph(run_role, char, glyph_size)
            glyphs.append(_Glyph(char, face, advance, script))
    return glyphs


def _spacing_css(units: int, size: float) -> str:
    if units == 0:
        return ' style="letter-spacing:0"'
    return f' style="letter-spacing:{css_letter_spacing(units, size):.4f}pt"'


def _emit(glyphs: Sequence[_Glyph], units: Sequence[int], size: float, base_key: str, base_units: int) -> str:
    """Spans of equal face and spacing; WeasyPrint lays each out as one text box.

    Text in the paragraph's own face and spacing goes out bare: fewer elements is most
    of what keeps WeasyPrint's style computation, and so the render, fast.
    """
    parts: list[str] = []
    for i, j in text_boxes([g.key for g in glyphs], units):
        text = escape("".join(g.char for g in glyphs[i:j]))
        script = glyphs[i].script
        if glyphs[i].face.key == base_key and units[i] == base_units and not script:
            parts.append(text)
        else:
            css_class = glyphs[i].face.css_class + (f" script-{script}" if script else "")
            parts.append(f'<span class="{css_class}"{_spacing_css(units[i], size)}>{text}</span>')
    return "".join(parts)


def typeset(
    runs: Sequence[Run],
    fonts: FontSet,
    *,
    role: str = "body",
    bold_role: str = "bold",
    size: float = BODY_SIZE,
    width: float = BLOCK_WIDTH,
    indent: float = 2 * PITCH,
    justify: bool = True,
    report: CheckReport | None = None,
    where: str = "",
) -> SafeString:
    """Break a paragraph into justified lines: spans with per-line spacing, one line a row.

    Every justified line's letter-spacing stays within ``SPACING_BOUNDS_EM``; a line that
    cannot be justified within them is set ragged and, with ``report``, reported under
    ``where`` (e.g. "《标题》第2段").
    """
    glyphs = _glyphs(runs, fonts, role, bold_role, size)
    text = "".join(g.char for g in glyphs)
    grid_units = grid_units_for(size)
    grid_spacing = grid_units * size / 1000
    low, high = SPACING_BOUNDS_EM
    lines = break_lines(
        text,
        [g.advance for g in glyphs],
        first_width=width - indent,
        width=width,
        base_spacing=grid_spacing,
        min_spacing=low * size + DRAWING_MARGIN,
        max_spacing=high * size - DRAWING_MARGIN if justify else None,
        address_max_spacing=ADDRESS_MAX_EM * size if justify else None,
        narrow_min_spacing=NARROW_MIN_EM * size + DRAWING_MARGIN,
        avoid_short_last=justify,
    )
    if justify and report is not None and short_last_line(text, lines):
        last = text[lines[-1].start : lines[-1].end].strip()
        report.add(
            "short_last_line",
            f"{where}末行只有一个字“{last}”，在字距范围内无法避免（可增删一两个字）",
            text[lines[-2].start : lines[-1].end],
        )
    out = []
    for number, line in enumerate(lines):
        start, end = line.start, line.end
        while start < end and text[start] == " ":
            start += 1  # a space at a line's ends is the line break itself
        while end > start and text[end - 1] == " ":
            end -= 1
        line_glyphs = glyphs[start:end]
        avail = width - indent if number == 0 else width
        units = [grid_units] * len(line_glyphs)
        if line.note and report is not None:
            report.add("ragged", f"{where}第{number + 1}行：{line.note}", text[start:end])
        if justify and len(line_glyphs) > 1 and not line.note:
            advances = [g.advance for g in line_glyphs]
            keys = [g.key for g in line_glyphs]
            natural = drawn_line_end(advances, units, size, keys)
            # A paragraph's last line is justified only when it is full anyway (a
            # 28-character last line on the grid ends 0.3 pt past the edge).
            if line.justify or abs(natural - avail) < FULL_LAST_LINE:
                # Lines that already end on the edge with the grid spacing keep it: every
                # extra span costs WeasyPrint about a millisecond.
                if abs(natural - avail) > NATURAL_TOLERANCE:
                    units = justify_drawn(advances, avail, size, keys)
        out.append(_emit(line_glyphs, units, size, fonts.roles[role].key, grid_units))
    # Newlines under white-space: pre end the lines: no <br> elements to style.
    return mark_safe("\n".join(out))


def title_lines(
    text: str, fonts: FontSet, *, role: str = "title", size: float = TITLE_SIZE, width: float = BLOCK_WIDTH
) -> list[str]:
    """A title's centred lines (see ``broken_title``)."""
    return broken_title(text, fonts, role=role, size=size, width=width)[0]


def broken_title(
    text: str,
    fonts: FontSet,
    *,
    role: str = "title",
    size: float = TITLE_SIZE,
    width: float = BLOCK_WIDTH,
    balanced: bool = True,
) -> tuple[list[str], str]:
    """A title (or a 目录 entry) broken where an editor would: (its lines, a note).

    As few lines as its natural width needs, at phrase ends and word starts, never inside
    a word, the lines of even length (GB/T 9704-2012 §7.3.3: 词意完整，排列对称，长短适宜;
    ``typography.phrase_lines``); a space the author typed is taken as a line break. A
    title is set centred at its natural spacing, so no line counts on tightening. The
    note (Chinese, "" when the break is good) says when no good break exists and the
    lines were only balanced.
    """
    text = text.strip()
    if not text:
        return [], ""
    advances = [fonts.glyph(role, c, size)[1] for c in text]
    broken = phrase_lines(text, advances, width, size, balanced=balanced)
    lines = [text[a:b] for a, b in broken.spans]
    note = ""
    if broken.poor:
        how = "已按长短均衡断为" if balanced else "已断为"
        note = f"“{text}”找不到词语或短语之间的断行处，{how}{len(lines)}行：{' / '.join(lines)}，请核对"
    return lines, note


def byline_html(
    parts: Sequence[str], fonts: FontSet, *, size: float = BODY_SIZE, width: float = BLOCK_WIDTH
) -> SafeString:
    """A byline in the 楷体 face, right-aligned by its element: one line when it fits,
    else broken between its parts (the unit, then each name: ``typography.byline_parts``;
    never inside a name) into lines of the block's width, joined by <br> — a byline longer
    than the block was cut off at the paper's edge. A unit longer than a line breaks at a
    word start (``phrase_lines``). The parts are joined by full-width spaces, in (　) marks."""

    def measure(s: str) -> float:
        return sum(fonts.glyph("kai", c, size)[1] for c in s)

    text = "（" + "\u3000".join(parts) + "）"
    if measure(text) <= width:
        return _face_span(text, fonts, "kai")
    pieces = list(parts)
    pieces[0] = "（" + pieces[0]
    pieces[-1] = pieces[-1] + "）"
    lines: list[str] = []
    for part in pieces:
        if lines and measure(lines[-1] + "\u3000" + part) <= width:
            lines[-1] += "\u3000" + part
        elif measure(part) <= width:
            lines.append(part)
        else:  # one part longer than a line: broken at a word start
            advances = [fonts.glyph("kai", c, size)[1] for c in part]
            spans = phrase_lines(part, advances, width, size, balanced=False).spans
            lines += [part[a:b] for a, b in spans]
    return mark_safe("<br>".join(_face_span(line, fonts, "kai") for line in lines))


def _face_span(text: str, fonts: FontSet, role: str) -> SafeString:
    """Text in a role's face, which its parent element sets (class f-<role>).

    Only characters the face lacks get a span, in the fallback face that has them.
    """
    primary = fonts.roles[role]
    out: list[str] = []
    run: list[str] = []
    run_face: Face | None = None

    def flush() -> None:
        if not run:
            return
        chunk = escape("".join(run))
        if run_face is None or run_face.key == primary.key:
            out.append(chunk)
        else:
            out.append(f'<span class="{run_face.css_class}">{chunk}</span>')
        run.clear()

    for char in strip_unprintable(text):
        face = fonts.face_for(role, char)
        if run and face is not run_face:
            flush()
        run_face = face
        run.append(char)
    flush()
    return mark_safe("".join(out))


@lru_cache(maxsize=4)
def grid_units_for(size: float) -> float:
    """The letter-spacing of bare body text, in 1/1000 em: 28 characters of 3号 in one text
    box end on the block's right edge as WeasyPrint draws them (to 0.01 pt), so the lines
    of plain Chinese text, most of an issue, need no span of their own. Other sizes: 0."""
    if size != BODY_SIZE:
        return 0
    advances = [BODY_SIZE] * CHARS_PER_LINE
    ideal = GRID_SPACING * 1000 / BODY_SIZE
    candidates = [round(ideal + step / 100, 2) for step in range(-150, 151)]
    return min(
        candidates,
        key=lambda u: (
            abs(drawn_line_end(advances, [u] * CHARS_PER_LINE, size) - BLOCK_WIDTH),
            abs(u - ideal),
        ),
    )


def base_spacing_css(size: float = BODY_SIZE) -> str:
    """The letter-spacing of bare text in a body paragraph (see _emit and grid_units_for)."""
    return f"letter-spacing: {css_letter_spacing(grid_units_for(size), size):.4f}pt"


def body_overhang_css(size: float = BODY_SIZE) -> str:
    """The extra measure of a body paragraph, past the text block's right edge.

    A justified line's last character carries its letter-spacing past the edge (up to
    ``SPACING_BOUNDS_EM``'s upper bound, 4 pt at 3号); WeasyPrint counts it in the line's
    width and, under white-space: pre-wrap, re-breaks a line that overflows its measure,
    leaving the line's last character alone on a line. One point more than the bound
    keeps every line render.py has broken whole.
    """
    overhang = SPACING_BOUNDS_EM[1] * size + 1
    return f"margin-right: -{overhang:.2f}pt"


def script_css() -> str:
    """Superscript and subscript: SCRIPT_SCALE of the paragraph's size, raised by half their
    own size (a third of the paragraph's, as Word raises them) or lowered by a fifth. Their
    spans have line-height 0 (print.css, span[class^="f-"]), so a raised 2 never makes its
    line taller and the body keeps the grid's pitch."""
    return (
        f".script-sup, .script-sub {{ font-size: {SCRIPT_SCALE * 100:.4f}%; }}\n"
        ".script-sup { vertical-align: 0.5em; }\n"
        ".script-sub { vertical-align: -0.2em; }"
    )


def is_subheading(paragraph: Sequence[Run]) -> bool:
    """A paragraph set all in bold (a sub-heading: "一、强化监督"): it keeps with the line
    after it, never last on a page with its text on the next (背题; print.css .subhead)."""
    return bool(paragraph) and all(run.bold for run in paragraph if run.text.strip())


def colophon_height(lines: int) -> float:
    """The height in pt of the 送 block of ``lines`` lines (送 lines, the editor, the
    phone, the extra line), with its paddings, rules and the grid line above it."""
    return lines * COLOPHON_LINE + 3 * 4 + 2.5 + LINE


def build_context(
    document: IssueDocument,
    fonts: FontSet,
    *,
    report: CheckReport | None = None,
    font_url: Callable[[Face], str] | None = None,
    colophon_flow: bool | None = None,
    colophon_whole: bool = True,
    toc_runs_on: bool = False,
) -> dict:
    """The print template's context; lines that cannot be justified go to ``report``.

    ``colophon_flow``: the 送 block in the flow (True), as a footnote at the foot of the
    last page (False), or as a footnote unless it is too tall for one (None).

    ``colophon_whole``: a flowed block that fits on a page kept whole (print.css).
    ``toc_runs_on``: the 目录 is longer than page 1 and the articles follow it on page 2.

    ``font_url`` (the screen preview): every face loaded from the URL it gives, and the
    screen stylesheet added (pages on a grey background).
    """
    doc = document.normalized()
    toc_width = BLOCK_WIDTH - 6 * TOC_SIZE

    def phrase_broken(text: str, where: str, **options) -> list[str]:
        lines, note = broken_title(text, fonts, **options)
        if note and report is not None:
            report.add("title_break", f"{where}：{note}", text)
        return lines

    toc = []
    for entry in doc.toc():
        lines = []
        for title in entry.titles:
            # A 目录 entry breaks like its title, each line as full as its breaks allow.
            broken = phrase_broken(title, "目录", role="body", size=TOC_SIZE, width=toc_width, balanced=False)
            lines.append(mark_safe("\n".join(_face_span(line, fonts, "body") for line in broken)))
        toc.append(
            {"section": _face_span(entry.section, fonts, "bold"), "lines": lines, "name": entry.section}
        )
    sections = []
    for section in doc.sections:
        if not section.items:
            continue
        items = []
        for item in section.items:
            if isinstance(item, ArticleItem):
                lines = phrase_broken(item.title, "标题")
                if item.subtitle:
                    lines += phrase_broken(item.subtitle, "副标题")
                items.append(
                    {
                        "kind": "article",
                        "bookmark": item.toc_title,
                        # Newlines end the title's lines (white-space: pre): no <br> elements.
                        "title_html": mark_safe(
                            "\n".join(_face_span(line, fonts, "title") for line in lines)
                        ),
                        "paragraphs": [
                            {
                                "html": typeset(p, fonts, report=report, where=f"《{item.title}》第{n}段"),
                                "subhead": is_subheading(p),
                            }
                            for n, p in enumerate(item.paragraphs, 1)
                        ],
                        "byline": byline_html(item.byline_parts, fonts) if item.byline else "",
                    }
                )
            elif isinstance(item, BriefItem):
                items.append(
                    {
                        "kind": "brief",
                        "paragraphs": [
                            {
                                "html": typeset(
                                    item.paragraph,
                                    fonts,
                                    report=report,
                                    where=f"{section.name}第{len(items) + 1}则",
                                )
                            }
                        ],
                        "byline": byline_html(item.byline_parts, fonts) if item.byline else "",
                    }
                )
        sections.append({"name": section.name, "kind": section.kind, "items": items})
    if sections:
        # The distribution block rides on the last item (as a footnote, see print.css).
        sections[-1]["items"][-1]["last"] = True
    dist_indent = 2 * SMALL_SIZE  # "送：" is two full-width characters
    # Each entry of the 送 list is ragged right (GB/T 9704 版记: a wrapped line aligns
    # under the first character after "送："), wrapping between entries (after 、，) or at
    # a word start, never inside a unit's name.
    dist_lines = [
        phrase_broken(
            line, "送", role="body", size=SMALL_SIZE, width=BLOCK_WIDTH - dist_indent, balanced=False
        )
        for line in doc.distribution
    ]
    distribution = [
        mark_safe("\n".join(_face_span(line, fonts, "body") for line in lines)) for lines in dist_lines
    ]
    colophon_lines = (
        sum(len(lines) for lines in dist_lines) + 1 + bool(doc.editor_phone) + bool(doc.extra_line)
    )
    # The 送 block sits at the foot of the last page (GB/T 9704 版记) as a footnote when
    # it fits there with the last byline; otherwise (see ``laid_out``) it is set in the
    # flow after the last byline, kept with it, and runs on to a further page when it
    # must (a footnote is never split, and one taller than the room left rose above the
    # text block).
    if colophon_flow is None:
        colophon_flow = colophon_height(colophon_lines) > COLOPHON_FOOTNOTE_MAX
    if sections and colophon_flow:
        sections[-1]["items"][-1]["last"] = False
        sections[-1]["items"][-1]["flow_last"] = True
    body_face = fonts.roles["body"]
    family = screen_family(body_face) if font_url is not None else body_face.css_family
    page_number_font = (
        f'html {{ font-family: "{family}"; }}\n'
        f'@page :left {{ @bottom-left {{ font-family: "{family}"; }} }} '
        f'@page :right {{ @bottom-right {{ font-family: "{family}"; }} }}\n'
        f"p.body {{ {base_spacing_css()}; {body_overhang_css()}; }}\n"
        f"{script_css()}"
    )
    parts = [fonts.font_face_css(font_url), CSS_PATH.read_text(encoding="utf-8"), page_number_font]
    if font_url is not None:
        parts.append(SCREEN_CSS_PATH.read_text(encoding="utf-8"))
    css = "\n".join(parts)
    return {
        "doc": doc,
        "css": mark_safe(css),
        "publication_name": _face_span(doc.publication_name, fonts, "title"),
        "edition": _face_span(doc.edition_label, fonts, "body"),
        "number_label": _face_span(doc.number_label, fonts, "body"),
        "compiler": _face_span(doc.compiler, fonts, "body"),
        "date_label": _face_span(doc.date_label, fonts, "body"),
        "toc": toc,
        "sections": sections,
        "distribution": distribution,
        "editor": _face_span(f"本期责任编辑：{doc.editor_name}", fonts, "body"),
        "phone": _face_span(f"电话：{doc.editor_phone}", fonts, "body") if doc.editor_phone else "",
        "extra_line": _face_span(doc.extra_line, fonts, "body") if doc.extra_line else "",
        "dist_label": _face_span("送：", fonts, "body"),
        "colophon_flow": colophon_flow,
        "toc_runs_on": toc_runs_on,
        # In the flow, a block that fits on one page is kept whole (print.css).
        "colophon_whole": colophon_whole and colophon_height(colophon_lines) <= COLOPHON_WHOLE_MAX,
        "body_class": fonts.roles["body"].css_class,
        "title_class": fonts.roles["title"].css_class,
        "bold_class": fonts.roles["bold"].css_class,
        "kai_class": fonts.roles["kai"].css_class,
        "screen": font_url is not None,
        "report": report,
    }


def render_html(document: IssueDocument, *, font_dir: str | None = None) -> str:
    """The print HTML of an issue: self-contained, fonts referenced by file:// URLs.

    The HTML that prints: where the 送 block goes is decided on WeasyPrint's layout
    (``laid_out``), so this costs a layout."""
    return laid_out(document, font_set(font_dir))[0]


def laid_out(document: IssueDocument, fonts: FontSet) -> tuple[str, Document, dict]:
    """(the print HTML, WeasyPrint's laid-out document, the layout options it was made
    with: ``build_context``'s keyword arguments, for the preview to make the same HTML).

    Decided on WeasyPrint's layout, each only for the issues that need it (one more
    layout each):

    - the 目录 longer than page 1: the articles follow it on page 2 rather than leave
      that page nearly blank (``toc_runs_on``);
    - the 送 block is first laid out as a footnote at the foot of the last page; when the
      layout shows it rising above the text block, or the last byline pushed onto a page
      of its own above it, it is set in the flow after the last byline (``colophon_flow``);
    - in the flow a block that fits on a page is kept whole; when that leaves a page
      before it nearly empty, it runs on between its entries (``colophon_whole``).
    """
    options: dict = {}

    def layout() -> tuple[dict, str, Document]:
        context = build_context(document, fonts, **options)
        html = _ENGINE.get_template(TEMPLATE).render(Context(context))
        return context, html, HTML(string=html, base_url=str(CSS_PATH.parent)).render(font_config=FONT_CONFIG)

    with _cyclic_gc_paused():
        context, html, laid = layout()
        if _toc_runs_on(laid) is not None:
            options["toc_runs_on"] = True
            context, html, laid = layout()
        options["colophon_flow"] = context["colophon_flow"]
        if not options["colophon_flow"] and not _footnote_fits(laid):
            options["colophon_flow"] = True
            context, html, laid = layout()
        if options["colophon_flow"] and context["colophon_whole"] and not _pages_filled(laid):
            # Kept whole, the block took so much of the text before it along that a page
            # was left nearly empty: let it run on between its entries instead.
            options["colophon_whole"] = False
            context, html, laid = layout()
    save_break_cache()
    save_segment_cache()
    return html, laid, options


def _toc_runs_on(laid: Document) -> tuple[int, int] | None:
    """(entry, title), both 0-based, of the first 目录 title on page 2, or None when the
    目录 ends on page 1 (a title's lines stay on one page, print.css)."""
    if len(laid.pages) < 2:
        return None
    for child in laid.pages[1]._page_box.descendants():
        element = getattr(child, "element", None)
        if isinstance(child, LineBox) and element is not None and element.get("data-toc"):
            entry, title = element.get("data-toc").split("-")
            return int(entry) - 1, int(title) - 1
    return None


def _footnote_fits(laid: Document) -> bool:
    """True when the 送 footnote lies inside its page's text block, the last byline (the
    footnote's call) shares its page with some of the text before it, and the page
    before is not left mostly empty (WeasyPrint, moving a call's line to the next page
    with its footnote, can leave a page of three lines behind it)."""
    pages = [page._page_box for page in laid.pages]
    for number, box in enumerate(pages):
        area = next((child for child in box.children if isinstance(child, FootnoteAreaBox)), None)
        if area is None or not area.children:
            continue
        if area.content_box_y() < box.content_box_y() - 0.5:
            return False  # it rose above the text block
        blocks = {element.get("data-b") for _, element in _text_lines(box)}
        if not any(not block.startswith("b:") for block in blocks):
            return False  # the byline alone above the block
        if number >= 2:  # a page of the articles before it
            before = pages[number - 1]
            bottoms = [line.position_y + line.height for line, _ in _text_lines(before)]
            used = (max(bottoms) if bottoms else before.content_box_y()) - before.content_box_y()
            if used < MIN_PAGE_FILL * before.height:
                return False
        return True
    return True


def _pages_filled(laid: Document) -> bool:
    """True when the page before the last (the one a kept-whole 送 block, going on to the
    last page with the text before it, leaves behind) holds at least
    ``MIN_FLOW_PAGE_FILL`` of the text block, or is the 目录's page."""
    pages = [page._page_box for page in laid.pages]
    for box in pages[1:-1][-1:]:
        bottoms = [line.position_y + line.height for line, _ in _text_lines(box)]
        used = (max(bottoms) if bottoms else box.content_box_y()) - box.content_box_y()
        if used < MIN_FLOW_PAGE_FILL * box.height:
            return False
    return True


# A page the kept-whole 送 block leaves behind may be this little filled (the block and
# the last item went on to the next page); less is a page nearly empty.
MIN_FLOW_PAGE_FILL = 0.3
# A page before the last that holds less than this share of the text block is a fault
# of the layout, not a page break an editor would make.
MIN_PAGE_FILL = 0.6


def _text_lines(page: PageBox) -> Iterator[tuple[LineBox, Any]]:
    """The line boxes of the titles, paragraphs and bylines of a laid-out page, with
    their element."""
    for child in page.descendants():
        element = getattr(child, "element", None)
        if isinstance(child, LineBox) and element is not None and element.get("data-b"):
            yield child, element


def render_preview_html(
    document: IssueDocument,
    *,
    font_url: Callable[[Face], str],
    font_dir: str | None = None,
    # printing.verify.PdfCheck; not imported: the verifier reads the renderer's sizes.
    pdf_check: object | None = None,
) -> tuple[str, CheckReport]:
    """The screen preview (预览): the print HTML with the faces loaded from ``font_url``,
    the pages as the PDF breaks them, white on a grey background, and the check report
    on top.

    The page breaks come from WeasyPrint's own layout of the print HTML (the cost of a
    PDF without writing it); each is drawn as a gap between two pages before the block,
    or between the two lines of a paragraph, where the next page starts.
    Returns the HTML and the report (missing glyphs, stripped control characters,
    lines set ragged). ``pdf_check``: what the verifier read on the rendered PDF
    (printing.verify), listed in the report with page and line.
    """
    fonts = font_set(font_dir)
    report = CheckReport()
    check_texts(document, report, font_dir=font_dir)
    _, laid, options = laid_out(document, fonts)
    context = build_context(document, fonts, report=report, font_url=font_url, **options)
    context["pdf_check"] = pdf_check
    for page, (block, line) in _page_starts(laid).items():
        _mark_page_start(context, block, line, page)
    toc_break = _toc_runs_on(laid)
    if toc_break is not None:
        # page 2 begins inside the 目录: the gap goes before that title's lines
        context["toc"][toc_break[0]]["gap_before"] = toc_break[1]
    return _ENGINE.get_template(TEMPLATE).render(Context(context)), report


def page_starts(document: IssueDocument, fonts: FontSet) -> dict[int, tuple[str, int]]:
    """{page number: (block id, line)} for every page from 3 on: the block (data-b of a
    title, paragraph or byline) and its line that begin the page in the printed PDF."""
    return _page_starts(laid_out(document, fonts)[1])


def _page_starts(laid: Document) -> dict[int, tuple[str, int]]:
    lines_seen: dict[str, int] = {}
    starts: dict[int, tuple[str, int]] = {}
    for number, page in enumerate(laid.pages, 1):
        for _, element in _text_lines(page._page_box):
            block = element.get("data-b")
            if number >= 3 and number not in starts:
                starts[number] = (block, lines_seen.get(block, 0))
            lines_seen[block] = lines_seen.get(block, 0) + 1
    return starts


def _mark_page_start(context: dict, block: str, line: int, page: int) -> None:
    """Put the gap before page ``page`` into the screen context (see print/issue.html)."""
    kind, _, place = block.partition(":")
    section, item, paragraph = (int(x) for x in (place.split("-") + ["0"])[:3])
    entry = context["sections"][section - 1]["items"][item - 1]
    if kind == "p" and line > 0:
        target = entry["paragraphs"][paragraph - 1]
        rows = str(target["html"]).split("\n")
        gap = f'<span class="page-gap" data-page="{page}"></span>'
        target["html"] = mark_safe("\n".join([*rows[:line], gap, *rows[line:]]))
    elif kind == "p":
        entry["paragraphs"][paragraph - 1]["gap"] = str(page)
    else:
        entry[f"{kind}_gap"] = str(page)


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one render.

    A render allocates some 700,000 short-lived objects (boxes, styles, layouts); the
    collector's passes over them take about a tenth of the render. Reference counting
    still frees almost everything; the few cycles left are collected after the render.
    If another thread re-enables the collector meanwhile, only the saving is lost.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def render_pdf(document: IssueDocument, *, font_dir: str | None = None) -> bytes:
    """The print-ready PDF of an issue."""
    _, laid, _ = laid_out(document, font_set(font_dir))
    with _cyclic_gc_paused():
        # Subset with HarfBuzz (libharfbuzz-subset0) and keep fonts small; never full_fonts.
        return laid.write_pdf(uncompressed_pdf=False)


__all__ = [
    "BLOCK_HEIGHT",
    "BLOCK_WIDTH",
    "FONT_CONFIG",
    "LINE",
    "PITCH",
    "Paragraph",
    "render_html",
    "render_pdf",
    "render_preview_html",
    "typeset",
]


def check_document(document: IssueDocument, *, font_dir: str | None = None) -> CheckReport:
    """The check report of an issue: text problems, then lines that could not be justified."""
    report = CheckReport()
    check_texts(document, report, font_dir=font_dir)
    build_context(document, font_set(font_dir), report=report)
    return report
