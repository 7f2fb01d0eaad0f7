"""An HTML body embedded in a Word file (``w:altChunk``, as OA systems export) is read by
the paste rules: its superscripts and subscripts are kept, and the text it hides is left
out and named in the import report like Word's own hidden text."""

from intake.docx_import import import_document
from tests.intake.test_word_marks import alt_chunk

OA_HTML = (
    "<html><head><meta charset='utf-8'></head><body>"
    '<p align="center"><b>西湖区：“三化”推进代表联络站建设</b></p>'
    "<p>总建筑面积达3200m<sup>2</sup>，减少CO<span style='vertical-align:sub'>2</span>排放。"
    "<span style='display:none;mso-hide:all'>（此处数据待核实，请勿外发）</span></p>"
    "<section style='display:none' data-tools='135编辑器'>点击此处替换标题文字</section>"
    "<p hidden>占位段落</p>"
    "<p>（西湖区人大常委会办公室 钱苏晚）</p></body></html>"
)


def test_an_embedded_page_keeps_its_units_and_names_what_it_hides():
    result = import_document(alt_chunk(OA_HTML.encode(), "afchunk.htm"))
    assert result.title == "西湖区：“三化”推进代表联络站建设"
    assert result.body_html == "<p>总建筑面积达3200m<sup>2</sup>，减少CO<sub>2</sub>排放。</p>"
    assert result.byline == "西湖区人大常委会办公室 钱苏晚"
    report = " ".join(result.dropped)
    assert "隐藏文字 3 处未导入" in report
    for text in ("此处数据待核实", "点击此处替换标题文字", "占位段落"):
        assert text in report and text not in result.body_html
