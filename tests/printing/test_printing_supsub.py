"""Superscript and subscript in print: a real WeasyPrint render read back with pdfplumber.

The raised 2 of m² must be smaller than the body and sit above its baseline, the 2 of
CO₂ smaller and below it, and neither may move a line off the grid (every body line one
pitch, 225 mm / 22, below the one before: GB/T 9704-2012 §5.2.3). Units typed as one
character (㎡, ²) print as typed, with a glyph. The same text is what search finds.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict

import pdfplumber
import pytest
from django.urls import reverse

from archive.queries import search_published_items
from bulletin.actions.issues import create_issue
from bulletin.actions.publishing import publish_issue
from bulletin.documents import build_document, paragraphs_from_html
from bulletin.models import Publication
from bulletin.printed_text import item_printed_text
from intake.docx_import import import_document
from printing.document import ArticleItem, IssueDocument, Run, Section
from printing.render import render_html, render_pdf
from tests import paths
from tests.issue_helpers import adopted_piece, place
from tests.printing_fixtures import issue_document

CASE = paths.CASES / "word3" / "03-superscript-units.docx"
BODY_SIZE = 16.0  # 3号
LINE = 225 * 72 / 25.4 / 22  # the line pitch, GB/T 9704-2012 §5.2.3
EXTRA = (
    "<p>另一处86.5m²，用地3200㎡，<strong>H<sub>2</sub>O与10<sup>-6</sup></strong>，流量m<sup>3</sup>/s。</p>"
)


def _document(paragraphs) -> IssueDocument:
    item = ArticleItem(
        "西湖区：“三化”推进代表联络站建设",
        paragraphs,
        byline_org="西湖区人大常委会办公室",
        byline_authors=["钱苏晚"],
    )
    return issue_document([Section("要闻速递", "articles", [item])])


@pytest.fixture(scope="module")
def case_document() -> IssueDocument:
    imported = import_document(CASE.read_bytes())
    # Enough paragraphs that the units fall at several places of a line.
    filler = "<p>" + "区人大常委会持续推进代表联络站建设，" * 2 + "面积达3200m<sup>2</sup>。</p>"
    return _document(paragraphs_from_html(imported.body_html + EXTRA + filler * 6))


@pytest.fixture(scope="module")
def pdf_chars(case_document) -> list[dict]:
    with pdfplumber.open(io.BytesIO(render_pdf(case_document))) as pdf:
        return [char for page in pdf.pages[1:] for char in page.chars]


def _after(chars: list[dict], text: str, index: int = 0) -> list[dict]:
    """The characters of the index-th occurrence of `text` in the text layer."""
    joined = "".join(c["text"] for c in chars)
    start = -1
    for _ in range(index + 1):
        start = joined.index(text, start + 1)
    return chars[start : start + len(text)]


def test_the_raised_two_of_square_metres_is_smaller_and_above_the_baseline(pdf_chars):
    joined = "".join(c["text"] for c in pdf_chars)
    assert joined.count("3200m2，") >= 1 and "260m2。" in joined  # the text layer keeps the digit
    for text in ("3200m2", "260m2", "10-6", "m3/s", "104件"):
        chars = _after(pdf_chars, text)
        base = [c for c in chars if c["size"] == pytest.approx(BODY_SIZE, abs=0.01)]
        raised = [c for c in chars if c["size"] < BODY_SIZE - 3]
        assert base and raised, text
        for char in raised:
            assert 9.5 <= char["size"] <= 11.5, (text, char["size"])
            # Its bottom is well above the body's baseline (the bottom of the em box).
            assert char["bottom"] < base[0]["bottom"] - 4, (text, char["bottom"], base[0]["bottom"])
            assert char["top"] > base[0]["top"] - 2  # and it stays inside the line's own height


def test_the_lowered_two_of_co2_is_smaller_and_below_the_baseline(pdf_chars):
    for text in ("CO2排", "H2O"):
        chars = _after(pdf_chars, text)
        base, low = chars[0], chars[text.index("2")]
        assert low["size"] < BODY_SIZE - 3
        assert low["bottom"] > base["bottom"] + 0.5
        assert low["bottom"] < base["bottom"] + 4


def test_every_body_line_stays_on_the_grid(pdf_chars):
    # Line by line (the body characters of 3号 grouped by their baseline): one pitch apart.
    body_font = _after(pdf_chars, "全区新建")[0]["fontname"]  # the byline's 楷体 sits apart
    bottoms = defaultdict(list)
    for char in pdf_chars:
        if char["size"] == pytest.approx(BODY_SIZE, abs=0.01) and char["fontname"] == body_font:
            bottoms[char["page_number"]].append(char["bottom"])
    steps = []
    for values in bottoms.values():
        lines: list[float] = []
        for bottom in sorted(values):
            if not lines or bottom - lines[-1] > 5:
                lines.append(bottom)
            else:
                assert bottom == pytest.approx(lines[-1], abs=0.01)  # one baseline a line
        steps += [b - a for a, b in zip(lines, lines[1:], strict=False)]
    body_steps = [s for s in steps if s < 1.5 * LINE]
    assert len(body_steps) >= 15
    for step in body_steps:
        assert step == pytest.approx(LINE, abs=0.02)


def test_units_typed_as_one_character_print_with_a_glyph(pdf_chars):
    joined = "".join(c["text"] for c in pdf_chars)
    assert "86.5m²" in joined and "3200㎡" in joined
    for char in pdf_chars:
        if char["text"] in "²㎡":
            assert char["width"] > 3  # drawn, not a .notdef box of nothing


def test_the_print_html_marks_the_runs_and_keeps_them_in_their_own_boxes(case_document):
    html = render_html(case_document)
    assert 'script-sup"' in html and 'script-sub"' in html
    assert ".script-sup, .script-sub { font-size: 65.6250%; }" in html


def test_snapshots_keep_the_script_and_old_snapshots_still_read(case_document):
    data = case_document.to_dict()
    runs = data["sections"][0]["items"][0]["paragraphs"][0]
    assert {"text": "2", "bold": False, "script": "sup"} in runs
    assert all("script" not in run or run["script"] in ("sup", "sub") for run in runs)
    assert IssueDocument.from_dict(data) == case_document
    old = {"text": "m2", "bold": False}
    data["sections"][0]["items"][0]["paragraphs"][0] = [old]
    assert IssueDocument.from_dict(data).sections[0].items[0].paragraphs[0] == [Run("m2")]


def test_the_printed_text_reads_the_units_as_unicode(case_document):
    text = item_printed_text(case_document.normalized().sections[0].items[0])
    for unit in ("3200m²", "260m²", "1.2×10⁴件次", "CO₂排放", "H₂O与10⁻⁶", "m³/s"):
        assert unit in text


@pytest.mark.django_db
def test_search_finds_the_units_as_the_reader_types_them(
    editor, contributor, reader, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    imported = import_document(CASE.read_bytes())
    publication = Publication.objects.get(name="杭州人大信息")
    issue = create_issue(
        actor=editor, publication=publication, date=dt.date(2024, 10, 25), number=15, total_number=703
    )
    piece = adopted_piece(editor, contributor, imported.title, body=imported.body_html)
    place(editor, issue, piece, "代表工作")
    issue.refresh_from_db()
    assert build_document(issue).sections[0].items[0].paragraphs[0][1] == Run("2", False, "sup")
    publish_issue(actor=editor, issue=issue, expected_version=issue.layout_version)
    for words in ("3200m²", "CO₂", "1.2×10⁴件次", "260m²"):
        assert [p.title for p in search_published_items(words=words)] == [imported.title], words
    assert list(search_published_items(words="1.2×104")) == []
    # The issue read on screen shows them raised and lowered, as printed.
    page = client_for(reader).get(reverse("archive_issue", args=[issue.pk])).content.decode()
    assert "3200m<sup>2</sup>" in page and "CO<sub>2</sub>排放" in page


def test_at_every_place_of_a_line_the_unit_stays_whole_and_lines_stay_justified(tmp_path):
    # The unit at each of the 28 places of a line: the raised 2 never starts a line, never
    # leaves its m, and a line holding it still ends on the block's right edge.
    paragraphs = [
        "区" * k
        + "总建筑面积达3200m<sup>2</sup>，减少CO<sub>2</sub>排放，1.2×10<sup>4</sup>件次，"
        + "区人大常委会持续推进代表联络站建设" * 2
        + "。"
        for k in range(28)
    ]
    document = _document(paragraphs_from_html("".join(f"<p>{p}</p>" for p in paragraphs)))
    with pdfplumber.open(io.BytesIO(render_pdf(document))) as pdf:
        pages = [(page.page_number, page.chars) for page in pdf.pages[1:]]
    inner, outer = 28 * 72 / 25.4, 26 * 72 / 25.4  # GB/T 9704 订口 and outer margin
    width = 156 * 72 / 25.4
    lines = []  # (page, chars in x order), each body line with its raised and lowered glyphs
    for number, chars in pages:
        body = [c for c in chars if c["size"] == pytest.approx(BODY_SIZE, abs=0.01) and c["text"] != "—"]
        baselines = sorted({round(c["bottom"], 1) for c in body})
        rows: dict[float, list[dict]] = defaultdict(list)
        for char in chars:
            nearest = min(baselines, key=lambda b: abs(b - char["bottom"]), default=None)
            if nearest is not None and abs(nearest - char["bottom"]) < 8:
                rows[nearest].append(char)
        lines += [(number, sorted(rows[b], key=lambda c: c["x0"])) for b in sorted(rows)]
    scripts = justified = 0
    for (page, line), (next_page, following) in zip(lines, lines[1:], strict=False):
        left = inner if page % 2 == 1 else outer
        first = following[0]
        assert first["size"] > BODY_SIZE - 1, f"p.{next_page} a line starts with a raised or lowered glyph"
        scripts += sum(1 for c in line if c["size"] < BODY_SIZE - 3)
        if next_page == page and abs(first["x0"] - left) < 0.5 and line[-1]["text"] not in "。":
            justified += 1
            assert max(c["x1"] for c in line) == pytest.approx(left + width, abs=0.1), "".join(
                c["text"] for c in line
            )
    assert scripts >= 28 * 3 - 3 and justified >= 28
