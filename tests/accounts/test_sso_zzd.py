"""浙政钉扫码登录 (and the 免登 call) against the local stand-in for the login host and the
open platform (tests/servers/zzd_login_server.py): signed calls, the cached access token,
and each refusal as a Chinese message on the login page."""

import socket
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import zzd
from accounts.models import Role, User
from accounts.sso import MFA_BY_PROVIDER_KEY
from audit.models import AuditEntry
from tests.conftest import PASSWORD
from tests.servers.zzd_login_server import ZzdLoginService, running_zzd_login_server

CALLBACK = "http://testserver/accounts/sso/zzd/callback/"
PEOPLE = {
    "10086": {
        "accountId": 10086,
        "employeeCode": "GE_7c1f0a2b3d4e4f5a9b8c7d6e5f4a3b2c",
        "lastName": "钱苏晚",
        "nickNameCn": "钱苏晚",
        "account": "qiansuwan",
        "tenantUserId": "196729$10086",
        "realmId": 196729,
        "realmName": "杭州市人大常委会",
        "namespace": "local",
        "openid": "5b0c6c2f3d9a4e1f8a7b6c5d4e3f2a1b",
        "clientId": "hzrd-bulletin-login",
    },
    "20002": {"accountId": 20002, "employeeCode": "GE_20002", "lastName": "邵羽晨", "account": "shaoyuchen"},
    "30003": {"accountId": 30003, "employeeCode": "GE_30003", "lastName": "陌生人", "account": "moshengren"},
    "40004": {"accountId": 40004, "employeeCode": "GE_40004", "lastName": "沈计", "account": "shenji"},
}


@pytest.fixture
def platform(settings):
    service = ZzdLoginService(
        app_key="hzrd-bulletin-login", app_secret="zzd-test-secret-9d8c7b", people=PEOPLE
    )
    with running_zzd_login_server(service) as url:
        settings.BULLETIN_ZZD_LOGIN_APP_KEY = service.app_key
        settings.BULLETIN_ZZD_LOGIN_APP_SECRET = service.app_secret
        settings.BULLETIN_ZZD_LOGIN_URL = url
        settings.BULLETIN_ZZD_LOGIN_API_URL = url
        service.url = url
        cache.delete(zzd._token_key())
        yield service
        cache.delete(zzd._token_key())


def linked(make_user, role: str, zzd_account_id: str, unit: str | None = None, **fields) -> User:
    """An account a 管理员 made and linked to a 浙政钉 person (the admin's 浙政钉账号 field)."""
    active = fields.pop("is_active", True)
    user = make_user(role, unit, **fields)
    User.objects.filter(pk=user.pk).update(zzd_account_id=zzd_account_id, is_active=active)
    user.refresh_from_db()
    return user


def start(client) -> str:
    response = client.get(reverse("sso_zzd_start"), {"next": "/unit/"})
    assert response.status_code == 302
    return response["Location"]


