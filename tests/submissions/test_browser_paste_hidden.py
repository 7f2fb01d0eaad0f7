"""The body editor (static/submissions/editor.js) in a real browser: a paste leaves out
what the pasted page hides and names it, keeps superscript and subscript, and the
toolbar's 上标/下标 buttons make them — the same as the server's rule (text.richtext).

The paste is a ClipboardEvent carrying a DataTransfer, so the editor's own handler runs.
tests/fixtures/cases/paste3/33-paste-hidden-text.html is a copy of ../shared/cases/paste3/
(handed over 2026-12-07).
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from submissions.models import Submission
from tests import paths
from tests.browser import PASTE_HTML as PASTE
from tests.browser import chromium_page, log_in
from text.richtext import sanitize_paste

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CASE = paths.CASES / "paste3" / "33-paste-hidden-text.html"
EXPECTED = "<p>全区新建代表联络站12个，实现街道全覆盖。</p><p>下一步，将组织代表定期进站接待群众。</p>"

# What the editor's walk gives for an HTML string, and the hidden texts it names.
EDITOR_RULE = """(html) => {
  const stats = { tables: 0, hidden: [] };
  const doc = new DOMParser().parseFromString(html, "text/html");
  const rt = window.bulletinRichtext;
  return [rt.toHtml(rt.paragraphsOf(doc.body, stats)), stats.hidden];
}"""

# Word 2016 on the clipboard (superscript button; hidden text), Google Docs' styled spans,
# 135编辑器's layout sections (font-size:0 containers, a collapsed placeholder), and each
# kind of hidden element a page can carry.
KINDS = [
    "<p class=MsoNormal><span>面积3200m</span><sup><span lang=EN-US>2</span></sup>"
    "<span>，CO</span><sub><span lang=EN-US>2</span></sub><span style='display:none;mso-hide:all'>（待核实）</span></p>",
    '<b style="font-weight:normal"><p><span>1.2×10</span><span style="font-size:0.6em;vertical-align:super">4</span>'
    '<span>件次</span><span style="vertical-align: sub;">2</span></p></b>',
    '<section data-tools="135编辑器" style="font-size:0"><section style="display:inline-block;font-size:16px">'
    '联络站全覆盖。</section><section style="height:0;overflow:hidden;font-size:14px">请输入标题</section></section>',
    '<p>甲<span style="visibility:hidden">藏<b style="visibility:visible">见</b></span>乙</p>',
    '<p>甲<span style="opacity:0">藏</span><span hidden>藏</span><em style="font-size:0pt">藏</em>乙</p>',
    "<ol><li>一</li><li style='display:none'>藏</li><li>二</li></ol><p hidden style='display:block'>显示</p>",
    "<p><strong>H<sub>2</sub>O</strong>与<sup>1<sub>2</sub></sup>、x<sup> </sup>y</p>",
]


def test_the_editor_leaves_hidden_text_out_names_it_and_keeps_sup_and_sub(
    live_server, settings, tmp_path, contributor
):
    settings.MEDIA_ROOT = tmp_path / "media"
    with chromium_page() as page:
        log_in(page, live_server.url, "xihu")
        page.goto(live_server.url + reverse("piece_create"))
        # The same rule as the server, kind by kind: what is kept and what is named.
        for html in KINDS:
            body, hidden = page.evaluate(EDITOR_RULE, html)
            assert (body, hidden) == sanitize_paste(html), html

        # The shared case, pasted: exactly the right value, and a notice naming each hidden text.
        page.locator("#id_title").fill("隐藏文字粘贴")
        page.evaluate(PASTE, [".richtext-area", CASE.read_text(encoding="utf-8")])
        assert page.locator("#id_body").input_value() == EXPECTED
        notice = page.locator(".richtext-notice")
        assert notice.is_visible()
        text = notice.inner_text()
        assert text.startswith("隐藏文字 4 处未粘贴：“（此处数据待核实，请勿外发）”")
        for word in ("点击此处替换标题文字", "内部备注", "占位段落"):
            assert word in text
        for word in ("此处数据待核实", "点击此处替换标题文字", "内部备注", "占位段落"):
            assert word not in page.locator(".richtext-area").inner_text()
        page.get_by_role("button", name="保存草稿").click()
        page.get_by_text("草稿已保存").wait_for()
        assert Submission.objects.get(title="隐藏文字粘贴").body == EXPECTED

        # Word's superscript on the clipboard, pasted: kept, and shown raised in the editor.
        page.goto(live_server.url + reverse("piece_create"))
        page.locator("#id_title").fill("上标粘贴")
        page.evaluate(PASTE, [".richtext-area", KINDS[0]])
        assert page.locator("#id_body").input_value() == "<p>面积3200m<sup>2</sup>，CO<sub>2</sub></p>"
        assert page.locator(".richtext-area sup").inner_text() == "2"
        assert "隐藏文字 1 处未粘贴：“（待核实）”" in page.locator(".richtext-notice").inner_text()
        page.get_by_role("button", name="保存草稿").click()
        page.get_by_text("草稿已保存").wait_for()
        assert Submission.objects.get(title="上标粘贴").body == "<p>面积3200m<sup>2</sup>，CO<sub>2</sub></p>"


SELECT = """([selector, text]) => {
  const area = document.querySelector(selector);
  const walker = document.createTreeWalker(area, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const at = node.textContent.lastIndexOf(text);
    if (at >= 0) {
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + text.length);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      return true;
    }
  }
  return false;
}"""


def test_the_toolbar_makes_superscript_and_subscript(live_server, settings, tmp_path, contributor):
    settings.MEDIA_ROOT = tmp_path / "media"
    with chromium_page() as page:
        log_in(page, live_server.url, "xihu")
        page.goto(live_server.url + reverse("piece_create"))
        page.locator("#id_title").fill("工具栏上标")
        area = page.locator(".richtext-area")
        area.click()
        page.keyboard.type("面积3200m2，减少CO2排放。")
        toolbar = page.get_by_role("toolbar", name="正文格式")
        expect(toolbar.get_by_role("button", name=re.compile("^上标"))).to_have_count(1)
        assert page.evaluate(SELECT, [".richtext-area", "m2"])
        # Only the 2 of m2: the selection is moved one character on.
        page.evaluate("""() => { const s = window.getSelection(); const r = s.getRangeAt(0);
            r.setStart(r.startContainer, r.startOffset + 1); }""")
        toolbar.get_by_role("button", name=re.compile("^上标")).click()
        assert page.evaluate(SELECT, [".richtext-area", "CO2"])
        page.evaluate("""() => { const s = window.getSelection(); const r = s.getRangeAt(0);
            r.setStart(r.startContainer, r.startOffset + 2); }""")
        toolbar.get_by_role("button", name=re.compile("^下标")).click()
        expected = "<p>面积3200m<sup>2</sup>，减少CO<sub>2</sub>排放。</p>"
        assert page.locator("#id_body").input_value() == expected
        # 清除格式 takes them away again, and 撤销 (Ctrl+Z) brings them back.
        page.evaluate("""() => { const range = document.createRange();
            range.selectNodeContents(document.querySelector(".richtext-area p"));
            const s = window.getSelection(); s.removeAllRanges(); s.addRange(range); }""")
        toolbar.get_by_role("button", name=re.compile("^清除所选文字")).click()
        assert page.locator("#id_body").input_value() == "<p>面积3200m2，减少CO2排放。</p>"
        page.keyboard.press("Control+z")
        page.locator(".richtext-area").dispatch_event("input")
        assert page.locator("#id_body").input_value() == expected
        page.get_by_role("button", name="保存草稿").click()
        page.get_by_text("草稿已保存").wait_for()
        assert Submission.objects.get(title="工具栏上标").body == expected
