"""三员 separation in the browser: a 管理员 who picks another role for itself sees why not, in
Chinese (审计员 is not offered at all)."""

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Role, User
from tests.browser import chromium_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_the_admin_is_told_it_cannot_change_its_own_role(live_server, admin_account, width):
    with chromium_page(viewport={"width": width, "height": 900}) as page:
        log_in(page, live_server.url, admin_account.username)
        page.goto(live_server.url + reverse("admin:accounts_user_change", args=[admin_account.pk]))
        expect(page.locator("#id_role option[value=auditor]")).to_have_count(0)
        page.locator("#id_role").select_option(Role.EDITOR)
        page.locator("input[name=_save]").click()
        page.wait_for_load_state()
        message = page.get_by_text(re.compile("不能修改自己的角色、所属单位或启用状态"))
        expect(message).to_be_visible()
        shots = os.environ.get("BULLETIN_REVIEW_SHOTS")  # a folder to look at the page in
        if shots:
            page.screenshot(path=str(Path(shots) / f"own-role-{width}.png"), full_page=True)
    assert User.objects.get(pk=admin_account.pk).role == Role.ADMIN
