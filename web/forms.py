"""Form helpers every app uses: ids from requests, bounded multiple choices, date ranges."""

import datetime as dt

from django import forms

from web.converters import MAX_ID

# Dates typed into a form stay within these years: the office's records start well after 1990,
# and a date such as 0001-01-01 or 9999-12-31 is a slip that would overflow date arithmetic
# (a day before, a month after) further on.
DATE_MIN = dt.date(1990, 1, 1)
DATE_MAX = dt.date(2099, 12, 31)


def check_date_range(value: dt.date | None, label: str) -> dt.date | None:
    """`value` unchanged if it lies in DATE_MIN..DATE_MAX; otherwise a ValidationError
    (code "range") naming the field (`label`, e.g. "起始日期") in Chinese. None passes."""
    if value is not None and not DATE_MIN <= value <= DATE_MAX:
        raise forms.ValidationError(
            f"{label}应在 {DATE_MIN.year} 年至 {DATE_MAX.year} 年之间。", code="range"
        )
    return value


def parse_id(value) -> int | None:
    """A posted or queried id ("12") as an int; None for anything else ("abc", "", "1.5",
    a number beyond any row), so a tampered form finds nothing instead of failing."""
    if isinstance(value, str) and value.isdecimal() and value.isascii():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        return None
    return value


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows by id that refuses ids outside the 64-bit key range
    before querying (an `id__in` lookup with 2**63 overflows the database driver)."""

    def _check_values(self, value):
        for item in value:
            try:
                number = int(str(item))
            except ValueError:
                continue  # Django reports it as an invalid choice
            if not 1 <= number <= MAX_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                )
        return super()._check_values(value)
