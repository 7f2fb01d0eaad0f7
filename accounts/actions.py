"""The one way to create accounts and change roles."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from .models import UNIT_ROLES, Role, Unit, User
from .permissions import can_use_admin


def _check_actor(actor: User | None) -> None:
    # actor=None is the system itself (migrations, setup, the demo loader).
    if actor is not None and not can_use_admin(actor):
        raise PermissionDenied("只有管理员可以管理账号。")


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
    _check_actor(actor)
    user = User(username=username, full_name=full_name, email=email, phone=phone)
    _apply_role(user, role=role, unit=unit)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def change_role(*, actor: User | None, user: User, role: str, unit: Unit | None = None) -> User:
    _check_actor(actor)
    _apply_role(user, role=role, unit=unit)
    user.full_clean()
    user.save()
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
    # Only 管理员 reach the Django admin; they manage everything there.
    user.is_staff = role == Role.ADMIN
    user.is_superuser = role == Role.ADMIN


@transaction.atomic
def reset_password(*, actor: User | None, user: User, password: str) -> User:
    _check_actor(actor)
    user.set_password(password)
    user.save(update_fields=["password"])
    return user
