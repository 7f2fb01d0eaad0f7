"""The second factor's pages under /accounts/2fa/: the 验证码 page after the password, the
enrolment (QR code, the secret as text, a first code, then the recovery codes once), and
the person's own 双因素认证 page (new recovery codes; remove and enrol again with the
password). The rules and every write are in accounts.second_factor."""

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from accounts import second_factor
from accounts.second_factor import CodeRefused
from text.forms import refuses_markup

# The session key under which the enrolment page keeps the secret it showed.
PENDING_KEY = "second_factor_pending_key"


@refuses_markup()
class CodeForm(forms.Form):
    code = forms.CharField(
        label="验证码",
        max_length=32,
        error_messages={
            "required": "请输入验证码。",
            "max_length": "验证码太长，请检查后重新输入。",
            "null_characters_not_allowed": "验证码中有无法识别的字符，请重新输入。",
        },
    )
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {
                "autocomplete": "one-time-code",
                "autofocus": True,
                "spellcheck": "false",
                "autocapitalize": "off",
            }
        )


@refuses_markup()
class PasswordForm(forms.Form):
    password = forms.CharField(
        label="当前密码",
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "请输入当前密码。"},
    )


def _next_url(request, value: str | None) -> str:
    """A path on this site to go on to, else "/": only "/…" (a bare word would be read as a
    view name by redirect()), and no other host or scheme."""
    if (
        value
        and value.startswith("/")
        and "\x00" not in value
        and url_has_allowed_host_and_scheme(
            value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return value
    return "/"


def _passed(request, device) -> None:
    # A new session key for the session that now holds more rights (OWASP ASVS V3.2.1).
    request.session.cycle_key()
    otp_login(request, device)


def _not_needed(request):
    messages.info(request, "您的账号无需双因素认证。")
    return redirect("home")


@never_cache
@login_required
def verify(request):
    """The 验证码 page: six digits from the authenticator, or one recovery code."""
    if request.second_factor_pending != "verify":
        if request.second_factor_pending == "enrol":
            return redirect("second_factor_enrol")
        if second_factor.role_requires_second_factor(request.user):  # already given
            return HttpResponseRedirect(_next_url(request, request.GET.get("next")))
        return _not_needed(request)
    form = CodeForm(request.POST or None, initial={"next": request.GET.get("next", "")})
    wait = 0
    if request.method == "POST" and form.is_valid():
        try:
            device = second_factor.verify_code(actor=request.user, code=form.cleaned_data["code"])
        except CodeRefused as refusal:
            form.add_error("code", ValidationError(refusal.message, code="refused"))
            wait = refusal.wait
        else:
            _passed(request, device)
            return HttpResponseRedirect(_next_url(request, form.cleaned_data.get("next")))
    response = render(
        request, "accounts/second_factor/verify.html", {"form": form}, status=429 if wait else 200
    )
    if wait:
        response["Retry-After"] = str(wait)
    return response


def _qr_svg(device) -> str:
    """The otpauth:// address as an inline <svg> (segno; drawn here, nothing loaded)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, dark="#000", light="#fff", title="身份验证器二维码"
    )


@never_cache
@login_required
def enrol(request):
    """Bind an authenticator app: scan (or type the secret), confirm with its first code,
    then the recovery codes are shown once."""
    if not second_factor.role_requires_second_factor(request.user):
        return _not_needed(request)
    if second_factor.has_authenticator(request.user):
        messages.info(request, "您已经绑定了身份验证器。")
        return redirect(
            "second_factor_manage" if request.second_factor_pending is None else "second_factor_verify"
        )
    # The secret waits in the session until its first code confirms it.
    key = request.session.get(PENDING_KEY)
    try:
        device = second_factor.new_authenticator(actor=request.user, key=key)
    except ValidationError:  # not a key we made: start again
        device = second_factor.new_authenticator(actor=request.user)
    request.session[PENDING_KEY] = device.key
    form = CodeForm(request.POST or None, initial={"next": request.GET.get("next", "")})
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = second_factor.confirm_enrolment(
                actor=request.user, key=device.key, code=form.cleaned_data["code"]
            )
        except CodeRefused as refusal:
            form.add_error("code", ValidationError(refusal.message, code="refused"))
        except ValidationError as error:
            form.add_error("code", error)
        else:
            request.session.pop(PENDING_KEY, None)
            _passed(request, device)
            return _show_codes(
                request, codes, first=True, next_url=_next_url(request, form.cleaned_data.get("next"))
            )
    context = {
        "form": form,
        "qr_svg": _qr_svg(device),
        "secret": second_factor.secret_text(device),
        "issuer": settings.OTP_TOTP_ISSUER,
        "required": second_factor.role_requires_second_factor(request.user),
    }
    return render(request, "accounts/second_factor/enrol.html", context)


def _show_codes(request, codes: list[str], *, first: bool, next_url: str = "/"):
    text = "杭州人大信息 双因素认证恢复码（每个只能使用一次）\r\n账号：{}\r\n\r\n{}\r\n".format(
        request.user.username, "\r\n".join(codes)
    )
    context = {"codes": codes, "first": first, "next_url": next_url, "download_text": text}
    return render(request, "accounts/second_factor/recovery_codes.html", context)


@never_cache
@login_required
def manage(request):
    """The person's own 双因素认证 page."""
    context = {
        "standing": second_factor.standing(request.user),
        "password_form": PasswordForm(),
    }
    return render(request, "accounts/second_factor/manage.html", context)


@never_cache
@require_POST
@login_required
def renew_codes(request):
    try:
        codes = second_factor.renew_recovery_codes(actor=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("second_factor_manage")
    return _show_codes(request, codes, first=False, next_url=reverse("second_factor_manage"))


@never_cache
@require_POST
@login_required
def disable(request):
    """Remove one's authenticator (re-enrolment): the password is asked again."""
    form = PasswordForm(request.POST)
    if form.is_valid():
        try:
            second_factor.disable_second_factor(
                actor=request.user, password=form.cleaned_data["password"], request=request
            )
        except ValidationError as error:
            form.add_error("password", error)
    if not form.is_valid():
        context = {"standing": second_factor.standing(request.user), "password_form": form}
        return render(request, "accounts/second_factor/manage.html", context, status=400)
    if second_factor.role_requires_second_factor(request.user):
        messages.success(
            request, "已解除原身份验证器的绑定。您的账号必须使用双因素认证，请现在绑定新的身份验证器。"
        )
        return redirect("second_factor_enrol")
    messages.success(request, "已解除身份验证器的绑定，原恢复码也已作废。")
    return redirect("second_factor_manage")
