"""The second factor in Chromium: an editor whose office asks editors for a code enrols at the
first login (the secret read from the page, the code computed from it as a phone does),
signs out, signs in with a code after a wrong one is refused in Chinese, and a recovery
code works once. Shots of the enrolment and the 验证码 page at 1366 and 390 px."""

import os
import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from audit.models import AuditEntry
from submissions.models import Event, Submission
from tests.browser import chromium_page, log_in, save_screenshot
from tests.conftest import PASSWORD
from tests.issue_helpers import submitted_piece
from tests.second_factor import AuthenticatorApp, enrol

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def editors_give_a_code(settings):
    settings.BULLETIN_2FA_ROLES = ["admin", "auditor", "editor"]


def review_shots(page, name: str) -> None:
    """Shots for a developer to look at (both widths), never into the repository."""
    folder = os.environ.get("BULLETIN_REVIEW_SHOTS")
    if not folder:
        return
    before = page.viewport_size
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(
            path=f"{folder}/{name}-{width}.png", full_page=True, animations="disabled", caret="hide"
        )
    page.set_viewport_size(before)


def sign_in_with_password(page, base_url: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill("bianji")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def sign_out(page) -> None:
    page.get_by_role("button", name=re.compile("杨青青")).click()
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def give_code(page, code: str) -> None:
    page.get_by_label("验证码").fill(code)
    page.get_by_role("button", name="验证并登录").click()
    page.wait_for_load_state()


def test_an_editor_enrols_signs_in_with_a_code_and_a_recovery_code_works_once(
    live_server, editor, editors_give_a_code
):
    violations: list[str] = []
    with chromium_page() as page:
        page.on(
            "console",
            lambda message: (
                violations.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        sign_in_with_password(page, live_server.url)
        # Straight to enrolment: nothing else is open yet.
        page.wait_for_url(re.compile(r"/accounts/2fa/enrol/"))
        expect(page.get_by_role("heading", name="绑定身份验证器")).to_be_visible()
        expect(page.locator(".second-factor-qr svg")).to_be_visible()
        expect(page.get_by_role("link", name="编辑工作台")).to_have_count(0)
        save_screenshot(page, "second-factor-enrol")
        review_shots(page, "second-factor-enrol")
        page.goto(f"{live_server.url}/editor/")
        page.wait_for_url(re.compile(r"/accounts/2fa/enrol/\?next=%2Feditor%2F"))
        app = AuthenticatorApp(page.locator("#second-factor-secret").inner_text())
        page.get_by_label("验证码").fill(app.code())
        page.get_by_role("button", name="完成绑定").click()
        expect(page.get_by_role("heading", name="绑定成功：请保存恢复码")).to_be_visible()
        codes = [code.strip() for code in page.locator(".recovery-code").all_inner_texts()]
        assert len(codes) == 10
        save_screenshot(page, "second-factor-codes")
        review_shots(page, "second-factor-codes")
        page.get_by_role("link", name="我已保存，继续").click()
        page.wait_for_url(re.compile(r"/editor/$"))
        expect(page.get_by_role("heading", name="编辑工作台")).to_be_visible()
        sign_out(page)

        # Signing in again: the 验证码 page; a wrong code is refused in Chinese.
        sign_in_with_password(page, live_server.url)
        page.wait_for_url(re.compile(r"/accounts/2fa/verify/"))
        expect(page.get_by_role("heading", name="输入验证码")).to_be_visible()
        save_screenshot(page, "second-factor-verify")
        review_shots(page, "second-factor-verify")
        wrong = f"{(int(app.code_at(app.current_t())) + 1) % 1_000_000:06d}"
        give_code(page, wrong)
        expect(
            page.get_by_text("验证码不正确或已使用过，请输入手机上显示的最新 6 位验证码。")
        ).to_be_visible()
        review_shots(page, "second-factor-verify-wrong")
        page.wait_for_timeout(1100)  # the wrong code's wait (1 s)
        give_code(page, app.code())  # the next code the phone shows (the enrolment's is used)
        page.wait_for_url(re.compile(r"/editor/$"))
        sign_out(page)

        # A recovery code instead of the phone: once.
        sign_in_with_password(page, live_server.url)
        give_code(page, codes[0])
        page.wait_for_url(re.compile(r"/editor/$"))
        sign_out(page)
        sign_in_with_password(page, live_server.url)
        give_code(page, codes[0])
        expect(page.get_by_text("恢复码不正确或已使用过。每个恢复码只能使用一次。")).to_be_visible()
        expect(page).to_have_url(re.compile(r"/accounts/2fa/verify/"))
    assert violations == []


def test_after_the_idle_end_the_dialog_sends_the_code_to_a_new_window_and_the_note_is_kept(
    live_server, settings, editor, contributor, editors_give_a_code
):
    """The session dialog (static/js/autosave.js) with a second factor: the password in
    place, the 验证码 in a new window, then 登录并保存 sends the held form once."""
    settings.SESSION_COOKIE_AGE = 6
    settings.BULLETIN_SESSION_WARNING_SECONDS = 2
    piece = submitted_piece(contributor, "待审稿件")
    note = "请补充具体数据。"
    base = live_server.url
    with chromium_page() as page:
        log_in(page, base, "bianji")  # enrols on the way (tests/second_factor.py)
        page.goto(f"{base}{reverse('review_detail', args=[piece.pk])}")
        page.get_by_role("tab", name="退回修改").click()
        page.get_by_label("修改意见").fill(note)
        dialog = page.locator("dialog.session-dialog")
        expect(dialog.get_by_text("登录已超时，请输入密码")).to_be_visible(timeout=15_000)
        page.keyboard.press("Escape")
        # The phone's next code, read now: the enrolment used this step's, and the new
        # session must not sit idle past its six seconds while the step turns.
        code = AuthenticatorApp.for_device(TOTPDevice.objects.get(user=editor)).code()
        page.locator("#act-return").get_by_role("button", name="退回修改").click()
        dialog.get_by_label("密码").fill(PASSWORD)
        dialog.get_by_role("button", name="登录并保存").click()
        expect(
            dialog.get_by_text("密码正确。请点“在新窗口登录”输入身份验证器 App 上的动态验证码")
        ).to_be_visible()
        with page.context.expect_page() as opened:
            dialog.get_by_role("link", name="在新窗口登录").click()
        window = opened.value
        window.wait_for_url(re.compile(r"/accounts/2fa/verify/"))
        give_code(window, code)
        window.wait_for_url(re.compile(r"/editor/$"))
        window.close()
        dialog.get_by_role("button", name="登录并保存").click()
        page.get_by_text("已退回修改，已通知报送单位。").wait_for()
    piece.refresh_from_db()
    assert piece.status == Submission.Status.RETURNED
    assert list(Event.objects.filter(submission=piece, action="return").values_list("note", flat=True)) == [
        note
    ]


def test_the_admin_resets_an_editor_in_the_admin_and_the_editor_enrols_again(
    live_server, admin_account, editor, editors_give_a_code
):
    enrol(editor)
    with chromium_page() as page:
        log_in(page, live_server.url, "guanli")  # the admin enrols on the way
        page.goto(f"{live_server.url}{reverse('second_factor_manage')}")
        expect(page.get_by_text("已绑定")).to_be_visible()
        review_shots(page, "second-factor-manage")
        page.goto(f"{live_server.url}{reverse('admin:accounts_user_changelist')}")
        page.locator(f"input[name=_selected_action][value='{editor.pk}']").check()
        page.locator("select[name=action]").select_option("reset_second_factor_of_selected")
        page.get_by_role("button", name="执行").click()
        expect(
            page.get_by_text("已重置 杨青青 的双因素认证，下次登录时须重新绑定身份验证器。")
        ).to_be_visible()
        review_shots(page, "second-factor-admin-reset")
        sign_in_with_password(page, live_server.url)
        page.wait_for_url(re.compile(r"/accounts/2fa/enrol/"))
    assert AuditEntry.objects.filter(
        kind="second_factor_reset", actor=admin_account, object_id=str(editor.pk)
    ).exists()
