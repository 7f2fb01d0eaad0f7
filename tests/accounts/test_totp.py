"""The second factor (accounts.second_factor): who is held after the password, enrolment,
codes (once each, throttled, audited), recovery codes, the admin's reset and 三员, the
provider's own second factor, and the settings."""

import base64
import io
import re
import time

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import second_factor, second_factor_views
from accounts.actions import change_role, create_account
from accounts.models import Role
from accounts.second_factor import CodeRefused
from audit.models import AuditEntry
from demo.management.commands.load_demo import second_factor_note
from submissions.actions import pieces
from tests.config.test_settings import reloaded_settings
from tests.conftest import PASSWORD
from tests.second_factor import AuthenticatorApp, enrol

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(make_user):
    return make_user(Role.AUDITOR, username="shenji", full_name="孙审计")


@pytest.fixture
def quick_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    settings.OTP_STATIC_THROTTLE_FACTOR = 1


def password_login(username: str, **extra) -> Client:
    """A browser's login through the real login page (not force_login): the password only."""
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD, **extra})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def kinds(user) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_id=str(user.pk)).order_by("id").values_list("kind", flat=True)
    )


def secret_on(page: str) -> str:
    return re.search(r'id="second-factor-secret">([A-Z2-7 ]+)<', page).group(1)


def recovery_codes_on(page: str) -> list[str]:
    return re.findall(r'<span class="recovery-code">([a-z2-7-]+)</span>', page)


def test_the_roles_default_to_admin_and_auditor():
    assert settings.BULLETIN_2FA_ROLES == ["admin", "auditor"]
    assert set(settings.BULLETIN_2FA_ROLE_NAMES) == set(Role.values)
    assert settings.BULLETIN_SSO_TRUST_PROVIDER_MFA is True


def test_settings_refuse_an_unknown_role_and_the_demo_asks_nobody(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="BULLETIN_2FA_ROLES 含有未知的角色：boss"):
        with reloaded_settings(monkeypatch, BULLETIN_2FA_ROLES="admin,boss"):
            pass
    with reloaded_settings(monkeypatch, BULLETIN_DEMO="1", BULLETIN_2FA_ROLES=None) as demo:
        assert demo.BULLETIN_2FA_ROLES == []
    with reloaded_settings(monkeypatch, BULLETIN_DEMO="1", BULLETIN_2FA_ROLES="admin") as demo:
        assert demo.BULLETIN_2FA_ROLES == ["admin"]
    with reloaded_settings(
        monkeypatch, BULLETIN_2FA_ROLES="editor, reviewer,contributor,admin,auditor"
    ) as office:
        assert office.BULLETIN_2FA_ROLES == ["editor", "reviewer", "contributor", "admin", "auditor"]
    middleware = settings.MIDDLEWARE
    assert middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware") < middleware.index(
        "django_otp.middleware.OTPMiddleware"
    )
    assert middleware.index("django_otp.middleware.OTPMiddleware") < middleware.index(
        "accounts.second_factor_middleware.SecondFactorRequiredMiddleware"
    )
    assert middleware.index(
        "accounts.second_factor_middleware.SecondFactorRequiredMiddleware"
    ) < middleware.index("accounts.middleware.PasswordChangeRequiredMiddleware")


