"""Single sign-on: OpenID Connect (统一身份认证, through mozilla-django-oidc) and 浙政钉扫码.

Both end in django.contrib.auth.login() with one of the backends below, so the rest of the
app (the audit row of the login, the second-factor check, the idle timeout) sees them as it
sees a password login. The views are in accounts.sso_views; the calls to 浙政钉 in
accounts.zzd; the account writes in accounts.actions (sign_in_oidc_account,
sign_in_zzd_account).

OpenID Connect, as the library does it: the authorization-code flow with PKCE (S256), a
`state` per attempt kept in the session and used once, a `nonce` checked in the ID token,
the ID token's signature checked against the provider's JWKS. Added here: the ID token's
`iss` (BULLETIN_OIDC_ISSUER) and `aud` (our client id) are checked too, and the claims are
mapped to an account by the BULLETIN_OIDC_* settings (docs/operations.md, "统一身份认证与浙政钉登录"):

- user name: the claim BULLETIN_OIDC_USERNAME_CLAIM (preferred_username), else `sub`;
- 姓名 and e-mail: BULLETIN_OIDC_NAME_CLAIM, BULLETIN_OIDC_EMAIL_CLAIM;
- role: the claim BULLETIN_OIDC_ROLE_CLAIM (a role code such as "editor" or its Chinese
  name), else the first group in BULLETIN_OIDC_GROUP_ROLES ({"group": "role"}, in the
  order written) that the groups claim (BULLETIN_OIDC_GROUPS_CLAIM) holds;
- unit (报送员 and 审核人 only): the claim BULLETIN_OIDC_UNIT_CLAIM (a unit's short name or
  full name), else the first group in BULLETIN_OIDC_GROUP_UNITS ({"group": "unit"}).

A person with no role is refused (the provider knows them, this system does not); 审计员 is
never mapped (三员: only manage.py grant_auditor grants it).
"""

import logging
from dataclasses import dataclass

import jwt
import requests
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core import checks
from django.core.exceptions import PermissionDenied, SuspiciousOperation, ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from accounts.actions import sign_in_oidc_account, sign_in_zzd_account
from accounts.models import UNIT_ROLES, Role, Unit
from accounts.zzd import ZzdPerson

logger = logging.getLogger(__name__)

OIDC_BACKEND = "accounts.sso.OIDCBackend"
ZZD_BACKEND = "accounts.sso.ZzdBackend"
# The contract with the second-factor check (accounts.second_factor): the provider says it
# checked a second factor, so this login needs no TOTP code when the office trusts it
# (BULLETIN_SSO_TRUST_PROVIDER_MFA).
MFA_BY_PROVIDER_KEY = "bulletin_mfa_by_provider"
# RFC 8176 authentication method references that are a second factor: "mfa" (several
# factors), "otp" (a one-time code), "hwk" (a hardware key).
MFA_AMR = {"mfa", "otp", "hwk"}


class SignInRefused(Exception):
    """The sign-in cannot go on; `message` is Chinese, for the login page."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def oidc_configured() -> bool:
    """Whether 统一身份认证登录 is set up: the client and the provider's three endpoints."""
    return bool(
        settings.OIDC_RP_CLIENT_ID
        and settings.OIDC_OP_AUTHORIZATION_ENDPOINT
        and settings.OIDC_OP_TOKEN_ENDPOINT
        and (settings.OIDC_OP_JWKS_ENDPOINT or not settings.OIDC_RP_SIGN_ALGO.startswith(("RS", "ES")))
    )


def provider_checked_second_factor(id_claims: dict) -> bool:
    """Whether the ID token says the provider checked a second factor: `amr` holds mfa, otp
    or hwk, or `acr` is one of BULLETIN_SSO_MFA_ACR."""
    amr = id_claims.get("amr") or []
    if isinstance(amr, str):
        amr = amr.split()
    if MFA_AMR & {str(method).lower() for method in amr}:
        return True
    acr = str(id_claims.get("acr") or "")
    return bool(acr) and acr in settings.BULLETIN_SSO_MFA_ACR


