"""Hidden text in a paste never enters, and the contributor is told what was left out
(text.richtext.sanitize_paste / hidden_notice, submissions.forms.PieceForm).

The case file tests/fixtures/cases/paste3/33-paste-hidden-text.html is a copy of
../shared/cases/paste3/ (handed over 2026-12-07): Word hidden text (display:none;
mso-hide:all), a hidden 135编辑器 placeholder section, a visibility:hidden paragraph and a
paragraph with the hidden attribute.
"""

import pytest
from django.urls import reverse

from submissions.models import Submission
from tests import paths
from text.richtext import body_text, hidden_notice, sanitize_body, sanitize_paste

CASE = paths.CASES / "paste3" / "33-paste-hidden-text.html"
EXPECTED = "<p>全区新建代表联络站12个，实现街道全覆盖。</p><p>下一步，将组织代表定期进站接待群众。</p>"
HIDDEN_WORDS = ("此处数据待核实", "点击此处替换标题文字", "内部备注", "占位段落")

# What 135编辑器 and 秀米 put on the clipboard: layout sections with font-size:0 (the
# inline-block gap trick) whose children set their own size, and a collapsed template
# section (height:0;overflow:hidden) holding the editor's placeholder text.
EDITOR_135 = (
    '<section data-tools="135编辑器" data-id="94056" style="font-size:0;text-align:center">'
    '<section style="display:inline-block;font-size:16px">全区代表联络站实现全覆盖。</section>'
    '<section style="height:0;overflow:hidden;font-size:14px">请输入标题</section>'
    "<span>\u200b</span></section>"
    '<section style="font-size:0px">这段字号为零</section>'
    '<p><span style="opacity:0">透明文字</span>接待群众<span style="font-size:0">隐形</span>。</p>'
)


def test_the_shared_case_is_stored_exactly_and_every_hidden_text_is_named():
    html = CASE.read_text(encoding="utf-8")
    body, hidden = sanitize_paste(html)
    assert body == EXPECTED
    assert sanitize_body(html) == EXPECTED
    assert hidden == [
        "（此处数据待核实，请勿外发）",
        "点击此处替换标题文字",
        "内部备注：报送前删除本段。",
        "占位段落",
    ]
    notice = hidden_notice(hidden)
    assert notice.startswith("隐藏文字 4 处未粘贴：“（此处数据待核实，请勿外发）”")
    assert all(word in notice for word in HIDDEN_WORDS)


@pytest.mark.parametrize(
    "html",
    [
        '<p>甲<span style="display:none">藏</span>乙</p>',
        '<p>甲<span style="DISPLAY: NONE !important">藏</span>乙</p>',
        "<p>甲<span style='mso-hide:all'>藏</span>乙</p>",
        '<p>甲<span style="visibility:hidden">藏</span>乙</p>',
        '<p>甲<span style="visibility:collapse">藏</span>乙</p>',
        "<p>甲<span hidden>藏</span>乙</p>",
        '<p>甲<em hidden="hidden">藏</em>乙</p>',
        '<p>甲<a href="#" style="display:none">藏</a>乙</p>',
        '<p>甲<span style="font-size:0">藏</span>乙</p>',
        '<p>甲<span style="font-size:0pt">藏</span>乙</p>',
        '<p>甲<span style="opacity:0">藏</span>乙</p>',
        '<p>甲<span style="display:inline-block;width:0;overflow:hidden">藏</span>乙</p>',
        '<p>甲<span style="display:none"><b>藏</b><span style="display:inline">藏</span></span>乙</p>',
    ],
)
def test_each_kind_of_hidden_text_is_left_out_with_its_content(html):
    body, hidden = sanitize_paste(html)
    assert body == "<p>甲乙</p>"
    assert "藏" in "".join(hidden)


def test_what_a_descendant_shows_again_is_kept():
    # visibility and a zero font size are inherited, and undone by a descendant (CSS).
    assert sanitize_paste(
        '<div style="visibility:hidden">藏<span style="visibility:visible">见</span></div>'
    ) == (
        "<p>见</p>",
        ["藏"],
    )
    body, hidden = sanitize_paste(EDITOR_135)
    assert body == "<p>全区代表联络站实现全覆盖。</p><p>接待群众。</p>"
    assert hidden == ["请输入标题", "这段字号为零", "透明文字", "隐形"]
    # A relative size of a zero size is zero; an explicit style display shows a [hidden].
    assert sanitize_paste('<p style="font-size:0">甲<span style="font-size:2em">乙</span></p>')[0] == ""
    assert sanitize_paste('<p hidden style="display:block">见</p>')[0] == "<p>见</p>"


def test_a_hidden_block_makes_no_paragraph_and_no_list_number():
    html = "<ol><li>甲</li><li style='display:none'>藏</li><li>乙</li></ol><p>丙<div hidden><p>藏</p></div>丁</p>"
    body, hidden = sanitize_paste(html)
    assert body == "<p>1.甲</p><p>2.乙</p><p>丙</p><p>丁</p>"
    assert hidden == ["藏", "藏"]
    # Hidden sup/sub go with the rest; hidden white space is not named.
    assert sanitize_paste('<p>m<sup style="display:none">2</sup><span hidden> </span></p>') == (
        "<p>m</p>",
        ["2"],
    )


def test_the_notice_is_short_and_names_each_place():
    assert hidden_notice([]) == ""
    long = "很长的内部说明" * 10
    notice = hidden_notice([long, *["备注"] * 6])
    assert notice.startswith("隐藏文字 7 处未粘贴：“很长的内部说明很长的内部说明很长的内部说……”")
    assert notice.count("“备注”") == 4 and "……（" in notice
    assert hidden_notice(["甲"], verb="导入").startswith("隐藏文字 1 处未导入：")


@pytest.mark.django_db
def test_saving_a_paste_with_hidden_text_stores_none_of_it_and_says_so(client_for, contributor):
    html = CASE.read_text(encoding="utf-8")
    client = client_for(contributor)
    response = client.post(reverse("piece_create"), {"title": "隐藏文字", "body": html}, follow=True)
    piece = Submission.objects.get()
    assert piece.body == EXPECTED
    assert not any(word in body_text(piece.body) for word in HIDDEN_WORDS)
    # The warning is shown on the page the save leads to, naming the text left out.
    page = response.content.decode()
    assert "隐藏文字 4 处未粘贴：“（此处数据待核实，请勿外发）”" in page