def test_an_admin_is_held_at_enrolment_and_every_other_page_is_refused(admin_account):
    client = password_login("guanli")
    enrol_url = reverse("second_factor_enrol")
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home["Location"] == enrol_url + "?next=%2F"
    for url in (reverse("admin:index"), reverse("admin:accounts_user_changelist"), reverse("archive")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(enrol_url), url
    assert client.post(reverse("admin:accounts_user_changelist"), {})["Location"] == enrol_url
    refused = client.get(reverse("archive"), headers={"X-Requested-With": "XMLHttpRequest"})
    assert refused.status_code == 401 and refused.json()["step"] == "enrol"
    assert refused.json()["message"] == "请先绑定身份验证器。"
    # The verify page is not the step for someone without an authenticator.
    assert client.get(reverse("second_factor_verify"))["Location"].startswith(enrol_url)
    # The page's script still reads the session, which says what is owed.
    status = client.get(reverse("session_status")).json()
    assert status["authenticated"] and status["second_factor"] == "enrol"
    # A password the admin set is changed only after the second factor (the order of the middleware).
    assert client.get(reverse("password_change"))["Location"].startswith(enrol_url)
    page = client.get(enrol_url).content.decode()
    assert "系统管理" not in page and "修改密码" not in page and "退出登录" in page


def test_enrolment_shows_a_local_qr_code_and_the_secret_and_confirms_with_a_code(admin_account):
    client = password_login("guanli")
    response = client.get(reverse("second_factor_enrol"))
    page = response.content.decode()
    assert response.status_code == 200 and "绑定身份验证器" in page
    # The QR code is an <svg> drawn here: nothing is loaded for it, no script or style in it.
    svg = re.search(r"<svg[^>]*>.*?</svg>", page, re.S).group(0)
    assert "<path" in svg and "<script" not in svg and "<style" not in svg and "href" not in svg
    assert "img-src 'self' data:" in response["Content-Security-Policy"]
    secret = secret_on(page)
    assert not TOTPDevice.objects.exists()  # showing the page writes nothing
    # The QR code holds the otpauth:// address of exactly the secret shown as text.
    shown = second_factor.new_authenticator(
        actor=admin_account, key=base64.b32decode(secret.replace(" ", "")).hex()
    )
    assert shown.config_url.startswith("otpauth://totp/") and "issuer=" in shown.config_url
    assert second_factor_views._qr_svg(shown) == svg
    # The page again: the same secret, so a code already scanned still fits.
    assert secret_on(client.get(reverse("second_factor_enrol")).content.decode()) == secret
    app = AuthenticatorApp(secret)
    wrong = client.post(reverse("second_factor_enrol"), {"code": "12345x"})
    assert "验证码不正确或已使用过" in wrong.content.decode()
    assert "second_factor_failed" in kinds(admin_account)
    time.sleep(1.1)  # the wrong code's one-second wait
    done = client.post(reverse("second_factor_enrol"), {"code": app.code(), "next": "/admin/"})
    codes = recovery_codes_on(done.content.decode())
    assert done.status_code == 200 and len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"[a-z2-7]{4}(-[a-z2-7]{4}){3}", code) for code in codes)
    assert "只显示这一次" in done.content.decode() and 'href="/admin/"' in done.content.decode()
    assert "下载为文本文件" in done.content.decode() and "data-print" in done.content.decode()
    assert client.get(reverse("admin:index")).status_code == 200
    assert kinds(admin_account)[-1] == "second_factor_enrolled"
    row = AuditEntry.objects.filter(kind="second_factor_enrolled").get()
    assert row.actor == admin_account and not any(code in str(row.after) + row.message for code in codes)
    # Enrolled: the enrolment page no longer makes a second authenticator.
    assert client.get(reverse("second_factor_enrol"))["Location"] == reverse("second_factor_manage")
    assert TOTPDevice.objects.filter(user=admin_account).count() == 1


def test_a_code_is_accepted_once_and_a_wrong_one_is_refused_in_chinese(admin_account, quick_throttle):
    device = enrol(admin_account)
    client = password_login("guanli")
    verify_url = reverse("second_factor_verify")
    assert client.get(reverse("home"))["Location"] == verify_url + "?next=%2F"
    # The code that confirmed the enrolment, typed again: refused (last_t).
    app = AuthenticatorApp(second_factor.secret_text(device))
    again = client.post(verify_url, {"code": app.code_at(device.last_t)})
    assert again.status_code == 200 and "验证码不正确或已使用过" in again.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session
    # At once another: the throttle holds it without checking it, and says how long.
    time.sleep(0.2)
    held = client.post(verify_url, {"code": "000000"})
    assert held.status_code == 429 and "请 1 秒后再试" in held.content.decode() and held["Retry-After"] == "1"
    assert kinds(admin_account).count("second_factor_failed") == 1
    time.sleep(1.1)
    fresh = AuthenticatorApp.for_device(TOTPDevice.objects.get(pk=device.pk))
    passed = client.post(verify_url, {"code": fresh.code(), "next": "https://evil.example/"})
    assert passed.status_code == 302 and passed["Location"] == "/"
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(reverse("admin:index")).status_code == 200
    assert kinds(admin_account)[-1] == "second_factor_verified"


