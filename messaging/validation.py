"""What a mobile number (messaging.mobile) and a 浙政钉 accountId must look like, with
Chinese messages."""

import re

from django.core.exceptions import ValidationError

from messaging.mobile import normalise_mobile, validate_mobile

# 浙政钉 (专有钉钉) accountId: the number the directory gives each person; letters, digits,
# "_" and "-" accepted for other 专有钉钉 tenants, up to 64.
ACCOUNT_ID = re.compile(r"^[0-9A-Za-z_-]{1,64}$")


def normalize_mobile(value: str) -> str:
    """The 11 digits of a mainland mobile number, or "" for an empty value; ValidationError
    (code "mobile") otherwise. The one rule of messaging.mobile (the 短信 channel's too)."""
    digits = normalise_mobile(value)
    validate_mobile(digits)
    return digits


def normalize_account_id(value: str) -> str:
    """A 浙政钉 accountId without surrounding spaces, or ""; ValidationError (code
    "zzd_account_id") for anything else."""
    value = (value or "").strip()
    if value and not ACCOUNT_ID.match(value):
        raise ValidationError(
            "浙政钉账号 ID 只能由数字、字母、下划线和连字符组成（不超过 64 位），请从浙政钉通讯录中复制。",
            code="zzd_account_id",
        )
    return value


def masked_mobile(value: str) -> str:
    """138****5678: a number in the audit log without the whole of it."""
    return f"{value[:3]}****{value[-4:]}" if len(value) == 11 else value
