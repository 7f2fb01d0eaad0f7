"""通知 in a real browser: looking changes nothing; opening one (a POST) marks it read and
lands on its page; 全部标为已读 clears the rest. Readable at 1366 and 390 px."""

import os

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from submissions.models import Notification
from tests.browser import chromium_page, log_in
from tests.issue_helpers import submitted_piece

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_notifications_are_marked_read_by_clicks_not_by_looking(live_server, editor, contributor):
    first = submitted_piece(contributor, "西湖区：代表联络站建设")
    submitted_piece(contributor, "萧山区：营商环境调研")
    shots = os.environ.get("BULLETIN_OPS_SHOTS")
    with chromium_page(viewport={"width": 1366, "height": 800}) as page:
        log_in(page, live_server.url, "bianji")
        page.goto(f"{live_server.url}{reverse('notification_list')}")
        expect(page.locator(".badge", has_text="新")).to_have_count(2)
        if shots:
            page.screenshot(path=f"{shots}/notifications-1366.png", full_page=True)
            page.set_viewport_size({"width": 390, "height": 844})
            page.screenshot(path=f"{shots}/notifications-390.png", full_page=True)
            page.set_viewport_size({"width": 1366, "height": 800})
        page.reload()
        assert Notification.objects.filter(recipient=editor, read_at__isnull=True).count() == 2
        page.get_by_role("button", name="西湖区报送了稿件《西湖区：代表联络站建设》").click()
        page.wait_for_load_state()
        assert page.url.endswith(reverse("review_detail", args=[first.pk]))
        assert Notification.objects.filter(recipient=editor, read_at__isnull=True).count() == 1
        page.goto(f"{live_server.url}{reverse('notification_list')}")
        page.get_by_role("button", name="全部标为已读").click()
        page.wait_for_load_state()
        assert "已将 1 条通知标为已读" in page.content()
        assert not Notification.objects.filter(recipient=editor, read_at__isnull=True).exists()
