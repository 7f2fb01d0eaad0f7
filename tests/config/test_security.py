"""Login, sessions, passwords, production settings, CSP and error pages
(GB/T 22239-2019 level 2 baseline; docs/operations.md "Security")."""

import datetime
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.actions import create_account, reset_password
from accounts.models import Role, User
from audit.models import AuditEntry
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def login(client, username, password, address="10.0.0.7"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


# --- lockout (accounts/lockout.py; tests/accounts/test_lockout.py has the policy's cases) ---


@pytest.fixture
def no_login_delay(settings):
    """These tests are about the locks; the delay between failures has its own tests."""
    settings.BULLETIN_LOGIN_DELAY_SECONDS = 0


@pytest.mark.django_db
def test_five_failures_lock_the_account_at_that_address_even_for_the_right_password(
    client, contributor, no_login_delay
):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "xihu", "wrong-password").status_code == 200
    locked = login(client, "xihu", "wrong-password")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "已被锁定 15 分钟" in page and "连续 5 次登录失败" in page and "联系研究室管理员解锁" in page
    # While locked, the right password is refused too from that address — not from another.
    again = login(client, "xihu", PASSWORD)
    assert again.status_code == 429 and "_auth_user_id" not in client.session
    elsewhere = Client()
    assert login(elsewhere, "xihu", PASSWORD, address="10.0.0.99").status_code == 302
    kinds = list(AuditEntry.objects.filter(actor_name="xihu").values_list("kind", flat=True))
    assert kinds.count("login_failed") == 5 and kinds.count("locked_out") == 1


@pytest.mark.django_db
def test_five_failures_from_one_address_lock_that_address(client, contributor, reader, no_login_delay):
    for name in ("a1", "a2", "a3", "a4", "a5"):
        login(client, name, "wrong-password", address="10.0.0.66")
    assert login(client, "xihu", PASSWORD, address="10.0.0.66").status_code == 429
    # Another address is not locked out for this account.
    assert login(Client(), "duzhe", PASSWORD, address="10.0.0.67").status_code == 302


@pytest.mark.django_db
def test_the_admin_unlocks_an_account(client, contributor, admin_account, no_login_delay):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "xihu", "wrong-password")
    assert login(client, "xihu", PASSWORD).status_code == 429
    admin = Client()
    admin.force_login(admin_account)
    attempts = AccessAttempt.objects.filter(username="xihu")
    assert attempts.exists()
    listing = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and "xihu" in listing.content.decode()
    for attempt in attempts:
        response = admin.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
        assert response.status_code == 302
    assert login(client, "xihu", PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(contributor.pk)


@pytest.mark.django_db
def test_the_unlock_command_unlocks_an_account(client, contributor, no_login_delay):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "xihu", "wrong-password")
    assert login(client, "xihu", PASSWORD).status_code == 429
    call_command("axes_reset_username", "xihu", stdout=io.StringIO())
    assert login(client, "xihu", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_failures_expire_after_the_cool_off_time(client, contributor, no_login_delay):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "xihu", "wrong-password")
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16)
    )
    from axes.models import AccessAttemptExpiration

    AccessAttemptExpiration.objects.update(
        expires_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1)
    )
    assert login(client, "xihu", PASSWORD).status_code == 302


# --- login records -----------------------------------------------------------------


@pytest.mark.django_db
def test_login_logout_and_failure_are_recorded_with_time_account_and_address(client, reader):
    login(client, "duzhe", "nope", address="10.1.2.3")
    login(client, "duzhe", PASSWORD, address="10.1.2.4")
    client.post(reverse("logout"), REMOTE_ADDR="10.1.2.4")
    rows = list(
        AuditEntry.objects.filter(kind__in=["login", "login_failed", "logout"])
        .order_by("id")
        .values_list("kind", "actor_name", "address")
    )
    assert rows == [
        ("login_failed", "duzhe", "10.1.2.3"),
        ("login", "duzhe", "10.1.2.4"),
        ("logout", "duzhe", "10.1.2.4"),
    ]
    assert all(entry.at for entry in AuditEntry.objects.all())


# --- sessions ----------------------------------------------------------------------


