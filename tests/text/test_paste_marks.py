"""What a paste carries besides its text is read as the page shows it and named, never
kept silently (text.richtext.read_paste / paste_notices, submissions.forms.PieceForm):
symbol-font characters (Wingdings "Ø" is an arrow), struck-through text and tracked
deletions, text a <style> rule hides, Word's 目录 paragraphs, the text a broken
cross-reference shows, and bullets the print faces lack.

The clipboard files in tests/fixtures/clipboard/ are Word 2016 (through Chrome) and WPS
copies cut down to a few paragraphs (their README says what each holds).
"""

import json

import pytest
from django.urls import reverse

from submissions.models import Submission
from tests import paths
from text.richtext import read_paste, sanitize_body, style_rules
from text.symbols import symbol_fonts_json

CLIPBOARD = paths.FIXTURES / "clipboard"


def case(name: str) -> str:
    return (CLIPBOARD / name).read_text(encoding="utf-8")


def test_word_symbols_struck_and_class_hidden_text_are_read_as_word_shows_them():
    pasted = read_paste(case("word-symbols-struck-hidden.html"))
    assert pasted.body == (
        "<p>▶视察代表联络站建设情况。</p><p>•听取专项工作报告。</p>"
        "<p>面积3200m<sup>2</sup>，减排CO<sub>2</sub>，气温26°C。</p>"
        "<p>全区新建站点12个，实现全覆盖。</p><p>受理建议326件。</p><p>✓落实到位；■已完成。</p>"
    )
    assert pasted.notices() == [
        "隐藏文字 2 处未粘贴：“（核实中）”、“此处数据待核实，请勿外发”（原文中设为不显示的文字，不会保存和刊印；如需要，请直接输入）",
        "删除线文字 2 处未粘贴：“15个”、“300余件”（原文中划了删除线或修订中删去的文字，不会保存和刊印；如需要，请直接输入）",
        "符号 2 处改为印刷字体中的相近符号：⮚→▶、☑→■（原符号印刷字体中没有，会印成方框）",
    ]
    # The stored body reads the same again, and the print substitutes are the save's alone.
    assert sanitize_body(pasted.body) == pasted.body
    assert (
        read_paste(case("word-symbols-struck-hidden.html"), for_print=False)
        .paragraphs[0][0][0]
        .startswith("⮚")
    )


def test_wps_class_rules_and_font_faces_are_applied():
    pasted = read_paste(case("wps-class-hidden.html"))
    assert pasted.body == (
        "<p>全区新建站点12个，面积3200m<sup>2</sup>。</p><p>▶视察代表联络站。</p><p>下一步，将组织代表进站。</p>"
    )
    assert pasted.hidden == ["（此处数据待核实）", "类隐藏"]
    # A <font face> in a symbol font is mapped too; an unmapped code point is named.
    assert read_paste('<p><font face="Wingdings">l</font>要点</p>').body == "<p>⚫要点</p>"
    unmapped = read_paste("<p><span style=\"font-family:'Wingdings 3'\">\uf0ff</span>甲</p>")
    assert unmapped.body == "<p>甲</p>"
    assert unmapped.notices() == [
        "符号字体字符 1 处无法转换：Wingdings 3 字体 F0FF（没有对应的标准字符，未粘贴，请核对后补上）"
    ]


def test_style_rules_read_only_simple_selectors():
    sheet = (
        "<style><!-- p.MsoNormal{margin:0;font-family:等线} span.Hid{display:none;mso-hide:all}"
        " .Gone, em.x {visibility:hidden} span.15{display:none} @media print{p{display:none}}"
        " a:link{display:none} div p{display:none} span.msoDel{text-decoration:line-through;color:red} --></style>"
    )
    rules = style_rules(sheet)
    assert rules[("span", "hid")] == {"display": "none", "mso-hide": "all"}
    assert rules[("", "gone")] == {"visibility": "hidden"} == rules[("em", "x")]
    assert rules[("span", "15")] == {"display": "none"}
    assert rules[("span", "msodel")] == {"text-decoration": "line-through"}
    assert rules[("p", "msonormal")] == {"font-family": "等线"}
    assert ("a", "") not in rules and ("", "") not in rules
    # The style attribute wins over the sheet; a rule for another element does not apply.
    html = (
        sheet
        + '<p>甲<span class=Hid style="display:inline;mso-hide:none">乙</span><b class=Hid>丙</b><i class=gone>丁</i></p>'
    )
    assert read_paste(html).body == "<p>甲乙<strong>丙</strong></p>"


