"""The one way to create accounts, change roles and set passwords.

三员 separation (GB/T 22239-2019 level 2): the 管理员 manages accounts, the 审计员 reads the
audit log, and one account never holds both (a role is one field). Nobody changes their own
role, unit or standing; the 审计员's password is never set by a 管理员 (who could then read
the log as the 审计员), nor is the role 审计员 granted or taken away by one: that is done
only on the server (``manage.py grant_auditor`` / ``revoke_auditor``), or a 管理员 could make
an account whose password it knows an auditor. Every account made and every role
change is audited with the role and unit before and after.
"""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import UNIT_ROLES, Role, Source, Unit, User
from accounts.permissions import can_use_admin
from audit.records import Kind, record


def _check_actor(actor: User | None) -> None:
    # actor=None is the system itself (migrations, setup, the demo loader, commands on the server).
    if actor is not None and not can_use_admin(actor):
        raise PermissionDenied("只有管理员可以管理账号。")


def _check_auditor_change(actor: User | None, before: str | None, after: str) -> None:
    # 审计员 comes and goes only on the server (actor None); see the module docstring.
    if actor is not None and (before == Role.AUDITOR) != (after == Role.AUDITOR):
        raise PermissionDenied(
            "审计员只能在服务器上授予或取消（manage.py grant_auditor / revoke_auditor），"
            "管理员不能在后台设置（三员分立）。"
        )


def _check_local(user: User) -> None:
    # A password kept here would be a second way in beside the directory's (or the
    # identity service's), one its owner's removal there would not close.
    if user.source != Source.LOCAL:
        raise PermissionDenied(
            f"该账号是{user.get_source_display()}，密码由其来源管理，不能在本系统设置或修改。"
        )


def _role_state(user: User) -> dict:
    return {
        "role": user.role,
        "unit": user.unit.short_name if user.unit_id else None,
        "is_active": user.is_active,
    }


def _server_note(operator: str) -> str:
    return f"服务器命令（操作系统用户 {operator}）" if operator else ""


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
    operator: str = "",
) -> User:
    """A new account. One a 管理员 creates must satisfy the password rules
    (AUTH_PASSWORD_VALIDATORS; ValidationError otherwise) and its owner must choose a new
    password at first login."""
    user = User(username=username, full_name=full_name, email=email, phone=phone, role=role, unit=unit)
    return add_account(actor=actor, user=user, password=password, operator=operator)


@transaction.atomic
def add_account(*, actor: User | None, user: User, password: str, operator: str = "") -> User:
    """Save a new account filled in elsewhere (the admin's add form): its role and unit
    checked and applied, the password rules, an audit row with the role and unit.
    `operator`: the server user running a command (actor None)."""
    _check_actor(actor)
    if user.pk is not None:
        raise ValidationError("这个账号已经存在。", code="exists")
    _check_auditor_change(actor, None, user.role)
    _apply_role(user, role=user.role, unit=user.unit)
    if actor is not None:
        validate_password(password, user)
        user.must_change_password = True
    user.set_password(password)
    user.full_clean()
    user.save()
    record(
        Kind.ACCOUNT_CREATED,
        actor=actor,
        actor_name=operator or None,
        obj=user,
        before=None,
        after=_role_state(user),
        message=_server_note(operator),
    )
    return user


@transaction.atomic
def change_role(
    *, actor: User | None, user: User, role: str, unit: Unit | None = None, operator: str = ""
) -> User:
    """Set an account's role and unit, and save what else the caller changed on it (the
    admin's change form). Refused for one's own account; audited with before and after."""
    _check_actor(actor)
    before = _role_state(User.objects.select_for_update().get(pk=user.pk))
    _apply_role(user, role=role, unit=unit)
    after = _role_state(user)
    if actor is not None and actor.pk == user.pk and before != after:
        raise PermissionDenied("不能修改自己的角色、所属单位或启用状态，请由另一位管理员操作。")
    _check_auditor_change(actor, before["role"], role)
    user.full_clean()
    user.save()
    if before != after:
        record(
            Kind.ROLE_CHANGED,
            actor=actor,
            actor_name=operator or None,
            obj=user,
            before=before,
            after=after,
            message=_server_note(operator),
        )
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
    # audit log, the other sees only the audit log (audit.admin). No other way gives these
    # flags (the accounts_user constraints refuse a superuser who is not a 管理员).
    user.is_staff = role in (Role.ADMIN, Role.AUDITOR)
    user.is_superuser = role == Role.ADMIN


