"""Typed work outlives the idle end of the session, in a real browser with a short timeout.

The idle time is a few seconds here (SESSION_COOKIE_AGE) and the warning comes two seconds
before the end, so each test waits for the real session to end on the server.
"""

import json

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from playwright.sync_api import expect

from submissions.actions import pieces
from submissions.models import Event, Submission
from tests.browser import chromium_page, log_in, save_screenshot, wait_until
from tests.conftest import PASSWORD
from tests.issue_helpers import submitted_piece

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TYPED = "这是在超时前打的一段话，不能丢。"


@pytest.fixture
def short_session(settings):
    settings.SESSION_COOKIE_AGE = 6
    settings.BULLETIN_SESSION_WARNING_SECONDS = 2
    settings.BULLETIN_AUTOSAVE_SECONDS = 600  # no server autosave (it would extend the session)
    return settings


@pytest.fixture
def draft(contributor):
    return pieces.create_draft(actor=contributor, title="西湖区稿件", body="<p>原来的正文。</p>")


def type_into_body(page, text: str) -> None:
    area = page.locator(".richtext-area")
    area.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(text)


def session_state(page, base: str) -> dict:
    """The session as the page's script sees it (the request shares the page's cookies)."""
    return json.loads(page.request.get(f"{base}{reverse('session_status')}").text())


def stored(page) -> dict:
    return page.evaluate(
        "() => Object.fromEntries(Object.keys(localStorage).filter(k => k.startsWith('bulletin.autosave.'))"
        ".map(k => [k, JSON.parse(localStorage.getItem(k))]))"
    )


def test_save_after_the_session_ended_asks_for_the_password_in_place(
    live_server, short_session, contributor, draft
):
    base = live_server.url
    with chromium_page() as page:
        log_in(page, base, "xihu")
        page.goto(f"{base}{reverse('piece_edit', args=[draft.pk])}")
        type_into_body(page, TYPED)

        # Two seconds before the end the page warns, in Chinese, with 继续.
        dialog = page.locator("dialog.session-dialog")
        expect(dialog.get_by_text("即将因长时间未操作而退出登录")).to_be_visible(timeout=10_000)
        expect(dialog.get_by_role("button", name="继续")).to_be_visible()
        save_screenshot(page, "session-warning")

        # Not pressed: the session ends on the server and the dialog asks for the password.
        expect(dialog.get_by_text("登录已超时，请输入密码")).to_be_visible(timeout=10_000)
        assert session_state(page, base)["authenticated"] is False
        page.keyboard.press("Escape")  # dismissed; the person goes on and clicks 保存草稿
        expect(dialog).to_be_hidden()

        page.get_by_role("button", name="保存草稿").click()
        expect(dialog.get_by_text("登录已超时，请输入密码")).to_be_visible()
        assert page.url.endswith(reverse("piece_edit", args=[draft.pk]))  # not sent to the login page
        expect(dialog.locator("#session-dialog-username")).to_have_value("xihu")

        # A wrong password is refused in place, with the login page's own message.
        dialog.get_by_label("密码").fill("wrong-password")
        dialog.get_by_role("button", name="登录并保存").click()
        expect(dialog.get_by_text("用户名或密码不正确")).to_be_visible()

        # Retyped a little later: a retry at once may be asked to wait (the login throttle's
        # delay after a failure), and would say so in the same place.
        page.wait_for_timeout(2_500)
        dialog.get_by_label("密码").fill(PASSWORD)
        save_screenshot(page, "session-login-in-place")
        dialog.get_by_role("button", name="登录并保存").click()
        page.get_by_text("已保存。").wait_for()
        assert page.url.endswith(reverse("piece_detail", args=[draft.pk]))
        draft.refresh_from_db()
        assert TYPED in draft.body
        assert draft.version == 2
        # Saved: the browser's copy is gone.
        wait_until(page, lambda: stored(page) == {})


def test_continue_extends_the_session(live_server, short_session, contributor, draft):
    base = live_server.url
    with chromium_page() as page:
        log_in(page, base, "xihu")
        page.goto(f"{base}{reverse('piece_edit', args=[draft.pk])}")
        dialog = page.locator("dialog.session-dialog")
        expect(dialog.get_by_text("即将因长时间未操作而退出登录")).to_be_visible(timeout=10_000)
        dialog.get_by_role("button", name="继续").click()
        expect(dialog).to_be_hidden()
        page.wait_for_timeout(3_000)  # past the end the page was drawn with
        state = session_state(page, base)
        assert state["authenticated"] is True
        assert state["seconds_left"] >= 1
        # And the save goes straight through, no password asked.
        type_into_body(page, TYPED)
        page.get_by_role("button", name="保存草稿").click()
        page.get_by_text("已保存。").wait_for()
        draft.refresh_from_db()
        assert TYPED in draft.body


