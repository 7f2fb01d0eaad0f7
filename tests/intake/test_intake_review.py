"""Review 11: other files of the kinds the intake cases stand for (see
/work/notes/review-11.md). Each test is one kind of fault found by trying files that
differ from the shared cases: the text Word or a browser displays, and what is stored."""

from __future__ import annotations

import pytest

from backissues.parsing.parser import decode_issue_bytes
from intake.docx_import import import_document
from tests.word_files import b, build_docx, p, r
from text.authors import split_names
from text.normalize import normalize_text
from text.richtext import sanitize_body

TITLE = p(b("西湖区：“三化”推进代表联络站建设"), ppr='<w:jc w:val="center"/>')


def body_of(body: str, **kwargs) -> list[str]:
    """The imported body's paragraphs (inner HTML of each <p>)."""
    html = import_document(build_docx(TITLE + body, **kwargs)).body_html
    return html.removeprefix("<p>").removesuffix("</p>").split("</p><p>")


NUMBERING = (
    '<w:abstractNum w:abstractNumId="0">'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
    "</w:abstractNum>"
    '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
)


def numbered(ilvl: int) -> str:
    return f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="1"/></w:numPr>'


# --- Word: every block the body holds is read -----------------------------------------------


def test_a_body_level_alternate_content_is_read_once():
    choice = p(r("选择中的段落。"))
    body = (
        p(r("前一段。"))
        + f'<mc:AlternateContent><mc:Choice Requires="w14">{choice}</mc:Choice>'
        + f"<mc:Fallback>{choice}</mc:Fallback></mc:AlternateContent>"
        + p(r("后一段。"))
    )
    assert body_of(body) == ["前一段。", "选择中的段落。", "后一段。"]


# --- Word: numbering set by styles, and tracked deletions -----------------------------------

LIST_STYLES = (
    '<w:style w:type="paragraph" w:styleId="ListOne"><w:name w:val="List One"/>'
    '<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>'
    '<w:style w:type="paragraph" w:styleId="ListTwo"><w:name w:val="List Two"/><w:basedOn w:val="ListOne"/>'
    '<w:pPr><w:numPr><w:ilvl w:val="1"/></w:numPr></w:pPr></w:style>'
)


def test_numbering_properties_inherit_one_by_one_through_based_on():
    body = (
        p(r("总体情况"), ppr='<w:pStyle w:val="ListOne"/>')
        + p(r("建强阵地"), ppr='<w:pStyle w:val="ListTwo"/>')
        + p(r("完善机制"), ppr='<w:pStyle w:val="ListTwo"/>')
        + p(r("下一步"), ppr='<w:pStyle w:val="ListTwo"/><w:numPr><w:ilvl w:val="0"/></w:numPr>')
    )
    assert body_of(body, numbering=NUMBERING, styles=LIST_STYLES) == [
        "一、总体情况", "（一）建强阵地", "（二）完善机制", "二、下一步",
    ]  # fmt: skip


def test_a_style_linked_from_a_numbering_level_takes_that_level():
    numbering = NUMBERING.replace(
        '<w:lvl w:ilvl="1"><w:start w:val="1"/>',
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:pStyle w:val="Sub"/>',
    )
    styles = (
        '<w:style w:type="paragraph" w:styleId="Sub"><w:name w:val="Sub"/>'
        '<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>'
    )
    body = p(r("总体情况"), ppr=numbered(0)) + p(r("建强阵地"), ppr='<w:pStyle w:val="Sub"/>')
    assert body_of(body, numbering=numbering, styles=styles) == ["一、总体情况", "（一）建强阵地"]


DELETED = '<w:del w:id="9" w:author="审稿人" w:date="2024-01-01T00:00:00Z">'
MARK_DELETED = '<w:rPr><w:del w:id="8" w:author="审稿人" w:date="2024-01-01T00:00:00Z"/></w:rPr>'


def test_a_deleted_numbered_paragraph_leaves_no_number_and_does_not_count():
    gone = (
        f"<w:p><w:pPr>{numbered(0)}{MARK_DELETED}</w:pPr>{DELETED}"
        "<w:r><w:rPr><w:b/></w:rPr><w:delText>删除的加粗段。</w:delText></w:r></w:del></w:p>"
    )
    body = gone + p(r("保留段。"), ppr=numbered(0)) + p(r("第二段。"), ppr=numbered(0))
    assert body_of(body, numbering=NUMBERING) == ["一、保留段。", "二、第二段。"]


