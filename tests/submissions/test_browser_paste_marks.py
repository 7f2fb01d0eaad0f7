"""The body editor's paste filter (static/submissions/editor.js) in a real browser reads
what a paste carries besides its text as the server does (text.richtext.read_paste):
symbol fonts through the one table, <style> rules that hide or strike, struck text and
tracked deletions left out, Word's 目录 skipped, stale field texts and print substitutes
named — the same body and the same notices.

The paste is a ClipboardEvent carrying a DataTransfer, so the editor's own handler runs.
The clipboard files are tests/fixtures/clipboard/ (Word 2016 through Chrome, WPS).
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from submissions.models import Submission
from tests import paths
from tests.browser import PASTE_HTML as PASTE
from tests.browser import chromium_page, log_in
from text.richtext import read_paste

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CLIPBOARD = paths.FIXTURES / "clipboard"
FILES = [
    "word-symbols-struck-hidden.html",
    "wps-class-hidden.html",
    "word-tracked-changes.html",
    "word-toc-and-ref.html",
]
KINDS = [
    '<p><font face="Wingdings">l</font>要点<span style="font-family:Symbol">a</span></p>',
    "<p><span style=\"font-family:'Wingdings 3'\">\uf0ff</span>甲</p>",
    "<p>目  录</p><p>一、建强阵地……………1</p><p>二、完善机制 . . . . . . 2</p><p>正文。</p>",
    "<p>目  录</p>\n<p>一、建强阵地……………1</p>\n<p>正文。点击此处输入文字。</p>\n",
    "<style>@media print{p{display:none}} .gone{visibility:hidden}</style><p>甲<i class=gone>丁</i>乙</p>",
    "<p>详见错误！书签未定义。所列；<ins>新</ins><s>旧</s>；✔</p>",
]

# The editor's reading of an HTML string: the body and the notices, as its paste makes them.
EDITOR_RULE = """async (html) => {
  const rt = window.bulletinRichtext;
  await rt.symbolsReady;
  const stats = { tables: 0, hidden: [], struck: [], symbols: [], contents: 0, substituted: [], rules: rt.styleRules(html) };
  const paragraphs = rt.paragraphsOf(new DOMParser().parseFromString(html, "text/html").body, stats);
  rt.substituteForPrint(paragraphs, stats.substituted);
  return [rt.toHtml(paragraphs), rt.pasteNotices(stats, paragraphs)];
}"""


def test_the_editor_reads_symbols_rules_struck_text_and_contents_as_the_server(
    live_server, settings, tmp_path, contributor
):
    settings.MEDIA_ROOT = tmp_path / "media"
    with chromium_page() as page:
        log_in(page, live_server.url, "xihu")
        page.goto(live_server.url + reverse("piece_create"))
        for html in [(CLIPBOARD / name).read_text(encoding="utf-8") for name in FILES] + KINDS:
            pasted = read_paste(html)
            body, notices = page.evaluate(EDITOR_RULE, html)
            # The editor counts paragraphs within the paste, which may go into text already there.
            notices = [note.replace("粘贴内容第", "第") for note in notices]
            assert [body, notices] == [pasted.body, pasted.notices()], html[:80]

        # Word's copy pasted: the arrows and ticks as Word shows them (as the print can set
        # them), struck and class-hidden text left out, each named in the notice; saved as is.
        page.locator("#id_title").fill("符号粘贴")
        page.evaluate(PASTE, [".richtext-area", (CLIPBOARD / FILES[0]).read_text(encoding="utf-8")])
        expected = read_paste((CLIPBOARD / FILES[0]).read_text(encoding="utf-8")).body
        page.locator(".richtext-notice").wait_for()
        assert page.locator("#id_body").input_value() == expected
        text = page.locator(".richtext-notice").inner_text()
        for words in ("隐藏文字 2 处未粘贴：“（核实中）”", "删除线文字 2 处未粘贴：“15个”", "⮚→▶"):
            assert words in text
        # Pasted after the text already there: the stale text's place counts within the paste.
        page.evaluate(PASTE, [".richtext-area", (CLIPBOARD / FILES[3]).read_text(encoding="utf-8")])
        assert "粘贴内容第 1 段“错误！未找到引用源。”" in page.locator(".richtext-notice").inner_text()
        expect(page.locator(".richtext-notice > div")).to_have_count(2)  # one line per kind
        expected = read_paste(page.locator("#id_body").input_value()).body
        page.get_by_role("button", name="保存草稿").click()
        page.get_by_text("草稿已保存").wait_for()
        assert Submission.objects.get(title="符号粘贴").body == expected
