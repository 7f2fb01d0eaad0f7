"""Password rules beyond Django's own (GB/T 22239-2019 level 2, 身份鉴别: 口令复杂度).

Used through AUTH_PASSWORD_VALIDATORS, so the admin, the password change page and
accounts.actions all apply the same rules. Messages are in Chinese.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django_zxcvbn_password_validator import ZxcvbnPasswordValidator


def character_classes(password: str) -> set[str]:
    """Which of upper, lower, digit, symbol occur (non-ASCII letters such as 汉字 count as symbols)."""
    classes = set()
    for char in password:
        if char.isascii() and char.isupper():
            classes.add("upper")
        elif char.isascii() and char.islower():
            classes.add("lower")
        elif char.isdigit():
            classes.add("digit")
        elif not char.isspace() and unicodedata.category(char)[0] != "C":
            classes.add("symbol")
    return classes


class MinimumLengthValidator:
    """Django's rule with the message in Chinese (Django's own is not translated)."""

    def __init__(self, min_length: int = 10):
        self.min_length = min_length

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(f"密码太短，至少需要 {self.min_length} 个字符。", code="password_too_short")

    def get_help_text(self):
        return f"密码至少需要 {self.min_length} 个字符。"


class CharacterClassesValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if len(character_classes(password)) < self.min_classes:
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 种。",
                code="password_too_simple",
            )

    def get_help_text(self):
        return f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 种。"


class NotBlankValidator:
    def validate(self, password, user=None):
        if not password.strip():
            raise ValidationError("密码不能全是空格。", code="password_blank")

    def get_help_text(self):
        return "密码不能全是空格。"


class NotUsernameValidator:
    """The user name itself, reversed, or with different capitals is refused outright
    (Django's similarity check leaves short names through)."""

    def validate(self, password, user=None):
        name = (getattr(user, "username", "") or "").casefold()
        candidate = password.strip().casefold()
        if name and candidate in (name, name[::-1]):
            raise ValidationError("密码不能与用户名相同。", code="password_is_username")

    def get_help_text(self):
        return "密码不能与用户名相同。"


class GuessableValidator(ZxcvbnPasswordValidator):
    """zxcvbn's estimate of how guessable the password is (score 0–4, at least
    PASSWORD_MINIMAL_STRENGTH): it sees through the patterns that pass the rules above —
    a common word with capitals, digits and a symbol added ("Password123!"), letters swapped
    for look-alikes ("P@ssw0rd2026"), years, keyboard rows, repeats.

    One message in Chinese with zxcvbn's own warning and advice (the package's Chinese
    translation, loaded because it is in INSTALLED_APPS).
    """

    # zxcvbn refuses to score longer input; so many characters are not the weak point.
    MAX_SCORED = 72

    def validate(self, password, user=None):
        strength = self.get_strength(password[: self.MAX_SCORED], user)
        if strength["acceptable"]:
            return
        parts = [
            f"密码太容易被猜到（强度 {strength['score']} 级，至少需要 {strength['minimal_strength']} 级）。"
        ]
        if strength["warning"]:
            parts.append(f"{strength['warning']}。")
        advice = "；".join(str(item) for item in strength["suggestions"])
        parts.append(f"建议：{advice or '用几个互不相关的词组成较长的密码'}。")
        raise ValidationError("".join(parts), code="password_too_guessable")

    def get_help_text(self):
        return "密码不能容易被猜到：常见单词加数字和符号、用 @ 代替 a 之类的替换都不够，几个互不相关的词组成的长密码更好。"