def test_two_numbered_paragraphs_joined_by_a_deleted_mark_show_one_number():
    first = f"<w:p><w:pPr>{numbered(0)}{MARK_DELETED}</w:pPr>{r('前半句，')}</w:p>"
    body = first + p(r("后半句。"), ppr=numbered(0)) + p(r("下一条。"), ppr=numbered(0))
    assert body_of(body, numbering=NUMBERING) == ["一、前半句，后半句。", "二、下一条。"]


# --- Word: manual line breaks -----------------------------------------------------------------


def test_a_line_that_starts_with_an_enumerator_starts_a_paragraph():
    br = "<w:r><w:br/></w:r>"
    body = p(
        r("一、加强领导"), br, r("二、完善机制"), br, r("（三）强化保障"), br,
        r("1.第一条"), br, r("（2）第二条"), br, r("②第三项"), br, r("第四条 附则"), br,
        r("一是建强阵地"), br, r("二是完善机制"),
    )  # fmt: skip
    assert body_of(body) == [
        "一、加强领导", "二、完善机制", "（三）强化保障", "1.第一条", "（2）第二条", "②第三项",
        "第四条 附则", "一是建强阵地", "二是完善机制",
    ]  # fmt: skip


def test_a_title_broken_by_hand_still_joins_and_latin_words_keep_their_space():
    br = "<w:r><w:br/></w:r>"
    body = p(r("区人大常委会召开"), br, r("代表联络站建设推进会")) + p(
        r("The Hangzhou People's"), br, r("Congress, 2024"), br, r("年报告")
    )
    body += p(r("根据杭人大"), br, r("(2024)12号文件，增长"), br, r("1.5亿元"))
    assert body_of(body) == [
        "区人大常委会召开代表联络站建设推进会",
        "The Hangzhou People's Congress, 2024年报告",
        "根据杭人大(2024)12号文件，增长1.5亿元",
    ]


# --- paste -------------------------------------------------------------------------------------


def test_word_mso_weights_are_not_font_weight():
    html = (
        "<p class=MsoNormal><b style='mso-bidi-font-weight:normal'><span>一是建强阵地。</span></b>"
        "<span style='mso-bidi-font-weight:bold'>全区新建联络站12个。</span></p>"
    )
    assert sanitize_body(html) == "<p><strong>一是建强阵地。</strong>全区新建联络站12个。</p>"


def test_numbers_of_a_pasted_list_are_kept_as_the_browser_shows_them():
    html = (
        "<ol><li>建强阵地</li><li><p>完善机制</p></li></ol>"
        '<ol start="3" type="a"><li>甲</li><li>乙</li></ol>'
        '<ol style="list-style-type: cjk-ideographic"><li>总体情况</li></ol>'
        '<ol><li style="list-style-type:upper-roman">罗马</li></ol>'
        "<ul><li>无编号</li></ul>"
    )
    assert sanitize_body(html) == (
        "<p>1.建强阵地</p><p>2.完善机制</p><p>c.甲</p><p>d.乙</p><p>一、总体情况</p><p>I.罗马</p><p>无编号</p>"
    )
    assert sanitize_body(sanitize_body(html)) == sanitize_body(html)


def test_word_list_label_spacer_is_not_stored():
    html = (
        "<p class=MsoListParagraph><![if !supportLists]><span style='mso-list:Ignore'>一、"
        "<span style='font:7.0pt \"Times New Roman\"'>&nbsp;&nbsp; </span></span><![endif]>"
        "<span>完善机制。</span></p>"
    )
    assert sanitize_body(html) == "<p>一、完善机制。</p>"
    wrapped = "<p><span style='mso-list:Ignore'>1.<span>&nbsp;&nbsp;\r\n</span></span><span>Plan</span></p>"
    assert sanitize_body(wrapped) == "<p>1.Plan</p>"


# --- one door: emoji ----------------------------------------------------------------------------


