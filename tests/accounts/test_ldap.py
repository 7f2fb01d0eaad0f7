"""Directory login (accounts/directory.py) against a real slapd (tests/servers/slapd.py):
through the login page, the role and unit from the groups, the refusals and what the
person is told, stale local passwords, a directory that does not answer, the lockout."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts import directory
from accounts.actions import reset_password
from accounts.directory import MESSAGES
from accounts.models import Role, Source, User
from audit.models import AuditEntry
from submissions.models import Notification
from tests.conftest import PASSWORD
from tests.servers.slapd import GROUPS, PASSWORDS, ROLE_GROUPS, UNIT_GROUPS, Slapd, free_port, slapd_server

pytestmark = pytest.mark.django_db

__all__ = ["slapd_server"]  # the module-scoped server fixture, used by `directory` below

ADDRESS = "10.1.2.3"
DIRECTORY_BACKEND = "accounts.directory.DirectoryBackend"


def point_at(settings, server_settings: dict) -> None:
    for name, value in server_settings.items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, DIRECTORY_BACKEND]


@pytest.fixture
def directory_login(settings, slapd_server):
    """Directory login on, against the module's slapd, as BULLETIN_LDAP_URI would turn it on."""
    point_at(settings, slapd_server.settings())
    settings.BULLETIN_LOGIN_DELAY_SECONDS = 0
    yield slapd_server
    slapd_server.reset()


def login(username: str, password: str, address: str = ADDRESS):
    client = Client()
    response = client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )
    return client, response


def signed_in_as(client: Client) -> User | None:
    user = get_user(client)
    return user if user.is_authenticated else None


def form_errors(response) -> list[str]:
    return response.context["form"].non_field_errors()


def test_settings_turn_the_backend_on_only_with_a_uri(settings):
    assert DIRECTORY_BACKEND not in settings.AUTHENTICATION_BACKENDS
    assert settings.AUTHENTICATION_BACKENDS[0] == "accounts.lockout.LoginThrottleBackend"


def test_an_editor_signs_in_through_the_login_page(directory_login):
    client, response = login("yangqing", PASSWORDS["yangqing"])

    assert response.status_code == 302
    user = signed_in_as(client)
    assert (user.username, user.role, user.unit, user.full_name, user.email, user.source) == (
        "yangqing",
        Role.EDITOR,
        None,
        "杨青青",
        "yangqing@rd.hz.test",
        Source.LDAP,
    )
    assert not user.has_usable_password()
    assert not user.is_staff and not user.is_superuser
    created = AuditEntry.objects.get(kind=AuditEntry.Kind.ACCOUNT_CREATED, object_id=str(user.pk))
    assert created.after == {"role": "editor", "unit": None, "is_active": True, "source": "ldap"}
    assert created.actor_name == "yangqing"
    login_row = AuditEntry.objects.get(kind=AuditEntry.Kind.LOGIN, actor=user)
    assert login_row.after == {"backend": DIRECTORY_BACKEND}
    # The pages behave as for any editor, and the second login makes no second account.
    desk = client.get(reverse("home"), follow=True)
    assert desk.status_code == 200 and "杨青青" in desk.content.decode()
    client, response = login("yangqing", PASSWORDS["yangqing"])
    assert signed_in_as(client).pk == user.pk
    assert User.objects.filter(username__iexact="yangqing").count() == 1


def test_a_contributor_gets_the_unit_of_the_unit_group(directory_login):
    client, _ = login("qiansu", PASSWORDS["qiansu"])

    user = signed_in_as(client)
    assert (user.role, user.unit.short_name, user.full_name) == (Role.CONTRIBUTOR, "西湖区", "钱苏晚")


def test_the_unit_can_come_from_an_attribute_naming_its_short_name(directory_login, settings):
    settings.BULLETIN_LDAP_UNIT_GROUPS = ""
    settings.BULLETIN_LDAP_UNIT_ATTRIBUTE = "departmentNumber"

    client, _ = login("qiansu", PASSWORDS["qiansu"])

    assert signed_in_as(client).unit.short_name == "西湖区"


def test_a_person_in_no_mapped_group_is_refused_with_a_message(directory_login):
    client, response = login("wangfang", PASSWORDS["wangfang"])

    assert response.status_code == 200 and signed_in_as(client) is None
    assert form_errors(response) == [MESSAGES[directory.NO_GROUP]]
    assert "目录组" in response.content.decode()
    assert not User.objects.filter(username="wangfang").exists()
    row = AuditEntry.objects.get(kind=AuditEntry.Kind.LOGIN_FAILED, actor_name="wangfang")
    assert row.message == directory.AUDIT_NOTES[directory.NO_GROUP]
    assert row.address == ADDRESS