def test_tracked_deletions_and_struck_text_are_left_out_and_insertions_kept():
    pasted = read_paste(case("word-tracked-changes.html"))
    assert pasted.body == "<p>全区共建成代表联络站12个，实现街道全覆盖。</p><p>下一步，将组织代表进站。</p>"
    assert pasted.struck == ["15个", "计划年底前完成。", "作废句子。"]
    assert pasted.notices()[0].startswith("删除线文字 3 处未粘贴：“15个”、“计划年底前完成。”、“作废句子。”")
    # text-decoration set by a class rule (Word's span.msoDel) strikes too.
    styled = (
        "<style>span.msoDel{text-decoration:line-through}</style><p>共<span class=msoDel>15</span>12个</p>"
    )
    assert read_paste(styled).body == "<p>共12个</p>"


def test_word_toc_paragraphs_are_skipped_and_not_called_hidden_and_stale_text_is_named():
    pasted = read_paste(case("word-toc-and-ref.html"))
    assert (
        pasted.body
        == "<p>按照<strong>错误！未找到引用源。</strong>要求，全区新建站点12个。</p><p>下一步，将组织代表进站。</p>"
    )
    assert pasted.hidden == []
    assert pasted.notices() == [
        "已跳过 Word 自动目录（目录条目和页码 2 行未粘贴）",
        "Word 失效引用或未填占位符留下的文字 1 处：第 1 段“错误！未找到引用源。”"
        "（已按原样粘贴，不是原文内容；请补写所引内容或删去）",
    ]


def test_a_contents_as_plain_text_under_its_heading_is_skipped():
    html = (
        "<p>目  录</p><p>一、建强阵地……………1</p><p>二、完善机制 . . . . . . 2</p><p>三、工作成效·········3</p>"
        "<p>一、建强阵地</p><p>全区新建站点12个，第 3 页另附清单 5</p>"
    )
    pasted = read_paste(html)
    assert pasted.body == "<p>一、建强阵地</p><p>全区新建站点12个，第 3 页另附清单 5</p>"
    assert pasted.contents == 3
    # Without the heading, a line with a page number at its end is text.
    assert read_paste("<p>一、建强阵地……………1</p>").body == "<p>一、建强阵地……………1</p>"


@pytest.mark.parametrize(
    "stale",
    [
        "错误！未找到引用源。",
        "错误！书签未定义。",
        "Error! Reference source not found.",
        "点击此处输入文字。",
    ],
)
def test_each_stale_field_text_is_named_with_its_paragraph(stale):
    pasted = read_paste(f"<p>第一段。</p><p>详见{stale}所列清单。</p>")
    assert pasted.stale == [("第 2 段", stale)]


def test_the_editor_reads_the_same_symbol_table_and_substitutes():
    """static/submissions/symbol_fonts.json is text/data/symbol_fonts.tsv and
    text.symbols.PRINT_SUBSTITUTES as the editor reads them (python -m text.symbols)."""
    static = paths.ROOT / "static" / "submissions" / "symbol_fonts.json"
    assert static.read_text(encoding="utf-8") == symbol_fonts_json()
    data = json.loads(static.read_text(encoding="utf-8"))
    assert data["fonts"]["wingdings"]["216"] == "⮚" and data["print"]["⮚"] == "▶"


@pytest.mark.django_db
def test_saving_such_a_paste_stores_what_word_shows_and_names_the_rest(client_for, contributor):
    client = client_for(contributor)
    html = case("word-symbols-struck-hidden.html")
    response = client.post(reverse("piece_create"), {"title": "符号粘贴", "body": html}, follow=True)
    piece = Submission.objects.get()
    assert piece.body.startswith("<p>▶视察代表联络站建设情况。</p>")
    page = response.content.decode()
    for words in ("删除线文字 2 处未粘贴", "隐藏文字 2 处未粘贴", "符号 2 处改为印刷字体中的相近符号：⮚→▶"):
        assert words in page
