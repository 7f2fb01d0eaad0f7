"""The print cases (../shared/cases/print/) across fill lengths, measured on the PDF.

Each paragraph of a case file is set after every prefix of 0 to 40 characters, so its
critical spot (a connector, a sign before or after a number, a dash, a long address)
falls at every column of a line, at a line end and at a line start. The whole set of a
file is one real WeasyPrint render, read back with pdfplumber (every glyph's position)
and pdftotext (the text layer), and every line is checked: no forbidden line start or
end, no split dash/ellipsis/sign-number pair, letter-spacing within the bounds, every
line but a paragraph's last ending within 0.25 pt of the right edge unless the check
report flags it as ragged.
"""

from __future__ import annotations

import re

import pytest

from printing.document import ArticleItem, IssueDocument, Run, Section, paragraph_text
from printing.render import check_document
from tests.paths import CASES
from tests.printing_fixtures import (
    BLOCK_WIDTH,
    DASH_AND_ELLIPSIS_HALVES,
    LINE_END_FORBIDDEN,
    LINE_START_FORBIDDEN,
    NARROW_MIN_EM,
    PITCH,
    POSTFIX_AFTER_DIGIT,
    POSTFIX_SIGNS,
    PREFIX_SIGNS,
    SPACING_BOUNDS_EM,
    URL_BREAK_AFTER,
    Rendered,
    is_ideograph,
    issue_document,
    left_edge,
    render_document,
    text_lines,
)

CASES_DIR = CASES / "print"
CASE_FILES = sorted(CASES_DIR.glob("*.txt")) if CASES_DIR.is_dir() else []
FILLER = "区人大常委会组织代表深入基层开展专题调研"
FILLS = range(0, 41)
EDGE_TOLERANCE = 0.25  # pt
SPACING_TOLERANCE = 0.05  # pt: WeasyPrint's 1/1000-em truncation of single positions


def fill(length: int) -> str:
    return (FILLER * 3)[:length]


def case_document(paragraphs: list[str], title: str = "排版测试") -> IssueDocument:
    return issue_document(
        [
            Section(
                "要闻速递",
                "articles",
                [ArticleItem(title, [[Run(p)] for p in paragraphs], "", "研究室", ["杨青青"])],
            )
        ]
    )


render = render_document


def body_paragraphs(rendered: Rendered) -> list[list]:
    """The 16 pt body lines from page 2 on, grouped into paragraphs by their indent."""
    indent = 2 * PITCH
    paragraphs: list[list] = []
    for line in text_lines(rendered):
        if line.page < 2 or abs(line.size - 16) > 0.05 or "FandolFang" not in " ".join(line.fonts()):
            continue
        if line.text.startswith("（") and line.text.endswith("）") and "研究室" in line.text:
            continue  # the byline
        starts = abs(line.x0 - left_edge(line.page) - indent) < 0.5
        if starts or not paragraphs:
            paragraphs.append([])
        paragraphs[-1].append(line)
    return paragraphs