def test_a_reviewer_whose_unit_the_directory_does_not_name_is_refused(directory_login):
    client, response = login("zhoujie", PASSWORDS["zhoujie"])

    assert signed_in_as(client) is None
    assert form_errors(response) == [MESSAGES[directory.NO_UNIT]]
    assert not User.objects.filter(username="zhoujie").exists()
    assert AuditEntry.objects.filter(
        kind=AuditEntry.Kind.LOGIN_FAILED,
        actor_name="zhoujie",
        message=directory.AUDIT_NOTES[directory.NO_UNIT],
    ).exists()


def test_a_unit_this_product_does_not_have_is_refused(directory_login, settings):
    settings.BULLETIN_LDAP_UNIT_GROUPS = f"火星区={UNIT_GROUPS['西湖区']}"

    client, response = login("qiansu", PASSWORDS["qiansu"])

    assert signed_in_as(client) is None
    assert form_errors(response) == [MESSAGES[directory.NO_UNIT]]


def test_role_and_unit_follow_the_directory_at_each_login(directory_login):
    server = directory_login
    client, _ = login("qiansu", PASSWORDS["qiansu"])
    user = signed_in_as(client)
    assert (user.role, user.unit.short_name) == (Role.CONTRIBUTOR, "西湖区")

    server.remove_member(UNIT_GROUPS["西湖区"], "qiansu")
    server.add_member(UNIT_GROUPS["上城区"], "qiansu")
    server.set_attribute("qiansu", "mail", "qiansu@shangcheng.hz.test")
    login("qiansu", PASSWORDS["qiansu"])
    user.refresh_from_db()
    assert (user.role, user.unit.short_name, user.email) == (
        Role.CONTRIBUTOR,
        "上城区",
        "qiansu@shangcheng.hz.test",
    )
    moved = AuditEntry.objects.filter(kind=AuditEntry.Kind.ROLE_CHANGED, object_id=str(user.pk)).get()
    assert (moved.before["unit"], moved.after["unit"]) == ("西湖区", "上城区")

    # The editor group is listed first in BULLETIN_LDAP_ROLE_GROUPS: it wins.
    server.add_member(ROLE_GROUPS["editor"], "qiansu")
    login("qiansu", PASSWORDS["qiansu"])
    user.refresh_from_db()
    assert (user.role, user.unit) == (Role.EDITOR, None)


def test_someone_removed_from_the_groups_cannot_sign_in_any_more(directory_login):
    server = directory_login
    client, _ = login("yangqing", PASSWORDS["yangqing"])
    assert signed_in_as(client) is not None
    server.remove_member(ROLE_GROUPS["editor"], "yangqing")

    client, response = login("yangqing", PASSWORDS["yangqing"])

    assert signed_in_as(client) is None
    assert form_errors(response) == [MESSAGES[directory.NO_GROUP]]
    assert User.objects.get(username="yangqing").role == Role.EDITOR  # kept, but unusable


def test_a_stale_local_password_never_signs_a_directory_account_in(directory_login):
    client, _ = login("yangqing", PASSWORDS["yangqing"])
    user = User.objects.get(username="yangqing")
    # The 管理员 cannot give it a local password…
    with pytest.raises(PermissionDenied):
        reset_password(actor=None, user=user, password="Local-Pass-2026!")
    # …and one left from before (written around the actions) is refused at the login page.
    user.set_password("Local-Pass-2026!")
    user.save(update_fields=["password"])
    client, response = login("yangqing", "Local-Pass-2026!")
    assert signed_in_as(client) is None and response.status_code == 200
    # The directory's password still works, and the stray local one is dropped.
    client, _ = login("yangqing", PASSWORDS["yangqing"])
    assert signed_in_as(client) is not None
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_a_directory_account_has_no_password_page(directory_login):
    client, _ = login("yangqing", PASSWORDS["yangqing"])

    response = client.get(reverse("password_change"))

    assert response.status_code == 302
    home = client.get(response["Location"], follow=True)
    assert "密码请在本单位的目录" in home.content.decode()
    assert "修改密码" not in home.content.decode()


