"""催报 in a real browser, by an editor who signs in with her second factor: three units — one with a 报送员 account (a mobile, 短信 chosen for
reminders), one with only a contact's phone, one with nothing — each shows who was reached,
and the local SMS gateway received exactly the two texts. Then the editor registers a
contact for the third unit and 催报 reaches it the same day."""

import datetime
import os

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Unit
from assessment.actions import quotas
from audit.models import AuditEntry
from messaging.actions import unit_contacts
from messaging.models import ChannelChoice, ContactDetails, MessageKind
from submissions.actions import commissions, pieces
from submissions.reminders import send_due_reminders
from tests.browser import chromium_page, log_in, save_screenshot
from tests.issue_helpers import submitted_piece
from tests.second_factor import enrol
from tests.servers import sms_server

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def shots(page, name: str) -> None:
    """The developer's look at both widths (BULLETIN_REVIEW_SHOTS), never into the repository."""
    folder = os.environ.get("BULLETIN_REVIEW_SHOTS")
    if not folder:
        return
    size = page.viewport_size
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)
    page.set_viewport_size(size)


def test_cuibao_shows_who_was_reached_and_the_gateway_got_exactly_the_texts(
    live_server, settings, editor, contributor, sms_gateway
):
    # The editor's office asks editors for a second factor too: she signs in with her code.
    settings.BULLETIN_2FA_ROLES = ["admin", "auditor", "editor"]
    enrol(editor)
    ContactDetails.objects.create(user=contributor, mobile="13900000001")
    ChannelChoice.objects.create(user=contributor, kind=MessageKind.REMINDER, channels=["sms"])
    xiaoshan, binjiang = Unit.objects.get(short_name="萧山区"), Unit.objects.get(short_name="滨江区")
    unit_contacts.create_unit_contact(actor=editor, unit=xiaoshan, name="王五", mobile="13900000002")
    commission = commissions.create_commission(
        actor=editor,
        topic="优化营商环境",
        requirements="1500 字以内",
        deadline=timezone.localdate() + datetime.timedelta(days=3),
        units=[contributor.unit, xiaoshan, binjiang],
    )
    sms_gateway.received.clear()  # the 约稿 notice reached 王五 by text already

    with chromium_page(viewport={"width": 1366, "height": 900}) as page:
        log_in(page, live_server.url, "bianji")
        assert (
            AuditEntry.objects.filter(kind=AuditEntry.Kind.SECOND_FACTOR_VERIFIED, actor=editor).count() == 1
        )
        page.goto(f"{live_server.url}{reverse('commission_detail', args=[commission.pk])}")
        page.get_by_role("button", name="催报全部未报单位（3）").click()
        page.wait_for_load_state()
        result = page.locator("#reach-result")
        expect(result).to_contain_text("西湖区：已发送（站内+短信）")
        expect(result).to_contain_text("萧山区：已发送（短信）")
        expect(result).to_contain_text("滨江区：无法送达：未登记联系方式")
        # Exactly one text to the account's mobile and one to the contact's, on the 催报 template.
        assert sorted((m["phone"], m["template"]) for m in sms_gateway.received) == [
            ("13900000001", sms_server.REMINDER_TEMPLATE),
            ("13900000002", sms_server.REMINDER_TEMPLATE),
        ]
        assert all(
            m["variables"]["content"].startswith("催报：约稿“优化营商环境”") for m in sms_gateway.received
        )
        # Each unit's row: the last reminder, to whom, by what, and its status.
        xiaoshan_row = page.locator(".commission-table tr", has_text="萧山区")
        expect(xiaoshan_row).to_contain_text("王五（联系人）")
        expect(xiaoshan_row).to_contain_text("短信 已发送")
        expect(page.locator(".commission-table tr", has_text="滨江区")).to_contain_text("未提醒")
        save_screenshot(page, "cuibao-result", full_page=True)
        shots(page, "cuibao-result")

        # Again at once: 今日已提醒 for the two, still 无法送达 for the third, no new text.
        page.get_by_role("button", name="催报全部未报单位（3）").click()
        page.wait_for_load_state()
        expect(result).to_contain_text("西湖区：今日已提醒")
        expect(result).to_contain_text("萧山区：今日已提醒")
        expect(result).to_contain_text("滨江区：无法送达：未登记联系方式")
        assert len(sms_gateway.received) == 2

        # The editor registers a phone for 滨江区 from the link in the result, and 催报 it.
        page.get_by_role("link", name="单位联系人").first.click()
        page.wait_for_load_state()
        expect(page.locator(f"#unit-{binjiang.pk}")).to_contain_text("无法送达：未登记联系方式")
        shots(page, "unit-contacts")
        page.locator(f"#unit-{binjiang.pk}").get_by_role("link", name="添加联系人").click()
        page.get_by_label("联系人").fill("赵六")
        page.get_by_label("手机号码").fill("1390000")
        page.get_by_role("button", name="保存").click()
        expect(page.locator("form[novalidate]")).to_contain_text("请填写 11 位手机号码")
        shots(page, "unit-contact-form-error")
        page.get_by_label("手机号码").fill("+86 139-0000-0003")
        page.get_by_role("button", name="保存").click()
        page.wait_for_load_state()
        expect(page.locator(f"#unit-{binjiang.pk}")).to_contain_text("13900000003")
        expect(page.locator(f"#unit-{binjiang.pk}")).to_contain_text("无账号，提醒发给联系人")
        page.goto(f"{live_server.url}{reverse('unit_contacts')}")
        save_screenshot(page, "unit-contacts")
        page.goto(f"{live_server.url}{reverse('commission_detail', args=[commission.pk])}")
        page.locator(".commission-table tr", has_text="滨江区").get_by_role("button", name="催报").click()
        page.wait_for_load_state()
        expect(result).to_contain_text("滨江区：已发送（短信）")
        assert [m["phone"] for m in sms_gateway.received[2:]] == ["13900000003"]
        shots(page, "cuibao-after-contact")


