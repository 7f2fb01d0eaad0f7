"""The single sign-on pages: off to the provider, and back with a code.

Thin: each callback checks its `state`, asks accounts.sso for the account, signs the person
in with django.contrib.auth.login (the backend named, so the session and the second-factor
check see an ordinary login) and goes on; a refusal is a Chinese message on the login page
and a row in the audit log (accounts.logins.record_sso_refusal).
"""

import secrets
import time

from django.conf import settings
from django.contrib import auth, messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from accounts import zzd
from accounts.logins import record_sso_refusal
from accounts.sso import (
    MFA_BY_PROVIDER_KEY,
    OIDC_BACKEND,
    ZZD_BACKEND,
    OIDCBackend,
    SignInRefused,
    ZzdBackend,
    oidc_configured,
    provider_checked_second_factor,
)

OIDC = "统一身份认证"
ZZD = "浙政钉"
ZZD_STATES_KEY = "zzd_login_states"
# A 浙政钉 login not finished within this many seconds must start again; at most this many
# are kept open in one session (several tabs).
ZZD_STATE_SECONDS = 600
ZZD_MAX_STATES = 10
STALE_STATE = "这次登录已失效，或不是从本系统发起的，请回到登录页重新登录。"


def _refuse(request: HttpRequest, source: str, message: str) -> HttpResponse:
    # The message may quote the provider (or a forged link): only printable text is shown
    # and stored (PostgreSQL refuses a NUL in the audit row).
    message = "".join(ch for ch in message if ch.isprintable())
    record_sso_refusal(source=source, message=message, request=request)
    messages.error(request, message)
    return redirect("login")


def _safe_next(request: HttpRequest, url: str | None) -> str | None:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


def _signed_in(request: HttpRequest, user, backend: str, next_url: str | None) -> HttpResponse:
    auth.login(request, user, backend=backend)
    return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


class OIDCStartView(OIDCAuthenticationRequestView):
    """To the provider's authorization endpoint, with a new state, nonce and PKCE challenge
    kept in the session (mozilla-django-oidc)."""

    def get(self, request):
        if not oidc_configured():
            raise Http404("未配置统一身份认证")
        return super().get(request)


@require_GET
def oidc_callback(request: HttpRequest) -> HttpResponse:
    """Back from the provider: `code` and `state`, or `error`."""
    if not oidc_configured():
        raise Http404("未配置统一身份认证")
    states = request.session.get("oidc_states")
    states = states if isinstance(states, dict) else {}
    state = request.GET.get("state", "")
    # Used once, whatever happens next: a replayed callback finds nothing.
    pending = states.pop(state, None) if state else None
    request.session["oidc_states"] = states
    if request.GET.get("error"):
        reason = (request.GET.get("error_description") or request.GET.get("error"))[:200]
        return _refuse(request, OIDC, f"统一身份认证未完成登录（{reason}）。请重新登录。")
    if not request.GET.get("code") or not isinstance(pending, dict):
        return _refuse(request, OIDC, STALE_STATE)
    next_url = _safe_next(request, request.session.get("oidc_login_next"))
    try:
        user = OIDCBackend().authenticate(
            request, oidc_nonce=pending.get("nonce"), oidc_code_verifier=pending.get("code_verifier")
        )
    except SignInRefused as refusal:
        return _refuse(request, OIDC, refusal.message)
    response = _signed_in(request, user, OIDC_BACKEND, next_url)
    if provider_checked_second_factor(request.oidc_id_claims):
        request.session[MFA_BY_PROVIDER_KEY] = True
    return response


@require_GET
def zzd_start(request: HttpRequest) -> HttpResponse:
    """To the 浙政钉 login page (the QR code), with a new state kept in the session."""
    if not zzd.configured():
        raise Http404("未配置浙政钉扫码登录")
    now = time.time()
    states = request.session.get(ZZD_STATES_KEY)
    states = {
        key: value
        for key, value in (states.items() if isinstance(states, dict) else [])
        if isinstance(value, dict) and now - value.get("at", 0) < ZZD_STATE_SECONDS
    }
    for old in sorted(states, key=lambda key: states[key]["at"])[: max(len(states) - ZZD_MAX_STATES + 1, 0)]:
        del states[old]
    state = secrets.token_urlsafe(24)
    states[state] = {"at": now, "next": _safe_next(request, request.GET.get("next"))}
    request.session[ZZD_STATES_KEY] = states
    callback = request.build_absolute_uri(reverse("sso_zzd_callback"))
    return HttpResponseRedirect(zzd.login_url(redirect_uri=callback, state=state))


@require_GET
def zzd_callback(request: HttpRequest) -> HttpResponse:
    """Back from the 浙政钉 login page with `code` and `state`."""
    if not zzd.configured():
        raise Http404("未配置浙政钉扫码登录")
    states = request.session.get(ZZD_STATES_KEY)
    states = states if isinstance(states, dict) else {}
    state = request.GET.get("state", "")
    pending = states.pop(state, None) if state else None
    request.session[ZZD_STATES_KEY] = states
    code = request.GET.get("code", "").strip()
    if not code or not isinstance(pending, dict) or time.time() - pending.get("at", 0) >= ZZD_STATE_SECONDS:
        return _refuse(request, ZZD, STALE_STATE)
    try:
        person = zzd.person_by_code(code[:256])
        user = ZzdBackend().authenticate(request, zzd_person=person)
    except zzd.ZzdError as error:
        return _refuse(request, ZZD, error.message)
    except SignInRefused as refusal:
        return _refuse(request, ZZD, refusal.message)
    return _signed_in(request, user, ZZD_BACKEND, _safe_next(request, pending.get("next")))