def check_lines(rendered: Rendered, expected: list[str], flagged: set[str]) -> list[str]:
    """Every rule of the issue, on the PDF; returns the problems found."""
    problems: list[str] = []
    paragraphs = body_paragraphs(rendered)
    # The lines of each paragraph are its text; a space where a line breaks is not printed.
    assert len(paragraphs) == len(expected)
    for paragraph, text in zip(paragraphs, expected, strict=True):
        assert re.fullmatch(" ?".join(re.escape(line.text) for line in paragraph), text), (paragraph, text)
    low, high = (bound * 16 for bound in SPACING_BOUNDS_EM)
    narrow_low = NARROW_MIN_EM * 16
    for paragraph in paragraphs:
        for number, line in enumerate(paragraph):
            text = line.text
            last = number == len(paragraph) - 1
            if text[0] in LINE_START_FORBIDDEN:
                problems.append(f"starts with {text[0]!r}: {text}")
            if text[-1] in LINE_END_FORBIDDEN:
                problems.append(f"ends with {text[-1]!r}: {text}")
            if not last:
                after = paragraph[number + 1].text[0]
                if text[-1] in DASH_AND_ELLIPSIS_HALVES and after in DASH_AND_ELLIPSIS_HALVES:
                    problems.append(f"dash or ellipsis split: {text} / {after}")
                if text[-1] in PREFIX_SIGNS and after.isdigit():
                    problems.append(f"sign split from its number: {text} / {after}")
                if text[-1].isdigit() and after in POSTFIX_SIGNS + POSTFIX_AFTER_DIGIT:
                    problems.append(f"number split from its sign: {text} / {after}")
                if text not in flagged and all(
                    c.isalnum() and not is_ideograph(c) for c in (text[-1], after)
                ):
                    problems.append(f"word or number split: {text} / {after}")
                right = left_edge(line.page) + BLOCK_WIDTH
                if abs(line.x1 - right) > EDGE_TOLERANCE and text not in flagged:
                    problems.append(f"ends {line.x1 - right:+.3f} pt from the edge: {text}")
            if text in flagged:
                continue
            for a, b in zip(line.chars, line.chars[1:], strict=False):
                gap = b["x0"] - a["x1"]
                narrow = all(c.isascii() and not c.isspace() for c in a["text"] + b["text"])
                if not (
                    (narrow_low if narrow else low) - SPACING_TOLERANCE <= gap <= high + SPACING_TOLERANCE
                ):
                    problems.append(f"spacing {gap:+.2f} pt between {a['text']}{b['text']}: {text}")
                    break
    return problems


