"""In Chromium: the preview (预览) shows the print faces, served by the app, and real bold."""

import datetime as dt
import os
import re

import pytest
from playwright.sync_api import expect

from bulletin.actions.issues import create_issue
from bulletin.models import Publication
from printing.fonts import font_set
from tests.browser import chromium_page, log_in
from tests.issue_helpers import adopted_piece, place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BODY = (
    "<p><strong>一是建强阵地。</strong>全区新建联络站12个，安排专项经费￥120万元，"
    "网址为https://www.example.gov.cn/col/col1229512345/art/2024/art_9f8e7d6c5b4a.html，欢迎查阅。</p>"
)


def _platform_fonts(page, selector: str) -> list[str]:
    """The font files Chromium really drew a node's text with (DevTools' rendered fonts)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return [f["postScriptName"] or f["familyName"] for f in fonts]


def test_preview_uses_the_print_faces_served_by_the_app(live_server, editor, contributor):
    issue = create_issue(
        actor=editor, publication=Publication.objects.get(name="杭州人大信息"), date=dt.date(2026, 3, 2)
    )
    piece = adopted_piece(editor, contributor, "西湖区建强代表联络站", body=BODY)
    place(editor, issue, piece, "代表工作")
    fonts = font_set()
    with chromium_page(viewport={"width": 1366, "height": 900}) as page:
        served = []
        page.on("response", lambda r: served.append((r.url, r.status)) if "/print-fonts/" in r.url else None)
        log_in(page, live_server.url, "bianji")
        page.wait_for_url(re.compile(r"/editor/$"))
        page.goto(f"{live_server.url}/issues/{issue.pk}/preview/")
        page.wait_for_function("document.fonts.status === 'loaded'")
        page.evaluate("document.fonts.ready")
        # No file:// URL reaches the browser; the faces come from the app.
        html = page.content()
        assert "file://" not in html
        assert served and all(status == 200 for _, status in served), served
        body_face = fonts.roles["body"]
        bold_face = fonts.roles["bold"]
        # The body text is drawn with the print body face (FandolFang), the bold lead with
        # the real bold face (FandolSong Bold), not a synthesized bold.
        body_fonts = _platform_fonts(page, "p.body")
        assert body_face.path.stem.split("-")[0] in " ".join(body_fonts), body_fonts
        lead = page.locator("p.body span", has_text="一是建强阵地").first
        assert lead.evaluate("e => getComputedStyle(e).fontFamily").strip('"') == f"BT Print {bold_face.key}"
        lead_fonts = _platform_fonts(page, f"p.body span.{bold_face.css_class}")
        assert any("Bold" in name for name in lead_fonts), lead_fonts
        assert page.evaluate(
            'family => document.fonts.check(`16pt "${family}"`)', f"BT Print {bold_face.key}"
        )
        # The 156 mm text block on a page on grey; the check report above it.
        width = page.locator("main.content").evaluate("e => e.getBoundingClientRect().width")
        assert abs(width - 156 / 25.4 * 96) < 2, width
        expect(page.locator(".check-report")).to_be_visible()
        background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
        assert background != "rgba(0, 0, 0, 0)" and background != "rgb(255, 255, 255)"
        if os.environ.get("BULLETIN_REVIEW_SHOTS"):  # a folder for shots to look at, not the manual's
            page.screenshot(
                path=os.path.join(os.environ["BULLETIN_REVIEW_SHOTS"], "preview-1366.png"), full_page=True
            )
            page.set_viewport_size({"width": 390, "height": 844})
            page.screenshot(path=os.path.join(os.environ["BULLETIN_REVIEW_SHOTS"], "preview-390.png"))


def test_fonts_are_served_only_to_editors(client_for, editor, contributor):
    key = font_set().roles["body"].key
    response = client_for(editor).get(f"/print-fonts/{key}")
    assert response.status_code == 200
    assert response["Content-Type"] in ("font/otf", "font/ttf")
    assert b"".join(response.streaming_content)[:4] in (b"OTTO", b"\x00\x01\x00\x00")
    assert client_for(editor).get("/print-fonts/no-such-face").status_code == 404
    assert client_for(contributor).get(f"/print-fonts/{key}").status_code == 403