def test_recovery_codes_work_once_and_can_be_renewed(admin_account):
    client = password_login("guanli")
    page = client.get(reverse("second_factor_enrol")).content.decode()
    codes = recovery_codes_on(
        client.post(
            reverse("second_factor_enrol"), {"code": AuthenticatorApp(secret_on(page)).code()}
        ).content.decode()
    )
    other = password_login("guanli")
    first = codes[0].upper().replace("-", " ")  # typed in capitals with spaces: still the code
    assert other.post(reverse("second_factor_verify"), {"code": first}).status_code == 302
    assert other.get(reverse("admin:index")).status_code == 200
    row = AuditEntry.objects.filter(kind="second_factor_verified").latest("id")
    assert row.after == {"method": "recovery", "recovery_codes_left": 9}
    third = password_login("guanli")
    reused = third.post(reverse("second_factor_verify"), {"code": codes[0]})
    assert "恢复码不正确或已使用过" in reused.content.decode()
    time.sleep(1.1)
    # New codes: the old ones stop working.
    renewed = recovery_codes_on(other.post(reverse("second_factor_renew_codes")).content.decode())
    assert len(renewed) == 10 and not set(renewed) & set(codes)
    assert StaticToken.objects.filter(device__user=admin_account).count() == 10
    assert "恢复码不正确" in third.post(reverse("second_factor_verify"), {"code": codes[1]}).content.decode()
    time.sleep(1.1)
    assert third.post(reverse("second_factor_verify"), {"code": renewed[1]}).status_code == 302
    assert "recovery_codes_renewed" in kinds(admin_account)
    manage = third.get(reverse("second_factor_manage")).content.decode()
    assert "已绑定" in manage and "剩余恢复码：<strong>9</strong>" in manage


def test_disabling_asks_for_the_password_and_a_required_role_enrols_again(admin_account):
    client = Client()
    client.force_login(admin_account)  # signed in and verified (tests/conftest.py)
    wrong = client.post(reverse("second_factor_disable"), {"password": "Not-The-Password-1"})
    assert wrong.status_code == 400 and "密码不正确" in wrong.content.decode()
    assert TOTPDevice.objects.filter(user=admin_account).exists()
    time.sleep(1.1)  # the login's wait after a wrong password holds here too
    done = client.post(reverse("second_factor_disable"), {"password": PASSWORD})
    assert done["Location"] == reverse("second_factor_enrol")
    assert not TOTPDevice.objects.filter(user=admin_account).exists()
    assert not StaticDevice.objects.filter(user=admin_account).exists()
    # This very session is held too: its device is gone.
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("second_factor_enrol"))
    assert "second_factor_disabled" in kinds(admin_account)


def test_a_role_not_named_is_never_held(contributor, editor):
    client = password_login("xihu")
    assert client.get(reverse("unit_home")).status_code == 200
    assert client.get(reverse("session_status")).json()["second_factor"] is None
    # Nor sent to enrol: the page says so.
    assert client.get(reverse("second_factor_enrol"))["Location"] == reverse("home")
    assert not TOTPDevice.objects.exists()


def test_an_office_adds_editors_and_contributors_and_json_endpoints_answer_401(settings, contributor):
    settings.BULLETIN_2FA_ROLES = ["admin", "auditor", "editor", "contributor"]
    piece = pieces.create_draft(actor=contributor, title="标题", body="<p>正文</p>")
    client = password_login("xihu")
    saved = client.post(
        reverse("piece_autosave", args=[piece.pk]),
        {"title": "改了"},
        headers={"X-Requested-With": "XMLHttpRequest", "Accept": "application/json"},
    )
    assert saved.status_code == 401 and saved.json()["error"] == "second_factor_required"
    # A fetch() without those headers is known by Sec-Fetch-Dest.
    fetched = client.get(reverse("notification_list"), headers={"Sec-Fetch-Dest": "empty"})
    assert fetched.status_code == 401
    piece.refresh_from_db()
    assert piece.title == "标题"


def test_the_provider_s_second_factor_counts_while_trusted(settings, admin_account):
    client = password_login("guanli")
    session = client.session
    session[second_factor.PROVIDER_MFA_KEY] = True  # as accounts.sso sets it for an amr "mfa" token
    session.save()
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("session_status")).json()["second_factor"] is None
    settings.BULLETIN_SSO_TRUST_PROVIDER_MFA = False
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("second_factor_enrol"))


