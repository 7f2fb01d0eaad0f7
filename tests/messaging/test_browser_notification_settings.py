"""通知方式 in Chromium: reached from the user menu, a wrong number refused in Chinese, a
choice saved, the deliveries listed — on a desk and on a phone."""

import os
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from messaging.actions import deliveries
from messaging.models import ChannelChoice, ContactDetails, Delivery, MessageKind
from tests.browser import chromium_page, log_in, save_screenshot
from tests.servers.webhook_server import WebhookServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SECRET = "browser-webhook-secret"


@pytest.mark.parametrize("width", [1366, 390])
def test_a_person_chooses_how_they_are_told(live_server, settings, contributor, width):
    contributor.email = "xihu@example.gov.cn"
    contributor.save()
    script = [(200, {}, '{"ok": true}'), (404, {}, '{"error": "unknown user"}')]
    with WebhookServer(secret=SECRET, script=script) as server:
        settings.BULLETIN_WEBHOOK_URL = server.url
        settings.BULLETIN_WEBHOOK_SECRET = SECRET
        ChannelChoice.objects.create(
            user=contributor, kind=MessageKind.COMMENT, channels=["email", "webhook"]
        )
        # Two messages sent for real before the page is opened (outside a transaction: at once).
        deliveries.send_message(
            kind=MessageKind.COMMENT, text="编辑留言：请补充第二段的数据来源", users=[contributor]
        )
        deliveries.send_message(kind=MessageKind.COMMENT, text="编辑留言：标题请再精练", users=[contributor])
        assert Delivery.objects.filter(user=contributor, status=Delivery.Status.FAILED).count() == 1

        with chromium_page(viewport={"width": width, "height": 900}) as page:
            log_in(page, live_server.url, contributor.username)
            if width < 768:
                page.get_by_label("展开导航").click()
                # The menu slides open; a click during the slide may land on nothing.
                expect(page.locator("#mainNav.collapse.show")).to_be_visible()
            page.locator(".navbar .dropdown-toggle").click()
            menu_link = page.locator(".dropdown-menu").get_by_role("link", name="通知方式")
            expect(menu_link).to_be_visible()
            menu_link.click()
            page.wait_for_load_state()
            assert page.url.endswith(reverse("notification_settings"))
            expect(page.get_by_role("heading", name="通知方式")).to_be_visible()
            # 站内通知 is always on and cannot be turned off.
            always = page.get_by_label("催报与到期提醒：站内通知（始终开启）")
            expect(always).to_be_checked()
            expect(always).to_be_disabled()

            page.get_by_label("手机号码").fill("0571-8525")
            page.get_by_role("button", name="保存").click()
            page.wait_for_load_state()
            expect(page.get_by_text("请填写 11 位手机号码，如 13800000000。")).to_be_visible()
            expect(page.get_by_label("手机号码")).to_have_value("0571-8525")

            page.get_by_label("手机号码").fill("138 1234 5678")
            page.get_by_label("浙政钉账号 ID").fill("284561")
            page.get_by_label("催报与到期提醒：系统对接（Webhook）").check()
            page.get_by_label("邮件改为每日汇总").check()
            page.get_by_role("button", name="保存").click()
            page.wait_for_load_state()
            expect(page.get_by_text("通知方式已保存。")).to_be_visible()
            expect(page.get_by_label("催报与到期提醒：系统对接（Webhook）")).to_be_checked()
            expect(page.get_by_label("手机号码")).to_have_value("13812345678")

            records = page.locator("ul.delivery-list > li")
            expect(records).to_have_count(6)  # two messages × 站内通知, 电子邮件, 系统对接
            expect(records.filter(has_text="发送失败").filter(has_text="unknown user")).to_have_count(1)
            # Nothing wider than the screen (the channel table scrolls inside its card if it must).
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0
            if width == 1366:
                save_screenshot(page, "notification-settings", full_page=True)
            if shots := os.environ.get("BULLETIN_REVIEW_SHOTS"):
                page.screenshot(path=str(Path(shots) / f"notification-settings-{width}.png"), full_page=True)

    details = ContactDetails.objects.get(user=contributor)
    assert (details.mobile, details.zzd_account_id, details.daily_digest) == ("13812345678", "284561", True)
    assert ChannelChoice.objects.get(user=contributor, kind=MessageKind.REMINDER).channels == [
        "email",
        "webhook",
    ]