@transaction.atomic
def reset_password(*, actor: User | None, user: User, password: str, operator: str = "") -> User:
    """A 管理员 sets someone's password: it must satisfy the rules, and its owner must
    choose a new one at the next login. A 审计员's password is set only on the server."""
    _check_actor(actor)
    _check_local(user)
    if actor is not None and user.role == Role.AUDITOR:
        raise PermissionDenied(
            "审计员的密码不能由管理员重置（否则管理员可以审计员身份查看审计日志）；"
            "请审计员本人修改，或在服务器上运行 manage.py grant_auditor 用户名 --reset-password。"
        )
    if actor is not None:
        validate_password(password, user)
    user.set_password(password)
    user.must_change_password = actor is not None or bool(operator)
    user.save(update_fields=["password", "must_change_password"])
    record(
        Kind.PASSWORD_RESET,
        actor=actor,
        actor_name=operator or None,
        obj=user,
        message=_server_note(operator),
    )
    return user


@transaction.atomic
def change_own_password(*, actor: User, password: str) -> User:
    """The person sets their own password (already validated by the form)."""
    _check_local(actor)
    validate_password(password, actor)
    actor.set_password(password)
    actor.must_change_password = False
    actor.save(update_fields=["password", "must_change_password"])
    record(Kind.PASSWORD_CHANGED, actor=actor, obj=actor)
    return actor


# --- Accounts from a directory or an identity service ------------------------------------


class SourceConflict(Exception):
    """The user name belongs to an account of another source (a local account, most often):
    it is never taken over silently, since whoever controls the directory entry would then
    inherit that account's history and rights. `user` is the existing account."""

    def __init__(self, user: User):
        super().__init__(user.username)
        self.user = user


class AccountInactive(Exception):
    """The account exists and a 管理员 has switched it off: the source's word does not
    switch it back on."""


@transaction.atomic
def sync_external_account(
    *,
    source: str,
    username: str,
    full_name: str,
    email: str,
    role: str,
    unit: Unit | None,
) -> User:
    """The account of `username` as its `source` (Source.LDAP, …; never local) describes it
    at this sign-in: created the first time with an unusable local password, its name,
    e-mail, role and unit brought up to date afterwards. The actor is the system acting on
    the source's word (actor None, the person's user name as the audit row's account).

    Never grants or removes 审计员 (三员: only ``manage.py grant_auditor`` and
    ``revoke_auditor`` do, on the server): `role` must not be 审计员 (ValueError), and an
    account that was made 审计员 on the server keeps that role, only its name and e-mail
    following the source.

    Raises SourceConflict when `username` (compared without case) is an account of another
    source, AccountInactive when the account is switched off, ValidationError for a role
    and unit that do not fit. Audited: ACCOUNT_CREATED the first time, ROLE_CHANGED when the
    role or unit changed (name and e-mail changes are not security events and are not).
    """
    if source == Source.LOCAL:
        raise ValueError("本地账号不由外部来源同步。")
    if role == Role.AUDITOR:
        raise ValueError("审计员角色只能在服务器上授予（manage.py grant_auditor）。")
    user = User.objects.select_for_update().filter(username__iexact=username).first()
    if user is not None and user.source != source:
        raise SourceConflict(user)
    if user is not None and not user.is_active:
        raise AccountInactive(username)
    note = f"按{Source(source).label}的信息"
    if user is None:
        user = User(username=username, source=source, full_name=full_name, email=email)
        _apply_role(user, role=role, unit=unit)
        user.set_unusable_password()
        user.full_clean()
        user.save()
        record(
            Kind.ACCOUNT_CREATED,
            actor=None,
            actor_name=username,
            obj=user,
            after={**_role_state(user), "source": source},
            message=f"首次登录，{note}建立账号",
        )
        return user
    before = _role_state(user)
    user.full_name, user.email = full_name, email
    if user.role != Role.AUDITOR:
        _apply_role(user, role=role, unit=unit)
    if user.has_usable_password():
        # A password set on it by mistake (a reset in the admin) is dropped.
        user.set_unusable_password()
    user.full_clean()
    user.save()
    after = _role_state(user)
    if before != after:
        record(
            Kind.ROLE_CHANGED,
            actor=None,
            actor_name=username,
            obj=user,
            before=before,
            after=after,
            message=f"登录时{note}更新角色或单位",
        )
    return user