@dataclass(frozen=True)
class Profile:
    """What the claims say of the person, mapped to this system's terms."""

    subject: str
    username: str
    full_name: str
    email: str
    role: str
    unit: Unit | None


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return [str(value)]


def _role(value: str) -> str | None:
    value = value.strip()
    for role in Role:
        if value in (role.value, role.label):
            return role.value
    return None


def _unit(value: str) -> Unit | None:
    value = value.strip()
    if not value:
        return None
    return Unit.objects.filter(Q(short_name=value) | Q(name=value), active=True).first()


def map_claims(claims: dict) -> Profile:
    """The account the claims describe (see the module docstring); SignInRefused when they
    give no role, 审计员, or a unit role without a known unit."""
    subject = str(claims.get("sub") or "").strip()
    if not subject:
        raise SignInRefused("统一身份认证没有给出用户标识（sub），无法登录。")
    username = str(claims.get(settings.BULLETIN_OIDC_USERNAME_CLAIM) or subject).strip()[:150]
    name = str(claims.get(settings.BULLETIN_OIDC_NAME_CLAIM) or "").strip()
    email = str(claims.get(settings.BULLETIN_OIDC_EMAIL_CLAIM) or "").strip()
    groups = _as_list(claims.get(settings.BULLETIN_OIDC_GROUPS_CLAIM))

    role = None
    if settings.BULLETIN_OIDC_ROLE_CLAIM:
        given = _as_list(claims.get(settings.BULLETIN_OIDC_ROLE_CLAIM))
        role = next((r for r in map(_role, given) if r), None)
    if role is None:
        role = next((_role(r) for g, r in settings.BULLETIN_OIDC_GROUP_ROLES.items() if g in groups), None)
    who = name or username
    if role is None:
        raise SignInRefused(
            f"统一身份认证确认了您的身份（{who}），但您尚未开通本系统的使用权限。"
            "请联系研究室管理员，在统一身份认证中把您加入本系统的用户组后再登录。"
        )
    if role == Role.AUDITOR:
        raise SignInRefused("统一身份认证不能授予审计员角色（三员分立：审计员只能在服务器上授予）。")

    unit = None
    if role in UNIT_ROLES:
        wanted = []
        if settings.BULLETIN_OIDC_UNIT_CLAIM:
            wanted += _as_list(claims.get(settings.BULLETIN_OIDC_UNIT_CLAIM))
        wanted += [u for g, u in settings.BULLETIN_OIDC_GROUP_UNITS.items() if g in groups]
        unit = next((u for u in map(_unit, wanted) if u), None)
        if unit is None:
            raise SignInRefused(
                f"统一身份认证没有给出您（{who}）所属的报送单位，或该单位不在本系统中。请联系研究室管理员。"
            )
    return Profile(subject=subject, username=username, full_name=name, email=email, role=role, unit=unit)


class OIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend for the code exchange and token checks; the account is
    found or made by the claims mapping above. Called by the callback view with the
    state's nonce and PKCE verifier (keyword-only, so a password login never reaches it)."""

    def authenticate(self, request: HttpRequest, *, oidc_nonce: str, oidc_code_verifier: str | None):
        """The account for the code in `request.GET` (state already checked by the view).

        Leaves the ID token's claims on `request.oidc_id_claims`. Raises SignInRefused with
        a Chinese message for anything the person should be told: the provider unreachable
        or refusing the code, a token that fails its checks, a person without access.
        """
        self.request = request
        code = request.GET.get("code", "")
        redirect_uri = request.build_absolute_uri(reverse(settings.OIDC_AUTHENTICATION_CALLBACK_URL))
        payload = {
            "client_id": self.OIDC_RP_CLIENT_ID,
            "client_secret": self.OIDC_RP_CLIENT_SECRET,
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
        }
        if oidc_code_verifier is not None:
            payload["code_verifier"] = oidc_code_verifier
        try:
            tokens = self.get_token(payload)
            id_claims = self.verify_token(tokens.get("id_token"), nonce=oidc_nonce)
            self._check_issuer_and_audience(id_claims)
            # A provider without a userinfo endpoint puts every claim in the ID token.
            userinfo = (
                self.get_userinfo(tokens.get("access_token"), tokens.get("id_token"), id_claims)
                if self.OIDC_OP_USER_ENDPOINT
                else id_claims
            )
        except requests.HTTPError as error:
            logger.warning("OIDC provider refused the code: %s", error)
            raise SignInRefused("统一身份认证未能确认这次登录（授权码无效或已过期），请重新登录。") from error
        except requests.RequestException as error:
            logger.warning("OIDC provider unreachable: %s", error)
            raise SignInRefused(
                "统一身份认证服务暂时无法访问，请稍后再试，或使用用户名和密码登录。"
            ) from error
        except (SuspiciousOperation, jwt.PyJWTError, ValueError, KeyError, TypeError) as error:
            logger.warning("OIDC token refused: %s", error)
            raise SignInRefused("统一身份认证返回的身份令牌未通过校验，已拒绝登录。") from error
        if str(userinfo.get("sub")) != str(id_claims.get("sub")):
            # OpenID Connect Core 5.3.2: the userinfo must be about the ID token's subject.
            raise SignInRefused("统一身份认证返回的身份令牌未通过校验，已拒绝登录。")
        request.oidc_id_claims = id_claims
        profile = map_claims({**id_claims, **userinfo})
        try:
            return sign_in_oidc_account(
                subject=profile.subject,
                username=profile.username,
                full_name=profile.full_name,
                email=profile.email,
                role=profile.role,
                unit=profile.unit,
            )
        except PermissionDenied as error:
            raise SignInRefused(str(error)) from error
        except ValidationError as error:
            raise SignInRefused("；".join(error.messages)) from error

    def get_user(self, user_id):
        # Django's check, not the library's: a deactivated account's session ends at once.
        return ModelBackend.get_user(self, user_id)

    def _check_issuer_and_audience(self, claims: dict) -> None:
        issuer = settings.BULLETIN_OIDC_ISSUER
        if issuer and claims.get("iss") != issuer:
            raise SuspiciousOperation("ID token issuer mismatch")
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token audience mismatch")


class ZzdBackend(ModelBackend):
    """浙政钉扫码/免登: the account linked to the person the open platform named."""

    def authenticate(self, request: HttpRequest, *, zzd_person: ZzdPerson):
        """The linked account for `zzd_person`; SignInRefused (Chinese) when there is none."""
        try:
            return sign_in_zzd_account(
                account_id=zzd_person.account_id,
                employee_code=zzd_person.employee_code,
                full_name=zzd_person.name,
            )
        except PermissionDenied as error:
            raise SignInRefused(str(error)) from error


def check_settings(app_configs=None, **kwargs) -> list[checks.Error]:
    """System check: BULLETIN_OIDC_GROUP_ROLES names roles this system has, and never 审计员."""
    errors = []
    mapped = list(settings.BULLETIN_OIDC_GROUP_ROLES.items())
    for group, value in mapped:
        role = _role(value)
        if role is None:
            errors.append(
                checks.Error(
                    f"BULLETIN_OIDC_GROUP_ROLES：组“{group}”对应的“{value}”不是本系统的角色。",
                    id="accounts.E101",
                )
            )
        elif role == Role.AUDITOR:
            errors.append(
                checks.Error(
                    f"BULLETIN_OIDC_GROUP_ROLES：组“{group}”不能对应审计员（三员分立：审计员只能用 manage.py grant_auditor 授予）。",
                    id="accounts.E102",
                )
            )
    return errors
