"""Pasting into the body editor in a real browser: what is stored is what a person sees.

The two HTML cases of ../shared/cases/paste are pasted through a paste event carrying a
clipboard (DataTransfer) — the editor's own paste handler runs, then the form is saved and
the stored body is compared with the right value.
"""

import os

import pytest
from django.urls import reverse

from submissions.models import Submission
from tests import paths
from tests.browser import chromium_page, log_in
from text.normalize import normalize_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CASES = paths.CASES / "paste"
TABLE = (
    "<table><tr><th>单位</th><th>站点</th></tr><tr><td><p>西湖区</p></td><td>12</td></tr></table>"
    "<p>\u3000\u3000表后的一段。</p>"
)
PASTES = [
    (
        "11-zero-width-paste.html",
        "<p>今年以来，区人大常委会持续推进代表联络站建设，全区新建站点12个。</p>"
        "<p>下一步，将组织代表定期进站接待群众。</p>",
    ),
    (
        "17-paste-bold-wrapper.html",
        "<p><strong>一是建强阵地。</strong>全区新建联络站12个。</p><p>下一步，将持续完善联络站工作机制。</p>",
    ),
    ("table", "<p>单位\u3000站点</p><p>西湖区\u300012</p><p>表后的一段。</p>"),
    # Review 11: list numbers as the browser shows them, Word's list label without its
    # spacer, mso-bidi-font-weight is not font-weight, no joiner inside a word.
    (
        "lists",
        "<p>1.建强阵地</p><p>2.完善机制</p><p>一、<strong>强化保障。</strong></p><p>人大</p>"
        "<p>The Hangzhou People's代表联络站 <strong>APP</strong></p>",
    ),
]
INLINE = {
    "table": TABLE,
    "lists": (
        "<ol><li>建强阵地</li><li><p>完善机制</p></li></ol>"
        "<p class=MsoListParagraph><span style='mso-list:Ignore'>一、<span>&nbsp;&nbsp; </span></span>"
        "<b style='mso-bidi-font-weight:normal'>强化保障。</b></p><p>人\u200d大</p>"
        "<p><span lang=EN-US>The Hangzhou\r\nPeople's</span><span>代表\r\n联络站</span>\n<b>APP</b></p>"
    ),
}

PASTE = """([selector, html]) => {
  const area = document.querySelector(selector);
  area.focus();
  const data = new DataTransfer();
  data.setData("text/html", html);
  data.setData("text/plain", area.innerText);
  area.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
}"""


def test_pasted_html_is_stored_as_seen(live_server, settings, tmp_path, contributor):
    settings.MEDIA_ROOT = tmp_path / "media"
    with chromium_page() as page:
        log_in(page, live_server.url, "xihu")
        for index, (name, expected) in enumerate(PASTES):
            html = INLINE[name] if name in INLINE else (CASES / name).read_text(encoding="utf-8")
            page.goto(live_server.url + reverse("piece_create"))
            page.locator("#id_title").fill(f"粘贴测试{index}")
            page.evaluate(PASTE, [".richtext-area", html])
            notice = page.locator(".richtext-notice")
            if name == "table":
                assert notice.is_visible() and "已按行转为文字" in notice.inner_text()
            else:
                assert notice.is_hidden()
            # What the editor shows is already what will be stored.
            assert page.locator("#id_body").input_value() == expected
            page.get_by_role("button", name="保存草稿").click()
            page.get_by_text("草稿已保存").wait_for()
            stored = Submission.objects.get(title=f"粘贴测试{index}").body
            assert stored == expected, name
        # The editor's text rule is the server's: a joiner goes inside words, stays in emoji.
        page.goto(live_server.url + reverse("piece_create"))
        for text in (
            "人\u200d大👨\u200d👩\u200d👧，❤\ufe0f\u200d🔥",
            "代\u200d表\u200d👍\u200d",
            "家⻔口⼈⼤⺇⻳",
            "使用Oﬃce软件，ﬁle，２０２４年ＧＤＰ增长５．２％，40 %，40\u00a0%，二○二四年，九O年代，○ 完成",
        ):
            assert page.evaluate("t => window.bulletinRichtext.normalizeText(t)", text) == normalize_text(
                text
            )


def test_the_save_names_the_quotes_the_server_paired(live_server, settings, tmp_path, contributor):
    # The editor shows the straight quotes as pasted; the server pairs them (one algorithm,
    # text.normalize.pair_quotes) and the page after the save says what it changed and
    # which paragraph it left as written.
    settings.MEDIA_ROOT = tmp_path / "media"
    html = (
        '<p>近日,富阳区人大常委会出台实施意见,探索运用"四个+" 监督工作法,助推人大监督"督"出实效。</p>'
        '<p>共"三个力"要求"落实。</p>'
    )
    for width in (1366, 390):
        with chromium_page(viewport={"width": width, "height": 900}) as page:
            log_in(page, live_server.url, "xihu")
            page.goto(live_server.url + reverse("piece_create"))
            page.locator("#id_title").fill(f"引号{width}")
            page.evaluate(PASTE, [".richtext-area", html])
            page.get_by_role("button", name="保存草稿").click()
            page.get_by_text("草稿已保存").wait_for()
            notices = page.locator(".alert-warning").all_inner_texts()
            assert any("直引号 4 处改为中文引号（如" in n for n in notices), notices
            unpaired = [n for n in notices if "引号无法自动配对，已按原样保存" in n]
            assert len(unpaired) == 1 and unpaired[0].count("三个力") == 1, notices
            if os.environ.get("BULLETIN_REVIEW_SHOTS"):
                page.screenshot(
                    path=f"{os.environ['BULLETIN_REVIEW_SHOTS']}/quotes-saved-{width}.png", full_page=True
                )
    stored = Submission.objects.get(title="引号1366").body
    assert stored == (
        "<p>近日,富阳区人大常委会出台实施意见,探索运用“四个+”监督工作法,助推人大监督“督”出实效。</p>"
        '<p>共"三个力"要求"落实。</p>'
    )
