"""Word's superscript and subscript (``w:vertAlign``) survive the import: m², 1.2×10⁴ and
CO₂ are stored as <sup>/<sub>, never flattened to m2, 1.2×104, CO2.

tests/fixtures/cases/word3/03-superscript-units.docx is a copy of ../shared/cases/word3/
(handed over 2026-12-07), written the way WPS writes direct run formatting. The other
files are built here (python-docx, then raw WordprocessingML), each the way Word stores
the formatting: direct, through a character style, a paragraph style, the defaults.
"""

from __future__ import annotations

import io

import pytest
from docx import Document

from intake.docx_import import import_document
from intake.wordml import read_word
from tests import paths
from tests.word_files import b, build_docx, p, r
from text.richtext import body_paragraphs

CASE = paths.CASES / "word3" / "03-superscript-units.docx"
TITLE = p(b("西湖区：“三化”推进代表联络站建设"), ppr='<w:jc w:val="center"/>')
BYLINE = p(r("（西湖区人大常委会办公室 钱苏晚）"))
SUP = '<w:vertAlign w:val="superscript"/>'
SUB = '<w:vertAlign w:val="subscript"/>'


def imported(body: str, **kwargs):
    return import_document(build_docx(TITLE + body + BYLINE, **kwargs))


def test_the_shared_case_keeps_every_unit_as_the_contributor_sees_it():
    result = import_document(CASE.read_bytes())
    assert result.title == "西湖区：“三化”推进代表联络站建设"
    assert result.body_html == (
        "<p>全区新建代表联络站12个，总建筑面积达3200m<sup>2</sup>，其中单站最大面积为260m<sup>2</sup>。</p>"
        "<p>年度受理群众意见建议1.2×10<sup>4</sup>件次，比上年增长15%。</p>"
        "<p>推动辖区企业减少CO<sub>2</sub>排放约800吨。</p>"
    )
    text = "\n".join(body_paragraphs(result.body_html))
    for unit in ("3200m²", "260m²", "1.2×10⁴件次", "CO₂"):
        assert unit in text
    for flat in ("3200m2", "1.2×104", "CO2"):
        assert flat not in text
    assert result.byline == "西湖区人大常委会办公室 钱苏晚"
    assert result.dropped == []


def test_python_docx_superscript_and_subscript_runs():
    document = Document()
    document.add_paragraph("西湖区：“三化”推进代表联络站建设")
    paragraph = document.add_paragraph("面积3200m")
    paragraph.add_run("2").font.superscript = True
    paragraph.add_run("，减少CO")
    paragraph.add_run("2").font.subscript = True
    bold = paragraph.add_run("，10")
    bold.bold = True
    raised = paragraph.add_run("-6")
    raised.bold = True
    raised.font.superscript = True
    buffer = io.BytesIO()
    document.save(buffer)
    result = import_document(buffer.getvalue())
    assert (
        result.body_html
        == "<p>面积3200m<sup>2</sup>，减少CO<sub>2</sub><strong>，10<sup>-6</sup></strong></p>"
    )


def test_vert_align_through_styles_and_defaults_as_word_resolves_it():
    styles = (
        '<w:style w:type="character" w:styleId="Sup"><w:name w:val="上标字"/>'
        f"<w:rPr>{SUP}</w:rPr></w:style>"
        '<w:style w:type="character" w:styleId="SupChild"><w:name w:val="上标字2"/>'
        '<w:basedOn w:val="Sup"/></w:style>'
        '<w:style w:type="paragraph" w:styleId="Formula"><w:name w:val="公式段"/>'
        f"<w:rPr>{SUB}</w:rPr></w:style>"
    )
    body = (
        p(
            r("面积"),
            r("3200m"),
            r("2", '<w:rStyle w:val="Sup"/>'),
            r("，体积"),
            r("m"),
            r("3", '<w:rStyle w:val="SupChild"/>'),
        )
        # Direct formatting wins over the character style (baseline cancels it).
        + p(r("方差σ"), r("2", '<w:rStyle w:val="Sup"/><w:vertAlign w:val="baseline"/>'))
        + p(r("x", '<w:vertAlign w:val="baseline"/>'), r("i"), ppr='<w:pStyle w:val="Formula"/>')
    )
    result = imported(body, styles=styles)
    assert result.body_html == (
        "<p>面积3200m<sup>2</sup>，体积m<sup>3</sup></p><p>方差σ2</p><p>x<sub>i</sub></p>"
    )


def test_position_raised_text_and_other_values_are_not_scripts():
    # w:position raises text without making it smaller (a layout nudge, not a superscript).
    body = p(r("甲", '<w:position w:val="6"/>'), r("乙", '<w:vertAlign w:val="bogus"/>'))
    assert imported(body).body_html == "<p>甲乙</p>"


def test_the_reader_gives_runs_with_their_script():
    data = build_docx(p(r("CO"), r("2", SUB), r("排放")))
    runs = read_word(data).paragraphs[0].runs
    assert [tuple(run) for run in runs] == [("CO", False, ""), ("2", False, "sub"), ("排放", False, "")]


def test_a_superscript_in_the_title_reads_as_the_unicode_character():
    title = p(b("全区新建联络站3200m"), r("2", "<w:b/>" + SUP), ppr='<w:jc w:val="center"/>')
    result = import_document(build_docx(title + p(r("正文。")) + BYLINE))
    assert result.title == "全区新建联络站3200m²"


def test_a_title_script_without_a_unicode_form_is_read_as_plain_text_and_named():
    # A title is plain text: PM₂.₅ has no subscript full stop and [1] no superscript
    # brackets, so they read as ordinary text — never as the body's ^ and _ markers.
    title = p(
        b("临安区PM"),
        r("2.5", "<w:b/>" + SUB),
        b("浓度下降，获评A"),
        r("+[1]", "<w:b/>" + SUP),
        ppr='<w:jc w:val="center"/>',
    )
    result = import_document(build_docx(title + p(r("正文。")) + BYLINE))
    assert result.title == "临安区PM2.5浓度下降，获评A+[1]"
    assert "^" not in result.title and "_" not in result.title
    assert "标题中的上标或下标 “2.5”、“+[1]” 没有对应的字符，已按普通文字读入标题，请核对" in result.kept


@pytest.mark.parametrize(("rpr", "tag"), [(SUP, "sup"), (SUB, "sub")])
def test_a_script_run_keeps_its_script_across_a_manual_line_break(rpr, tag):
    # A line break inside a sentence joins the lines (docx_import); the run stays raised.
    run = f"<w:r><w:rPr>{rpr}</w:rPr><w:t>1</w:t><w:br/><w:t>2</w:t></w:r>"
    assert imported(p(r("甲"), run, r("。"))).body_html == f"<p>甲<{tag}>12</{tag}>。</p>"