def test_status_does_not_keep_the_session_alive(live_server, short_session, contributor):
    """The page asks for the time left before warning; asking must not extend it."""
    base = live_server.url
    with chromium_page() as page:
        log_in(page, base, "xihu")
        for _ in range(8):
            assert session_state(page, base) is not None
            page.wait_for_timeout(1_000)
        assert session_state(page, base)["authenticated"] is False


def test_text_is_offered_back_after_a_new_login(live_server, short_session, contributor, draft):
    base = live_server.url
    edit = f"{base}{reverse('piece_edit', args=[draft.pk])}"
    with chromium_page() as page:
        log_in(page, base, "xihu")
        page.goto(edit)
        type_into_body(page, TYPED)
        wait_until(page, lambda: len(stored(page)) == 1)
        entry = next(iter(stored(page).values()))
        assert TYPED in entry["fields"]["body"][0]
        assert "csrfmiddlewaretoken" not in entry["fields"] and "version" not in entry["fields"]

        # The session ends, and the person logs in again in a new page, later.
        page.context.clear_cookies()
        fresh = page.context.new_page()
        log_in(fresh, base, "xihu")
        fresh.goto(edit)
        offer = fresh.locator(".autosave-offer")
        expect(offer).to_contain_text("发现未保存的内容")
        assert TYPED not in fresh.locator(".richtext-area").inner_text()
        offer.get_by_role("button", name="恢复").click()
        expect(fresh.locator(".richtext-area")).to_contain_text(TYPED)
        fresh.get_by_role("button", name="保存草稿").click()
        fresh.get_by_text("已保存。").wait_for()
        draft.refresh_from_db()
        assert TYPED in draft.body
        wait_until(fresh, lambda: stored(fresh) == {})


def test_discard_forgets_the_browser_copy(live_server, settings, contributor):
    base = live_server.url
    with chromium_page() as page:
        log_in(page, base, "xihu")
        page.goto(f"{base}{reverse('piece_create')}")
        page.locator("#id_title").fill("没写完的新稿")
        wait_until(page, lambda: len(stored(page)) == 1)
        expect(page.locator(".autosave-status")).to_contain_text("已暂存在本浏览器")
        page.goto(f"{base}{reverse('piece_create')}")
        page.locator(".autosave-offer").get_by_role("button", name="丢弃").click()
        expect(page.locator(".autosave-offer")).to_have_count(0)
        wait_until(page, lambda: stored(page) == {})
        assert not Submission.objects.filter(
            title="没写完的新稿"
        ).exists()  # a new piece stays in the browser


def test_server_autosave_keeps_the_draft(live_server, settings, contributor, draft):
    settings.BULLETIN_AUTOSAVE_SECONDS = 1
    base = live_server.url
    with chromium_page() as page:
        log_in(page, base, "xihu")
        page.goto(f"{base}{reverse('piece_edit', args=[draft.pk])}")
        type_into_body(page, TYPED)
        expect(page.locator(".autosave-status")).to_contain_text("已自动保存", timeout=10_000)
        draft.refresh_from_db()
        assert TYPED in draft.body
        assert draft.version == 2
        # The form now knows the new version: the button's save is no conflict.
        assert page.locator("input[name=version]").input_value() == "2"
        type_into_body(page, "再补一句。")
        page.get_by_role("button", name="保存草稿").click()
        page.get_by_text("已保存。").wait_for()
        draft.refresh_from_db()
        assert draft.body.endswith("再补一句。</p>")


def test_editor_return_note_survives_the_end(live_server, short_session, editor, contributor):
    """Any long form, not only the piece editor: the 退回修改 note on its tab (a submit-once
    form) is held, the password asked for, and the note sent once."""
    piece = submitted_piece(contributor, "待审稿件")
    note = "请补充具体数据，并核对第二段的时间。"
    base = live_server.url
    with chromium_page() as page:
        log_in(page, base, "bianji")
        page.goto(f"{base}{reverse('review_detail', args=[piece.pk])}")
        page.get_by_role("tab", name="退回修改").click()
        page.get_by_label("修改意见").fill(note)
        dialog = page.locator("dialog.session-dialog")
        expect(dialog.get_by_text("登录已超时，请输入密码")).to_be_visible(timeout=15_000)
        page.keyboard.press("Escape")
        page.locator("#act-return").get_by_role("button", name="退回修改").click()
        expect(dialog.get_by_role("button", name="登录并保存")).to_be_visible()
        dialog.get_by_label("密码").fill(PASSWORD)
        dialog.get_by_role("button", name="登录并保存").click()
        page.get_by_text("已退回修改，已通知报送单位。").wait_for()
        piece.refresh_from_db()
        assert piece.status == Submission.Status.RETURNED
        assert list(
            Event.objects.filter(submission=piece, action="return").values_list("note", flat=True)
        ) == [note]
        wait_until(page, lambda: stored(page) == {})


