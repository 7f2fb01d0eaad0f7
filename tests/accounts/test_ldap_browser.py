"""Directory login in Chromium, against the tests' own slapd: a refusal and what the person
reads, a directory account's desk (no 修改密码), and the 管理员's view of that account."""

import os
import re

import pytest
from playwright.sync_api import expect

from accounts.directory import MESSAGES, NO_GROUP
from tests.browser import chromium_page, log_in, save_screenshot
from tests.servers.slapd import PASSWORDS, slapd_server

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

__all__ = ["slapd_server"]  # the module-scoped server fixture


def review_shots(page, name: str) -> None:
    """The page at 1366 and 390 px into BULLETIN_REVIEW_SHOTS, for a developer to look at."""
    folder = os.environ.get("BULLETIN_REVIEW_SHOTS")
    if not folder:
        return
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def directory_sign_in(page, base_url: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORDS[username])
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def test_directory_sign_in_refusal_desk_and_the_admins_view(
    live_server, settings, slapd_server, admin_account
):
    for name, value in slapd_server.settings().items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "accounts.directory.DirectoryBackend",
    ]
    settings.BULLETIN_LOGIN_DELAY_SECONDS = 0

    with chromium_page() as page:
        directory_sign_in(page, live_server.url, "wangfang")
        expect(page.get_by_text(MESSAGES[NO_GROUP])).to_be_visible()
        review_shots(page, "ldap-refused")

        directory_sign_in(page, live_server.url, "yangqing")
        page.wait_for_url(re.compile(r"/editor/$"))
        page.get_by_role("button", name=re.compile("杨青青")).click()
        expect(page.get_by_role("button", name="退出登录")).to_be_visible()
        expect(page.get_by_role("link", name="修改密码")).to_have_count(0)
        review_shots(page, "ldap-editor-desk")

        # Through the pages, not the ORM: a query made inside Playwright's block runs in
        # another context and leaves a connection open past the test database's end.
        log_in(page, live_server.url, "guanli")
        page.goto(f"{live_server.url}/admin/accounts/user/?source__exact=ldap")
        page.get_by_role("link", name="yangqing").click()
        page.wait_for_url(re.compile(r"/admin/accounts/user/\d+/change/"))
        expect(page.get_by_text("目录账号（LDAP/AD）").first).to_be_visible()
        # Name, e-mail, role and unit follow the directory: shown, not editable.
        expect(page.locator("input[name=full_name]")).to_have_count(0)
        expect(page.locator("select[name=role]")).to_have_count(0)
        expect(page.locator("input[name=is_active]")).to_have_count(1)
        save_screenshot(page, "admin-directory-account", full_page=True)
        review_shots(page, "ldap-admin-account")