def test_zero_width_joiner_kept_only_inside_an_emoji_sequence():
    assert (
        normalize_text("人\u200d大👨\u200d👩\u200d👧，❤\ufe0f\u200d🔥。")
        == "人大👨\u200d👩\u200d👧，❤\ufe0f\u200d🔥。"
    )
    assert normalize_text("代\u200d表\u200d👍") == "代表👍"


# --- back-issue text -------------------------------------------------------------------------------

CHINESE_LINES = "\n".join(
    "\u3000\u3000一是最重要的工作，一年来全区上下一心，最终取得一定成效。" for _ in range(40)
)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_mark_of_chinese_text_with_indents(encoding):
    assert decode_issue_bytes(CHINESE_LINES.encode(encoding)) == CHINESE_LINES


def test_a_short_utf16_text_without_a_mark():
    assert (
        decode_issue_bytes("杭州人大信息\n2024年第10期".encode("utf-16-le")) == "杭州人大信息\n2024年第10期"
    )


# --- bylines ---------------------------------------------------------------------------------------


def test_a_compound_surname_alone_is_doubtful():
    names = split_names("欧阳 娜娜")
    assert names.doubt and "欧阳娜娜" in names.doubt
    assert names.names == ["欧阳娜娜"]
    assert split_names("欧阳娜娜 张雄杰").doubt == ""


def test_html_source_white_space_is_what_a_browser_shows():
    html = (
        "<p class=MsoNormal><span lang=EN-US>The Hangzhou\r\nPeople's Congress</span><span>召开\r\n会议，</span>"
        "<span lang=EN-US>APP</span>\n<span>上线，</span><span>Hangzhou</span>\n<b>People</b></p>"
        "<p>人大  代表\ta \t  b</p>"
    )
    assert sanitize_body(html) == (
        "<p>The Hangzhou People's Congress召开会议，APP 上线，Hangzhou <strong>People</strong></p><p>人大 代表 a b</p>"
    )
    assert sanitize_body(sanitize_body(html)) == sanitize_body(html)


# --- Word: what a broken field, a drop cap and capitals display -----------------------------


def fld(kind: str) -> str:
    return f'<w:r><w:fldChar w:fldCharType="{kind}"/></w:r>'


def test_text_after_a_field_left_open_is_not_lost():
    body = (
        p(r("前一段。"), fld("begin"), '<w:r><w:instrText xml:space="preserve"> TOC \\o </w:instrText></w:r>')
        + p(r("这段之后的文字。"))
        + p(r("最后一段。"))
    )
    assert body_of(body) == ["前一段。", "这段之后的文字。", "最后一段。"]


def test_a_nested_field_inside_an_instruction_stays_hidden():
    body = p(
        r("见"), fld("begin"), '<w:r><w:instrText xml:space="preserve"> IF 1 = 1 "</w:instrText></w:r>',
        fld("begin"), '<w:r><w:instrText> PAGE </w:instrText></w:r>', fld("separate"), r("9"), fld("end"),
        '<w:r><w:instrText xml:space="preserve">" ""</w:instrText></w:r>', fld("separate"), r("第二页"),
        fld("end"), r("。"),
    )  # fmt: skip
    assert body_of(body) == ["见第二页。"]


def test_a_drop_cap_is_the_first_letter_of_its_paragraph():
    drop = '<w:framePr w:dropCap="drop" w:lines="2" w:wrap="around" w:vAnchor="text" w:hAnchor="text"/>'
    body = p(r("今"), ppr=drop) + p(r("年以来，区人大常委会推进联络站建设。")) + p(r("下一段。"))
    assert body_of(body) == ["今年以来，区人大常委会推进联络站建设。", "下一段。"]


def test_all_caps_and_small_caps_show_capitals():
    styles = '<w:style w:type="character" w:styleId="Caps"><w:name w:val="Caps"/><w:rPr><w:caps/></w:rPr></w:style>'
    body = p(
        r("app", "<w:caps/>"),
        r("上线，"),
        r("hangzhou", "<w:smallCaps/>"),
        r("、"),
        r("npc", '<w:rStyle w:val="Caps"/>'),
    )
    assert body_of(body, styles=styles) == ["APP上线，HANGZHOU、NPC"]