def test_the_admin_resets_another_person_but_not_themselves_nor_an_auditor(
    settings, admin_account, auditor, editor, make_user
):
    settings.BULLETIN_2FA_ROLES = ["admin", "auditor", "editor"]
    other_admin = make_user(Role.ADMIN, username="guanli2")
    for person in (admin_account, auditor, editor, other_admin):
        enrol(person)
    # The editor is signed in and verified; the reset holds that session at once.
    editor_client = Client()
    editor_client.force_login(editor)
    assert editor_client.get(reverse("editor_home")).status_code == 200
    assert second_factor.reset_second_factor(actor=admin_account, user=editor) == 2
    assert editor_client.get(reverse("editor_home"))["Location"].startswith(reverse("second_factor_enrol"))
    row = AuditEntry.objects.filter(kind="second_factor_reset").get()
    assert row.actor == admin_account and row.object_id == str(editor.pk) and "重新绑定" in row.message
    with pytest.raises(PermissionDenied, match="不能重置自己的双因素认证"):
        second_factor.reset_second_factor(actor=admin_account, user=admin_account)
    with pytest.raises(PermissionDenied, match="三员分立"):
        second_factor.reset_second_factor(actor=admin_account, user=auditor)
    with pytest.raises(PermissionDenied, match="只有管理员"):
        second_factor.reset_second_factor(actor=editor, user=other_admin)
    assert TOTPDevice.objects.filter(user__in=[admin_account, auditor, other_admin]).count() == 3
    # The 审计员's: on the server, with the operator's name.
    out = io.StringIO()
    call_command("reset_second_factor", "shenji", stdout=out)
    assert "已重置" in out.getvalue() and not TOTPDevice.objects.filter(user=auditor).exists()
    server_row = AuditEntry.objects.filter(kind="second_factor_reset").latest("id")
    assert server_row.actor is None and "服务器命令" in server_row.message and "@" in server_row.actor_name


def test_the_admin_site_resets_with_an_action_and_hides_django_otp_s_pages(admin_account, auditor, editor):
    enrol(auditor)
    enrol(editor)
    client = Client()
    client.force_login(admin_account)
    listing = client.get(reverse("admin:accounts_user_changelist"))
    page = listing.content.decode()
    assert "双因素" in page and "重置所选用户的双因素认证" in page
    answer = client.post(
        reverse("admin:accounts_user_changelist"),
        {
            "action": "reset_second_factor_of_selected",
            "_selected_action": [editor.pk, auditor.pk, admin_account.pk],
        },
        follow=True,
    )
    text = answer.content.decode()
    assert "已重置 杨青青 的双因素认证" in text
    assert "三员分立" in text and "不能重置自己的双因素认证" in text
    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert TOTPDevice.objects.filter(user__in=[auditor, admin_account]).count() == 2
    # django-otp's own pages (secret keys, QR codes, adding a device to anyone) are not there.
    for name in ("admin:otp_totp_totpdevice_changelist", "admin:otp_static_staticdevice_changelist"):
        assert client.get(reverse(name)).status_code == 403
    assert "TOTP" not in client.get(reverse("admin:index")).content.decode()


def test_an_auditor_is_held_too_and_reaches_the_log_after_the_code(auditor):
    client = password_login("shenji")
    assert client.get(reverse("admin:audit_auditentry_changelist"))["Location"].startswith(
        reverse("second_factor_enrol")
    )
    page = client.get(reverse("second_factor_enrol")).content.decode()
    client.post(reverse("second_factor_enrol"), {"code": AuthenticatorApp(secret_on(page)).code()})
    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 200


def test_actions_refuse_what_does_not_apply(admin_account, editor):
    with pytest.raises(ValidationError, match="not valid hex-encoded data"):
        second_factor.new_authenticator(actor=admin_account, key="not hex")
    with pytest.raises(ValidationError, match="请先绑定身份验证器"):
        second_factor.renew_recovery_codes(actor=admin_account)
    with pytest.raises(CodeRefused, match="您还没有绑定身份验证器"):
        second_factor.verify_code(actor=admin_account, code="123456")
    with pytest.raises(CodeRefused, match="请输入验证码"):
        second_factor.verify_code(actor=admin_account, code=" - ")
    enrol(admin_account)
    with pytest.raises(ValidationError, match="已经绑定"):
        key = second_factor.new_authenticator(actor=admin_account).key
        second_factor.confirm_enrolment(actor=admin_account, key=key, code="123456")
    # A role change into one that needs it holds the next request (no stale exemption).
    change_role(actor=None, user=editor, role=Role.ADMIN)
    client = Client()
    client.post(reverse("login"), {"username": "bianji", "password": PASSWORD})
    assert client.session[SESSION_KEY] == str(editor.pk)
    assert client.get(reverse("home"))["Location"].startswith(reverse("second_factor_enrol"))


