"""Periods of the 信息工作考核 (a year, a quarter, a month, any span of days), in local dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    label: str

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year}年")

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        start = dt.date(year, 3 * quarter - 2, 1)
        end = (dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)) - dt.timedelta(
            days=1
        )
        return cls(start, end, f"{year}年第{'一二三四'[quarter - 1]}季度")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        end = (dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)) - dt.timedelta(days=1)
        return cls(dt.date(year, month, 1), end, f"{year}年{month}月")

    @classmethod
    def between(cls, start: dt.date, end: dt.date) -> Period:
        return cls(
            start, end, f"{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日"
        )


def local_days(field: str, start: dt.date, end: dt.date) -> Q:
    """`field` (a datetime) within the days start..end in local time, as a plain range that an
    index serves (a `__date` lookup computes a date for every row)."""
    zone = timezone.get_current_timezone()
    low = timezone.make_aware(dt.datetime.combine(start, dt.time.min), zone)
    high = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min), zone)
    return Q(**{f"{field}__gte": low, f"{field}__lt": high})