def test_a_sent_comment_is_forgotten_though_its_form_comes_back(live_server, settings, contributor):
    """After 发送留言 the same page (with an empty comment box) comes back: the browser's
    copy of the sent comment is not offered again."""
    base = live_server.url
    with chromium_page() as page:
        log_in(page, base, "xihu")
        piece = submitted_piece(contributor, "已报送的稿件")
        page.goto(f"{base}{reverse('piece_detail', args=[piece.pk])}")
        page.get_by_label("留言").fill("请编辑老师看看标题。")
        wait_until(page, lambda: len(stored(page)) == 1)
        page.get_by_role("button", name="发送留言").click()
        page.wait_for_load_state()
        expect(page.locator(".thread")).to_contain_text("请编辑老师看看标题。")
        wait_until(page, lambda: stored(page) == {})
        expect(page.locator(".autosave-offer")).to_have_count(0)


def test_a_form_that_reaches_an_ended_session_is_offered_back_after_the_login(
    live_server, short_session, editor, contributor
):
    """Without the page's check (here: a status answer faked as still signed in) the form
    reaches the server after the end and is sent to the login page: after the login the
    person comes back to the page the form was on (not the POST-only address), and the
    text is offered back."""
    piece = submitted_piece(contributor, "待审稿件")
    note = "第三段的数字与附件不一致，请核对。"
    base = live_server.url
    review = reverse("review_detail", args=[piece.pk])
    with chromium_page() as page:
        log_in(page, base, "bianji")
        page.goto(f"{base}{review}")
        alive = json.dumps(
            {"authenticated": True, "user_id": editor.pk, "seconds_left": 600, "csrf_token": ""}
        )
        page.route(
            f"{base}{reverse('session_status')}",
            lambda route: route.fulfill(status=200, content_type="application/json", body=alive),
        )
        page.get_by_role("tab", name="退回修改").click()
        page.get_by_label("修改意见").fill(note)
        wait_until(page, lambda: len(stored(page)) == 1)
        Session.objects.all().delete()  # the session has ended on the server
        page.locator("#act-return").get_by_role("button", name="退回修改").click()
        page.get_by_role("button", name="登录").wait_for()
        assert reverse("login") in page.url
        page.unroute(f"{base}{reverse('session_status')}")
        page.get_by_label("用户名").fill("bianji")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()
        assert page.url.endswith(review)
        offer = page.locator(".autosave-offer")
        expect(offer).to_have_count(1)
        offer.get_by_role("button", name="恢复").click()
        page.get_by_role("tab", name="退回修改").click()
        expect(page.get_by_label("修改意见")).to_have_value(note)
        page.locator("#act-return").get_by_role("button", name="退回修改").click()
        page.get_by_text("已退回修改，已通知报送单位。").wait_for()
        piece.refresh_from_db()
        assert piece.status == Submission.Status.RETURNED


def test_text_restored_over_a_piece_changed_since_is_a_conflict(
    live_server, short_session, contributor, draft
):
    """The browser's copy remembers the version it was typed on: restored after someone
    else saved, its save shows both texts instead of overwriting theirs."""
    base = live_server.url
    edit = f"{base}{reverse('piece_edit', args=[draft.pk])}"
    with chromium_page() as page:
        log_in(page, base, "xihu")
        page.goto(edit)
        type_into_body(page, TYPED)
        wait_until(page, lambda: len(stored(page)) == 1)
        pieces.save_text(
            actor=contributor, submission=draft, expected_version=1, body="<p>同事保存的正文。</p>"
        )
        log_in(page, base, "xihu")
        page.goto(edit)
        page.locator(".autosave-offer").get_by_role("button", name="恢复").click()
        page.get_by_role("button", name="保存草稿").click()
        expect(page.locator("#conflict")).to_contain_text(TYPED)
        draft.refresh_from_db()
        assert draft.body == "<p>同事保存的正文。</p>"


def test_a_login_in_another_tab_does_not_spoil_this_pages_forms(live_server, contributor, draft):
    """A new login rotates the CSRF token: a page opened before it would be refused (403)
    on its next save. The page notices the changed cookie and takes the new token first."""
    base = live_server.url
    with chromium_page() as page:
        log_in(page, base, "xihu")
        page.goto(f"{base}{reverse('piece_edit', args=[draft.pk])}")
        other = page.context.new_page()
        log_in(other, base, "xihu")  # a fresh login in another tab of the same browser
        type_into_body(page, TYPED)
        page.get_by_role("button", name="保存草稿").click()
        page.get_by_text("已保存。").wait_for()
        draft.refresh_from_db()
        assert TYPED in draft.body
