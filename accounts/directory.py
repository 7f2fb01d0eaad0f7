"""Directory login (目录登录): signing in against an office's LDAP directory or Active
Directory with django-auth-ldap, the account's role and unit taken from its groups.

Configured from the environment (config/settings.py, BULLETIN_LDAP_*; docs/operations.md,
"目录登录 (LDAP/AD)"), and used only when BULLETIN_LDAP_URI is set: then DirectoryBackend
follows the lockout check (accounts.lockout.LoginThrottleBackend, so a wrong directory
password counts toward a lock like a wrong local one) and the local accounts
(accounts.backends.LocalPasswordBackend).

At each sign-in the library binds as the person (their DN found by BULLETIN_LDAP_USER_FILTER
under BULLETIN_LDAP_USER_SEARCH_BASE, with the service account BIND_DN), reads their groups,
and this module maps them:

- **Role**: BULLETIN_LDAP_ROLE_GROUPS, "role=group DN;…", in order: the first listed group
  the person is in gives the role. 审计员 cannot be listed (三员: only ``manage.py
  grant_auditor`` grants it on the server, or whoever manages the directory's groups —
  often the same office as the 管理员 — could make an account whose password they control
  the auditor).
- **Unit** of a 报送员 or 审核人: BULLETIN_LDAP_UNIT_GROUPS ("简称=group DN;…", exactly one of
  them), or else the attribute BULLETIN_LDAP_UNIT_ATTRIBUTE, whose value is the unit's 简称.
- Name and e-mail: BULLETIN_LDAP_NAME_ATTRIBUTE, BULLETIN_LDAP_EMAIL_ATTRIBUTE.

The account is then written by accounts.actions.sync_external_account (created the first
time with an unusable local password and source "ldap", updated after; audited).

A sign-in the directory accepts but this product refuses — in no mapped group, no unit,
a local account of the same name, switched off — raises PermissionDenied, which ends
Django's authenticate() at once; the reason is left on the request (`directory_refusal`)
for the login form's message and the audit row. A directory that does not answer is
reported by django-auth-ldap's `ldap_error` signal (connected in AccountsConfig.ready()):
the login then fails with a message saying so, and local accounts still sign in.
"""

from datetime import timedelta

import ldap
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.exceptions import ValidationError as ModelValidationError
from django.db import IntegrityError
from django.http import HttpRequest
from django.utils import timezone
from django_auth_ldap import config as ldap_config
from django_auth_ldap.backend import LDAPBackend, ldap_error
from ldap.dn import dn2str, str2dn

from accounts.actions import AccountInactive, SourceConflict, sync_external_account
from accounts.models import UNIT_ROLES, Role, Source, Unit, User
from accounts.signals import directory_account_conflict
from audit.models import AuditEntry

# Why a sign-in was refused, left on the request as `directory_refusal`.
NO_GROUP = "no_group"
NO_UNIT = "no_unit"
LOCAL_ACCOUNT = "local_account"
INACTIVE = "inactive"
INVALID = "invalid"
UNAVAILABLE = "unavailable"

# What the login page says, in the person's words.
MESSAGES = {
    NO_GROUP: "您的目录账号不在本系统使用的任何目录组中，暂不能登录。请联系本单位信息管理员，"
    "将您加入相应的组（如“编辑”“报送员”）后再试。",
    NO_UNIT: "您的目录账号属于报送员或审核人组，但目录中没有标明所属的报送单位（或单位名称与本系统不符），"
    "暂不能登录。请联系本单位信息管理员。",
    LOCAL_ACCOUNT: "本系统已有一个同名的本地账号（或其他方式登录的账号），为防止他人冒用，目录账号不能直接使用它。"
    "请用原来的方式登录，或联系研究室管理员处理。",
    INACTIVE: "该账号已被管理员停用，请联系研究室管理员。",
    INVALID: "目录中您的信息（如电子邮箱）不符合本系统的要求，暂不能登录。请联系本单位信息管理员。",
    UNAVAILABLE: "目录服务（LDAP/AD）暂时无法连接，目录账号现在不能登录，请稍后再试或联系管理员。"
    "本地账号不受影响，请检查用户名和密码。",
}

