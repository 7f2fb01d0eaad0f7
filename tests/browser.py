"""Headless Chromium for browser tests: Debian's /usr/bin/chromium driven by Playwright."""

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.second_factor import complete_second_factor_in_page

MANUAL_IMAGES = Path(__file__).resolve().parent.parent / "docs" / "manual" / "images"
SCREENSHOT_SIZE = {"width": 1366, "height": 900}

CHROMIUM = os.environ.get("BULLETIN_CHROMIUM", "/usr/bin/chromium")
# Without these Chromium keeps trying to reach Google's hosts, which a closed intranet refuses.
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# A paste into the editor as the browser makes it: ``page.evaluate(PASTE_HTML, [selector,
# html])`` dispatches a paste event whose clipboard holds ``html`` (and no plain text).
PASTE_HTML = """([selector, html]) => {
  const area = document.querySelector(selector);
  area.focus();
  const data = new DataTransfer();
  data.setData("text/html", html);
  data.setData("text/plain", "");
  area.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
}"""


@contextmanager
def chromium_page(**context_options) -> Iterator:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"没有找到 Chromium（{CHROMIUM}）：请运行 make test，它会安装 chromium。")
    # Playwright's sync API runs an event loop in this thread; the Django ORM used by the
    # test's own fixtures in the same thread is still plain synchronous code.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **context_options)
            page = context.new_page()
            page.set_default_timeout(15_000)
            yield page
        finally:
            browser.close()


def wait_until(page, condition, timeout_ms: int = 15000) -> None:
    """Wait until `condition()` (a Python callable reading the page) is true.

    page.wait_for_function("…") compiles its string inside the page, which the
    Content-Security-Policy forbids (no 'unsafe-eval'); this polls from the test instead.
    """
    waited = 0
    while not condition():
        if waited >= timeout_ms:
            raise AssertionError(f"the page did not reach the expected state in {timeout_ms} ms")
        page.wait_for_timeout(50)
        waited += 50


def log_in(page, base_url: str, username: str) -> None:
    """Sign in as `username` (the demo password, then the second factor where the role
    needs one) on a fresh session, and wait for the page."""
    from django.urls import reverse

    from tests.conftest import PASSWORD

    page.context.clear_cookies()
    page.goto(f"{base_url}{reverse('login')}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    # A role that must give a second factor enrols (first time) or types the code, as a
    # person with the phone would (tests/second_factor.py).
    complete_second_factor_in_page(page, username)


def save_screenshot(page, name: str, *, locator=None, full_page: bool = False) -> None:
    """Write docs/manual/images/<name>.png, the 用户手册's picture of this moment, at 1366 × 900.

    Only when BULLETIN_SCREENSHOTS=1: an ordinary test run rewrites no tracked file. `name`
    must be listed in docs/manual/images/README.md; `locator` crops to one part of the page.
    """
    if os.environ.get("BULLETIN_SCREENSHOTS") != "1":
        return
    listed = (MANUAL_IMAGES / "README.md").read_text(encoding="utf-8")
    assert f"`{name}.png`" in listed, f"{name}.png is not in docs/manual/images/README.md"
    before = page.viewport_size
    page.set_viewport_size(SCREENSHOT_SIZE)
    try:
        page.wait_for_load_state()
        path = MANUAL_IMAGES / f"{name}.png"
        if locator is not None:
            locator.scroll_into_view_if_needed()
            locator.screenshot(path=path, animations="disabled", caret="hide")
        else:
            page.screenshot(path=path, full_page=full_page, animations="disabled", caret="hide")
    finally:
        if before:
            page.set_viewport_size(before)
