"""The second factor (双因素认证): who must give a code after the password, and the one way to
enrol, verify, renew recovery codes, disable and reset.

A person has at most one confirmed authenticator (django-otp's TOTPDevice: RFC 6238, six
digits every 30 seconds) and one set of recovery codes (django-otp's StaticDevice with
RECOVERY_CODES single-use tokens). The roles in BULLETIN_2FA_ROLES (default 管理员 and
审计员; GB/T 22239-2019 level 3 "双因素鉴别" for administrators, OWASP ASVS V2.7/V2.8 for
sensitive roles) are held after the password until a code is given
(accounts.second_factor_middleware); a directory or single sign-on login whose provider
checked a second factor itself (session["bulletin_mfa_by_provider"], set by accounts.sso)
counts as given while BULLETIN_SSO_TRUST_PROVIDER_MFA is on.

A code is checked by django-otp: a TOTP code is accepted once (the device's last_t: a code
already used, or an older one, is refused) within one step of our clock; each wrong code
doubles the wait before the next check (OTP_TOTP_THROTTLE_FACTOR, per device), and is
written to the audit log. Recovery codes are deleted when used.

三员: a 管理员 resets another person's second factor (never their own, never a 审计员's — a
管理员 who could reset the 审计员's second factor and password could read the log as the
审计员); a 审计员's is reset only on the server (``manage.py reset_second_factor``).
"""

import base64
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.lockout import REFUSED_DELAY, REFUSED_LOCKED, REFUSED_NEW_ADDRESS
from accounts.models import Role, User
from accounts.permissions import can_reset_second_factor
from audit.records import Kind, record

RECOVERY_CODES = 10
# Set by the single sign-on helper (accounts.sso) when the provider's ID token says it
# checked a second factor (amr "mfa"/"otp"/"hwk", or an acr in BULLETIN_SSO_MFA_ACR).
PROVIDER_MFA_KEY = "bulletin_mfa_by_provider"
AUTHENTICATOR_NAME = "身份验证器"
RECOVERY_NAME = "恢复码"

Step = Literal["enrol", "verify"]


# --- who must give a code ---------------------------------------------------------------


def role_requires_second_factor(user) -> bool:
    """Whether the person's role is one of BULLETIN_2FA_ROLES (no database query)."""
    return bool(user and user.is_authenticated and user.role in settings.BULLETIN_2FA_ROLES)


def has_authenticator(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def provider_checked(request) -> bool:
    """The directory or single sign-on provider checked a second factor for this session,
    and the office trusts it (BULLETIN_SSO_TRUST_PROVIDER_MFA)."""
    return settings.BULLETIN_SSO_TRUST_PROVIDER_MFA and request.session.get(PROVIDER_MFA_KEY) is True


def pending_step(request) -> Step | None:
    """What the signed-in person still has to do before any page: "enrol" (no
    authenticator yet), "verify" (give a code), or None (nothing: not required, verified
    with a code here, or by the provider). Reads request.user.otp_device (OTPMiddleware)."""
    user = request.user
    if not role_requires_second_factor(user):
        return None
    if getattr(user, "otp_device", None) is not None or provider_checked(request):
        return None
    return "verify" if has_authenticator(user) else "enrol"


# --- reading the state for a page -------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """What the 双因素认证 page shows: the authenticator's dates and the codes left."""

    enrolled_at: datetime | None
    last_used_at: datetime | None
    recovery_codes_left: int
    required: bool


def standing(user: User) -> Standing:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).only("created_at", "last_used_at").first()
    left = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    return Standing(
        enrolled_at=device.created_at if device else None,
        last_used_at=device.last_used_at if device else None,
        recovery_codes_left=left,
        required=role_requires_second_factor(user),
    )


def secret_text(device: TOTPDevice) -> str:
    """The secret as an authenticator app asks for it when typed: base32, in groups of four."""
    plain = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(plain[i : i + 4] for i in range(0, len(plain), 4))


def format_recovery_code(token: str) -> str:
    return "-".join(token[i : i + 4] for i in range(0, len(token), 4))


def _normalize_code(code: str) -> str:
    return "".join(ch for ch in code.strip().lower() if ch not in " -\u3000")


def _is_totp_code(code: str) -> bool:
    return len(code) == 6 and code.isascii() and code.isdigit()


# --- the one way to change it -----------------------------------------------------------


