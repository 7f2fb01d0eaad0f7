"""The login page's single sign-on buttons in Chromium: 统一身份认证 through the real test
provider (its own login form, in its own process) and 浙政钉扫码 through the local login
host, both ending on the person's desk; a refusal shown on the login page."""

import os
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from accounts import zzd
from accounts.models import Role, User
from tests.browser import chromium_page, save_screenshot
from tests.servers.oidc_provider.process import running_provider
from tests.servers.zzd_login_server import ZzdLoginService, running_zzd_login_server

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PEOPLE = [
    {
        "username": "zhangsan",
        "password": "pw-zhangsan-1",
        "claims": {"name": "张三", "groups": ["bulletin-editors"]},
    },
    {"username": "wangwu", "password": "pw-wangwu-1", "claims": {"name": "王五", "groups": ["staff"]}},
]


def review_shot(page, name: str) -> None:
    """A screenshot for the developer to look at (BULLETIN_REVIEW_SHOTS), never committed."""
    folder = os.environ.get("BULLETIN_REVIEW_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.fixture
def services(live_server, settings, tmp_path):
    """Both services configured: the provider process and the 浙政钉 stand-in."""
    callback = f"{live_server.url}/accounts/sso/oidc/callback/"
    platform = ZzdLoginService(app_key="hzrd-bulletin-login", app_secret="zzd-test-secret-9d8c7b", people={
        "10086": {"accountId": 10086, "employeeCode": "GE_10086", "lastName": "钱苏晚", "account": "qiansuwan"}
    })  # fmt: skip
    with (
        running_provider(tmp_path / "provider", PEOPLE, [callback]) as provider,
        running_zzd_login_server(platform) as zzd_url,
    ):
        for name, value in provider.settings().items():
            setattr(settings, name, value)
        settings.BULLETIN_OIDC_GROUP_ROLES = {"bulletin-editors": "editor"}
        settings.BULLETIN_ZZD_LOGIN_APP_KEY = platform.app_key
        settings.BULLETIN_ZZD_LOGIN_APP_SECRET = platform.app_secret
        settings.BULLETIN_ZZD_LOGIN_URL = settings.BULLETIN_ZZD_LOGIN_API_URL = zzd_url
        cache.delete(zzd._token_key())
        yield provider, platform
        cache.delete(zzd._token_key())


def test_an_editor_signs_in_through_the_identity_service(live_server, services):
    with chromium_page(viewport={"width": 1366, "height": 900}) as page:
        page.goto(f"{live_server.url}/accounts/login/")
        expect(page.get_by_role("link", name="统一身份认证登录")).to_be_visible()
        expect(page.get_by_role("link", name="浙政钉扫码登录")).to_be_visible()
        save_screenshot(page, "login-sso")
        review_shot(page, "login-sso-1366")
        page.set_viewport_size({"width": 390, "height": 844})
        review_shot(page, "login-sso-390")
        page.set_viewport_size({"width": 1366, "height": 900})
        page.get_by_role("link", name="统一身份认证登录").click()
        # The provider's own login form, in the other process.
        expect(page.get_by_role("heading", name="统一身份认证（测试用）")).to_be_visible()
        page.locator("input[name=username]").fill("zhangsan")
        page.locator("input[name=password]").fill("pw-zhangsan-1")
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(re.compile(r"/editor/$"))
        expect(page.get_by_role("heading", name="编辑工作台")).to_be_visible()
    user = User.objects.get(username="zhangsan")
    assert (user.role, user.full_name, user.source) == (Role.EDITOR, "张三", "oidc")


def test_a_person_without_access_reads_why_on_the_login_page(live_server, services):
    with chromium_page(viewport={"width": 1366, "height": 900}) as page:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_role("link", name="统一身份认证登录").click()
        page.locator("input[name=username]").fill("wangwu")
        page.locator("input[name=password]").fill("pw-wangwu-1")
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(re.compile(r"/accounts/login/$"))
        expect(page.get_by_text("尚未开通本系统的使用权限")).to_be_visible()
        save_screenshot(page, "login-sso-refused")
        review_shot(page, "login-sso-refused-1366")
        page.set_viewport_size({"width": 390, "height": 844})
        review_shot(page, "login-sso-refused-390")


def test_a_linked_person_signs_in_by_scanning_with_zzd(live_server, services, make_user):
    _, platform = services
    user = make_user(Role.CONTRIBUTOR, "西湖区", username="xihu")
    User.objects.filter(pk=user.pk).update(zzd_account_id="10086")
    with chromium_page() as page:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_role("link", name="浙政钉扫码登录").click()
        expect(page.get_by_text("请使用浙政钉扫描二维码")).to_be_visible()
        platform.scan("10086")  # the person scans with the 浙政钉 app; the page moves on
        page.reload()
        page.wait_for_url(re.compile(r"/unit/$"))
        expect(page.get_by_role("heading", name="本单位稿件")).to_be_visible()
    user.refresh_from_db()
    assert (user.source, user.full_name) == ("zzd", "钱苏晚")
