"""In Chromium: the preview's check report lists what the verifier read on the draft's
rendered PDF, with page and line, at a desktop width and on a phone."""

import datetime as dt
import os
import re

import pytest
from playwright.sync_api import expect

from bulletin import renders
from bulletin.actions.issues import create_issue
from bulletin.models import DraftRender, Publication
from tests.browser import chromium_page, log_in, save_screenshot
from tests.issue_helpers import adopted_piece, place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# A title long enough for two lines, and paragraphs of the kinds the check looks at.
TITLE = "淳安县：创新“四个一”工作机制助力重大项目攻坚"
BODY = (
    "<p>淳安县人大常委会结合地方实际，围绕重大项目监督工作，创新“四个一”工作机制，"
    "强化对政府投资项目的全过程监督，推动项目建设提速增效，切实把监督成果转化为发展实效。</p>"
    "<p>今年以来，全县共建成代表联络站15个，总面积达到3200平方米，组织代表开展视察调研"
    "活动86次，收集意见建议120条，已办结率达到百分之九十以上，群众满意度持续提升，切实落实。</p>"
)


def test_preview_lists_the_pdf_findings_with_page_and_line(live_server, editor, contributor):
    issue = create_issue(
        actor=editor, publication=Publication.objects.get(name="杭州人大信息"), date=dt.date(2026, 3, 2)
    )
    piece = adopted_piece(editor, contributor, TITLE, body=BODY)
    place(editor, issue, piece, "助力攻坚")
    # The worker renders the draft after the change (at once with the immediate backend).
    assert renders.render_draft(issue.pk) in ("rendered", "up to date")
    _, key = renders.draft_document(issue)
    findings = DraftRender.objects.get(issue=issue, content_key=key).findings
    assert isinstance(findings, list)
    with chromium_page(viewport={"width": 1366, "height": 900}) as page:
        log_in(page, live_server.url, "bianji")
        page.wait_for_url(re.compile(r"/editor/$"))
        page.goto(f"{live_server.url}/issues/{issue.pk}/preview/")
        page.evaluate("document.fonts.ready")
        section = page.locator(".check-report .pdf-check")
        expect(section).to_be_visible()
        expect(section.get_by_role("heading", name="印刷版（PDF）逐页检查")).to_be_visible()
        items = section.locator("li")
        expect(items).to_have_count(len(findings))
        for index, finding in enumerate(findings):
            expect(items.nth(index)).to_contain_text(f"第{finding['page']}页第{finding['line']}行")
        if not findings:
            expect(section).to_contain_text("没有发现问题")
        save_screenshot(page, "issue-preview-check", locator=page.locator(".check-report"))
        # On a phone the report wraps inside the screen: nothing wider than the viewport.
        page.set_viewport_size({"width": 390, "height": 844})
        width = page.locator(".check-report").evaluate("e => e.getBoundingClientRect().right")
        assert width <= 390, width
        if os.environ.get("BULLETIN_REVIEW_SHOTS"):  # a folder for shots to look at, not the manual's
            folder = os.environ["BULLETIN_REVIEW_SHOTS"]
            page.screenshot(path=os.path.join(folder, "pdf-check-390.png"))
            page.set_viewport_size({"width": 1366, "height": 900})
            page.screenshot(path=os.path.join(folder, "pdf-check-1366.png"))
