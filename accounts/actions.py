"""The one way to create accounts, change roles and set passwords."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import UNIT_ROLES, Role, Unit, User
from accounts.permissions import can_use_admin
from audit.records import Kind, record


def _check_actor(actor: User | None) -> None:
    # actor=None is the system itself (migrations, setup, the demo loader).
    if actor is not None and not can_use_admin(actor):
        raise PermissionDenied("只有管理员可以管理账号。")


def _role_state(user: User) -> dict:
    return {
        "role": user.role,
        "unit": user.unit.short_name if user.unit_id else None,
        "is_active": user.is_active,
    }


@transaction.atomic
def create_account(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: str,
    full_name: str = "",
    unit: Unit | None = None,
    email: str = "",
    phone: str = "",
) -> User:
    """A new account. One a 管理员 creates must satisfy the password rules
    (AUTH_PASSWORD_VALIDATORS; ValidationError otherwise) and its owner must choose a new
    password at first login."""
    _check_actor(actor)
    user = User(username=username, full_name=full_name, email=email, phone=phone)
    _apply_role(user, role=role, unit=unit)
    if actor is not None:
        validate_password(password, user)
        user.must_change_password = True
    user.set_password(password)
    user.full_clean()
    user.save()
    record(Kind.ACCOUNT_CREATED, actor=actor, obj=user, after=_role_state(user))
    return user


@transaction.atomic
def change_role(*, actor: User | None, user: User, role: str, unit: Unit | None = None) -> User:
    _check_actor(actor)
    before = _role_state(User.objects.get(pk=user.pk)) if user.pk else {}
    _apply_role(user, role=role, unit=unit)
    user.full_clean()
    user.save()
    after = _role_state(user)
    if before != after:
        record(Kind.ROLE_CHANGED, actor=actor, obj=user, before=before, after=after)
    return user


def _apply_role(user: User, *, role: str, unit: Unit | None) -> None:
    if role not in Role.values:
        raise ValidationError({"role": "未知的角色。"}, code="invalid_role")
    if role in UNIT_ROLES and unit is None:
        label = Role(role).label
        raise ValidationError({"unit": f"{label}必须选择所属单位。"}, code="unit_required")
    if role not in UNIT_ROLES and unit is not None:
        raise ValidationError({"unit": "只有报送员和审核人属于报送单位。"}, code="unit_not_allowed")
    user.role = role
    user.unit = unit
    # 管理员 and 审计员 reach the Django admin: the one manages everything there except the
    # audit log, the other sees only the audit log (audit.admin).
    user.is_staff = role in (Role.ADMIN, Role.AUDITOR)
    user.is_superuser = role == Role.ADMIN


@transaction.atomic
def reset_password(*, actor: User | None, user: User, password: str) -> User:
    """A 管理员 sets someone's password: it must satisfy the rules, and its owner must
    choose a new one at the next login."""
    _check_actor(actor)
    if actor is not None:
        validate_password(password, user)
    user.set_password(password)
    user.must_change_password = actor is not None
    user.save(update_fields=["password", "must_change_password"])
    record(Kind.PASSWORD_RESET, actor=actor, obj=user)
    return user


@transaction.atomic
def change_own_password(*, actor: User, password: str) -> User:
    """The person sets their own password (already validated by the form)."""
    validate_password(password, actor)
    actor.set_password(password)
    actor.must_change_password = False
    actor.save(update_fields=["password", "must_change_password"])
    record(Kind.PASSWORD_CHANGED, actor=actor, obj=actor)
    return actor