# What the audit log says (the login failure row, accounts.receivers).
AUDIT_NOTES = {
    NO_GROUP: "目录登录被拒：目录密码正确，但不在任何已配置的目录组中",
    NO_UNIT: "目录登录被拒：报送员或审核人组的成员，但目录中没有可识别的报送单位",
    LOCAL_ACCOUNT: "目录登录被拒：目录密码正确，但本系统有同名的本地账号或其他来源的账号（未接管，须管理员处理）",
    INACTIVE: "目录登录被拒：目录密码正确，但账号已被管理员停用",
    INVALID: "目录登录被拒：目录中的姓名、邮箱等信息不符合本系统的要求，账号未写入",
    UNAVAILABLE: "目录服务无法连接（本地账号的密码也不对，或没有这个本地账号）",
}

GROUP_TYPES = {
    "groupOfNames": (ldap_config.GroupOfNamesType, "(objectClass=groupOfNames)"),
    "groupOfUniqueNames": (ldap_config.GroupOfUniqueNamesType, "(objectClass=groupOfUniqueNames)"),
    "posixGroup": (ldap_config.PosixGroupType, "(objectClass=posixGroup)"),
    "activeDirectory": (ldap_config.ActiveDirectoryGroupType, "(objectClass=group)"),
    "nestedActiveDirectory": (ldap_config.NestedActiveDirectoryGroupType, "(objectClass=group)"),
}

# The roles a directory group may give: every role but 审计员 (see the module docstring).
DIRECTORY_ROLES = [role for role in Role.values if role != Role.AUDITOR]


def normal_dn(dn: str) -> str:
    """A DN in one spelling (spaces around separators and case dropped), as django-auth-ldap
    reports a group's DN in lower case. Raises ValueError for text that is not a DN."""
    try:
        return dn2str(str2dn(dn.strip())).lower()
    except ldap.DECODING_ERROR as error:
        raise ValueError(dn) from error


def parse_mapping(text: str, variable: str) -> list[tuple[str, str]]:
    """ "key=group DN;key=group DN" → [(key, normal DN)], in order. The first "=" ends the
    key (a DN holds "=" and ","; entries are separated by ";"). ImproperlyConfigured, in
    Chinese and naming `variable`, for an entry that is not of that shape."""
    pairs = []
    for entry in text.split(";"):
        if not entry.strip():
            continue
        key, sep, dn = entry.partition("=")
        if not sep or not key.strip() or not dn.strip():
            raise ImproperlyConfigured(
                f"{variable} 的“{entry.strip()}”应写成“名称=组的 DN”，多项之间用分号隔开。"
            )
        try:
            pairs.append((key.strip(), normal_dn(dn)))
        except ValueError:
            raise ImproperlyConfigured(f"{variable} 中“{dn.strip()}”不是有效的 DN。") from None
    return pairs


def role_groups() -> list[tuple[str, str]]:
    """BULLETIN_LDAP_ROLE_GROUPS as [(role, group DN)]; refuses 审计员 and unknown roles."""
    pairs = parse_mapping(settings.BULLETIN_LDAP_ROLE_GROUPS, "BULLETIN_LDAP_ROLE_GROUPS")
    for role, _dn in pairs:
        if role == Role.AUDITOR:
            raise ImproperlyConfigured(
                "BULLETIN_LDAP_ROLE_GROUPS 不能映射审计员：审计员只能在服务器上用 "
                "manage.py grant_auditor 授予（三员分立）。"
            )
        if role not in DIRECTORY_ROLES:
            raise ImproperlyConfigured(
                f"BULLETIN_LDAP_ROLE_GROUPS 中的角色“{role}”不存在；可用：{'、'.join(DIRECTORY_ROLES)}。"
            )
    return pairs


def unit_groups() -> list[tuple[str, str]]:
    """BULLETIN_LDAP_UNIT_GROUPS as [(unit 简称, group DN)]."""
    return parse_mapping(settings.BULLETIN_LDAP_UNIT_GROUPS, "BULLETIN_LDAP_UNIT_GROUPS")


def settings_check(app_configs, **kwargs) -> list[checks.Error]:
    """The system check (registered in AccountsConfig.ready()): BULLETIN_LDAP_* are read
    at the first directory login, `manage.py check` and `migrate` report a bad value first."""
    if not settings.BULLETIN_LDAP_URI:
        return []
    try:
        library_settings()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="accounts.E001")]
    return []


def _search(base: str, variable: str, filterstr: str) -> ldap_config.LDAPSearch:
    if not base.strip():
        raise ImproperlyConfigured(f"启用目录登录（BULLETIN_LDAP_URI）时必须设置 {variable}。")
    return ldap_config.LDAPSearch(base.strip(), ldap.SCOPE_SUBTREE, filterstr)


