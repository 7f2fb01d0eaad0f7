"""The PDF verifier (printing/verify.py) on real WeasyPrint renders with faults put in
on purpose, on clean controls, and on every seed issue.

Faults are made in the print HTML the renderer writes (a newline in a title or a
paragraph is a line break there: titles are ``white-space: pre``, paragraphs
``pre-wrap``), so every PDF here is the real stylesheet, faces and page, with one thing
wrong at a place the test knows. The expected page and line are worked out here from
the page's layout (page 2 starts with the first title; one text line per row), never
read back with the verifier's own code.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pdfplumber
import pytest
from weasyprint import HTML

from backissues.parsing.parser import parse_issue_file
from printing.document import ArticleItem, IssueDocument, Run, Section
from printing.geometry import page_geometry
from printing.render import FONT_CONFIG, render_html, render_pdf
from printing.verify import Finding, read_chars, verify_pdf
from tests.paths import ROOT, SEEDS
from tests.printing_fixtures import issue_document

MM = 72 / 25.4
# GB/T 9704-2012 §5.2.1: A4, 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm; the grid pitch.
LINE_PT = 225 * MM / 22

TITLE = "代表履职服务中心建设情况"
UNIT = "全区共建成面积86.5㎡的代表联络站。"
REVERSED = "代表们认为，”最多跑一次“改革取得实效。"
PAIRED = "代表们认为，“最多跑一次”改革取得实效。"
CLOSING = "各项工作稳步推进，成效明显，群众满意度持续提升，切实落实。"
LONG = "区人大常委会组织代表深入基层开展专题调研，" * 4 + "形成调研报告。"


def document(
    paragraphs: list[str],
    *,
    title: str = TITLE,
    authors: tuple[str, ...] = ("邵羽晨", "郭彧杰"),
    distribution: tuple[str, ...] = ("省人大常委会办公厅、研究室",),
) -> IssueDocument:
    item = ArticleItem(title, [[Run(p)] for p in paragraphs], "", "淳安县人大常委会办公室", list(authors))
    return issue_document([Section("要闻速递", "articles", [item])], distribution)


def pdf_of(html: str) -> bytes:
    return HTML(string=html, base_url=str(ROOT / "printing")).write_pdf(font_config=FONT_CONFIG)


def replace_once(html: str, old: str, new: str) -> str:
    assert html.count(old) == 1, f"{old!r} occurs {html.count(old)} times in the print HTML"
    return html.replace(old, new)


def paragraph_html(html: str, number: int) -> str:
    match = re.search(rf'<p class="body [^"]*" data-b="p:1-1-{number}">(.*?)</p>', html, re.S)
    assert match, f"paragraph {number} not in the print HTML"
    return match.group(1)


def set_paragraph(html: str, number: int, inner: str) -> str:
    return replace_once(
        html,
        f'data-b="p:1-1-{number}">{paragraph_html(html, number)}</p>',
        f'data-b="p:1-1-{number}">{inner}</p>',
    )


def found(findings: list[Finding], kind: str) -> list[tuple[int, int]]:
    return [(f.page, f.line) for f in findings if f.kind == kind]


def kinds(findings: list[Finding]) -> set[str]:
    return {f.kind for f in findings}


# ------------------------------------------------------------------------- controls


@pytest.fixture(scope="module")
def clean_pdf() -> bytes:
    return render_pdf(document([UNIT, PAIRED, LONG]))


def test_clean_issue_has_no_findings(clean_pdf):
    assert verify_pdf(clean_pdf) == []


def test_accepts_bytes_path_and_file(clean_pdf, tmp_path):
    path = tmp_path / "clean.pdf"
    path.write_bytes(clean_pdf)
    assert verify_pdf(path) == [] and verify_pdf(str(path)) == []
    with path.open("rb") as handle:
        assert verify_pdf(handle) == []


def test_reads_the_same_characters_as_pdfplumber(clean_pdf):
    with pdfplumber.open(io.BytesIO(clean_pdf)) as opened:
        expected = [
            [(c["text"], round(c["x0"], 2), round(c["top"], 2)) for c in page.chars] for page in opened.pages
        ]
    read = [
        [(c["text"], round(c["x0"], 2), round(c["top"], 2)) for c in page] for page in read_chars(clean_pdf)
    ]
    assert read == expected


def test_geometry_is_the_print_page():
    geometry = page_geometry()
    assert geometry.width == pytest.approx(210 * MM) and geometry.height == pytest.approx(297 * MM)
    right_page, left_page = geometry.block(1), geometry.block(2)
    assert right_page.left == pytest.approx(28 * MM) and left_page.left == pytest.approx(26 * MM)
    for block in (right_page, left_page):
        assert block.top == pytest.approx(37 * MM)
        assert block.width == pytest.approx(156 * MM) and block.height == pytest.approx(225 * MM)


def test_page_numbers_are_not_outside_the_block(clean_pdf):
    """The folio "— 2 —" sits below the block by design (GB/T 9704 §7.5)."""
    pages = read_chars(clean_pdf)
    bottom = 297 * MM - 35 * MM
    assert any(c["top"] > bottom for c in pages[1]), "the page number should be below the block"
    assert not kinds(verify_pdf(clean_pdf)) & {"off_block", "off_paper"}


# --------------------------------------------------------------------------- faults
#
# Page 2 of the one-article document: line 1 the title (one line), a blank line, then
# the paragraphs, one row each for short ones, then the byline, then the 送 block.


def test_title_broken_inside_a_word():
    title = "淳安县：创新“四个一”工作机制助力重大项目攻坚"
    html = render_html(document([PAIRED], title=title))
    html = re.sub(
        r'(data-b="t:1-1">).*?(</h3>)',
        r"\g<1>淳安县：创新“四个一”工\n作机制助力重大项目攻坚\g<2>",
        html,
        flags=re.S,
    )
    findings = verify_pdf(pdf_of(html))
    assert found(findings, "word_break") == [(2, 1)]
    assert findings[0].excerpt.endswith("工｜作机制助力重") and "标题" in findings[0].message_zh


def test_title_broken_between_words_is_clean():
    title = "淳安县：创新“四个一”工作机制助力重大项目攻坚"
    html = render_html(document([PAIRED], title=title))
    html = re.sub(
        r'(data-b="t:1-1">).*?(</h3>)',
        r"\g<1>淳安县：创新“四个一”\n工作机制助力重大项目攻坚\g<2>",
        html,
        flags=re.S,
    )
    assert verify_pdf(pdf_of(html)) == []


def test_reversed_quote_found_on_its_line():
    findings = verify_pdf(render_pdf(document([UNIT, REVERSED])))
    # line 1 title, line 2 UNIT, line 3 the reversed quote
    assert found(findings, "quote") == [(2, 3)]
    assert "反了" in findings[0].message_zh


def test_quote_left_open_is_found():
    findings = verify_pdf(render_pdf(document(["代表们认为，“最多跑一次改革取得实效。"])))
    assert found(findings, "quote") == [(2, 2)]


def test_straight_quote_is_named():
    html = render_html(document([PAIRED]))
    html = set_paragraph(html, 1, '代表们认为，"最多跑一次”改革取得实效。')
    findings = verify_pdf(pdf_of(html))
    assert found(findings, "quote") == [(2, 2)]
    assert "直引号" in findings[0].message_zh


def test_apostrophe_is_not_a_quote():
    assert verify_pdf(render_pdf(document(["他在People’s Daily上发表了文章。"]))) == []


def test_inch_and_prime_marks_are_not_quotes():
    # Left straight by the pairing at entry and in print: 5'10", a 55" screen.
    assert verify_pdf(render_pdf(document(['采购55"显示屏2台，队员身高5\'10"。']))) == []


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("86.5", "㎡"),
        ("120", "㎞"),
        ("15", "㎏"),
        ("26", "℃"),
        ("5", "‰"),
        ("40", "%"),
        ("3200", "m²"),
        ("86.", "5㎡"),
        ("3200m", "²"),
    ],
)
def test_number_split_from_its_unit(before, after):
    text = f"全区共建成面积{before}{after}的代表联络站。"
    html = render_html(document([text]))
    inner = paragraph_html(html, 1)
    # The unit may be set in a fallback face (its own span): break before whatever follows.
    broken = re.sub(re.escape(before), before + "\n", inner, count=1)
    assert broken != inner
    findings = verify_pdf(pdf_of(set_paragraph(html, 1, broken)))
    assert found(findings, "unit_split") == [(2, 2)]
    assert f"{before}｜{after}" in findings[0].excerpt


SHORT_CLOSING = "各项工作稳步推进，成效明显，切实落实。"  # one line of 19 characters


def test_superscript_split_from_its_unit():
    """A superscript set as a smaller raised glyph (the way the print sets <sup>) at the
    start of a line, its unit at the end of the line before."""
    html = render_html(document([UNIT]))
    inner = '全区共建成面积3200m\n<span style="font-size:66%;vertical-align:0.5em">2</span>的代表联络站。'
    findings = verify_pdf(pdf_of(set_paragraph(html, 1, inner)))
    assert found(findings, "unit_split") == [(2, 2)]
    assert "上标" in findings[0].message_zh
    inline = '全区共建成面积3200m<span style="font-size:66%;vertical-align:0.5em">2</span>的代表联络站。'
    assert verify_pdf(pdf_of(set_paragraph(html, 1, inline))) == []


def test_one_character_last_line():
    html = render_html(document([UNIT, SHORT_CLOSING]))
    findings = verify_pdf(pdf_of(set_paragraph(html, 2, SHORT_CLOSING.replace("实。", "\n实。"))))
    # line 1 title, 2 UNIT, 3–4 the paragraph, its last line "实。"
    assert found(findings, "orphan_char") == [(2, 4)]
    assert [f.excerpt for f in findings if f.kind == "orphan_char"] == ["实。"]
    # The line before is short: a line inside a paragraph that is not justified.
    assert found(findings, "ragged") == [(2, 3)]


def test_two_character_last_line_is_not_an_orphan():
    html = render_html(document([UNIT, SHORT_CLOSING]))
    findings = verify_pdf(pdf_of(set_paragraph(html, 2, SHORT_CLOSING.replace("落实。", "\n落实。"))))
    assert found(findings, "orphan_char") == []


def test_ragged_line_inside_a_paragraph():
    html = render_html(document([LONG]))
    inner = paragraph_html(html, 1)
    first, rest = inner.split("\n", 1)
    # A newline after ten characters of the second line: that line ends short.
    findings = verify_pdf(pdf_of(set_paragraph(html, 1, first + "\n" + rest[:10] + "\n" + rest[10:])))
    assert found(findings, "ragged")[0] == (2, 3)
    assert "orphan_char" not in kinds(findings)


def test_name_split_in_a_byline():
    html = render_html(document([PAIRED]))
    html = replace_once(html, "邵羽晨　郭彧杰）", "邵羽晨　郭<br>彧杰）")
    findings = verify_pdf(pdf_of(html))
    # line 1 title, 2 paragraph, 3–4 the byline
    assert found(findings, "word_break") == [(2, 3)]
    assert "人名" in findings[0].message_zh


def test_byline_broken_between_names_is_clean():
    html = render_html(document([PAIRED]))
    html = replace_once(html, "邵羽晨　郭彧杰）", "邵羽晨<br>郭彧杰）")
    assert verify_pdf(pdf_of(html)) == []


def test_spaced_two_character_name_split_in_a_byline():
    """Two-character names are printed spaced ("王　芳"); a break at that space still
    cuts the name, a break between two names does not."""
    html = render_html(document([PAIRED], authors=("金颖", "王芳")))
    split = verify_pdf(pdf_of(replace_once(html, "金　颖　王　芳）", "金　颖　王<br>芳）")))
    assert found(split, "word_break") == [(2, 3)]
    assert "人名" in split[0].message_zh
    between = verify_pdf(pdf_of(replace_once(html, "金　颖　王　芳）", "金　颖<br>王　芳）")))
    assert between == []


def test_distribution_entry_broken_inside_a_word():
    entry = "市人大常委会组成人员，市人大机关各部门，各区、县（市）人大常委会"
    html = render_html(document([PAIRED], distribution=("省人大常委会办公厅、研究室", entry)))
    # The entry's first line tightened a little, as the renderer sets a full line, so
    # that it ends inside 人大常委会.
    broken = '<span style="letter-spacing:-0.2pt">' + entry[:-2] + "</span>\n" + entry[-2:]
    html = re.sub(
        r'(<span class="dist-line [^"]*">)(?!<span class="dist-label">).*?(</span>)(?=</span><span class="colophon-editor">)',
        lambda m: m.group(1) + broken + m.group(2),
        html,
        count=1,
        flags=re.S,
    )
    findings = verify_pdf(pdf_of(html))
    # line 1 title, 2 paragraph, 3 byline, 4 "送：…", 5–6 the entry
    assert found(findings, "word_break") == [(2, 5)]
    assert "送" in findings[0].message_zh
    assert not kinds(findings) & {"off_block", "off_paper"}


def test_distribution_entries_are_clean():
    entry = "市人大常委会组成人员，市人大机关各部门"
    html = render_html(
        document([PAIRED], distribution=("省人大常委会办公厅、研究室", entry, "各区、县（市）人大常委会"))
    )
    assert verify_pdf(pdf_of(html)) == []


def heading_at(grid_line: int) -> bytes:
    """Page 2: the item's top margin on grid line 1, the title on line 2, then empty
    grid lines, then a bold one-line sub-heading on ``grid_line`` and its four-line
    paragraph (a spacer stands in for the text above)."""
    html = render_html(document([LONG]))
    spacer = f'<div style="height:{(grid_line - 3) * LINE_PT:.4f}pt"></div>'
    heading = '<p class="body f-title" style="break-after:auto">一、聚焦重点强化监督</p>'
    first = '<p class="body f-body" data-b="p:1-1-1">'
    return pdf_of(replace_once(html, first, spacer + heading + first))


def test_heading_last_on_its_page():
    findings = verify_pdf(heading_at(22))
    # text line 1 the title, line 2 the sub-heading (on grid line 22); its text on page 3
    assert found(findings, "heading_last") == [(2, 2)]
    assert "背题" in findings[0].message_zh


def test_heading_with_its_text_is_clean():
    assert verify_pdf(heading_at(19)) == []


def test_bold_lead_running_over_a_page_is_no_heading():
    """A paragraph whose first two lines are all bold, last on page 2, its plain rest on
    page 3: body text broken by the page, not a sub-heading left behind."""
    lead = "一是建强阵地，" + "全区新建代表联络站并安排专项经费" * 4
    doc = document([PAIRED])
    doc.sections[0].items[0].paragraphs.append([Run(lead, bold=True), Run(LONG)])
    html = render_html(doc)
    # Grid lines: 1 the item's top margin, 2 title, 3 blank, 4 PAIRED, 5–20 the spacer,
    # 21–22 the bold lead.
    spacer = f'<div style="height:{16 * LINE_PT:.4f}pt"></div>'
    second = '<p class="body f-body" data-b="p:1-1-2">'
    pdf = pdf_of(replace_once(html, second, spacer + second))
    pages = read_chars(pdf)
    assert "一是建强阵地" in "".join(c["text"] for c in pages[1]), "the bold lead should end page 2"
    assert "形成调研报告" in "".join(c["text"] for c in pages[2]), "the paragraph should run on to page 3"
    assert "heading_last" not in kinds(verify_pdf(pdf))


def test_one_character_last_line_in_the_contents():
    html = render_html(document([PAIRED]))
    html = replace_once(html, f">{TITLE}</p>", f">{TITLE[:-1]}\n{TITLE[-1]}</p>")
    findings = verify_pdf(pdf_of(html))
    # page 1: 刊名, 普刊, 期号, 编印单位/日期, 目录, the entry's two lines
    assert found(findings, "orphan_char") == [(1, 7)]
    assert "目录" in findings[0].message_zh


def test_text_above_the_top_margin_and_off_the_paper():
    html = render_html(document([PAIRED]))
    above_block = '<p class="body f-body" style="position:absolute;top:-20mm;left:0;white-space:nowrap">版心以上的字</p>'
    off_paper = '<p class="body f-body" style="position:absolute;top:-60mm;left:0;white-space:nowrap">纸张以外的字</p>'
    html = replace_once(html, '<main class="content">', f'<main class="content">{above_block}{off_paper}')
    pdf = pdf_of(html)
    with pdfplumber.open(io.BytesIO(pdf)) as opened:
        texts = "".join(c["text"] for c in opened.pages[1].chars)
    assert "纸张以外的字" in texts, "the text layer keeps what is drawn off the page"
    findings = verify_pdf(pdf)
    # Sorted from the top of page 2: off the paper first, then in the top margin.
    assert found(findings, "off_paper") == [(2, 1)]
    assert found(findings, "off_block") == [(2, 2)]
    assert "上边" in [f for f in findings if f.kind == "off_block"][0].message_zh


def test_text_past_the_right_edge():
    html = render_html(document([PAIRED]))
    wide = '<p class="body f-body" style="white-space:nowrap">' + "超出右边" * 7 + "超</p>"
    html = replace_once(html, "</main>", wide + "</main>")
    findings = verify_pdf(pdf_of(html))
    assert any(f.kind == "off_block" and "右边" in f.message_zh for f in findings)


@pytest.mark.parametrize("entries", [18, 26, 40])
def test_long_distribution_list_outside_the_block_is_named(entries):
    """However the renderer places a long 送 list, every line of it drawn outside the
    text block or the paper (counted here with pdfplumber) is named with its page."""
    names = tuple(f"杭州市第{i}届人大代表联络站、各区县（市）人大常委会办公室" for i in range(1, entries + 1))
    pdf = render_pdf(document([LONG, LONG], distribution=names))
    geometry = page_geometry()
    outside: dict[int, int] = {}
    with pdfplumber.open(io.BytesIO(pdf)) as opened:
        for number, page in enumerate(opened.pages, 1):
            block = geometry.block(number)
            for char in page.chars:
                if char["top"] < block.top - 1 and char["text"].strip():
                    outside[number] = outside.get(number, 0) + 1
    findings = [f for f in verify_pdf(pdf) if f.kind in ("off_block", "off_paper")]
    assert {f.page for f in findings} == set(outside)
    off_paper = [f for f in findings if f.kind == "off_paper"]
    assert all("纸张以外" in f.message_zh for f in off_paper)


def test_finding_round_trips_as_a_dict():
    finding = Finding("orphan_char", 3, 7, "实。", "段末一行只有一个字")
    assert Finding.from_dict(finding.to_dict()) == finding
    assert finding.text_zh == "第3页第7行：段末一行只有一个字：实。"


# ------------------------------------------------------------------------------ seeds

SEED_FILES = sorted(Path(SEEDS).glob("*.txt"))


@pytest.mark.parametrize("path", SEED_FILES, ids=[p.stem for p in SEED_FILES])
def test_seed_issue_reports(path, tmp_path):
    """Every seed issue re-rendered: the report is made and holds no reversed quote and
    nothing off the page or the block. What else it finds is listed in the message (the
    renderer's other faults are being fixed; this test tightens as they are)."""
    result = parse_issue_file(path)
    assert not result.errors, [p.message for p in result.errors]
    findings = verify_pdf(render_pdf(result.document))
    serious = [f for f in findings if f.kind in ("quote", "off_paper", "off_block")]
    listing = "\n".join(f"  {f.kind}: {f.text_zh}" for f in findings)
    assert not serious, f"{path.stem}: the PDF shows\n{listing}"


def test_two_latin_distribution_entries_are_not_a_word_break():
    # Each entry starts a line of its own: "…2024.html" then "ABCDEF" is two entries.
    entries = ["省人大常委会办公厅", "https://www.example.gov.cn/2024.html", "ABCDEF", "西湖区人大常委会"]
    findings = verify_pdf(render_pdf(document(["正文。"], distribution=tuple(entries))))
    assert found(findings, "word_break") == [], findings


def test_a_circle_in_a_chinese_numeral_year_is_listed():
    item = ArticleItem("标题", [[Run("二○二四年十月，区人大常委会召开会议。")]], "", "研究室", ["杨青青"])
    findings = verify_pdf(render_pdf(issue_document([Section("要闻速递", "articles", [item])])))
    circles = [f for f in findings if f.kind == "circle_zero"]
    assert len(circles) == 1 and "二○二四" in circles[0].message_zh and circles[0].page == 2, findings


def test_a_distribution_block_over_two_pages_is_named():
    entries = [f"第{n}个单位人大常委会办公室" for n in range(1, 41)]
    findings = verify_pdf(render_pdf(document(["正文。"], distribution=tuple(entries))))
    splits = [f for f in findings if f.kind == "dist_split"]
    assert len(splits) == 1 and "分在2页" in splits[0].message_zh, findings