class CodeRefused(Exception):
    """A code that was not accepted; `message` says why in Chinese, `wait` is the seconds
    before the next code will be checked (0 when it may be tried at once)."""

    def __init__(self, message: str, *, wait: int = 0):
        super().__init__(message)
        self.message = message
        self.wait = wait


def _wait_seconds(device) -> int:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return 0
    until = (data or {}).get("locked_until")
    if until is None:
        return 1
    return max(1, int((until - timezone.now()).total_seconds() + 0.999))


def _throttled(wait: int) -> CodeRefused:
    return CodeRefused(f"验证码输错次数较多，请 {wait} 秒后再试。", wait=wait)


def _new_recovery_tokens() -> list[str]:
    # 16 base32 characters: 80 random bits each, the most django-otp's token column holds.
    return [base64.b32encode(secrets.token_bytes(10)).decode("ascii").lower() for _ in range(RECOVERY_CODES)]


def _replace_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    tokens = _new_recovery_tokens()
    StaticToken.objects.bulk_create(StaticToken(device=device, token=token) for token in tokens)
    return [format_recovery_code(token) for token in tokens]


def new_authenticator(*, actor: User, key: str | None = None) -> TOTPDevice:
    """The authenticator the enrolment page shows, not saved: a fresh secret, or `key`
    (hex, as kept in the session between showing the QR code and its first code, so a
    reloaded page shows the code already scanned). Nothing is written until a code
    confirms it (a GET changes nothing)."""
    device = TOTPDevice(user=actor, name=AUTHENTICATOR_NAME, confirmed=False)
    if key is not None:
        device.key = key
    device.full_clean(exclude=["user"], validate_unique=False)
    return device


def confirm_enrolment(*, actor: User, key: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """The first code from the newly scanned authenticator (secret `key`, hex) confirms
    it. Returns the device and the RECOVERY_CODES recovery codes (shown once; only they
    are ever shown).

    CodeRefused: the code is wrong (counted by the device's throttling and in the audit
    log — both committed) or comes too soon after wrong ones. ValidationError "enrolled"
    when the person already has an authenticator (re-enrolment goes through
    disable_second_factor, which asks for the password)."""
    with transaction.atomic():
        if has_authenticator(actor):
            raise ValidationError(
                "您已经绑定了身份验证器；如需更换手机，请先在“双因素认证”页解除绑定。", code="enrolled"
            )
        device = TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=False, key=key).first()
        if device is None:
            # The first code typed for this secret: the row that keeps its wrong tries.
            TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
            device = new_authenticator(actor=actor, key=key)
            device.save()
        if wait := _wait_seconds(device):
            raise _throttled(wait)
        if device.verify_token(_normalize_code(code)):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = _replace_recovery_codes(actor)
            record(
                Kind.SECOND_FACTOR_ENROLLED,
                actor=actor,
                obj=actor,
                after={"recovery_codes": RECOVERY_CODES},
                message=f"绑定身份验证器，生成 {RECOVERY_CODES} 个恢复码",
            )
            return device, codes
        _record_failure(actor, purpose="绑定", method="totp")
    raise CodeRefused(WRONG_TOTP)


WRONG_TOTP = "验证码不正确或已使用过，请输入手机上显示的最新 6 位验证码。"
WRONG_RECOVERY = "恢复码不正确或已使用过。每个恢复码只能使用一次。"


def _record_failure(actor: User, *, purpose: str, method: str) -> None:
    # Written in a transaction that commits although the caller then refuses: a wrong code
    # stays counted (as does the device's throttling).
    record(
        Kind.SECOND_FACTOR_FAILED,
        actor=actor,
        obj=actor,
        after={"method": method},
        message=f"{purpose}时输入的{'验证码' if method == 'totp' else '恢复码'}不正确",
    )