@pytest.mark.django_db
def test_an_idle_session_ends_after_30_minutes(client, reader, monkeypatch):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    login(client, "duzhe", PASSWORD)
    assert client.get(reverse("archive")).status_code == 200
    from django.contrib.sessions.backends import db as session_db

    later = session_db.timezone.now() + datetime.timedelta(minutes=31)
    monkeypatch.setattr(session_db.timezone, "now", lambda: later)
    response = client.get(reverse("archive"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.django_db
def test_activity_keeps_a_session_alive(client, reader, monkeypatch):
    login(client, "duzhe", PASSWORD)
    from django.contrib.sessions.backends import db as session_db

    start = session_db.timezone.now()
    for minutes in (20, 40, 60):  # a request every 20 minutes pushes the end back
        moment = start + datetime.timedelta(minutes=minutes)
        monkeypatch.setattr(session_db.timezone, "now", lambda moment=moment: moment)
        assert client.get(reverse("archive")).status_code == 200


@pytest.mark.django_db
def test_the_session_cookie_ends_with_the_browser(client, reader):
    response = login(client, "duzhe", PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert not cookie["expires"] and not cookie["max-age"]
    assert cookie["httponly"]


# --- passwords ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password, reason",
    [
        (" " * 12, "空格"),
        ("Ab1!", "太短"),
        ("abcdefghijk", "至少 3 种"),
        ("abcdefgh123", "至少 3 种"),
        ("Password123", "常见"),
        ("XiHu-Staff-0", None),
        ("1234567890123", "至少 3 种"),
    ],
)
def test_password_rules(password, reason, contributor):
    if reason is None:
        validate_password(password, contributor)
        return
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        validate_password(password, contributor)
    with translation.override("zh-hans"):
        text = " ".join(caught.value.messages)
    assert reason in text


@pytest.mark.django_db
def test_the_user_name_is_not_a_password(make_user):
    user = make_user(Role.READER, username="Reader-2024x")
    with pytest.raises(ValidationError, match="用户名"):
        validate_password("reader-2024X", user)


@pytest.mark.django_db
def test_an_account_the_admin_creates_must_change_its_password_first(client, admin_account):
    with pytest.raises(ValidationError):
        create_account(actor=admin_account, username="newbie", password="hzrd2024", role=Role.READER)
    user = create_account(
        actor=admin_account, username="newbie", password="Admin-Set-2026!", role=Role.READER
    )
    assert user.must_change_password
    login(client, "newbie", "Admin-Set-2026!")
    page = client.get(reverse("archive"))
    assert page.status_code == 302 and page["Location"] == reverse("password_change")
    client.post(
        reverse("password_change"),
        {
            "old_password": "Admin-Set-2026!",
            "new_password1": "Own-Choice-2026#",
            "new_password2": "Own-Choice-2026#",
        },
    )
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password("Own-Choice-2026#")
    assert client.get(reverse("archive")).status_code == 200
    assert AuditEntry.objects.filter(kind="password_changed", actor=user).exists()


@pytest.mark.django_db
def test_a_reset_password_must_be_changed_too(client, admin_account, reader):
    reset_password(actor=admin_account, user=reader, password="Reset-By-Admin-1")
    reader.refresh_from_db()
    assert reader.must_change_password
    assert AuditEntry.objects.filter(kind="password_reset", object_id=str(reader.pk)).exists()


@pytest.mark.django_db
def test_the_admin_form_marks_new_accounts_and_resets(admin_account):
    client = Client()
    client.force_login(admin_account)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "laoli",
            "full_name": "老李",
            "role": Role.READER,
            "unit": "",
            "password1": "Laoli-Start-2026",
            "password2": "Laoli-Start-2026",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    laoli = User.objects.get(username="laoli")
    assert laoli.must_change_password
    laoli.must_change_password = False
    laoli.save()
    client.post(
        reverse("admin:auth_user_password_change", args=[laoli.pk]),
        {"password1": "Laoli-Again-2026", "password2": "Laoli-Again-2026"},
    )
    laoli.refresh_from_db()
    assert laoli.must_change_password and laoli.check_password("Laoli-Again-2026")
    assert AuditEntry.objects.filter(kind="admin_change", object_id=str(laoli.pk)).exists()


@pytest.mark.django_db
def test_weak_old_passwords_must_change_unless_demo(client, settings):
    weak = create_account(actor=None, username="olduser", password="hzrd2024", role=Role.READER)
    settings.BULLETIN_DEMO = True
    login(client, "olduser", "hzrd2024")
    assert client.get(reverse("archive")).status_code == 200
    client.post(reverse("logout"))
    settings.BULLETIN_DEMO = False
    login(client, "olduser", "hzrd2024", address="10.0.0.8")
    response = client.get(reverse("archive"))
    assert response.status_code == 302 and response["Location"] == reverse("password_change")
    assert weak.pk


# --- production settings -----------------------------------------------------------

PRODUCTION_ENV = {
    # docs/operations.md "Security" › production environment
    "DJANGO_SECRET_KEY": "k7#Qv9!mZp2@Lx4$Rt6^Wn8&Yb0*Hc3(Jd5)Fg1-Ks7=Ua9+Ve2",
    "DJANGO_ALLOWED_HOSTS": "bulletin.intranet",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://bulletin.intranet",
    "BULLETIN_BEHIND_PROXY": "1",
}


def run_manage(*args, env_overrides=None, data_dir=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "BULLETIN_"))}
    env.update(env_overrides or {})
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    if data_dir is not None:
        env["BULLETIN_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_in_the_documented_production_environment(tmp_path):
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION_ENV, data_dir=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr and "no issues" in result.stdout
    operations = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    for name in PRODUCTION_ENV:
        assert name in operations


def test_debug_is_off_unless_asked_for(tmp_path):
    result = run_manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings; print(settings.DEBUG, settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS)",
        env_overrides=PRODUCTION_ENV,
        data_dir=tmp_path,
    )
    assert result.stdout.split() == ["False", "True", "31536000"], result.stderr


