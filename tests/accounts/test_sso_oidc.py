"""统一身份认证 (OpenID Connect) against a real provider: django-oauth-toolkit in a process of
its own (tests/servers/oidc_provider), reached over HTTP on 127.0.0.1.

The person's side of the flow (the provider's login form, its redirect back) is driven with
`requests`; our side with Django's test client, whose callback then talks to the provider
for real (token endpoint, JWKS, userinfo)."""

import json
import socket
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import Role, User
from accounts.sso import MFA_BY_PROVIDER_KEY, check_settings, provider_checked_second_factor
from audit.models import AuditEntry
from tests.conftest import PASSWORD
from tests.servers.oidc_provider.process import running_provider

CALLBACK = "http://testserver/accounts/sso/oidc/callback/"
PEOPLE = [
    {
        "username": "zhangsan",
        "password": "pw-zhangsan-1",
        "claims": {
            "name": "张三",
            "email": "zhangsan@hzrd.example",
            "groups": ["staff", "bulletin-editors"],
            "amr": ["pwd", "otp"],
        },
    },
    {
        "username": "lisi",
        "password": "pw-lisi-1",
        "claims": {
            "name": "李四",
            "email": "lisi@xihu.example",
            "groups": ["bulletin-units"],
            "unit": "西湖区",
        },
    },
    {"username": "wangwu", "password": "pw-wangwu-1", "claims": {"name": "王五", "groups": ["staff"]}},
    {
        "username": "shenji",
        "password": "pw-shenji-1",
        "claims": {"name": "沈计", "groups": ["bulletin-editors"]},
    },
    {
        "username": "nounit",
        "password": "pw-nounit-1",
        "claims": {"name": "赵六", "groups": ["bulletin-units"], "unit": "不存在的单位"},
    },
]
PASSWORDS = {person["username"]: person["password"] for person in PEOPLE}


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    with running_provider(tmp_path_factory.mktemp("oidc-provider"), PEOPLE, [CALLBACK]) as running:
        yield running


@pytest.fixture
def sso(settings, provider):
    for name, value in provider.settings().items():
        setattr(settings, name, value)
    settings.BULLETIN_OIDC_GROUP_ROLES = {"bulletin-editors": "editor", "bulletin-units": "contributor"}
    settings.BULLETIN_OIDC_UNIT_CLAIM = "unit"
    settings.BULLETIN_SSO_MFA_ACR = []
    return provider


