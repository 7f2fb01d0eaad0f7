from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from accounts import directory
from accounts.lockout import REFUSED_DELAY, REFUSED_NEW_ADDRESS


class RefusalMixin:
    """A login refused before its password was checked (accounts.lockout) says why,
    instead of "wrong password"."""

    def refused(self) -> bool:
        return getattr(self.request, "login_refusal", None) in (REFUSED_DELAY, REFUSED_NEW_ADDRESS)

    def retry_after(self) -> int:
        """Seconds the login must wait before its next try, or 0."""
        return getattr(self.request, "login_retry_after", 0) if self.request is not None else 0

    def get_invalid_login_error(self):
        if getattr(self.request, "login_refusal", None) == REFUSED_NEW_ADDRESS:
            return ValidationError(
                "该账号近期登录失败次数过多，为防止他人猜测密码，暂时只能从您以前成功登录过的地址（如办公室电脑）登录。"
                "请稍后再试，或联系研究室管理员。",
                code="new_address_closed",
            )
        if seconds := self.retry_after():
            return ValidationError(f"登录尝试过于频繁，请 {seconds} 秒后再试。", code="too_soon")
        if reason := directory.refusal(self.request):
            # The directory accepted the password but this product does not (or the
            # directory did not answer): say which, so the person knows whom to ask.
            return ValidationError(directory.MESSAGES[reason], code=f"directory_{reason}")
        return super().get_invalid_login_error()


class AdminLoginForm(RefusalMixin, AdminAuthenticationForm):
    """The admin site's own login page (/admin/login/)."""


class LoginForm(RefusalMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确，请重新输入。注意区分大小写。"
        "在同一地址连续输错 5 次，将暂停从该地址登录 15 分钟。",
        "inactive": "该账号已停用，请联系管理员。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        self.fields["username"].widget.attrs.update({"autofocus": True, "autocomplete": "username"})

    def clean_username(self):
        # Django only sets the input's maxlength; a longer name never reaches authenticate()
        # (django-axes would store it in a 255-character column).
        username = self.cleaned_data["username"]
        if len(username) > 150:
            raise ValidationError("用户名不能超过 150 个字符。", code="username_too_long")
        return username

    def password_breaks_rules(self) -> bool:
        """After a successful login: whether the password typed fails today's rules."""
        try:
            validate_password(self.cleaned_data.get("password") or "", self.get_user())
        except ValidationError:
            return True
        return False
