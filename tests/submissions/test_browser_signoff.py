"""报送 → 审签 → 采用 in a real browser: the unit's 审核人 signs off before the editor sees it."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Role
from submissions.actions import pieces
from submissions.models import Submission
from tests.browser import chromium_page, log_in, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TITLE = "西湖区：代表联络站提质增效"


def test_submit_sign_off_adopt(live_server, contributor, editor, make_user):
    make_user(Role.REVIEWER, "西湖区", username="xihu_shenhe", full_name="王志强")
    pieces.create_draft(
        actor=contributor, title=TITLE, body="<p><strong>一是建强阵地。</strong>全区新建站点12个。</p>"
    )
    base = live_server.url
    with chromium_page() as page:
        # The contributor submits; with a 审核人 in the unit no 签发人 is asked for.
        log_in(page, base, "xihu")
        page.get_by_role("link", name=TITLE).click()
        expect(page.get_by_label("签发人")).to_have_count(0)
        page.get_by_role("button", name="报送", exact=True).click()
        page.get_by_text("已提交本单位审核人审签").wait_for()
        expect(page.get_by_text("待审签", exact=True).first).to_be_visible()

        # The editor does not see it yet.
        log_in(page, base, "bianji")
        page.goto(base + reverse("review_queue"))
        expect(page.get_by_role("link", name=TITLE)).to_have_count(0)

        # The 审核人 finds it on the unit's page and signs it off.
        log_in(page, base, "xihu_shenhe")
        expect(page.get_by_role("link", name=re.compile("通知 1"))).to_have_count(1)
        save_screenshot(page, "reviewer-home")
        page.locator("#signoff").get_by_role("link", name=TITLE).click()
        save_screenshot(page, "piece-signoff")
        page.get_by_role("button", name="签发", exact=True).click()
        page.get_by_text("已签发，稿件已报送研究室。").wait_for()

        # The editor sees it with its 签发人 and adopts it.
        log_in(page, base, "bianji")
        page.goto(base + reverse("review_queue"))
        row = page.get_by_role("row", name=re.compile("代表联络站"))
        assert "王志强" in row.inner_text()
        row.get_by_role("link", name=TITLE).click()
        assert "签发人 王志强" in page.locator(".signer").inner_text()
        page.get_by_role("button", name="采用为文章").last.click()
        page.get_by_text("已采用为文章").first.wait_for()

    piece = Submission.objects.get()
    assert (piece.status, piece.signer_name) == ("adopted", "王志强")
    assert [e.action for e in piece.events.all()] == ["request_signoff", "sign_off", "adopt_article"]
