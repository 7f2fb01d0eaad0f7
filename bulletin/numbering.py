"""Issue numbers: 第 N 期 restarts at 1 each calendar year, 总第 M 期 runs on across years."""

import datetime

from django.db.models import Max
from django.utils import timezone

from bulletin.models import Issue, Publication


def propose_numbers(*, publication: Publication, year: int) -> tuple[int, int]:
    """The next (number in year, cumulative number) for a new issue of `publication`."""
    issues = Issue.objects.filter(publication=publication)
    last_in_year = issues.filter(year=year).aggregate(n=Max("number"))["n"] or 0
    last_total = issues.aggregate(n=Max("total_number"))["n"] or 0
    return last_in_year + 1, max(last_total, publication.total_number_base) + 1


def numbers_taken(
    *, publication: Publication, year: int, number: int, total_number: int, exclude: Issue | None = None
) -> list[str]:
    """Chinese messages for each of the numbers another issue already uses."""
    others = Issue.objects.filter(publication=publication)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    problems = []
    if others.filter(year=year, number=number).exists():
        problems.append(f"{year}年第{number}期已经存在。")
    if others.filter(total_number=total_number).exists():
        problems.append(f"总第{total_number}期已经被另一期使用。")
    return problems


MAX_NUMBER_IN_YEAR = 99
MAX_TOTAL_JUMP = 99  # how far past the highest 总期号 a new issue may be numbered
MAX_DAYS_FROM_TODAY = 366


def number_bounds(
    *,
    publication: Publication,
    date: datetime.date,
    number: int,
    total_number: int,
    exclude: Issue | None = None,
    imported: bool = False,
) -> list[str]:
    """Chinese messages for numbers or a date outside sane bounds, so one typo cannot
    poison every later proposal (propose_numbers counts on from the highest numbers).

    Year: from the publication's first year (Publication.first_year) to next year.
    Number in year: 1–99. Date: not later than a year from today (the issue form also
    keeps a new issue's date within a year of today: date_near_today). 总期号 of an issue
    assembled here: at most 99 past the highest so far (or the publication's base), once
    there is one.
    """
    today = timezone.localdate()
    problems = []
    if not 1 <= number <= MAX_NUMBER_IN_YEAR:
        problems.append(f"期号应在 1 到 {MAX_NUMBER_IN_YEAR} 之间（现为 {number}）。")
    if not publication.first_year <= date.year <= today.year + 1:
        problems.append(
            f"出刊年份应在 {publication.first_year} 年（创刊）到 {today.year + 1} 年之间（现为 {date.year} 年）。"
        )
    elif (date - today).days > MAX_DAYS_FROM_TODAY:
        problems.append(f"出刊日期不能晚于明年今日（现为 {date:%Y-%m-%d}）。")
    if total_number < 1:
        problems.append("总期号必须从 1 起。")
    elif not imported:
        others = Issue.objects.filter(publication=publication)
        if exclude is not None:
            others = others.exclude(pk=exclude.pk)
        highest = max(others.aggregate(n=Max("total_number"))["n"] or 0, publication.total_number_base)
        if highest and total_number > highest + MAX_TOTAL_JUMP:
            problems.append(
                f"总期号 {total_number} 比目前最大的总期号 {highest} 大了 {total_number - highest}，"
                f"超过 {MAX_TOTAL_JUMP}，请核对。"
            )
    elif total_number > 99_999:
        problems.append(f"总期号 {total_number} 不合理，请核对。")
    return problems


def date_near_today(date: datetime.date) -> str | None:
    """The issue form's check: an issue being made now is dated within a year of today."""
    if abs((date - timezone.localdate()).days) > MAX_DAYS_FROM_TODAY:
        return f"出刊日期应在今天前后一年以内（现为 {date:%Y-%m-%d}），请核对。"
    return None
