from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError


class TooSoonMixin:
    """The login was refused for coming too soon after a failure (accounts.lockout): say
    how long to wait instead of "wrong password" — the password was not checked."""

    def retry_after(self) -> int:
        """Seconds the login must wait before its next try, or 0."""
        return getattr(self.request, "login_retry_after", 0) if self.request is not None else 0

    def get_invalid_login_error(self):
        if seconds := self.retry_after():
            return ValidationError(f"登录尝试过于频繁，请 {seconds} 秒后再试。", code="too_soon")
        return super().get_invalid_login_error()


class AdminLoginForm(TooSoonMixin, AdminAuthenticationForm):
    """The admin site's own login page (/admin/login/)."""


class LoginForm(TooSoonMixin, AuthenticationForm):
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
