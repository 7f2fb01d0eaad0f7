"""三员 separation: the 管理员 and the 审计员 are never one account and never reach each other's
rights; nobody changes their own role; 审计员 is granted and taken away only on
the server; every account made and every role change is audited with before and after."""

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from accounts.actions import change_role, create_account, reset_password
from accounts.models import Role, Unit, User
from audit.models import AuditEntry
from audit.operators import os_operator

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Quiet-River-Stone-84!"


@pytest.fixture
def second_admin(make_user):
    return make_user(Role.ADMIN, username="guanli2", full_name="吴二")


def change_form_data(user: User, **changes) -> dict:
    data = {
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "phone": user.phone,
        "role": user.role,
        "unit": user.unit_id or "",
        "is_active": "on" if user.is_active else "",
        "must_change_password": "on" if user.must_change_password else "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def admin_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def role_rows(user: User):
    return AuditEntry.objects.filter(object_type="accounts.user", object_id=str(user.pk), kind="role_changed")


def test_the_admin_cannot_make_itself_auditor_in_the_admin_form(admin_account):
    url = reverse("admin:accounts_user_change", args=[admin_account.pk])
    response = admin_client(admin_account).post(url, change_form_data(admin_account, role=Role.AUDITOR))
    assert response.status_code == 200
    assert "不能修改自己的角色" in response.content.decode()
    admin_account.refresh_from_db()
    assert admin_account.role == Role.ADMIN and not role_rows(admin_account).exists()


def test_nobody_changes_their_own_role_through_the_action(admin_account):
    with pytest.raises(PermissionDenied, match="不能修改自己的角色"):
        change_role(actor=admin_account, user=admin_account, role=Role.AUDITOR)
    with pytest.raises(PermissionDenied):
        admin_account.is_active = False
        change_role(actor=admin_account, user=admin_account, role=Role.ADMIN)
    assert User.objects.get(pk=admin_account.pk).role == Role.ADMIN


def test_an_admin_may_edit_its_own_name(admin_account):
    url = reverse("admin:accounts_user_change", args=[admin_account.pk])
    response = admin_client(admin_account).post(url, change_form_data(admin_account, full_name="周建国二"))
    assert response.status_code == 302
    assert User.objects.get(pk=admin_account.pk).full_name == "周建国二"


def test_a_role_change_in_the_admin_is_audited_with_role_and_unit_before_and_after(
    admin_account, contributor
):
    url = reverse("admin:accounts_user_change", args=[contributor.pk])
    reviewer_unit = Unit.objects.get(short_name="萧山区")
    data = change_form_data(contributor, role=Role.REVIEWER, unit=reviewer_unit.pk)
    assert admin_client(admin_account).post(url, data).status_code == 302
    row = role_rows(contributor).get()
    assert row.actor == admin_account
    assert row.before == {"role": "contributor", "unit": "西湖区", "is_active": True}
    assert row.after == {"role": "reviewer", "unit": "萧山区", "is_active": True}


def test_an_account_made_in_the_admin_is_audited_with_its_role(admin_account):
    response = admin_client(admin_account).post(
        reverse("admin:accounts_user_add"),
        {
            "username": "xinren",
            "full_name": "新人",
            "role": Role.CONTRIBUTOR,
            "unit": Unit.objects.get(short_name="西湖区").pk,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="xinren")
    assert user.must_change_password and not user.is_staff
    row = AuditEntry.objects.get(kind="account_created", object_id=str(user.pk))
    assert row.actor == admin_account
    assert row.after == {"role": "contributor", "unit": "西湖区", "is_active": True}


def test_no_admin_grants_auditor_in_the_admin_site(admin_account, second_admin, reader):
    """Not even a second 管理员: the one who sets the role would know the account's password."""
    client = admin_client(second_admin)
    page = client.get(reverse("admin:accounts_user_change", args=[reader.pk])).content.decode()
    assert 'value="auditor"' not in page
    response = client.post(
        reverse("admin:accounts_user_change", args=[reader.pk]), change_form_data(reader, role=Role.AUDITOR)
    )
    assert response.status_code == 200
    reader.refresh_from_db()
    assert reader.role == Role.READER and not reader.is_staff
    assert not role_rows(reader).exists()


def test_no_admin_creates_an_auditor_in_the_admin_site(admin_account):
    client = admin_client(admin_account)
    add_url = reverse("admin:accounts_user_add")
    assert 'value="auditor"' not in client.get(add_url).content.decode()
    response = client.post(
        add_url,
        {
            "username": "evil_audit",
            "full_name": "某人",
            "role": Role.AUDITOR,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="evil_audit").exists()


def test_no_admin_takes_the_auditor_role_away_in_the_admin_site(admin_account, make_user):
    auditor = make_user(Role.AUDITOR, username="shenji")
    client = admin_client(admin_account)
    url = reverse("admin:accounts_user_change", args=[auditor.pk])
    assert "审计员只能在服务器上授予或取消" in client.get(url).content.decode()
    client.post(url, change_form_data(auditor, role=Role.EDITOR))
    auditor.refresh_from_db()
    assert auditor.role == Role.AUDITOR


def test_the_actions_refuse_an_admin_granting_or_taking_auditor(
    admin_account, second_admin, reader, make_user
):
    with pytest.raises(PermissionDenied, match="只能在服务器上"):
        change_role(actor=second_admin, user=reader, role=Role.AUDITOR)
    auditor = make_user(Role.AUDITOR, username="shenji")
    with pytest.raises(PermissionDenied, match="只能在服务器上"):
        change_role(actor=second_admin, user=auditor, role=Role.READER)
    with pytest.raises(PermissionDenied, match="只能在服务器上"):
        create_account(actor=admin_account, username="x1", password=NEW_PASSWORD, role=Role.AUDITOR)
    # On the server (no acting account) it is allowed and audited.
    change_role(actor=None, user=reader, role=Role.AUDITOR, operator="root@web1")
    row = role_rows(reader).get()
    assert (row.before["role"], row.after["role"]) == ("reader", "auditor")


def test_no_flag_group_or_permission_gives_the_auditor_admin_rights(make_user):
    auditor = make_user(Role.AUDITOR, username="shenji")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=auditor.pk).update(is_superuser=True)
    reader = make_user(Role.READER)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=reader.pk).update(is_staff=True)
    everything = Group.objects.create(name="全部权限")
    everything.permissions.set(Permission.objects.all())
    auditor.groups.add(everything)
    auditor.user_permissions.set(Permission.objects.filter(codename__in=["change_user", "view_user"]))
    auditor = User.objects.get(pk=auditor.pk)
    assert not auditor.has_perm("accounts.change_user") and not auditor.has_module_perms("accounts")
    assert auditor.has_perm("audit.view_auditentry")
    client = admin_client(auditor)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 200


def test_the_admin_never_has_the_auditors_rights(admin_account):
    everything = Group.objects.create(name="全部权限")
    everything.permissions.set(Permission.objects.all())
    admin_account.groups.add(everything)
    admin_account = User.objects.get(pk=admin_account.pk)
    assert not admin_account.has_perm("audit.view_auditentry")
    assert admin_client(admin_account).get(reverse("admin:audit_auditentry_changelist")).status_code == 403


def test_the_admin_cannot_set_the_auditors_password(admin_account, make_user):
    auditor = make_user(Role.AUDITOR, username="shenji")
    with pytest.raises(PermissionDenied, match="审计员的密码不能由管理员重置"):
        reset_password(actor=admin_account, user=auditor, password=NEW_PASSWORD)
    url = reverse("admin:auth_user_password_change", args=[auditor.pk])
    response = admin_client(admin_account).post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 200 and "审计员的密码不能由管理员重置" in response.content.decode()
    assert not User.objects.get(pk=auditor.pk).check_password(NEW_PASSWORD)


def test_an_admins_password_reset_in_the_admin_is_audited(admin_account, reader):
    url = reverse("admin:auth_user_password_change", args=[reader.pk])
    response = admin_client(admin_account).post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    reader.refresh_from_db()
    assert reader.check_password(NEW_PASSWORD) and reader.must_change_password
    assert AuditEntry.objects.filter(
        kind="password_reset", actor=admin_account, object_id=str(reader.pk)
    ).exists()


def test_grant_and_revoke_auditor_on_the_server_are_audited_with_the_os_user(reader):
    out = io.StringIO()
    call_command("grant_auditor", reader.username, stdout=out)
    reader.refresh_from_db()
    assert reader.role == Role.AUDITOR and "已记入审计日志" in out.getvalue()
    granted = role_rows(reader).get()
    assert granted.actor is None and granted.actor_name == os_operator()
    assert os_operator() in granted.message
    assert (granted.before["role"], granted.after["role"]) == ("reader", "auditor")
    call_command("revoke_auditor", reader.username, "--role", "editor", stdout=io.StringIO())
    reader.refresh_from_db()
    assert reader.role == Role.EDITOR and not reader.is_staff
    revoked = role_rows(reader).order_by("id").last()
    assert (revoked.before["role"], revoked.after["role"], revoked.actor_name) == (
        "auditor",
        "editor",
        os_operator(),
    )
    with pytest.raises(CommandError, match="不是审计员"):
        call_command("revoke_auditor", reader.username)


def test_a_new_auditor_and_its_password_are_set_on_the_server():
    call_command(
        "grant_auditor",
        "shenji",
        "--create",
        "--full-name",
        "审计员甲",
        stdin=io.StringIO(NEW_PASSWORD + "\n"),
    )
    auditor = User.objects.get(username="shenji")
    assert (
        auditor.role == Role.AUDITOR and auditor.check_password(NEW_PASSWORD) and auditor.must_change_password
    )
    created = AuditEntry.objects.get(kind="account_created", object_id=str(auditor.pk))
    assert created.actor_name == os_operator() and created.after["role"] == "auditor"
    call_command("grant_auditor", "shenji", "--reset-password", stdin=io.StringIO("Other-Quiet-Lake-39!\n"))
    assert User.objects.get(pk=auditor.pk).check_password("Other-Quiet-Lake-39!")
    assert AuditEntry.objects.filter(
        kind="password_reset", object_id=str(auditor.pk), actor_name=os_operator()
    ).exists()
    with pytest.raises(CommandError, match="密码不符合规则"):
        call_command("grant_auditor", "shenji", "--reset-password", stdin=io.StringIO("short\n"))


def test_createsuperuser_and_changepassword_on_the_server_are_audited(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", NEW_PASSWORD)
    call_command(
        "createsuperuser", "--noinput", "--username", "chuangshi", "--email", "", stdout=io.StringIO()
    )
    user = User.objects.get(username="chuangshi")
    created = AuditEntry.objects.get(kind="account_created", object_id=str(user.pk))
    assert created.actor_name == os_operator() and created.after["role"] == "admin"
    # changepassword asks on the terminal: answer its two prompts.
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "Other-Quiet-Lake-39!")
    call_command("changepassword", "chuangshi", stdout=io.StringIO())
    assert User.objects.get(pk=user.pk).check_password("Other-Quiet-Lake-39!")
    reset = AuditEntry.objects.get(kind="password_reset", object_id=str(user.pk))
    assert reset.actor_name == os_operator() and "changepassword" in reset.message
