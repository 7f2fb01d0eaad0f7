"""Real WeasyPrint renders of the seed issues, read back with pdfplumber and poppler."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1

from printing.document import ArticleItem, BriefItem, IssueDocument, Run, Section
from printing.fonts import FANDOL_DIR, font_set
from printing.render import render_html, render_pdf, title_lines
from tests.printing_fixtures import (
    BLOCK_WIDTH,
    TITLE_SIZE,
    check_typography,
    expected_pieces,
    flat_text,
    font_name,
    left_edge,
    render_seed,
    text_lines,
)


@pytest.fixture(scope="session")
def issue_2024_15(tmp_path_factory):
    return render_seed("2024-15", tmp_path_factory.mktemp("print"))


@pytest.fixture(scope="session")
def issue_2024_01(tmp_path_factory):
    return render_seed("2024-01", tmp_path_factory.mktemp("print"))


SEEDS = [
    pytest.param("issue_2024_15", id="2024-15"),
    pytest.param("issue_2024_01", id="2024-01"),
]


@pytest.fixture(params=SEEDS)
def rendered(request):
    return request.getfixturevalue(request.param)


def test_typography_is_justified_kinsoku_clean_and_on_the_grid(rendered):
    report = check_typography(rendered)
    assert report.problems == []
    # The checks must have had something to check.
    assert report.justified_lines > 150
    assert report.full_pages >= 2
    assert report.exact_pages >= 1


def test_text_layer_reads_the_whole_issue_in_order_without_inserted_spaces(rendered):
    # pdftotext reads a full-width space (in bylines: "金　颖") as a space.
    pieces = [piece.replace("\u3000", " ") for piece in expected_pieces(rendered.document)]
    flat = flat_text(rendered)
    position = 0
    for piece in pieces:
        found = flat.find(piece, position)
        assert found >= 0, f"not found in order: {piece[:40]}"
        position = found + len(piece)
    # From page 2 on, the text layer is exactly the issue: nothing inserted, nothing lost.
    assert flat == "".join(pieces)


def test_every_character_has_a_glyph(rendered):
    assert not [m for m in rendered.warnings if "notdef" in m or "cannot be loaded" in m]
    printed = "".join(c["text"] for page in rendered.pages for c in page)
    assert "\ufffd" not in printed and "(cid:" not in printed
    source = "".join(expected_pieces(rendered.document))
    assert set(source) - {" "} <= set(printed)


def test_rare_characters_render_from_a_face_that_has_them(issue_2024_15):
    chars = [c for page in issue_2024_15.pages for c in page if c["text"] == "彧"]
    assert chars, "郭彧杰 is in the 2024-15 byline"
    assert all(font_name(c).startswith("LXGW") for c in chars)


def test_fonts_are_embedded_and_subset(rendered):
    output = subprocess.run(
        ["pdffonts", str(rendered.pdf_path)], check=True, capture_output=True, text=True
    ).stdout
    rows = output.splitlines()[2:]
    assert rows
    for row in rows:
        assert re.search(r"\byes\s+yes\s+yes\b", row), row
        assert "Type 3" not in row


def test_bold_runs_are_set_in_a_real_bold_face(rendered):
    stream = [c for line in text_lines(rendered) for c in line.chars]  # page numbers left out
    text = "".join(c["text"] for c in stream)
    position = 0
    checked = 0
    for section in rendered.document.sections:
        for item in section.items:
            paragraphs = item.paragraphs if isinstance(item, ArticleItem) else [item.paragraph]
            for paragraph in paragraphs:
                for run in paragraph:
                    found = text.find(run.text, position)
                    assert found >= 0, run.text[:30]
                    fonts = {font_name(c) for c in stream[found : found + len(run.text)]}
                    if run.bold:
                        checked += 1
                        assert all("Bold" in f for f in fonts), (run.text, fonts)
                    else:
                        assert not any("Bold" in f for f in fonts), (run.text[:30], fonts)
                    position = found + len(run.text)
    assert checked >= 5


def test_metadata_and_outline(rendered):
    info = subprocess.run(
        ["pdfinfo", str(rendered.pdf_path)], check=True, capture_output=True, text=True
    ).stdout
    document = rendered.document
    assert f"Title:           {document.pdf_title}" in info
    assert "Author:          杭州市人大常委会研究室编" in info
    with open(rendered.pdf_path, "rb") as handle:
        pdf = PDFDocument(PDFParser(handle))
        assert resolve1(pdf.catalog["Lang"]).decode() == "zh-CN"
        outline = [(level, title) for level, title, *_ in pdf.get_outlines()]
    sections = [s.name for s in document.sections if s.items]
    assert [t for level, t in outline if level == 1] == sections
    titles = [item.toc_title for s in document.sections for item in s.items if isinstance(item, ArticleItem)]
    assert [t for level, t in outline if level == 2] == titles


def test_masthead_toc_and_page_numbers(issue_2024_15):
    first = issue_2024_15.text("-layout", "-f", "1", "-l", "1")
    flat = re.sub(r"\s", "", first)
    for expected in (
        "杭州人大信息",
        "（普刊）",
        "第15期（总第703期）",
        "杭州市人大常委会研究室编",
        "2024年10月25日",
        "目录",
    ):
        assert expected in flat
    assert "信息摘登5则" in flat
    for entry in issue_2024_15.document.toc():
        assert entry.section in flat
        for title in entry.titles:
            assert title.replace(" ", "") in flat
    # Red masthead, and page numbers outside the text block: odd right, even left.
    with pdfplumber.open(issue_2024_15.pdf_path) as pdf:
        name = [c for c in pdf.pages[0].chars if c["size"] > 40]
        assert "".join(c["text"] for c in name) == "杭州人大信息"
        colors = {tuple(round(v, 2) for v in c["non_stroking_color"]) for c in name}
        assert colors == {(0.0, 0.8, 0.8, 0.0)}, colors  # device-cmyk 0/80/80/0
        for index in (1, 2):  # pages 2 and 3
            page = pdf.pages[index]
            number = [c for c in page.chars if c["top"] > page.height - 35 * 72 / 25.4]
            text = "".join(c["text"] for c in number)
            assert text == f"— {index + 1} —"
            assert all(abs(c["size"] - 14) < 0.05 for c in number if c["text"].strip())
            middle = page.width / 2
            assert (number[0]["x0"] > middle) == (index % 2 == 0)  # page 3 right, page 2 left


def test_distribution_block_sits_at_the_bottom_of_the_last_page(issue_2024_15):
    last = issue_2024_15.pages[-1]
    dist = [c for c in last if c["text"] == "送"]
    assert dist, "送： on the last page"
    editor = [c for c in last if c["text"] == "编"][-1]
    assert editor["top"] > 297 * 72 / 25.4 - 37 * 72 / 25.4 - 72 * 2  # in the lower part of the block
    # Wrapped distribution lines align after "送：".
    words = issue_2024_15.text("-f", str(len(issue_2024_15.pages)), "-l", str(len(issue_2024_15.pages)))
    assert "送：省人大常委会办公厅、研究室" in words


def test_two_line_titles_keep_their_lines(issue_2024_01):
    text = issue_2024_01.text()
    assert "淳安县：“片区组团”履职新模式\n激发代表履职热情" in text
    assert "建德市：新安江街道多措并举\n扎实践行全过程人民民主" in text


def _small_document() -> IssueDocument:
    import datetime as dt

    return IssueDocument(
        publication_name="杭州人大信息",
        compiler="杭州市人大常委会研究室编",
        edition_label="专刊",
        year=2024,
        number=3,
        total_number=691,
        date=dt.date(2024, 3, 20),
        sections=[
            Section(
                "要闻速递",
                "articles",
                [
                    ArticleItem(
                        "市人大常委会开展专题调研",
                        [
                            [
                                Run("一是深入调研。", True),
                                Run("市人大常委会组织代表深入基层开展调研，共收集意见建议 30 余条。"),
                            ]
                        ],
                        byline_org="研究室",
                        byline_authors=["杨青青"],
                    )
                ],
            ),
            Section(
                "信息摘登",
                "briefs",
                [
                    BriefItem(
                        [Run("西湖区人大常委会开展代表主题活动。")], "西湖区人大常委会办公室", ["钱苏晚"]
                    )
                ],
            ),
        ],
        distribution=["省人大常委会办公厅、研究室"],
        editor_name="杨青青",
        editor_phone="(0571)85250657",
    )


def test_licensed_fonts_in_the_font_folder_are_preferred(tmp_path):
    # A copy of a free face under the file name an office's licensed 楷体 would have.
    shutil.copy(FANDOL_DIR / "FandolKai-Regular.otf", tmp_path / "楷体_GB2312.otf")
    html = render_html(_small_document(), font_dir=str(tmp_path))
    assert (tmp_path / "楷体_GB2312.otf").as_uri() in html
    pdf = render_pdf(_small_document(), font_dir=str(tmp_path))
    path = tmp_path / "licensed.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    assert "BT-Licensed-Kai" in fonts
    assert "LXGW-WenKai" not in fonts  # the free 楷体 is no longer needed
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        byline = [c for page in doc.pages for c in page.chars if c["text"] == "苏"]
        assert byline and all("BT-Licensed-Kai" in c["fontname"] for c in byline)


def test_print_html_is_standalone_and_offline():
    html = render_html(_small_document())
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-CN">' in html
    assert "navbar" not in html and "bootstrap" not in html.lower()
    assert not re.search(r"(src|href)=[\"']?https?://", html)
    assert not re.search(r"url\(\"?https?://", html)
    assert "file:///" in html
    assert "（专刊）" in re.sub(r"<[^>]+>", "", html).replace("\n", "").replace(" ", "")


def test_render_is_pure_and_repeatable():
    document = _small_document()
    assert render_html(document) == render_html(document)
    first, second = render_pdf(document), render_pdf(document)
    assert first[:5] == b"%PDF-" and second[:5] == b"%PDF-"
    with pdfplumber.open(io.BytesIO(first)) as a, pdfplumber.open(io.BytesIO(second)) as b:
        assert [p.extract_text() for p in a.pages] == [p.extract_text() for p in b.pages]


def test_html_of_the_issue_is_what_prints(tmp_path):
    document = _small_document()
    html = render_html(document)
    from weasyprint import HTML

    from printing.render import FONT_CONFIG

    via_html = HTML(string=html, base_url=str(Path(__file__).parent)).write_pdf(font_config=FONT_CONFIG)
    direct = render_pdf(document)
    with pdfplumber.open(io.BytesIO(via_html)) as a, pdfplumber.open(io.BytesIO(direct)) as b:
        assert [p.extract_text() for p in a.pages] == [p.extract_text() for p in b.pages]


def test_the_screen_preview_breaks_pages_where_the_pdf_does(issue_2024_15):
    from bench.seed_documents import build_seed_document
    from printing.render import render_preview_html

    html, report = render_preview_html(build_seed_document("2024-15"), font_url=lambda face: f"/f/{face.key}")
    assert not report.findings
    gaps = re.findall(r'class="page-gap" data-page="(\d+)"></(?:span|div)>\n?(.*?)(?:\n|</p>|</h3>)', html)
    # Page 1 is the masthead, page 2 starts the content: every later page has a gap.
    assert [int(page) for page, _ in gaps] == list(range(3, len(issue_2024_15.pages) + 1))
    first_lines = {}
    for line in text_lines(issue_2024_15):
        first_lines.setdefault(line.page, line.text.strip())
    for page, following in gaps:
        text = re.sub(r"<[^>]+>", "", following)
        text = re.sub(r'^.*data-b="[^"]+">', "", text).strip()
        assert text and first_lines[int(page)].startswith(text[:10]), (page, text, first_lines[int(page)])


@pytest.mark.parametrize(
    "title",
    [
        "专项经费￥120万元——2024―2026年联络站建设……进展",
        "关于“￥”与“¥”、“‰”与“％”的说明（第〇五号）",
        "西湖区人大常委会组织开展“代表联络站——群众家门口的连心桥”主题活动……",
    ],
)
def test_a_long_title_takes_as_few_lines_as_its_length_needs(title):
    # A title whose even break is forbidden (a connector, a number with its dash) must
    # not leave a character alone on an extra line.
    fonts = font_set()
    lines = title_lines(title, fonts)
    assert "".join(lines) == title
    measure = sum(fonts.glyph("title", c, TITLE_SIZE)[1] for c in title)
    assert len(lines) == math.ceil(measure / BLOCK_WIDTH), lines
    assert all(len(line) > 2 for line in lines), lines


@pytest.mark.parametrize(
    "title",
    [
        "关于https://www.hzrd.gov.cn/col/col1229512345/art/2024/index.html网页的说明",
        "西湖区人大常委会组织开展“代表联络站——群众家门口的连心桥”主题活动（第二期）",
    ],
)
def test_no_title_line_is_wider_than_the_block(title):
    # Titles are set centred at their natural spacing: a line may not count on a
    # tightening that is never applied.
    fonts = font_set()
    lines = title_lines(title, fonts)
    for line in lines:
        assert sum(fonts.glyph("title", c, TITLE_SIZE)[1] for c in line) <= BLOCK_WIDTH + 0.3, line
    assert all(len(line) > 2 for line in lines), lines


def test_a_byline_longer_than_a_line_is_broken_not_cut_off(tmp_path):
    authors = ["郭彧杰", "王祎", "欧阳修远", "司马相如", "诸葛亮亮", "上官婉儿"]
    org = "杭州市西湖区人大常委会办公室研究室信息科联络站工作组"
    document = IssueDocument(
        publication_name="杭州人大信息",
        compiler="杭州市人大常委会研究室编",
        edition_label="普刊",
        year=2026,
        number=1,
        total_number=704,
        date=dt.date(2026, 3, 2),
        sections=[
            Section("要闻速递", "articles", [ArticleItem("标题", [[Run("正文。")]], "", org, authors)])
        ],
        distribution=["省人大常委会办公厅"],
        editor_name="杨青青",
        editor_phone="(0571)85250657",
    )
    path = tmp_path / "byline.pdf"
    path.write_bytes(render_pdf(document))
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True).stdout
    flat = re.sub(r"\s", "", text)
    assert re.sub(r"\s", "", document.sections[0].items[0].byline) in flat
    # Broken between the unit and the names, never inside a name.
    assert "诸葛亮亮" in text and "上官婉儿" in text.replace(" ", "")
    with pdfplumber.open(path) as pdf:
        edge = left_edge(2) + BLOCK_WIDTH
        assert all(c["x1"] <= edge + 0.5 for c in pdf.pages[1].chars), "a character past the text block"
