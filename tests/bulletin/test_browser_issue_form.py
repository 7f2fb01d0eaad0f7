"""In Chromium: an editor applies a 发送范围模板 while creating an issue."""

import re

import pytest

from bulletin.models import Issue, Publication
from tests.browser import chromium_page, log_in, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_editor_applies_a_distribution_template_and_edits_it(live_server, editor):
    publication = Publication.objects.get(name="杭州人大信息")
    publication.distribution_lists.create(
        name="专刊（加送市领导）", text="市委、市政府领导\n省人大常委会办公厅、研究室"
    )
    with chromium_page() as page:
        log_in(page, live_server.url, "bianji")
        page.wait_for_url(re.compile(r"/editor/$"))
        page.goto(f"{live_server.url}/issues/new/")
        field = page.get_by_role("textbox", name=re.compile(r"^发送范围"))
        assert field.input_value() == publication.default_distribution
        page.get_by_label("套用发送范围模板").select_option(label="专刊（加送市领导）")
        assert field.input_value() == "市委、市政府领导\n省人大常委会办公厅、研究室"
        save_screenshot(page, "issue-form")
        # The text stays editable after a template filled it.
        field.fill(field.input_value() + "\n各区、县（市）人大常委会")
        page.get_by_role("button", name="创建并开始编排").click()
        page.wait_for_url(re.compile(r"/issues/\d+/$"))
    issue = Issue.objects.get()
    assert issue.distribution.splitlines() == [
        "市委、市政府领导",
        "省人大常委会办公厅、研究室",
        "各区、县（市）人大常委会",
    ]