def library_settings() -> ldap_config.LDAPSettings:
    """django-auth-ldap's settings, built from BULLETIN_LDAP_* (ImproperlyConfigured, in
    Chinese, for a missing base, an unknown group type or a bad mapping)."""
    group_type = settings.BULLETIN_LDAP_GROUP_TYPE
    if group_type not in GROUP_TYPES:
        raise ImproperlyConfigured(
            f"BULLETIN_LDAP_GROUP_TYPE“{group_type}”不支持；可用：{'、'.join(GROUP_TYPES)}。"
        )
    group_class, group_filter = GROUP_TYPES[group_type]
    if not role_groups():
        raise ImproperlyConfigured("启用目录登录时必须设置 BULLETIN_LDAP_ROLE_GROUPS（哪个组是什么角色）。")
    unit_groups()
    timeout = settings.BULLETIN_LDAP_TIMEOUT_SECONDS
    # A directory that does not answer must not hold a login (and a gunicorn worker) for
    # long; AD answers a search with referrals the library cannot follow without rebinding.
    options = {ldap.OPT_NETWORK_TIMEOUT: timeout, ldap.OPT_TIMEOUT: timeout, ldap.OPT_REFERRALS: 0}
    # StartTLS and ldaps:// verify the directory's certificate whatever ldap.conf says.
    options[ldap.OPT_X_TLS_REQUIRE_CERT] = ldap.OPT_X_TLS_DEMAND
    if settings.BULLETIN_LDAP_CA_FILE:
        options[ldap.OPT_X_TLS_CACERTFILE] = settings.BULLETIN_LDAP_CA_FILE
    # Last: a new TLS context takes the options set before it.
    options[ldap.OPT_X_TLS_NEWCTX] = 0
    values = {
        "SERVER_URI": settings.BULLETIN_LDAP_URI,
        "BIND_DN": settings.BULLETIN_LDAP_BIND_DN,
        "BIND_PASSWORD": settings.BULLETIN_LDAP_BIND_PASSWORD,
        "START_TLS": settings.BULLETIN_LDAP_START_TLS,
        "CONNECTION_OPTIONS": options,
        "USER_SEARCH": _search(
            settings.BULLETIN_LDAP_USER_SEARCH_BASE,
            "BULLETIN_LDAP_USER_SEARCH_BASE",
            settings.BULLETIN_LDAP_USER_FILTER,
        ),
        "GROUP_SEARCH": _search(
            settings.BULLETIN_LDAP_GROUP_SEARCH_BASE,
            "BULLETIN_LDAP_GROUP_SEARCH_BASE",
            settings.BULLETIN_LDAP_GROUP_FILTER or group_filter,
        ),
        "GROUP_TYPE": group_class(),
        # The account is written by sync_external_account, not by the library.
        "ALWAYS_UPDATE_USER": False,
        "CACHE_TIMEOUT": 0,
    }
    # A prefix no setting has: every value comes from `values`, none from AUTH_LDAP_*.
    return ldap_config.LDAPSettings("_BULLETIN_DIRECTORY_", values)


def _attribute(attrs: dict | None, name: str) -> str:
    """The first value of attribute `name` (any case), or ""."""
    if not attrs or not name:
        return ""
    for key, values in attrs.items():
        if key.lower() == name.lower() and values:
            return str(values[0]).strip()
    return ""


class Refused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def standing(group_dns: set[str], attrs: dict | None) -> tuple[str, Unit | None]:
    """(role, unit) for a person in the groups `group_dns` (lower-case DNs, as the library
    gives them) with attributes `attrs`. Raises Refused(NO_GROUP) for a person in no mapped
    group, Refused(NO_UNIT) for a 报送员 or 审核人 whose unit is not found (none, several
    unit groups, or a 简称 this product has no active unit for)."""
    member_of = {normal_dn(dn) for dn in group_dns}
    role = next((role for role, dn in role_groups() if dn in member_of), None)
    if role is None:
        raise Refused(NO_GROUP)
    if role not in UNIT_ROLES:
        return role, None
    if settings.BULLETIN_LDAP_UNIT_GROUPS.strip():
        names = {name for name, dn in unit_groups() if dn in member_of}
    else:
        names = {_attribute(attrs, settings.BULLETIN_LDAP_UNIT_ATTRIBUTE)} - {""}
    if len(names) != 1:
        raise Refused(NO_UNIT)
    unit = Unit.objects.filter(short_name=names.pop(), active=True).first()
    if unit is None:
        raise Refused(NO_UNIT)
    return role, unit