def start(client, next_url: str = "") -> str:
    """Our start page: the URL of the provider's authorization endpoint it sends us to."""
    response = client.get(reverse("sso_oidc_start") + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302
    return response["Location"]


def consent_at_provider(provider, authorize_url: str, username: str) -> str:
    """Sign in on the provider's own login form and follow it to the redirect back to us:
    the callback URL with code and state."""
    browser = requests.Session()
    target = urlsplit(authorize_url)
    after_login = f"{target.path}?{target.query}"
    browser.get(f"{provider.url}/login/", params={"next": after_login}, timeout=10)
    answer = browser.post(
        f"{provider.url}/login/",
        data={
            "username": username,
            "password": PASSWORDS[username],
            "next": after_login,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text[:500]
    answer = browser.get(provider.url + answer.headers["Location"], allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:500]
    assert answer.headers["Location"].startswith(CALLBACK)
    return answer.headers["Location"]


def come_back(client, callback_url: str):
    parts = urlsplit(callback_url)
    return client.get(f"{parts.path}?{parts.query}")


def sign_in(client, provider, username: str, next_url: str = ""):
    return come_back(client, consent_at_provider(provider, start(client, next_url), username))


def login_page_messages(client, response) -> list[str]:
    assert response.status_code == 302 and response["Location"] == reverse("login")
    page = client.get(response["Location"])
    return [str(message) for message in get_messages(page.wsgi_request)] or [page.content.decode()]


def test_the_start_asks_for_code_with_pkce_state_and_nonce(client, sso, db):
    query = parse_qs(urlsplit(start(client)).query)
    assert query["response_type"] == ["code"]
    assert query["client_id"] == [sso.client_id]
    assert query["redirect_uri"] == [CALLBACK]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert query["scope"] == ["openid profile email"]
    assert query["state"][0] in client.session["oidc_states"]
    assert query["nonce"][0] == client.session["oidc_states"][query["state"][0]]["nonce"]


def test_a_new_editor_signs_in_and_gets_an_account_from_the_claims(client, sso, db):
    response = sign_in(client, sso, "zhangsan", next_url="/review/")
    assert response.status_code == 302 and response["Location"] == "/review/"
    user = User.objects.get(username="zhangsan")
    assert (user.role, user.unit, user.full_name, user.email) == (
        Role.EDITOR,
        None,
        "张三",
        "zhangsan@hzrd.example",
    )
    assert user.source == "oidc" and user.oidc_subject
    assert not user.has_usable_password()
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session["_auth_user_backend"] == "accounts.sso.OIDCBackend"
    assert client.get(reverse("home")).wsgi_request.user == user
    created = AuditEntry.objects.get(kind=AuditEntry.Kind.ACCOUNT_CREATED, object_id=str(user.pk))
    assert created.actor_name == "zhangsan" and created.after == {
        "role": Role.EDITOR,
        "unit": None,
        "is_active": True,
        "source": "oidc",
    }
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.LOGIN, actor=user).count() == 1


def test_a_deactivated_account_s_session_ends(client, sso, db):
    sign_in(client, sso, "zhangsan")
    User.objects.filter(username="zhangsan").update(is_active=False)
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated
    [message] = login_page_messages(client, sign_in(client, sso, "zhangsan"))
    assert "该账号已被管理员停用" in message


def test_every_sign_in_brings_the_account_back_to_what_the_provider_says(client, sso, db):
    sign_in(client, sso, "lisi")
    user = User.objects.get(username="lisi")
    assert (user.role, user.unit.short_name, user.full_name, user.source) == (
        Role.CONTRIBUTOR,
        "西湖区",
        "李四",
        "oidc",
    )
    # Changed here (the admin shows these read-only; a change by other means is undone).
    User.objects.filter(pk=user.pk).update(role=Role.READER, unit=None, full_name="别名")
    client.logout()
    sign_in(client, sso, "lisi")
    user.refresh_from_db()
    assert (user.role, user.unit.short_name, user.full_name) == (Role.CONTRIBUTOR, "西湖区", "李四")
    changed = AuditEntry.objects.get(kind=AuditEntry.Kind.ROLE_CHANGED, object_id=str(user.pk))
    assert (changed.before["role"], changed.after["role"]) == (Role.READER, Role.CONTRIBUTOR)


def test_a_local_account_of_the_same_name_is_never_taken_over(client, sso, make_user):
    local = make_user(Role.ADMIN, username="lisi", full_name="李老四")
    [message] = login_page_messages(client, sign_in(client, sso, "lisi"))
    assert "本系统已有一个同名的本地账号“lisi”" in message
    local.refresh_from_db()
    assert (local.role, local.source, local.oidc_subject) == (Role.ADMIN, "local", "")
    assert local.has_usable_password()
    # The 管理员 renames the local account: the next sign-in makes the person's own account.
    User.objects.filter(pk=local.pk).update(username="lisi-local")
    sign_in(client, sso, "lisi")
    assert User.objects.get(username="lisi").source == "oidc"
    # Its stale local password opens nothing (the local password check skips it).
    client.logout()
    client.post(reverse("login"), {"username": "lisi", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_a_person_renamed_at_the_provider_keeps_their_account(client, sso, db):
    sign_in(client, sso, "zhangsan")
    user = User.objects.get(username="zhangsan")
    User.objects.filter(pk=user.pk).update(username="zhangsan-old")
    client.logout()
    sign_in(client, sso, "zhangsan")  # same sub, user name "zhangsan" at the provider
    assert client.session["_auth_user_id"] == str(user.pk)
    assert not User.objects.filter(username="zhangsan").exists()


def test_without_a_userinfo_endpoint_the_id_token_s_claims_are_used(client, sso, settings, db):
    settings.OIDC_OP_USER_ENDPOINT = ""
    sign_in(client, sso, "zhangsan")
    user = User.objects.get(username="zhangsan")
    assert (user.role, user.full_name) == (Role.EDITOR, "张三")


def test_a_person_without_a_mapped_group_is_refused_on_the_login_page(client, sso, db):
    response = sign_in(client, sso, "wangwu")
    [message] = login_page_messages(client, response)
    assert "尚未开通本系统的使用权限" in message and "王五" in message
    assert not User.objects.filter(username="wangwu").exists()
    assert "_auth_user_id" not in client.session
    refusal = AuditEntry.objects.get(kind=AuditEntry.Kind.LOGIN_FAILED)
    assert refusal.message.startswith("统一身份认证登录被拒绝")


def test_a_unit_role_without_a_known_unit_is_refused(client, sso, db):
    [message] = login_page_messages(client, sign_in(client, sso, "nounit"))
    assert "所属的报送单位" in message
    assert not User.objects.filter(username="nounit").exists()


def test_the_auditor_is_never_signed_in_nor_changed_by_the_provider(client, sso, make_user):
    auditor = make_user(Role.AUDITOR, username="shenji")
    [message] = login_page_messages(client, sign_in(client, sso, "shenji"))
    assert "审计员账号不能通过统一身份认证（OIDC）登录" in message
    auditor.refresh_from_db()
    assert auditor.role == Role.AUDITOR and auditor.source == "local" and auditor.has_usable_password()


def test_mapping_a_group_to_the_auditor_is_refused(client, sso, settings, db):
    settings.BULLETIN_OIDC_GROUP_ROLES = {"bulletin-editors": "auditor"}
    assert [error.id for error in check_settings()] == ["accounts.E102"]
    settings.BULLETIN_OIDC_GROUP_ROLES = {"bulletin-editors": "主编"}
    assert [error.id for error in check_settings()] == ["accounts.E101"]
    settings.BULLETIN_OIDC_GROUP_ROLES = {"bulletin-editors": "编辑"}
    assert check_settings() == []
    settings.BULLETIN_OIDC_GROUP_ROLES = {"bulletin-editors": "auditor"}
    [message] = login_page_messages(client, sign_in(client, sso, "zhangsan"))
    assert "不能授予审计员" in message


def test_the_provider_s_second_factor_is_recorded_in_the_session(client, sso, db):
    sign_in(client, sso, "zhangsan")  # amr: pwd, otp
    assert client.session[MFA_BY_PROVIDER_KEY] is True
    client.logout()
    sign_in(client, sso, "lisi")  # no amr
    assert MFA_BY_PROVIDER_KEY not in client.session


def test_which_amr_and_acr_count_as_a_second_factor(settings):
    settings.BULLETIN_SSO_MFA_ACR = ["urn:hz:loa:mfa"]
    assert provider_checked_second_factor({"amr": ["pwd", "mfa"]})
    assert provider_checked_second_factor({"amr": ["hwk"]})
    assert provider_checked_second_factor({"acr": "urn:hz:loa:mfa"})
    assert not provider_checked_second_factor({"amr": ["pwd"], "acr": "urn:hz:loa:1"})
    assert not provider_checked_second_factor({})


def test_a_callback_whose_state_this_session_did_not_start_is_refused(client, sso, db):
    callback = consent_at_provider(sso, start(client), "zhangsan")
    parts = urlsplit(callback)
    query = parse_qs(parts.query)
    forged = client.get(parts.path, {"code": query["code"][0], "state": "not-the-state-we-sent"})
    [message] = login_page_messages(client, forged)
    assert "这次登录已失效" in message
    assert not User.objects.filter(username="zhangsan").exists()
    # Another browser (a new session) cannot use the code either.
    client.cookies.clear()
    assert "这次登录已失效" in login_page_messages(client, come_back(client, callback))[0]


def test_a_state_is_used_once(client, sso, db):
    callback = consent_at_provider(sso, start(client), "zhangsan")
    assert come_back(client, callback)["Location"] == reverse("home")
    client.logout()
    assert "这次登录已失效" in login_page_messages(client, come_back(client, callback))[0]


def test_an_error_from_the_provider_is_shown(client, sso, db):
    state = parse_qs(urlsplit(start(client)).query)["state"][0]
    response = client.get(reverse("sso_oidc_callback"), {"error": "access_denied", "state": state})
    assert "统一身份认证未完成登录（access_denied）" in login_page_messages(client, response)[0]
    assert state not in client.session["oidc_states"]


def test_a_forged_error_is_shown_as_plain_text(client, sso, db):
    response = client.get(
        reverse("sso_oidc_callback"), {"error": "x\x00<b>" + "长" * 3000, "state": "nobody"}
    )
    page = client.get(response["Location"]).content.decode()
    assert "统一身份认证未完成登录（x&lt;b&gt;长长" in page and "<b>" not in page
    row = AuditEntry.objects.get(kind=AuditEntry.Kind.LOGIN_FAILED)
    assert "\x00" not in row.message and len(row.message) < 260


def test_a_code_the_provider_does_not_know_is_refused(client, sso, db):
    state = parse_qs(urlsplit(start(client)).query)["state"][0]
    response = client.get(reverse("sso_oidc_callback"), {"code": "made-up-code", "state": state})
    assert "授权码无效或已过期" in login_page_messages(client, response)[0]


def test_a_token_from_another_issuer_is_refused(client, sso, settings, db):
    settings.BULLETIN_OIDC_ISSUER = "https://idp.elsewhere.example/o"
    assert "身份令牌未通过校验" in login_page_messages(client, sign_in(client, sso, "zhangsan"))[0]
    assert not User.objects.filter(username="zhangsan").exists()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_provider_down_is_a_chinese_message_on_the_login_page(client, sso, settings, db):
    state = parse_qs(urlsplit(start(client)).query)["state"][0]
    settings.OIDC_OP_TOKEN_ENDPOINT = f"http://127.0.0.1:{closed_port()}/o/token/"
    response = client.get(reverse("sso_oidc_callback"), {"code": "any", "state": state})
    assert "统一身份认证服务暂时无法访问" in login_page_messages(client, response)[0]


def test_the_login_page_shows_the_button_only_when_configured(client, sso, settings, db):
    page = client.get(reverse("login")).content.decode()
    assert "统一身份认证登录" in page and reverse("sso_oidc_start") in page
    settings.OIDC_RP_CLIENT_ID = ""
    page = client.get(reverse("login")).content.decode()
    assert "统一身份认证登录" not in page
    assert client.get(reverse("sso_oidc_start")).status_code == 404
    assert client.get(reverse("sso_oidc_callback"), {"code": "x", "state": "y"}).status_code == 404


def test_a_password_login_still_works_beside_single_sign_on(client, sso, editor):
    response = client.post(reverse("login"), {"username": editor.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_backend"] == "accounts.backends.LocalPasswordBackend"


def test_the_provider_process_is_a_real_openid_provider(sso):
    discovery = requests.get(f"{sso.issuer}/.well-known/openid-configuration", timeout=10).json()
    assert discovery["issuer"] == sso.issuer
    keys = requests.get(discovery["jwks_uri"], timeout=10).json()["keys"]
    assert [key["kty"] for key in keys] == ["RSA"]
    assert json.loads(json.dumps(discovery))["token_endpoint"] == f"{sso.issuer}/token/"
