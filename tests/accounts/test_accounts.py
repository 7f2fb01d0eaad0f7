import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.actions import change_role, create_account, reset_password
from accounts.models import Role, Unit, User
from accounts.permissions import can_browse_archive, can_use_admin, can_use_editor_desk, can_use_unit_desk

pytestmark = pytest.mark.django_db


def test_contributor_belongs_to_exactly_one_unit(make_user):
    user = make_user(Role.CONTRIBUTOR, "西湖区")
    assert user.unit.short_name == "西湖区"
    with pytest.raises(ValidationError) as error:
        make_user(Role.CONTRIBUTOR)
    assert "报送员必须选择所属单位" in str(error.value)


def test_other_roles_belong_to_no_unit(make_user):
    with pytest.raises(ValidationError, match="只有报送员和审核人属于报送单位"):
        make_user(Role.EDITOR, "西湖区")


def test_database_constraint_guards_the_unit_rule(make_user):
    user = make_user(Role.READER)
    user.unit = Unit.objects.get(short_name="萧山区")
    with pytest.raises(IntegrityError), transaction.atomic():
        user.save()


def test_only_admins_get_the_admin_site(make_user):
    admin = make_user(Role.ADMIN)
    editor = make_user(Role.EDITOR)
    assert admin.is_staff and admin.is_superuser and can_use_admin(admin)
    assert not editor.is_staff and not can_use_admin(editor)


def test_change_role_moves_admin_rights_with_the_role(make_user, admin_account):
    user = make_user(Role.ADMIN)
    change_role(
        actor=admin_account, user=user, role=Role.CONTRIBUTOR, unit=Unit.objects.get(short_name="淳安县")
    )
    user.refresh_from_db()
    assert (user.role, user.unit.short_name, user.is_staff, user.is_superuser) == (
        "contributor",
        "淳安县",
        False,
        False,
    )


def test_only_an_admin_manages_accounts(editor):
    with pytest.raises(PermissionDenied):
        create_account(actor=editor, username="x", password="pw-123456789", role=Role.READER)
    with pytest.raises(PermissionDenied):
        reset_password(actor=editor, user=editor, password="another-pw-2024")


def test_unknown_role_is_refused():
    with pytest.raises(ValidationError, match="未知的角色"):
        create_account(actor=None, username="x", password="pw-123456789", role="boss")


def test_role_predicates(editor, contributor, reader, admin_account):
    assert [can_use_editor_desk(u) for u in (editor, contributor, reader, admin_account)] == [
        True,
        False,
        False,
        False,
    ]
    assert [can_use_unit_desk(u) for u in (editor, contributor, reader, admin_account)] == [
        False,
        True,
        False,
        False,
    ]
    assert all(can_browse_archive(u) for u in (editor, contributor, reader, admin_account))


def test_inactive_users_have_no_rights(editor):
    editor.is_active = False
    assert not can_use_editor_desk(editor)
    assert not can_browse_archive(editor)


def test_createsuperuser_makes_an_admin():
    user = User.objects.create_superuser("root2", "r@example.org", "pw-123456789")
    assert user.role == Role.ADMIN and can_use_admin(user)


def test_admin_index_names_third_party_apps_in_chinese(client, make_user):
    from django.urls import reverse

    from accounts.models import Role

    admin = make_user(Role.ADMIN)
    client.force_login(admin)
    page = client.get(reverse("admin:index")).content.decode()
    assert "登录防护" in page and "登录记录" in page
    for english in ("Access attempts", "Access logs", "Task Results", "Tasks Database Backend"):
        assert english not in page