def test_a_local_account_of_the_same_name_is_not_taken_over(directory_login, editor, admin_account):
    # `editor` is the local account "bianji"; the directory has a person "bianji" too.
    client, response = login("bianji", PASSWORDS["bianji"])

    assert signed_in_as(client) is None
    assert form_errors(response) == [MESSAGES[directory.LOCAL_ACCOUNT]]
    editor.refresh_from_db()
    assert (editor.source, editor.full_name, editor.check_password(PASSWORD)) == (
        Source.LOCAL,
        "杨青青",
        True,
    )
    row = AuditEntry.objects.get(kind=AuditEntry.Kind.LOGIN_FAILED, actor_name="bianji")
    assert row.message == directory.AUDIT_NOTES[directory.LOCAL_ACCOUNT]
    # The 管理员, who cannot read the audit log, is told once (not at every retry).
    notice = Notification.objects.get(recipient=admin_account)
    assert "目录账号“bianji”登录被拒" in notice.text and "本地账号（杨青青）" in notice.text
    assert notice.link == reverse("admin:accounts_user_change", args=[editor.pk])
    login("bianji", PASSWORDS["bianji"])
    assert Notification.objects.filter(recipient=admin_account).count() == 1
    # The local account still signs in with its own password.
    client, _ = login("bianji", PASSWORD)
    assert signed_in_as(client).pk == editor.pk


def test_a_switched_off_directory_account_stays_off(directory_login):
    login("yangqing", PASSWORDS["yangqing"])
    User.objects.filter(username="yangqing").update(is_active=False)

    client, response = login("yangqing", PASSWORDS["yangqing"])

    assert signed_in_as(client) is None
    assert form_errors(response) == [MESSAGES[directory.INACTIVE]]


def test_a_session_ends_when_the_account_is_switched_off(directory_login):
    client, _ = login("yangqing", PASSWORDS["yangqing"])
    User.objects.filter(username="yangqing").update(is_active=False)

    assert signed_in_as(client) is None


def test_a_wrong_directory_password_counts_toward_the_lock(directory_login, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client, response = login("yangqing", "wrong-password")
        assert signed_in_as(client) is None
        assert "用户名或密码不正确" in form_errors(response)[0]

    assert sum(a.failures_since_start for a in AccessAttempt.objects.filter(username="yangqing")) == (
        settings.AXES_FAILURE_LIMIT
    )
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.LOCKED_OUT, actor_name="yangqing").exists()
    # Locked: even the right password is not tried against the directory.
    client, response = login("yangqing", PASSWORDS["yangqing"])
    assert signed_in_as(client) is None
    assert not User.objects.filter(username="yangqing").exists()


def test_a_directory_that_is_down_is_named_and_local_accounts_still_work(settings, editor):
    never_started = Slapd()
    never_started.stop()
    point_at(settings, {**never_started.settings(), "BULLETIN_LDAP_URI": f"ldap://127.0.0.1:{free_port()}"})
    settings.BULLETIN_LOGIN_DELAY_SECONDS = 0

    client, response = login("yangqing", PASSWORDS["yangqing"])
    assert signed_in_as(client) is None and response.status_code == 200
    assert form_errors(response) == [MESSAGES[directory.UNAVAILABLE]]
    assert "暂时无法连接" in response.content.decode()
    assert AuditEntry.objects.filter(
        kind=AuditEntry.Kind.LOGIN_FAILED, message=directory.AUDIT_NOTES[directory.UNAVAILABLE]
    ).exists()

    client, _ = login("bianji", PASSWORD)
    assert signed_in_as(client).pk == editor.pk


def test_a_directory_that_hangs_gives_up_after_the_timeout(directory_login, editor):
    server = directory_login
    server.pause()
    try:
        client, response = login("yangqing", PASSWORDS["yangqing"])
    finally:
        server.resume()
    assert signed_in_as(client) is None
    assert form_errors(response) == [MESSAGES[directory.UNAVAILABLE]]
    client, _ = login("bianji", PASSWORD)
    assert signed_in_as(client).pk == editor.pk


def test_a_wrong_service_account_password_is_reported_as_unavailable(directory_login, settings):
    settings.BULLETIN_LDAP_BIND_PASSWORD = "not-the-password"

    client, response = login("yangqing", PASSWORDS["yangqing"])

    assert signed_in_as(client) is None
    assert form_errors(response) == [MESSAGES[directory.UNAVAILABLE]]


def test_the_auditor_role_is_never_mapped_from_a_group(directory_login, settings):
    settings.BULLETIN_LDAP_ROLE_GROUPS = f"auditor={ROLE_GROUPS['editor']}"

    errors = directory.settings_check(None)

    assert [error.id for error in errors] == ["accounts.E001"]
    assert "grant_auditor" in errors[0].msg