def scan(platform, qr_page_url: str, account_id: str) -> str:
    """The person scans with the 浙政钉 app; the QR page sends the browser back to us."""
    platform.scan(account_id)
    answer = requests.get(qr_page_url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    assert answer.headers["Location"].startswith(CALLBACK)
    return answer.headers["Location"]


def come_back(client, callback_url: str):
    parts = urlsplit(callback_url)
    return client.get(f"{parts.path}?{parts.query}")


def sign_in(client, platform, account_id: str):
    return come_back(client, scan(platform, start(client), account_id))


def refusal(client, response) -> str:
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    [message] = [str(m) for m in get_messages(page.wsgi_request)]
    return message


def test_the_start_sends_the_browser_to_the_qr_page(client, platform, db):
    url = start(client)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{platform.url}/oauth2/auth.htm"
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    assert query == {
        "response_type": "code",
        "client_id": "hzrd-bulletin-login",
        "redirect_uri": CALLBACK,
        "scope": "get_user_info",
        "authType": "QRCODE",
        "state": query["state"],
    }
    assert len(query["state"]) >= 32 and query["state"] in client.session["zzd_login_states"]
    page = requests.get(url, timeout=10)  # nobody has scanned yet: the QR page itself
    assert page.status_code == 200 and "请使用浙政钉扫描二维码" in page.text


def test_a_linked_person_signs_in_by_scanning(client, platform, make_user):
    user = linked(make_user, Role.CONTRIBUTOR, "10086", "西湖区", username="xihu", full_name="钱某")
    User.objects.filter(pk=user.pk).update(must_change_password=True)  # made by a 管理员
    response = sign_in(client, platform, "10086")
    assert response.status_code == 302 and response["Location"] == "/unit/"
    # No local password to choose: the desk opens, not the password page.
    assert client.get("/unit/").status_code == 200
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session["_auth_user_backend"] == "accounts.sso.ZzdBackend"
    assert MFA_BY_PROVIDER_KEY not in client.session  # 浙政钉 says nothing of a second factor
    user.refresh_from_db()
    assert (user.full_name, user.source, user.role, user.unit.short_name) == (
        "钱苏晚",
        "zzd",
        Role.CONTRIBUTOR,
        "西湖区",
    )
    assert not user.has_usable_password()
    row = AuditEntry.objects.get(kind=AuditEntry.Kind.ADMIN_CHANGE, object_id=str(user.pk))
    assert row.actor_name == "浙政钉" and row.after == {"full_name": "钱苏晚", "source": "zzd"}
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.LOGIN, actor=user).count() == 1
    # The local password is retired with the first 浙政钉 sign-in.
    client.logout()
    client.post(reverse("login"), {"username": "xihu", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_an_account_linked_by_employee_code_signs_in(client, platform, make_user):
    user = linked(make_user, Role.EDITOR, "GE_20002")
    sign_in(client, platform, "20002")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_the_access_token_is_cached_and_replaced_when_the_platform_ends_it(client, platform, make_user):
    linked(make_user, Role.EDITOR, "10086")
    sign_in(client, platform, "10086")
    client.logout()
    sign_in(client, platform, "10086")
    assert platform.count("/gettoken.json") == 1
    assert platform.count("/rpc/oauth2/getuserinfo_bycode.json") == 2
    platform.expire_tokens()
    client.logout()
    sign_in(client, platform, "10086")
    assert "_auth_user_id" in client.session
    assert platform.count("/gettoken.json") == 2
    assert platform.count("/rpc/oauth2/getuserinfo_bycode.json") == 4  # refused once, then again


def test_a_person_nobody_linked_is_refused_in_chinese(client, platform, db):
    message = refusal(client, sign_in(client, platform, "30003"))
    assert "您的浙政钉账号尚未开通本系统" in message
    failed = AuditEntry.objects.get(kind=AuditEntry.Kind.LOGIN_FAILED)
    assert failed.message.startswith("浙政钉登录被拒绝")


def test_a_person_outside_the_tenant_is_refused(client, platform, db):
    message = refusal(client, sign_in(client, platform, "99999"))
    assert "浙政钉未能完成登录（UserNotFound" in message


def test_the_auditor_and_an_inactive_account_are_refused(client, platform, make_user):
    auditor = linked(make_user, Role.AUDITOR, "40004")
    assert "审计员账号不能通过浙政钉登录" in refusal(client, sign_in(client, platform, "40004"))
    auditor.refresh_from_db()
    assert auditor.source == "local" and auditor.has_usable_password()
    linked(make_user, Role.EDITOR, "10086", is_active=False)
    assert "该账号已被管理员停用" in refusal(client, sign_in(client, platform, "10086"))


def test_a_bad_used_or_old_code_is_refused(client, platform, make_user):
    linked(make_user, Role.EDITOR, "10086")
    state = parse_qs(urlsplit(start(client)).query)["state"][0]
    bad = client.get(reverse("sso_zzd_callback"), {"code": "not-a-code", "state": state})
    assert "InvalidAuthCode" in refusal(client, bad)
    callback = scan(platform, start(client), "10086")
    code = parse_qs(urlsplit(callback).query)["code"][0]
    platform.age_codes(400)
    assert "AuthCodeExpired" in refusal(client, come_back(client, callback))
    assert platform.count("/gettoken.json") == 1  # a refused code is not the token's fault
    state = parse_qs(urlsplit(start(client)).query)["state"][0]
    used = client.get(reverse("sso_zzd_callback"), {"code": code, "state": state})
    assert "InvalidAuthCode" in refusal(client, used)


def test_a_state_this_session_did_not_start_is_refused(client, platform, make_user):
    linked(make_user, Role.EDITOR, "10086")
    callback = scan(platform, start(client), "10086")
    code = parse_qs(urlsplit(callback).query)["code"][0]
    forged = client.get(reverse("sso_zzd_callback"), {"code": code, "state": "someone-elses-state"})
    assert "这次登录已失效" in refusal(client, forged)
    assert come_back(client, callback)["Location"] == "/unit/"  # the right state still works once
    client.logout()
    assert "这次登录已失效" in refusal(client, come_back(client, callback))


def test_a_wrong_app_secret_is_refused_by_the_gateway(client, platform, settings, make_user):
    linked(make_user, Role.EDITOR, "10086")
    settings.BULLETIN_ZZD_LOGIN_APP_SECRET = "not-the-secret"
    message = refusal(client, sign_in(client, platform, "10086"))
    assert "浙政钉拒绝了本系统的请求（SignatureError：签名错误）" in message


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_platform_down_is_a_chinese_message(client, platform, settings, make_user):
    linked(make_user, Role.EDITOR, "10086")
    callback = scan(platform, start(client), "10086")
    settings.BULLETIN_ZZD_LOGIN_API_URL = f"http://127.0.0.1:{closed_port()}"
    assert "浙政钉服务暂时无法访问" in refusal(client, come_back(client, callback))


def test_the_in_app_auth_code_names_the_person(platform, settings, db):
    person = zzd.person_by_auth_code(platform.issue_code("10086"))
    assert person == zzd.ZzdPerson(
        account_id="10086", employee_code=PEOPLE["10086"]["employeeCode"], name="钱苏晚", account="qiansuwan"
    )
    assert platform.count("/rpc/oauth2/dingtalk_app_user.json") == 1
    with pytest.raises(zzd.ZzdError) as refused:
        zzd.person_by_auth_code("used-or-made-up")
    assert refused.value.code == "InvalidAuthCode"


def test_the_signature_covers_method_time_nonce_path_and_sorted_parameters():
    params = {"code": "abc", "access_token": "t0k"}
    signed = zzd.signature(
        "secret",
        method="POST",
        timestamp="2026-12-08T09:30:00.000+08:00",
        nonce="17",
        path="/p",
        params=params,
    )
    assert zzd.canonical_params(params) == "access_token=t0k&code=abc"
    other = zzd.signature(
        "secret",
        method="GET",
        timestamp="2026-12-08T09:30:00.000+08:00",
        nonce="17",
        path="/p",
        params=params,
    )
    assert signed != other and len(signed) == 44


def test_the_login_page_shows_the_zzd_button_only_when_configured(client, platform, settings, db):
    assert "浙政钉扫码登录" in client.get(reverse("login")).content.decode()
    settings.BULLETIN_ZZD_LOGIN_APP_KEY = ""
    assert "浙政钉扫码登录" not in client.get(reverse("login")).content.decode()
    assert client.get(reverse("sso_zzd_start")).status_code == 404
    assert User.objects.count() == 0


def test_the_admin_links_an_account_to_a_zzd_person(client, admin_account, make_user):
    user = make_user(Role.EDITOR)
    client.force_login(admin_account)
    page = client.get(reverse("admin:accounts_user_change", args=[user.pk])).content.decode()
    assert "单点登录" in page and 'name="zzd_account_id"' in page and "账号来源" in page
    assert 'name="source"' not in page  # where an account signs in is not the 管理员's to set
    linked(make_user, Role.READER, "10086")
    user.zzd_account_id = "10086"
    with pytest.raises(ValidationError) as refused:
        user.full_clean()
    assert "这个浙政钉账号已登记在另一个账号上。" in str(refused.value)


def test_the_admin_still_sets_role_and_unit_of_a_zzd_account(client, platform, admin_account, make_user):
    user = linked(make_user, Role.CONTRIBUTOR, "10086", "西湖区")
    sign_in(client, platform, "10086")
    user.refresh_from_db()
    assert user.source == "zzd"
    client.force_login(admin_account)
    page = client.get(reverse("admin:accounts_user_change", args=[user.pk])).content.decode()
    assert 'name="role"' in page and 'name="unit"' in page  # the 管理员's to set
    assert 'name="full_name"' not in page  # follows 浙政钉