def test_quota_page_and_a_returned_piece_show_who_was_reached(live_server, editor, contributor, sms_gateway):
    """The 报送任务 page's 最近提醒 after the daily run, and the 退回通知 on a returned piece."""
    today = timezone.localdate()
    binjiang = Unit.objects.get(short_name="滨江区")
    unit_contacts.create_unit_contact(actor=editor, unit=binjiang, name="赵六", mobile="13900000003")
    for unit in (contributor.unit, binjiang):
        quotas.set_quota(actor=editor, unit=unit, period="month", count=2, starts=today.replace(day=1))
    last_day = (today.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(
        days=1
    )
    send_due_reminders(last_day)
    piece = submitted_piece(contributor, "西湖区：代表联络站建设")
    pieces.return_for_revision(actor=editor, submission=piece, note="请补充数据")
    sms_gateway.fail_next("isv.MOBILE_NUMBER_ILLEGAL")
    other = submitted_piece(contributor, "西湖区：民生实事票决")
    ContactDetails.objects.create(user=contributor, mobile="13900000001")
    ChannelChoice.objects.create(user=contributor, kind=MessageKind.WORKFLOW, channels=["sms"])
    pieces.return_for_revision(actor=editor, submission=other, note="标题请改短")

    with chromium_page(viewport={"width": 1366, "height": 900}) as page:
        log_in(page, live_server.url, "bianji")
        page.goto(f"{live_server.url}{reverse('quota_page')}?month={today:%Y-%m}")
        expect(page.locator(".quota-table tr", has_text="滨江区")).to_contain_text(
            "赵六（联系人）：短信 已发送"
        )
        expect(page.locator(".quota-table tr", has_text="西湖区")).to_contain_text("钱苏晚：站内通知 已送达")
        shots(page, "quota-reach")
        page.goto(f"{live_server.url}{reverse('review_detail', args=[piece.pk])}")
        expect(page.locator(".return-notice")).to_contain_text("钱苏晚：站内通知 已送达")
        page.goto(f"{live_server.url}{reverse('review_detail', args=[other.pk])}")
        notice = page.locator(".return-notice")
        expect(notice).to_contain_text("短信 发送失败")
        expect(notice).to_contain_text("短信失败：")
        shots(page, "return-notice")
