"""Issue numbers: 第 N 期 restarts at 1 each calendar year, 总第 M 期 runs on across years."""

import datetime

from django.db.models import Max, Q
from django.utils import timezone

from bulletin.models import Issue, Publication
from bulletin.sequence import Neighbour, Slip, expected_after, sequence_slips


def propose_numbers(*, publication: Publication, year: int) -> tuple[int, int]:
    """The next (number in year, cumulative number) for a new issue of `publication`: the
    numbers after the last issue of `year` or before (``previous_issue``, by year and 期号),
    so the proposal is what the sequence check expects. Without one, 第1期 and the 总期号
    after the publication's base. A 总期号 already taken, or not above every earlier
    issue's (older data with a wrong one), gives way to the one after the highest."""
    issues = Issue.objects.filter(publication=publication)
    last_total = issues.aggregate(n=Max("total_number"))["n"] or 0
    before = previous_issue(publication_id=publication.pk, year=year, number=MAX_NUMBER_IN_YEAR + 1)
    if before is None:
        return 1, max(last_total, publication.total_number_base) + 1
    number, total = expected_after(Neighbour(before.year, before.number, before.total_number), year)
    earlier_highest = (
        issues.filter(Q(year__lt=year) | Q(year=year, number__lt=number)).aggregate(n=Max("total_number"))[
            "n"
        ]
        or 0
    )
    if total <= earlier_highest or issues.filter(total_number=total).exists():
        # A wrong 总期号 left by older data (总第74期 after 总第704期) or a number taken:
        # going on from it would be refused (numbers_taken), so go on from the highest.
        total = last_total + 1
    return number, total


def numbers_of(issue: Issue) -> dict:
    """An issue's numbers as ``numbers_taken`` and ``sequence_problems`` take them (the
    issue itself left out of the comparison)."""
    return {
        "publication": issue.publication,
        "year": issue.year,
        "number": issue.number,
        "total_number": issue.total_number,
        "exclude": issue,
    }


def numbers_taken(
    *, publication: Publication, year: int, number: int, total_number: int, exclude: Issue | None = None
) -> list[str]:
    """Chinese messages for each of the numbers another issue already uses, and for a 总期号
    out of order with the other issues' (below an earlier issue's or above a later one's):
    refusals no recorded reason lifts."""
    others = Issue.objects.filter(publication=publication)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    problems = []
    if others.filter(year=year, number=number).exists():
        problems.append(f"{year}年第{number}期已经存在。")
    if others.filter(total_number=total_number).exists():
        problems.append(f"总第{total_number}期已经被另一期使用。")
        return problems
    # 总期号 only ever grows with (year, 期号): one below an earlier issue's or above a later
    # one's is a typo whatever reason is given (总第74期 among the 700s), and it would make
    # every later proposal count on from it.
    earlier = others.filter(Q(year__lt=year) | Q(year=year, number__lt=number), total_number__gt=total_number)
    later = others.filter(Q(year__gt=year) | Q(year=year, number__gt=number), total_number__lt=total_number)
    if (clash := earlier.order_by("-total_number").first()) is not None:
        problems.append(
            f"总期号应随期号递增：前面的{clash.year}年第{clash.number}期已是总第{clash.total_number}期，"
            f"本期不能是总第{total_number}期。"
        )
    elif (clash := later.order_by("total_number").first()) is not None:
        problems.append(
            f"总期号应随期号递增：后面的{clash.year}年第{clash.number}期是总第{clash.total_number}期，"
            f"本期不能是总第{total_number}期。"
        )
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


# --- the sequence: each issue follows the one before it ------------------------------------


def next_issue(*, publication_id: int, year: int, number: int, exclude_pk: int | None = None) -> Issue | None:
    """The issue that follows (year, number): the least (year, number) above it."""
    later = Issue.objects.filter(publication_id=publication_id).filter(
        Q(year__gt=year) | Q(year=year, number__gt=number)
    )
    if exclude_pk is not None:
        later = later.exclude(pk=exclude_pk)
    return later.order_by("year", "number").first()


def _slips_before(following: Neighbour, *, year: int, number: int, total_number: int) -> list[str]:
    """An issue numbered in before one that exists (a step back) must lead into it: the
    期号 one less in the same year, the 总期号 one less. One sentence, or none."""
    want_number = following.number - 1 if following.year == year else number
    want_total = following.total_number - 1
    if (number, total_number) == (want_number, want_total):
        return []
    return [
        f"下一期已是{following.label}，本期应为第{want_number}期（总第{want_total}期），"
        f"现填第{number}期（总第{total_number}期）。"
    ]


def _one_sentence(
    previous: Neighbour, slips: list[Slip], *, year: int, number: int, total_number: int
) -> str:
    """The slips of one issue said once: 上一期是…，本期应为…，现填第16期（总第74期）。"""
    if len(slips) == 2:
        want_number, want_total = expected_after(previous, year)
        want = f"第{want_number}期（总第{want_total}期）"
        if year != previous.year:
            want = f"{year}年" + want
        return f"上一期是{previous.label}，本期应为{want}，现填第{number}期（总第{total_number}期）。"
    return "".join(slip.message for slip in slips)


def previous_issue(
    *, publication_id: int, year: int, number: int, exclude_pk: int | None = None
) -> Issue | None:
    """The issue this one follows: the publication's issue with the greatest (year, number)
    below (year, number) — published, imported or still in assembly, since each has taken
    its numbers. Ordered by year and 期号, never by 总期号: a wrong 总期号 (总第74期 among the
    700s) must not make a later issue compare itself with the wrong one."""
    earlier = Issue.objects.filter(publication_id=publication_id).filter(
        Q(year__lt=year) | Q(year=year, number__lt=number)
    )
    if exclude_pk is not None:
        earlier = earlier.exclude(pk=exclude_pk)
    return earlier.order_by("-year", "-number").first()


def sequence_problems(
    *, publication: Publication, year: int, number: int, total_number: int, exclude: Issue | None = None
) -> list[str]:
    """The sequence check of the issue form and of 刊发 (messages as ``sequence_slips``).

    Against the issue before it (``previous_issue``); the first issue of a publication has
    no 期号 to follow, only its 总期号 after the publication's base
    (Publication.total_number_base), when one is set. Duplicates are ``numbers_taken``'s."""
    exclude_pk = exclude.pk if exclude is not None else None
    before = previous_issue(publication_id=publication.pk, year=year, number=number, exclude_pk=exclude_pk)
    problems = []
    if before is not None:
        previous = Neighbour(before.year, before.number, before.total_number)
        slips = sequence_slips(previous, year=year, number=number, total_number=total_number)
        if slips:
            problems.append(
                _one_sentence(previous, slips, year=year, number=number, total_number=total_number)
            )
    after = next_issue(publication_id=publication.pk, year=year, number=number, exclude_pk=exclude_pk)
    if after is not None:
        problems += _slips_before(
            Neighbour(after.year, after.number, after.total_number),
            year=year,
            number=number,
            total_number=total_number,
        )
    if before is not None or after is not None:
        return problems
    base = publication.total_number_base
    if base and total_number != base + 1:
        return [f"本刊此前最后一期为总第{base}期，本期应为总第{base + 1}期，现填总第{total_number}期。"]
    return []


NUMBERING_REASON_ASKED = "如确需这样编号（如停刊、合刊、增刊占号），请勾选确认并填写理由；理由会记录在本期。"
