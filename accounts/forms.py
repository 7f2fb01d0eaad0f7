from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确，请重新输入。注意区分大小写。"
        "连续 5 次输错，账号将被锁定 15 分钟。",
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