def tell_admins_of_conflict(user: User) -> bool:
    """A directory sign-in was refused because `user` (not a directory account) has the
    name: tell the 管理员 (accounts.signals.directory_account_conflict), unless this account's
    conflict was already refused within BULLETIN_LOGIN_ALERT_HOURS (its audit rows say so).
    Returns whether they were told."""
    since = timezone.now() - timedelta(hours=settings.BULLETIN_LOGIN_ALERT_HOURS)
    if AuditEntry.objects.filter(
        kind=AuditEntry.Kind.LOGIN_FAILED,
        actor_name__iexact=user.username,
        message=AUDIT_NOTES[LOCAL_ACCOUNT],
        at__gte=since,
    ).exists():
        return False
    directory_account_conflict.send(
        sender=User,
        user=user,
        message=(
            f"目录账号“{user.username}”登录被拒：本系统已有同名的{user.get_source_display()}"
            f"（{user.display_name}），未让目录账号接管。如确是同一人改用目录登录，请将原账号改名或停用；"
            "否则请告知本人用原来的方式登录。"
        ),
    )
    return True


def refusal(request: HttpRequest | None) -> str | None:
    """Why the directory refused this login attempt (one of the reasons above), or None."""
    return getattr(request, "directory_refusal", None)


def _refuse(request: HttpRequest | None, reason: str) -> PermissionDenied:
    if request is not None:
        request.directory_refusal = reason
    return PermissionDenied(AUDIT_NOTES[reason])


class DirectoryBackend(LDAPBackend):
    """django-auth-ldap's backend with the settings above and the account written by
    accounts.actions.sync_external_account. Django makes one instance per login attempt,
    so the request can be kept on it."""

    _request: HttpRequest | None = None

    @property
    def settings(self):
        if self._settings is None:
            self._settings = library_settings()
        return self._settings

    @settings.setter
    def settings(self, value):
        self._settings = value

    def authenticate(self, request, username=None, password=None, **kwargs):
        self._request = request
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_or_build_user(self, username: str, ldap_user) -> tuple[User, bool]:
        """Called once the directory accepted the password: the account as the directory
        describes it, saved (so the library saves nothing itself: built is False)."""
        try:
            role, unit = standing(ldap_user.group_dns, ldap_user.attrs)
            described = {
                # Directory names are compared without case (AD's always): one spelling here.
                "username": username.lower(),
                "full_name": _attribute(ldap_user.attrs, settings.BULLETIN_LDAP_NAME_ATTRIBUTE)[:32],
                "email": _attribute(ldap_user.attrs, settings.BULLETIN_LDAP_EMAIL_ATTRIBUTE)[:254],
                "role": role,
                "unit": unit,
            }
            try:
                user = sync_external_account(source=Source.LDAP, **described)
            except IntegrityError:
                # The same person's first sign-in twice at once: the other one created the
                # account a moment ago; this one now finds it and brings it up to date.
                user = sync_external_account(source=Source.LDAP, **described)
        except Refused as error:
            raise _refuse(self._request, error.reason) from None
        except SourceConflict as conflict:
            tell_admins_of_conflict(conflict.user)
            raise _refuse(self._request, LOCAL_ACCOUNT) from None
        except AccountInactive:
            raise _refuse(self._request, INACTIVE) from None
        except ModelValidationError:
            # An e-mail the directory holds that Django would not store, a name too odd:
            # the account is not written, and the person is told to ask, not shown a 500.
            raise _refuse(self._request, INVALID) from None
        return user, False

    def get_user(self, user_id):
        # A session outlives neither the account's switching off nor its change of source.
        user = super().get_user(user_id)
        if user is None or not user.is_active or user.source != Source.LDAP:
            return None
        return user


def directory_error(sender, context, user, request, exception, **kwargs) -> None:
    """django-auth-ldap's `ldap_error`: the directory did not answer (down, timed out, the
    service account refused). The login fails; the form says why."""
    if request is not None and not refusal(request):
        request.directory_refusal = UNAVAILABLE


def connect() -> None:
    ldap_error.connect(directory_error, sender=DirectoryBackend, dispatch_uid="accounts_directory_error")