def verify_code(*, actor: User, code: str) -> TOTPDevice | StaticDevice:
    """Check a code the person typed after the password: six digits against the
    authenticator, anything else against the recovery codes (a used one is deleted).
    Returns the device that accepted it (the caller marks the session, django_otp.login).

    CodeRefused: wrong, already used, or too soon after wrong codes. Each wrong code
    checked is one audit row; each success one row naming the method (and, for a recovery
    code, how many are left)."""
    normalized = _normalize_code(code)
    if not normalized:
        raise CodeRefused("请输入验证码。")
    with transaction.atomic():
        if _is_totp_code(normalized):
            device = TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=True).first()
            if device is None:
                raise CodeRefused("您还没有绑定身份验证器。")
            method = "totp"
        else:
            device = StaticDevice.objects.select_for_update().filter(user=actor, confirmed=True).first()
            if device is None:
                raise CodeRefused("恢复码不正确。您还没有恢复码，请联系管理员重置双因素认证。")
            method = "recovery"
        if wait := _wait_seconds(device):
            raise _throttled(wait)
        accepted = device.verify_token(normalized)
        if accepted:
            after = {"method": method}
            message = "输入动态验证码" if method == "totp" else "使用一个恢复码"
            if method == "recovery":
                after["recovery_codes_left"] = device.token_set.count()
                message += f"（剩余 {after['recovery_codes_left']} 个）"
            record(Kind.SECOND_FACTOR_VERIFIED, actor=actor, obj=actor, after=after, message=message)
            return device
        _record_failure(actor, purpose="登录", method=method)
    raise CodeRefused(WRONG_TOTP if method == "totp" else WRONG_RECOVERY)


@transaction.atomic
def renew_recovery_codes(*, actor: User) -> list[str]:
    """A new set of RECOVERY_CODES recovery codes in place of the old (all of which stop
    working). Only for a person with an authenticator; audited without the codes."""
    if not has_authenticator(actor):
        raise ValidationError("请先绑定身份验证器。", code="not_enrolled")
    codes = _replace_recovery_codes(actor)
    record(Kind.RECOVERY_CODES_RENEWED, actor=actor, obj=actor, after={"recovery_codes": RECOVERY_CODES})
    return codes


def disable_second_factor(*, actor: User, password: str, request) -> None:
    """The person removes their own authenticator and recovery codes (a new phone: they
    enrol again at once if their role requires it). Needs the current password, asked
    through authenticate() like the login page: the login lockout, its growing wait and its
    audit rows count these guesses too (a session left open is not a way to guess the
    password), and a directory account answers with its directory password.
    ValidationError (Chinese; code "wrong_password", "wait" or "locked") when it is refused."""
    # Outside any transaction of ours: a refused guess must stay counted.
    user = authenticate(request, username=actor.get_username(), password=password)
    if user is None or user.pk != actor.pk:
        refusal = getattr(request, "login_refusal", None)
        if refusal == REFUSED_DELAY:
            wait = getattr(request, "login_retry_after", 1)
            raise ValidationError(f"密码错误次数较多，请 {wait} 秒后再试。", code="wait")
        if refusal in (REFUSED_LOCKED, REFUSED_NEW_ADDRESS):
            raise ValidationError("密码错误次数过多，已暂时锁定，请稍后再试或联系管理员。", code="locked")
        raise ValidationError("密码不正确。", code="wrong_password")
    _remove_own_devices(actor)


@transaction.atomic
def _remove_own_devices(actor: User) -> None:
    removed = _remove_devices(actor)
    record(
        Kind.SECOND_FACTOR_DISABLED, actor=actor, obj=actor, before={"devices": removed}, after={"devices": 0}
    )


@transaction.atomic
def reset_second_factor(*, actor: User | None, user: User, operator: str = "") -> int:
    """A 管理员 (or the server, actor None with the OS `operator`) removes someone's
    authenticator and recovery codes: the lost-phone case. They enrol again at their next
    login (a session already open is held at once: its device is gone). Returns the number
    of devices removed. PermissionDenied for one's own account and for a 审计员 (三员)."""
    if not can_reset_second_factor(actor, user):
        if actor is not None and actor.pk == user.pk:
            raise PermissionDenied(
                "不能重置自己的双因素认证；请由另一位管理员操作，或在“双因素认证”页凭密码解除绑定。"
            )
        if user.role == Role.AUDITOR:
            raise PermissionDenied(
                "审计员的双因素认证不能由管理员重置（三员分立），"
                "请在服务器上运行 manage.py reset_second_factor 用户名。"
            )
        raise PermissionDenied("只有管理员可以重置双因素认证。")
    removed = _remove_devices(user)
    record(
        Kind.SECOND_FACTOR_RESET,
        actor=actor,
        actor_name=operator or None,
        obj=user,
        before={"devices": removed},
        after={"devices": 0},
        message=(f"服务器命令（操作系统用户 {operator}）；" if operator else "")
        + "下次登录须重新绑定身份验证器",
    )
    return removed


def _remove_devices(user: User) -> int:
    removed = TOTPDevice.objects.filter(user=user).delete()[1].get(TOTPDevice._meta.label, 0)
    removed += StaticDevice.objects.filter(user=user).delete()[1].get(StaticDevice._meta.label, 0)
    return removed
