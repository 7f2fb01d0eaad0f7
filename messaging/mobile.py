"""手机号码: the one form a mobile number is kept in (11 digits of a mainland number).

The rule is the numbering plan of the 工业和信息化部: mainland mobile numbers are 11 digits
beginning with 1 and a second digit 3–9. People write them with spaces, hyphens or the
country code (+86 / 0086 / 86); those are dropped before the check so that 短信 gateways get
the bare number they expect.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError

# ASCII digits only: \d would take any script's digits (١٣…), which no gateway dials.
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_SEPARATORS = re.compile(r"[\s\-－—()（）]")


def normalise_mobile(value: str) -> str:
    """The number without separators and country code, full-width digits and signs made
    half-width (NFKC: １３８… → 138…, ＋86 → +86); "" stays "". Never raises."""
    digits = _SEPARATORS.sub("", unicodedata.normalize("NFKC", value or ""))
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            return digits[len(prefix) :]
    return digits


def validate_mobile(value: str) -> None:
    """Raise ValidationError (code "mobile") unless `value` is an 11-digit mainland mobile
    number as normalise_mobile leaves it."""
    if value and not _MOBILE.fullmatch(value):
        raise ValidationError("请填写 11 位手机号码，如 13800000000。", code="mobile")
