"""Word intake (intake.docx_import, wordml, formats): the shared cases with their
right values, and files of each kind built here, so the kind is fixed, not the case."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
from docx import Document

from intake import formats
from intake.docx_import import DocxImportError, import_document
from intake.wordml import Limits, read_word
from tests import paths
from tests.word_files import b, build_docx, p, r
from text.listnumbers import format_number

CASES = paths.CASES / "word"
TITLE = p(b("西湖区：“三化”推进代表联络站建设"), ppr='<w:jc w:val="center"/>')
BYLINE = p(r("（西湖区人大常委会办公室 钱苏晚）"))


def imported(body: str, **kwargs):
    options = {k: kwargs.pop(k) for k in ("tables_as_rows",) if k in kwargs}
    return import_document(build_docx(TITLE + body + BYLINE, **kwargs), **options)


# --- the shared cases ---------------------------------------------------------------------

CASE_BODIES = {
    "01-tracked-insertion.docx": "<p>今年以来，区人大常委会聚焦代表联络站规范化建设，推动代表工作提质增效。</p>"
    "<p><strong>一是建强阵地。</strong>新建站点12个。</p>",
    "02-hyperlink-text.docx": "<p>相关做法已在区人大门户网站专栏刊发，受到代表好评。</p>",
    "04-auto-numbering-chinese.docx": "<p>区人大常委会从三个方面推进代表联络站建设。</p>"
    "<p>一、建强阵地，新建站点12个。</p><p>二、完善机制，每月开展接待活动。</p>",
    "05-bold-by-character-style.docx": "<p><strong>一是建强阵地。</strong>全区新建代表联络站12个。</p>"
    "<p><strong>二是完善机制。</strong>每月开展集中接待活动。</p>",
    "14-soft-line-breaks.docx": "<p>今年以来，区人大常委会聚焦代表联络站建设，推动代表履职常态化。</p>"
    "<p><strong>一是建强阵地。</strong>全区新建联络站12个。</p>"
    "<p><strong>二是完善机制。</strong>建立月接待制度。</p>",
}


@pytest.mark.parametrize("name", sorted(CASE_BODIES))
def test_shared_word_cases(name):
    result = import_document((CASES / name).read_bytes())
    assert result.title == "西湖区：“三化”推进代表联络站建设"
    assert result.body_html == CASE_BODIES[name]
    assert result.byline == "西湖区人大常委会办公室 钱苏晚"
    assert result.dropped == []
    assert "草草" not in result.body_html and "\u3000" not in result.body_html


# --- everything Word displays ---------------------------------------------------------------


def test_tracked_changes_are_accepted_and_a_deleted_paragraph_mark_joins():
    body = (
        p(r("今年以来，"), '<w:del w:id="1" w:author="甲"><w:r><w:delText>删去的字</w:delText></w:r></w:del>',
          '<w:ins w:id="2" w:author="甲">' + r("新增的字，") + "</w:ins>",
          '<w:moveFrom w:id="3" w:author="甲">' + r("移走的字") + "</w:moveFrom>", r("推进建设。"))
        + p(r("上半段"), ppr='<w:rPr><w:del w:id="4" w:author="甲"/></w:rPr>')
        + p(r("下半段。"))
        + '<w:del w:id="5" w:author="甲">' + p(r("整段删除。")) + "</w:del>"
    )  # fmt: skip
    result = imported(body)
    assert result.body_html == "<p>今年以来，新增的字，推进建设。</p><p>上半段下半段。</p>"


def test_hyperlinks_fields_smart_tags_and_content_controls_keep_their_displayed_text():
    field = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> HYPERLINK "http://x.cn" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        + r("门户网站")
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    nested_instruction = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>IF </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        + r("9")
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:r><w:instrText> = 1 "甲" "乙"</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        + r("乙")
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    body = (
        p(r("已在"), field, r("刊发，"), '<w:hyperlink r:id="rId99">' + r("专栏") + "</w:hyperlink>", r("可查。"))
        + p(r("日期："), '<w:fldSimple w:instr=" DATE ">' + r("2024年3月1日") + "</w:fldSimple>", r("。"))
        + p(r("条件"), nested_instruction, r("。"))
        + p(r("联系"), '<w:smartTag w:uri="u" w:element="place"><w:smartTagPr/>' + r("西湖区") + "</w:smartTag>",
            '<w:customXml w:element="x">' + r("人大") + "</w:customXml>", r("。"))
        + '<w:sdt><w:sdtPr><w:alias w:val="正文"/></w:sdtPr><w:sdtContent>' + p(r("块级控件里的段落。")) + "</w:sdtContent></w:sdt>"
        + p(r("行内"), '<w:sdt><w:sdtPr/><w:sdtContent>' + b("控件") + "</w:sdtContent></w:sdt>", r("文字。"),
            '<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent>' + r("单击此处输入文字。") + "</w:sdtContent></w:sdt>")
    )  # fmt: skip
    result = imported(body)
    assert result.body_html == (
        "<p>已在门户网站刊发，专栏可查。</p><p>日期：2024年3月1日。</p><p>条件乙。</p>"
        "<p>联系西湖区人大。</p><p>块级控件里的段落。</p><p>行内<strong>控件</strong>文字。</p>"
    )
    assert "HYPERLINK" not in result.body_html and "PAGE" not in result.body_html


def _text_box(text: str) -> str:
    """A text box as Word 2010+ writes it: DrawingML choice, VML fallback (same text)."""
    return (
        '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><wp:docPr id="1" name="文本框 1"/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:txbx>'
        f"<w:txbxContent>{p(r(text))}</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>"
        "</mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>"
        f"<w:txbxContent>{p(r(text))}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )


def test_text_boxes_become_paragraphs_where_they_are_anchored_once():
    vml_only = f"<w:r><w:pict><v:shape><v:textbox><w:txbxContent>{p(r('旧式文本框。'))}</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
    body = (
        p(r("正文第一段。"), _text_box("文本框里的话。")) + p(r("正文第二段。"), vml_only) + p(r("第三段。"))
    )
    result = imported(body)
    assert result.body_html == (
        "<p>正文第一段。</p><p>文本框里的话。</p><p>正文第二段。</p><p>旧式文本框。</p><p>第三段。</p>"
    )
    assert result.kept == [
        "第 2 段中的文本框（文字已作为段落保留在此处）",
        "第 3 段中的文本框（文字已作为段落保留在此处）",
    ]


def test_footnotes_and_endnotes_are_kept_as_text_at_the_end():
    notes = (
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:id="1">' + p(r("数据来源：区人大常委会办公室。")) + "</w:footnote>"
    )
    endnotes = '<w:endnote w:id="1">' + p(r("详见区人大门户网站。")) + "</w:endnote>"
    body = p(r("全区新建站点12个"), '<w:r><w:footnoteReference w:id="1"/></w:r>', r("。"),
             '<w:r><w:endnoteReference w:id="1"/></w:r>')  # fmt: skip
    result = imported(body, footnotes=notes, endnotes=endnotes)
    assert result.body_html == (
        "<p>全区新建站点12个（注1）。（尾注1）</p><p>注1：数据来源：区人大常委会办公室。</p>"
        "<p>尾注1：详见区人大门户网站。</p>"
    )
    assert result.byline == "西湖区人大常委会办公室 钱苏晚"
    assert result.kept == ["脚注和尾注 2 条（已附在正文末尾，请核对是否保留）"]


BOLD_STYLES = (
    '<w:style w:type="character" w:customStyle="1" w:styleId="Lead"><w:name w:val="段首句"/>'
    "<w:rPr><w:b/></w:rPr></w:style>"
    '<w:style w:type="character" w:customStyle="1" w:styleId="LeadChild"><w:name w:val="段首句子"/>'
    '<w:basedOn w:val="Lead"/><w:rPr><w:color w:val="FF0000"/></w:rPr></w:style>'
    '<w:style w:type="paragraph" w:customStyle="1" w:styleId="BoldPara"><w:name w:val="加粗段"/>'
    '<w:basedOn w:val="Normal"/><w:rPr><w:b/></w:rPr></w:style>'
    '<w:style w:type="paragraph" w:customStyle="1" w:styleId="CsBold"><w:name w:val="复杂文种加粗"/>'
    '<w:basedOn w:val="Normal"/><w:rPr><w:bCs/></w:rPr></w:style>'
)


def test_bold_as_word_resolves_it():
    body = (
        p(r("一是字符样式。", '<w:rStyle w:val="LeadChild"/>'), r("其余不加粗。"))
        + p(r("整段由段落样式加粗，"), r("此处明确不加粗。", '<w:b w:val="0"/>'), ppr='<w:pStyle w:val="BoldPara"/>')
        + p(r("只有 bCs 的中文不加粗。", "<w:bCs/>"), r("复杂文种标记的才看 bCs。", "<w:bCs/><w:cs/>"))
        + p(r("段落样式只有 bCs。"), ppr='<w:pStyle w:val="CsBold"/>')
        + p(r("关闭的直接格式", '<w:b w:val="false"/>'), r("和 off", '<w:b w:val="off"/>'), r("都不加粗。"))
    )  # fmt: skip
    result = imported(body, styles=BOLD_STYLES)
    assert result.body_html == (
        "<p><strong>一是字符样式。</strong>其余不加粗。</p>"
        "<p><strong>整段由段落样式加粗，</strong>此处明确不加粗。</p>"
        "<p>只有 bCs 的中文不加粗。<strong>复杂文种标记的才看 bCs。</strong></p>"
        "<p>段落样式只有 bCs。</p>"
        "<p>关闭的直接格式和 off都不加粗。</p>"
    )


def test_document_default_bold_and_explicit_off():
    body = p(r("默认加粗，"), r("这里关闭。", '<w:b w:val="0"/>'))
    result = imported(body, doc_defaults_rpr="<w:b/>")
    assert result.body_html == "<p><strong>默认加粗，</strong>这里关闭。</p>"


NUMBERING = (
    '<w:abstractNum w:abstractNumId="7"><w:multiLevelType w:val="multilevel"/>'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
    '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>'
    '<w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="（%4）"/></w:lvl>'
    '<w:lvl w:ilvl="4"><w:start w:val="1"/><w:numFmt w:val="decimalEnclosedCircle"/><w:lvlText w:val="%5"/></w:lvl>'
    "</w:abstractNum>"
    '<w:abstractNum w:abstractNumId="8"><w:lvl w:ilvl="0"><w:start w:val="9"/>'
    '<mc:AlternateContent><mc:Choice Requires="w14"><w:numFmt w:val="custom" w:format="001, 002, 003, ..."/></mc:Choice>'
    '<mc:Fallback><w:numFmt w:val="chineseLegalSimplified"/></mc:Fallback></mc:AlternateContent>'
    '<w:lvlText w:val="第%1条"/></w:lvl></w:abstractNum>'
    '<w:abstractNum w:abstractNumId="9"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="ideographTraditional"/>'
    '<w:lvlText w:val="%1."/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
    '<w:lvlText w:val="%1.%2"/><w:isLgl/></w:lvl></w:abstractNum>'
    '<w:num w:numId="1"><w:abstractNumId w:val="7"/></w:num>'
    '<w:num w:numId="2"><w:abstractNumId w:val="7"/></w:num>'
    '<w:num w:numId="3"><w:abstractNumId w:val="7"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num>'
    '<w:num w:numId="4"><w:abstractNumId w:val="8"/></w:num>'
    '<w:num w:numId="5"><w:abstractNumId w:val="9"/></w:num>'
)
NUMBERED_STYLE = (
    '<w:style w:type="paragraph" w:customStyle="1" w:styleId="Item"><w:name w:val="条目"/>'
    '<w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr></w:pPr></w:style>'
)


def numbered(text: str, num: int, level: int) -> str:
    return p(r(text), ppr=f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num}"/></w:numPr>')


def test_automatic_numbering_as_word_displays_it():
    body = (
        numbered("总体情况", 1, 0)
        + numbered("建强阵地", 1, 1)
        + numbered("新建站点", 1, 2)
        + numbered("城区", 1, 3)
        + numbered("东片", 1, 4)
        + numbered("西片", 1, 4)
        + numbered("乡镇", 1, 3)
        + numbered("改造站点", 1, 2)
        + p(r("由样式编号"), ppr='<w:pStyle w:val="Item"/>')
        + numbered("主要做法", 2, 0)  # another list of the same definition continues
        + numbered("完善机制", 1, 1)  # a deeper level restarts under a new parent
        + numbered("下一步打算", 3, 0)  # startOverride restarts at 五
        + numbered("权利", 4, 0)
        + numbered("义务", 4, 0)
        + numbered("甲项", 5, 0)
        + numbered("细目", 5, 1)
        + p(r("不编号"), ppr='<w:numPr><w:ilvl w:val="0"/><w:numId w:val="0"/></w:numPr>')
    )
    result = imported(body, numbering=NUMBERING, styles=NUMBERED_STYLE)
    paragraphs = result.body_html.removeprefix("<p>").removesuffix("</p>").split("</p><p>")
    assert paragraphs == [
        "一、总体情况", "（一）建强阵地", "1.新建站点", "（1）城区", "①东片", "②西片", "（2）乡镇",
        "2.改造站点", "（二）由样式编号", "二、主要做法", "（一）完善机制", "五、下一步打算",
        "第玖条权利", "第壹拾条义务", "甲.甲项", "1.1细目", "不编号",
    ]  # fmt: skip


def test_number_formats():
    assert [format_number(n, "chineseCounting") for n in (1, 10, 11, 20, 21, 100, 105, 110)] == [
        "一", "十", "十一", "二十", "二十一", "一百", "一百零五", "一百一十",
    ]  # fmt: skip
    assert format_number(3, "decimalEnclosedCircle") == "③"
    assert format_number(3, "ideographZodiac") == "寅"
    assert format_number(4, "lowerRoman") == "iv" and format_number(28, "upperLetter") == "BB"
    assert format_number(12, "decimalFullWidth") == "１２"


def test_manual_line_breaks_and_indents():
    body = p(
        r("\u3000\u3000第一段以句号结束。"), "<w:r><w:br/></w:r>",
        r("第二段没有缩进，但上一行已结束"), "<w:r><w:br/></w:r>",
        r("同一句话被手动换行，"), "<w:r><w:br/></w:r>", r("仍是一段。"),
        "<w:r><w:tab/></w:r>", r("中间的制表符成为空格。"),
        '<w:r><w:br w:type="page"/></w:r>', r("\t分页后新的一段。"),
    )  # fmt: skip
    result = imported(body)
    assert result.body_html == (
        "<p>第一段以句号结束。</p><p>第二段没有缩进，但上一行已结束同一句话被手动换行，仍是一段。 中间的制表符成为空格。</p>"
        "<p>分页后新的一段。</p>"
    )


def test_what_cannot_be_kept_is_named_with_its_place():
    table = (
        "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>"
        "<w:tr><w:tc>"
        + p(r("单位"))
        + "</w:tc><w:tc>"
        + p(r("站点"))
        + "</w:tc><w:tc>"
        + p(r("接待"))
        + "</w:tc></w:tr>"
        "<w:tr><w:tc>"
        + p(r("西湖区"))
        + "</w:tc><w:tc>"
        + p(r("12"))
        + "</w:tc><w:tc>"
        + p(r("46"))
        + "</w:tc></w:tr>"
        "</w:tbl>"
    )
    image = (
        '<w:r><w:drawing><wp:inline><wp:docPr id="2" name="图片 2"/><a:graphic>'
        '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic/></a:graphicData>'
        "</a:graphic></wp:inline></w:drawing></w:r>"
    )
    equation = "<m:oMath><m:r><m:t>x=1</m:t></m:r></m:oMath>"
    obj = '<w:r><w:object><v:shape/><o:OLEObject ProgID="Excel.Sheet.12"/></w:object></w:r>'
    comments = '<w:comment w:id="0" w:author="编辑甲">' + p(r("数字请核实")) + "</w:comment>"
    body = (
        p(r("第一段。"))
        + p(r("第二段。"), image)
        + p(r("第三段，公式"), equation, r("。"), '<w:r><w:commentReference w:id="0"/></w:r>')
        + table
        + p(image)
        + p(r("第四段"), obj, r("隐藏的话", "<w:vanish/>"), r("。"))
    )
    result = imported(body, comments=comments)
    assert result.body_html == "<p>第一段。</p><p>第二段。</p><p>第三段，公式。</p><p>第四段。</p>"
    assert result.dropped == [
        "未导入：第 3 段中的图片（信息稿不刊印图片）",
        "未导入：第 4 段中的公式",
        "未导入：第 4 段后的表格（2 行 3 列）",
        "未导入：第 4 段后的图片（信息稿不刊印图片）",
        "未导入：第 5 段中的嵌入对象（如 Excel 表格、Visio 图）",
        "未导入：第 4 段中的批注（编辑甲：数字请核实）",
        "隐藏文字 1 处未导入：第 5 段中“隐藏的话”（Word 中设为隐藏，不显示）",
    ]
    as_rows = imported(body, comments=comments, tables_as_rows=True)
    assert "<p>单位\u3000站点\u3000接待</p><p>西湖区\u300012\u300046</p>" in as_rows.body_html
    assert as_rows.kept == ["第 4 段后的表格（2 行 3 列，已按行转为文字）"]


def test_strict_open_xml_reads_like_transitional():
    body = p(b("一是建强阵地。"), r("新建站点12个。")) + numbered("完善机制", 1, 0)
    result = imported(body, strict=True, numbering=NUMBERING)
    assert result.title == "西湖区：“三化”推进代表联络站建设"
    assert result.body_html == "<p><strong>一是建强阵地。</strong>新建站点12个。</p><p>一、完善机制</p>"
    assert formats.sniff(build_docx(TITLE, strict=True)).kind == "docx"


def test_paragraph_style_title_and_invisible_characters_in_word():
    document = Document()
    document.add_heading("\u200b⼈⼤代表联络站\ufeff", level=1)
    document.add_paragraph("\u3000\u3000正文\u00a0含不换行空格\u200b。")
    buffer = io.BytesIO()
    document.save(buffer)
    result = import_document(buffer.getvalue())
    assert result.title == "人大代表联络站"
    assert result.body_html == "<p>正文 含不换行空格。</p>"


# --- formats --------------------------------------------------------------------------------


def _docx_for_conversion() -> bytes:
    document = Document()
    title = document.add_paragraph()
    title.alignment = 1
    title.add_run("临平区：“家门口”联络站打通履职最后一公里").bold = True
    lead = document.add_paragraph()
    lead.add_run("一是建强阵地。").bold = True
    lead.add_run("全区新建联络站12个，收集群众意见46条。")
    document.add_paragraph("下一步，将持续完善联络站工作机制。")
    document.add_paragraph("（临平区人大常委会办公室 沈川）")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _libreoffice(data: bytes, target: str, tmp_path: Path) -> bytes:
    import subprocess

    source = tmp_path / "source.docx"
    source.write_bytes(data)
    subprocess.run(
        [formats.soffice_path(), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", target, "--outdir", str(tmp_path / "out"), str(source)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return (tmp_path / "out" / f"source.{target.split(':')[0]}").read_bytes()


@pytest.mark.parametrize(("target", "kind"), [("doc", "doc"), ("rtf", "rtf"), ("odt", "odt")])
def test_doc_rtf_odt_made_by_libreoffice_import_with_the_same_text(target, kind, tmp_path):
    original = _docx_for_conversion()
    expected = import_document(original)
    converted = _libreoffice(original, target, tmp_path)
    assert formats.sniff(converted).kind == kind
    result = import_document(converted)
    assert (result.title, result.body_html, result.byline) == (
        expected.title,
        expected.body_html,
        expected.byline,
    )
    assert expected.body_html == (
        "<p><strong>一是建强阵地。</strong>全区新建联络站12个，收集群众意见46条。</p><p>下一步，将持续完善联络站工作机制。</p>"
    )
    assert formats.sniff(result.source_docx).kind == "docx"


def test_docm_is_read_and_its_macros_are_not_kept():
    data = build_docx(TITLE + p(r("正文。")))
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            if name == "[Content_Types].xml":
                content = content.replace(
                    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                    b"application/vnd.ms-word.document.macroEnabled.main+xml",
                ).replace(
                    b"</Types>",
                    b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
                )
            if name == "word/_rels/document.xml.rels":
                content = content.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject"'
                    b' Target="vbaProject.bin"/></Relationships>',
                )
            target.writestr(name, content)
        target.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro project Sub AutoOpen()")
    docm = out.getvalue()
    assert formats.sniff(docm).kind == "docm"
    result = import_document(docm)
    assert result.body_html == "<p>正文。</p>"
    kept = zipfile.ZipFile(io.BytesIO(result.source_docx))
    assert not any("vba" in name.lower() for name in kept.namelist())
    assert b"macroEnabled" not in kept.read("[Content_Types].xml")
    assert b"vbaProject" not in kept.read("word/_rels/document.xml.rels")
    assert import_document(result.source_docx).body_html == "<p>正文。</p>"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7\n...", "这是 PDF 文件"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "这是图片文件"),
        ("<html><body>稿件</body></html>".encode(), "网页文件"),
        (formats.OLE2_MAGIC + b"\x00" * 200 + "EncryptedPackage".encode("utf-16-le"), "设有打开密码"),
        (formats.OLE2_MAGIC + b"\x00" * 600 + "WordDocument".encode("utf-16-le"), "Word 97-2003 / WPS"),
        (b"{\\rtf1 broken", "RTF 文件"),
        (formats.OLE2_MAGIC + bytes(range(256)) * 800, "不是文字文档"),
        (b"{\\rtf1 " + b"{" * 5000 + b"x" + b"}" * 5000 + b"}", "嵌套过深"),
    ],
)
def test_unreadable_formats_are_named(data, message):
    with pytest.raises(DocxImportError, match=message):
        import_document(data)


# --- bounded cost ----------------------------------------------------------------------------


def test_a_document_of_many_tiny_paragraphs_is_refused_quickly():
    body = "".join(f"<w:p><w:r><w:t>{chr(0x4E00 + i % 100)}</w:t></w:r></w:p>" for i in range(280_000))
    data = build_docx(body)
    assert len(data) < 200_000
    started = time.process_time()
    with pytest.raises(DocxImportError, match="已停止读取并拒绝导入"):
        import_document(data)
    assert time.process_time() - started < 2.0


def test_a_zip_bomb_is_refused_from_the_zip_directory():
    data = build_docx(p(r("正文。")) + "<w:p/>" * 10)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            target.writestr(name, source.read(name))
        target.writestr("word/media/bomb.bin", b"\x00" * (210 * 1024 * 1024))
    started = time.process_time()
    with pytest.raises(DocxImportError, match="压缩炸弹"):
        import_document(out.getvalue())
    assert time.process_time() - started < 2.0


def test_a_huge_text_node_or_deep_nesting_is_named_not_called_damaged():
    huge = build_docx("<w:p><w:r><w:t>" + "字" * 4_000_000 + "</w:t></w:r></w:p>")
    with pytest.raises(DocxImportError, match="单段文字过长或结构嵌套过深"):
        import_document(huge)
    deep = build_docx("<w:p>" + "<w:hyperlink>" * 3000 + r("字") + "</w:hyperlink>" * 3000 + "</w:p>")
    with pytest.raises(DocxImportError, match="单段文字过长或结构嵌套过深"):
        import_document(deep)


def test_a_huge_single_part_is_refused_before_parsing():
    huge = "<w:p><w:r><w:t>" + "字" * 6_000_000 + "</w:t></w:r></w:p>"
    with pytest.raises(DocxImportError, match="文件内容过大"):
        import_document(build_docx(huge))


def test_limits_count_runs_and_characters():
    many_runs = p(*[r("字") for _ in range(300)])
    with pytest.raises(Exception, match="文件内容过多"):
        read_word(build_docx(many_runs), limits=Limits(runs=200))
    with pytest.raises(Exception, match="文件内容过多"):
        read_word(build_docx(p(r("字" * 500))), limits=Limits(chars=400))


def test_numbering_survives_a_doc_round_trip(tmp_path):
    body = (
        TITLE + numbered("总体情况", 1, 0) + numbered("建强阵地", 1, 1) + numbered("新建站点", 1, 2) + BYLINE
    )
    original = build_docx(body, numbering=NUMBERING)
    expected = import_document(original).body_html
    assert expected == "<p>一、总体情况</p><p>（一）建强阵地</p><p>1.新建站点</p>"
    assert import_document(_libreoffice(original, "doc", tmp_path)).body_html == expected


def test_header_and_footer_text_is_named_page_numbers_are_not():
    document = Document()
    document.add_paragraph("标题")
    document.add_paragraph("正文。")
    section = document.sections[0]
    section.header.paragraphs[0].text = "西湖区人大常委会办公室\u3000信息专报"
    section.footer.paragraphs[0].text = "第 1 页"
    buffer = io.BytesIO()
    document.save(buffer)
    result = import_document(buffer.getvalue())
    assert result.body_html == "<p>正文。</p>"
    assert result.dropped == ["未导入：页眉“西湖区人大常委会办公室 信息专报”（每页显示，未导入正文）"]


@pytest.mark.django_db
def test_a_wps_upload_is_read_by_its_content_and_stored_as_docx(client_for, contributor, settings, tmp_path):
    from submissions.models import Submission
    from tests.imports import draft_url, import_word

    settings.MEDIA_ROOT = tmp_path / "media"
    wps = _libreoffice(_docx_for_conversion(), "doc", tmp_path)  # WPS writes the Word 97 binary
    client = client_for(contributor)
    page = import_word(client, "稿件.wps", wps)
    html = page.content.decode()
    assert "已从《稿件.wps》读入标题和正文" in html and "Word 97-2003 / WPS" in html
    assert "临平区：“家门口”联络站打通履职最后一公里" in html
    client.post(
        draft_url(page), {"title": "临平区：“家门口”联络站打通履职最后一公里", "body": "<p>正文。</p>"}
    )
    piece = Submission.objects.get()
    assert piece.source_docx.name.endswith(".docx")
    assert formats.sniff(piece.source_docx.read()).kind == "docx"


def test_one_conversion_at_a_time_and_a_clear_message_when_busy():
    doc = formats.FileFormat("doc", "Word 97-2003 / WPS 文字文件（.doc/.wps）")
    with formats._conversion_slot(doc):
        with pytest.raises(formats.ConversionError, match="服务器正忙于转换其他文件"):
            with formats._conversion_slot(doc, wait=0.3):
                pass
    with formats._conversion_slot(doc, wait=0.3):
        pass  # free again
