"""Issue numbers: 第 N 期 restarts at 1 each calendar year, 总第 M 期 runs on across years."""

from django.db.models import Max

from .models import Issue, Publication


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