def test_an_auditor_granted_on_the_server_keeps_the_role_at_directory_logins(directory_login):
    login("yangqing", PASSWORDS["yangqing"])
    call_command("grant_auditor", "yangqing", stdout=open("/dev/null", "w"))  # noqa: SIM115

    client, _ = login("yangqing", PASSWORDS["yangqing"])

    user = signed_in_as(client)
    assert (user.role, user.is_staff, user.is_superuser) == (Role.AUDITOR, True, False)


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("BULLETIN_LDAP_ROLE_GROUPS", "", "BULLETIN_LDAP_ROLE_GROUPS"),
        ("BULLETIN_LDAP_ROLE_GROUPS", "boss=cn=x,dc=y", "“boss”不存在"),
        ("BULLETIN_LDAP_ROLE_GROUPS", "editor", "名称=组的 DN"),
        ("BULLETIN_LDAP_ROLE_GROUPS", "editor=not a dn", "不是有效的 DN"),
        ("BULLETIN_LDAP_GROUP_TYPE", "nisNetgroup", "不支持"),
        ("BULLETIN_LDAP_USER_SEARCH_BASE", " ", "BULLETIN_LDAP_USER_SEARCH_BASE"),
    ],
)
def test_a_bad_setting_is_reported_by_the_system_check(directory_login, settings, name, value, words):
    assert directory.settings_check(None) == []
    setattr(settings, name, value)

    errors = directory.settings_check(None)

    assert len(errors) == 1 and words in errors[0].msg


def test_group_dns_compare_in_any_spelling(directory_login, settings):
    settings.BULLETIN_LDAP_ROLE_GROUPS = f"editor=CN=BianJi, OU=Groups, {GROUPS.split(',', 1)[1].upper()}"

    client, _ = login("yangqing", PASSWORDS["yangqing"])

    assert signed_in_as(client).role == Role.EDITOR


@pytest.fixture(scope="module")
def slapd_with_tls():
    server = Slapd(tls=True).start()
    yield server
    server.stop()


def test_start_tls_with_the_directorys_certificate(settings, slapd_with_tls):
    point_at(settings, slapd_with_tls.settings())

    client, _ = login("yangqing", PASSWORDS["yangqing"])

    assert signed_in_as(client).role == Role.EDITOR


def test_start_tls_refuses_a_certificate_it_cannot_verify(settings, slapd_with_tls, slapd_server):
    # The CA of another server: the certificate cannot be verified, so no password is sent.
    other = Slapd(tls=True)
    other_ca = other.folder / "ca.pem"
    try:
        other.start()
        point_at(settings, {**slapd_with_tls.settings(), "BULLETIN_LDAP_CA_FILE": str(other_ca)})
        settings.BULLETIN_LOGIN_DELAY_SECONDS = 0
        client, response = login("yangqing", PASSWORDS["yangqing"])
    finally:
        other.stop()
    assert signed_in_as(client) is None
    assert form_errors(response) == [MESSAGES[directory.UNAVAILABLE]]


def test_without_slapd_the_fixture_fails_and_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr("tests.servers.slapd.SLAPD", "/nonexistent/slapd")

    with pytest.raises(pytest.fail.Exception, match="make setup-test"):
        Slapd()


def test_several_addresses_are_tried_in_turn(directory_login, settings):
    settings.BULLETIN_LDAP_URI = f"ldap://127.0.0.1:{free_port()} {directory_login.uri}"

    client, _ = login("yangqing", PASSWORDS["yangqing"])

    assert signed_in_as(client).role == Role.EDITOR


def test_the_admin_cannot_set_a_directory_accounts_password(directory_login, admin_account, client_for):
    login("yangqing", PASSWORDS["yangqing"])
    account = User.objects.get(username="yangqing")
    admin = client_for(admin_account)

    response = admin.post(
        reverse("admin:auth_user_password_change", args=[account.pk]),
        {"password1": "Local-Pass-2026!", "password2": "Local-Pass-2026!", "usable_password": "true"},
    )

    assert response.status_code == 200
    assert "密码由其来源管理" in response.content.decode()
    account.refresh_from_db()
    assert not account.has_usable_password()
    page = admin.get(reverse("admin:accounts_user_change", args=[account.pk])).content.decode()
    assert 'name="role"' not in page and 'name="full_name"' not in page and 'name="is_active"' in page


def test_the_user_name_is_kept_in_one_spelling(directory_login):
    client, _ = login("YangQing", PASSWORDS["yangqing"])
    assert signed_in_as(client).username == "yangqing"

    client, _ = login("yangqing", PASSWORDS["yangqing"])

    assert signed_in_as(client).username == "yangqing"
    assert User.objects.filter(username__iexact="yangqing").count() == 1


def test_a_directory_password_is_not_held_to_the_local_password_rules(directory_login):
    # The directory has its own rules; a password this product would refuse is not a
    # reason to send the person to a password page they cannot use.
    directory_login.set_attribute("yangqing", "userPassword", "abc123")

    client, response = login("yangqing", "abc123")

    assert signed_in_as(client) is not None
    assert reverse("password_change") not in response["Location"]
    assert client.get(reverse("home"), follow=True).redirect_chain[-1][0] != reverse("password_change")
