import re

import pytest
from playwright.sync_api import expect

from tests.browser import chromium_page, log_in, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_contributor_logs_in_and_sees_their_unit_home_in_chinese(live_server, contributor):
    with chromium_page() as page:
        page.goto(f"{live_server.url}/")
        assert page.locator("html").get_attribute("lang") == "zh-CN"
        expect(page.get_by_role("heading", name="登录")).to_be_visible()
        save_screenshot(page, "login")
        log_in(page, live_server.url, "xihu")
        page.wait_for_url(re.compile(r"/unit/$"))
        expect(page.get_by_role("heading", name="本单位稿件")).to_be_visible()
        expect(page.get_by_text("西湖区人大常委会").first).to_be_visible()
        expect(page.get_by_text("本单位还没有稿件")).to_be_visible()
        expect(page.get_by_role("link", name="编辑工作台")).to_have_count(0)


def test_editor_logs_in_and_signs_out(live_server, editor):
    with chromium_page() as page:
        log_in(page, live_server.url, "bianji")
        page.wait_for_url(re.compile(r"/editor/$"))
        expect(page.get_by_role("heading", name="编辑工作台")).to_be_visible()
        page.get_by_role("button", name=re.compile("杨青青")).click()
        page.get_by_role("button", name="退出登录").click()
        page.wait_for_url(re.compile(r"/accounts/login/"))
        expect(page.get_by_role("heading", name="登录")).to_be_visible()


def test_wrong_password_shows_a_chinese_error(live_server, reader):
    with chromium_page() as page:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("用户名").fill("duzhe")
        page.get_by_label("密码").fill("not-the-password")
        page.get_by_role("button", name="登录").click()
        # Waits for the answer: is_visible() alone looks once, maybe before the page came back.
        expect(page.get_by_text("用户名或密码不正确")).to_be_visible()


def test_pages_break_no_content_security_policy_rule(live_server, editor, contributor):
    """Every page's scripts and styles come from the app itself: Chromium reports no CSP
    violation on the desks, and the confirm-before-刊发 behaviour (static/js/app.js) works."""
    violations: list[str] = []
    with chromium_page() as page:
        page.on(
            "console",
            lambda message: (
                violations.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        log_in(page, live_server.url, "bianji")
        page.wait_for_url(re.compile(r"/editor/$"))
        for path in ("/review/", "/review/commissions/", "/stats/", "/issues/", "/issues/new/", "/archive/"):
            page.goto(f"{live_server.url}{path}")
        assert page.evaluate("() => typeof bootstrap") == "object"
    with chromium_page() as page:
        page.on(
            "console",
            lambda message: (
                violations.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        log_in(page, live_server.url, "xihu")
        page.wait_for_url(re.compile(r"/unit/$"))
        for path in ("/unit/new/", "/stats/unit/"):
            page.goto(f"{live_server.url}{path}")
    assert violations == []


def test_a_try_too_soon_says_how_long_to_wait(live_server, reader):
    """The delay between failures is shown in Chinese on the login page itself."""
    with chromium_page() as page:
        page.goto(f"{live_server.url}/accounts/login/")
        # Each failure doubles the wait (1, 2, 4 s): on a slow machine a retry may come late.
        for _ in range(4):
            page.get_by_label("用户名").fill("duzhe")
            page.get_by_label("密码").fill("not-the-password")
            page.get_by_role("button", name="登录").click()
            page.wait_for_load_state()
            if "秒后再试" in page.content():
                break
        expect(page.get_by_text(re.compile(r"登录尝试过于频繁，请 \d+ 秒后再试"))).to_be_visible()