@pytest.mark.parametrize("case", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_case_holds_across_fill_lengths(case, tmp_path):
    lines = [line.strip() for line in case.read_text(encoding="utf-8").splitlines() if line.strip()]
    paragraphs = [fill(length) + line for line in lines for length in FILLS]
    document = case_document(paragraphs)
    rendered = render(document, tmp_path, case.stem)
    report = check_document(document)
    flagged = {finding.text for finding in report.of_kind("ragged")}
    expected = [paragraph_text(p) for p in rendered.document.sections[0].items[0].paragraphs]
    assert check_lines(rendered, expected, flagged) == []
    # Only a line that ends inside an address, before a piece of it too long to leave
    # room (a 32-digit hex name), may be set ragged; nothing else needed flagging.
    for finding in report.of_kind("ragged"):
        assert finding.text[-1] in URL_BREAK_AFTER and "网址在此断行" in finding.message, finding


def pdftotext_body(rendered: Rendered) -> str:
    """pdftotext from page 2 with line ends and page numbers removed."""
    text = re.sub(r"^— ?\d+ ?—$", "", rendered.text("-raw", "-f", "2"), flags=re.M)
    return re.sub(r"[\n\f]", "", text)


def test_text_layer_of_the_cases_is_the_stored_text(tmp_path):
    paragraphs = [
        line.strip()
        for case in CASE_FILES
        for line in case.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    rendered = render(case_document(paragraphs), tmp_path, "cases")
    assert (
        pdftotext_body(rendered)
        == "排版测试"
        + "".join(paragraphs)
        + "（研究室　杨青青）".replace("\u3000", " ")
        + "送：省人大常委会办公厅、研究室本期责任编辑：杨青青电话：(0571)85250657"
    )


# Other texts of the case files' kinds (the review of issue 13): each is set after every
# fill length like a case file, and must hold the same rules.
REVIEW_TEXTS = {
    "connectors": [
        "项目周期为2023—2025年。",
        "每周安排3～5次走访。",
        "时间为1-2月下旬，会期1–3日。",
        "增长幅度10%～20%之间，气温－5～3℃。",
        "规划为2024―2026年，2024〜2026年。",
    ],
    "signs": [
        "投入资金￥3500万元，约合$200万美元。",
        "欧元€15亿元，英镑£8亿元，偏差±0.5毫米。",
        "价格$ 200元，第№ 5号楼，第# 3号楼。",
        "浓度2.5‰以下，温度37℃以上，经度120°10′30″。",
        "合计3500元整，占比35％左右。",
    ],
    "dashes": [
        "联络站——群众，联络站──群众的家。",
        "等等……之类，等等⋯⋯之类，等等...之类。",
        "联络站—―群众，代表〰〰群众，代表﹏﹏群众。",
    ],
    "long-runs": [
        "账号为123456789012345678901234567890的账户。",
        "编号为" + "abcdefghij" * 4 + "的文件。",
        "编号为" + "abcdefghij" * 6 + "的文件。",
        "参见https://www.hzrd.gov.cn/search?q=代表&page=2&sort=desc网页。",
        "见（https://www.hzrd.gov.cn/col/col1229512345/index.html）。",
    ],
    "marks": [
        "他说（“代表的意见很重要……”）。后面还有。",
        "会议审议了（《“关于代表工作的意见”》）等文件。",
        "约翰·史密斯和约翰・布朗先生到访。",
    ],
    "mixed": [
        "GDP增长5.2%，CPI上涨0.3个百分点。",
        "ＧＤＰ增长５．２％，全年１２３４５６７８件。",
    ],
}


@pytest.mark.parametrize("kind", REVIEW_TEXTS)
def test_other_texts_of_the_same_kinds_hold_across_fill_lengths(kind, tmp_path):
    paragraphs = [fill(length) + text for text in REVIEW_TEXTS[kind] for length in FILLS]
    document = case_document(paragraphs)
    rendered = render(document, tmp_path, kind)
    flagged = {finding.text for finding in check_document(document).of_kind("ragged")}
    expected = [paragraph_text(p) for p in rendered.document.sections[0].items[0].paragraphs]
    assert check_lines(rendered, expected, flagged) == []


SIGNS_TEXT = [
    "经费￥120万元，美元＄5，日元¥3，增长5％和3%。",
    "等等……还有⋯⋯以及‥‥之类。",
    "联络站――群众——再──了，3～5次，－3度。",
    "温度25℃，增长5‰，角度30°，误差±3%，№5，＃2。",
    "中间点·和・与•之类。",
    "引号“双”‘单’《书》〈篇〉「甲」『乙』【丙】〔丁〕〖戊〗（己）。",
]


def test_text_layer_keeps_every_code_point_even_when_faces_share_glyphs(tmp_path):
    # FandolFang draws … and ⋯ with one glyph, and · and ・: a PDF maps a glyph back to
    # one text, so one of each pair is set in a face where it has a glyph of its own.
    rendered = render(case_document(SIGNS_TEXT), tmp_path, "signs")
    flat = pdftotext_body(rendered)
    for paragraph in SIGNS_TEXT:
        assert paragraph in flat, paragraph


def test_control_and_bidi_characters_never_reach_the_print(tmp_path):
    raw = ["代表联络站\u202e建设\u202c情况\u200b通报，\u2066共\u2069建成12个。"]
    document = case_document(raw, title="关于\u202e联络站\u202c建设的报告")
    rendered = render(document, tmp_path, "controls")
    flat = pdftotext_body(rendered)
    assert "关于联络站建设的报告" in flat
    assert "代表联络站建设情况通报，共建成12个。" in flat
    assert not re.search("[\u200b-\u200f\u202a-\u202e\u2066-\u2069]", flat)
    report = check_document(document)
    listed = {finding.text for finding in report.of_kind("unprintable")}
    assert listed == {"\u202e", "\u202c", "\u200b", "\u2066", "\u2069"}


def test_an_unbreakable_run_longer_than_a_line_is_set_ragged_and_reported(tmp_path):
    run = "ABCDEFGHIJKLMNOPQRSTUVWXYZ" * 4
    document = case_document([f"账号为{run}，请核对。"])
    report = check_document(document)
    ragged = report.of_kind("ragged")
    assert ragged and "长于一行" in ragged[0].message
    rendered = render(document, tmp_path, "overlong")
    flagged = {finding.text for finding in ragged}
    expected = [paragraph_text(p) for p in rendered.document.sections[0].items[0].paragraphs]
    assert check_lines(rendered, expected, flagged) == []