@pytest.mark.parametrize(
    "key",
    [
        None,
        "short-key",
        "dev-only-insecure-key-do-not-use-in-production",
        "django-insecure-" + "x1" * 30,
        "a" * 60,
    ],
)
def test_production_refuses_a_short_or_default_secret_key(key, tmp_path):
    env = {**PRODUCTION_ENV}
    env.pop("DJANGO_SECRET_KEY")
    if key is not None:
        env["DJANGO_SECRET_KEY"] = key
    result = run_manage("check", env_overrides=env, data_dir=tmp_path)
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


def test_plain_http_intranet_setting_turns_secure_cookies_off(tmp_path):
    result = run_manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings; print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS)",
        env_overrides={**PRODUCTION_ENV, "DJANGO_SECURE_COOKIES": "0"},
        data_dir=tmp_path,
    )
    assert result.stdout.split() == ["False", "False", "False", "0"], result.stderr


# --- CSP and error pages -----------------------------------------------------------


@pytest.mark.django_db
def test_csp_allows_only_the_apps_own_scripts_and_styles(client_for, editor):
    response = client_for(editor).get(reverse("editor_home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("style-src-attr")[0]
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy


def test_no_template_carries_inline_script_or_style():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        if "print" in path.parts:
            continue  # WeasyPrint's input; shown only through the preview, which allows inline style
        text = path.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"<style", text):
            offenders.append(str(path))
        if re.search(r"\son(click|submit|change|load|input)=", text):
            offenders.append(str(path))
    assert not offenders


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
def test_error_pages_are_chinese_in_every_mode(debug, settings, client_for, contributor, reader):
    settings.DEBUG = debug
    client = client_for(contributor)
    # More fields than Django reads (DATA_UPLOAD_MAX_NUMBER_FIELDS): a 400 from the view.
    fields = {f"field{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    bad = client.post(reverse("piece_create"), fields)
    assert bad.status_code == 400 and "请求有误" in bad.content.decode()
    missing = client.get("/unit/999999/")
    assert missing.status_code == 404 and "页面不存在" in missing.content.decode()
    forbidden = client.get(reverse("editor_home"))
    assert forbidden.status_code == 403 and "无权访问" in forbidden.content.decode()
    csrf = Client(enforce_csrf_checks=True).post(
        reverse("login"), {"username": "duzhe", "password": PASSWORD}
    )
    assert csrf.status_code == 403 and "提交未通过安全校验" in csrf.content.decode()


@pytest.mark.django_db
def test_csrf_page_explains_plain_http_with_secure_cookies(settings):
    settings.CSRF_COOKIE_SECURE = True
    page = Client(enforce_csrf_checks=True).post(reverse("login"), {}).content.decode()
    assert "DJANGO_SECURE_COOKIES=0" in page and "https://" in page


def test_the_500_page_is_chinese_and_standalone():
    from django.template import loader

    html = loader.get_template("500.html").render({})
    assert "系统出现错误" in html and "style=" not in html


@pytest.mark.django_db
def test_an_over_long_user_name_is_refused_in_chinese(client):
    response = login(client, "x" * 3000, "Wrong-Password-1")
    assert response.status_code == 200 and "用户名不能超过 150 个字符" in response.content.decode()
