"""In Chromium: an editor types a 总期号 below the issue before's (a typo) and is refused;
then one that jumps ahead, reads what is wrong, and creates the issue only after
confirming with a reason."""

import re

import pytest
from django.utils import timezone

from bulletin.actions.issues import create_issue
from bulletin.models import Issue, Publication
from tests.browser import chromium_page, log_in, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_jump_needs_the_tick_and_a_reason(live_server, editor):
    publication = Publication.objects.get(name="杭州人大信息")
    today = timezone.localdate()
    create_issue(actor=editor, publication=publication, date=today, number=14, total_number=704)
    with chromium_page() as page:
        log_in(page, live_server.url, "bianji")
        page.wait_for_url(re.compile(r"/editor/$"))
        page.goto(f"{live_server.url}/issues/new/")
        total = page.locator("#id_total_number")
        assert total.input_value() == "705"  # the proposal follows on
        total.fill("74")
        page.get_by_role("button", name="创建并开始编排").click()
        alert = page.locator(".alert-danger")
        assert f"前面的{today.year}年第14期已是总第704期，本期不能是总第74期。" in alert.inner_text()
        page.locator("#id_total_number").fill("710")
        page.get_by_role("button", name="创建并开始编排").click()
        alert = page.locator(".alert-danger")
        assert (
            f"上一期是{today.year}年第14期（总第704期），本期应为第15期（总第705期），现填总第710期。"
            in alert.inner_text()
        )
        reason = page.locator("#id_numbering_reason")
        assert reason.is_visible()  # the confirmation is open
        page.locator("#id_numbering_confirmed").check()
        reason.fill("按主管部门要求重排总期号")
        save_screenshot(page, "issue-numbering")
        page.get_by_role("button", name="创建并开始编排").click()
        page.wait_for_url(re.compile(r"/issues/\d+/$"))
    issue = Issue.objects.get(number=15)
    assert (issue.total_number, issue.numbering_reason) == (710, "按主管部门要求重排总期号")