def test_the_demo_says_who_gives_a_code():
    assert "演示环境未开启" in second_factor_note([])
    assert "BULLETIN_2FA_ROLES=admin,auditor make run" in second_factor_note([])
    assert second_factor_note(["admin", "auditor"]).startswith(
        "双因素认证：管理员、审计员登录时还须输入动态验证码"
    )


def test_the_verify_page_lets_a_verified_session_go_on(admin_account, contributor):
    client = Client()
    client.force_login(admin_account)
    assert client.get(reverse("second_factor_verify"), {"next": "/archive/"})["Location"] == "/archive/"
    other = Client()
    other.force_login(contributor)
    assert other.get(reverse("second_factor_verify"))["Location"] == reverse("home")


@pytest.mark.parametrize(
    "bad",
    ["", " ", "abc", "x" * 3000, "a\x00b", "<script>alert(1)</script>", "１２３４５６", "-1", str(2**63)],
)
def test_malformed_codes_are_refused_in_chinese_never_a_500(admin_account, bad):
    enrol(admin_account)
    client = password_login("guanli")
    client.raise_request_exception = False
    for url in (reverse("second_factor_verify"), reverse("second_factor_enrol")):
        response = client.post(url, {"code": bad, "next": bad})
        assert response.status_code in (200, 302, 400, 429), (url, response.status_code)
    page = client.post(reverse("second_factor_verify"), {"code": bad}).content.decode()
    said = ("请输入验证码", "不正确", "太长", "秒后再试", "无法识别的字符", "不能包含")
    assert any(message in page for message in said)
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_a_new_admin_enrols_first_then_changes_the_password_the_admin_set(admin_account):
    made = create_account(
        actor=admin_account, username="xinguanli", password="Qiu-Shui-2026!x", role=Role.ADMIN
    )
    assert made.must_change_password
    client = Client()
    assert (
        client.post(reverse("login"), {"username": "xinguanli", "password": "Qiu-Shui-2026!x"}).status_code
        == 302
    )
    landing = client.get(reverse("home"), follow=True)
    assert landing.redirect_chain[-1][0].startswith(reverse("second_factor_enrol"))
    page = landing.content.decode()
    assert landing.status_code == 200 and "绑定身份验证器" in page
    done = client.post(reverse("second_factor_enrol"), {"code": AuthenticatorApp(secret_on(page)).code()})
    assert len(recovery_codes_on(done.content.decode())) == 10
    assert client.get(reverse("admin:index"))["Location"] == reverse("password_change")


def test_guessing_the_password_to_remove_the_authenticator_meets_the_login_lockout(settings, admin_account):
    """A session left open is not a way to guess the password: each wrong one is a failed
    login (audited, counted) and the lock refuses even the right one until it runs out."""
    settings.BULLETIN_LOGIN_DELAY_SECONDS = 0
    client = Client()
    client.force_login(admin_account)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        wrong = client.post(reverse("second_factor_disable"), {"password": "Not-The-Password-1"})
        assert wrong.status_code in (400, 429)  # the last one locks: the lockout's own page
    locked = client.post(reverse("second_factor_disable"), {"password": PASSWORD})
    assert locked.status_code in (400, 429)
    assert "密码不正确" not in locked.content.decode()
    assert TOTPDevice.objects.filter(user=admin_account).exists()
    failed = AuditEntry.objects.filter(
        kind="login_failed", actor_name__contains=admin_account.username
    ).count()
    assert failed >= settings.AXES_FAILURE_LIMIT


@pytest.mark.parametrize("given", ["abc", "-1", "a\x00b", "//evil.example/", "https://evil.example/", ""])
def test_a_verified_person_sent_back_to_the_code_page_goes_on_to_a_path_of_this_site(admin_account, given):
    client = Client()
    client.force_login(admin_account)
    response = client.get(reverse("second_factor_verify"), {"next": given})
    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.get(reverse("second_factor_verify"), {"next": "/review/"})["Location"] == "/review/"
