"""报送任务: which quota holds for a unit, and how far each unit has come (reads only).

A rule (`Quota`) is for one unit or for every unit of a kind, monthly or quarterly, from its
start until its end. On a given day a unit's own rule outranks its kind's; among several,
the one that started last holds. A quota period is judged by the rule in force on its last
day. A piece counts once, in the period in which it first reached the editor
(`Submission.first_submitted_at`: 报送, or 签发 where the unit has a 审核人).

Every function here makes a fixed number of queries whatever the number of units or pieces:
the rules (one query), the units (one) and the counts (one grouped query).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.models import Unit
from assessment.models import Quota
from assessment.periods import Period, local_days
from submissions.models import Submission


def period_of(kind: str, day: dt.date) -> Period:
    """The month or quarter (Quota.Period) that contains `day`."""
    if kind == Quota.Period.QUARTER:
        return Period.quarter(day.year, (day.month - 1) // 3 + 1)
    return Period.month(day.year, day.month)


def period_start(kind: str, day: dt.date) -> dt.date:
    return period_of(kind, day).start


def load_rules() -> list[Quota]:
    return list(Quota.objects.select_related("unit").order_by("-starts", "-id"))


def rule_for(unit: Unit, day: dt.date, rules: Iterable[Quota]) -> Quota | None:
    """The rule in force for `unit` on `day` (`rules` ordered latest start first); None when
    none holds, or when the unit's own rule exempts it (应报 0 篇, 免报: e.g. the 研究室,
    the editor's own office, under the rule for every 市直工委)."""
    in_force = [r for r in rules if r.starts <= day and (r.ends is None or day <= r.ends)]
    own = next((r for r in in_force if r.unit_id == unit.pk), None)
    if own is not None:
        return own if own.count else None
    return next((r for r in in_force if not r.unit_id and r.unit_kind == unit.kind), None)


def counts_by_month(start: dt.date, end: dt.date, units: Iterable[Unit] | None = None) -> dict:
    """{(unit id, first day of month): pieces first submitted} for start..end (one query)."""
    pieces = Submission.objects.filter(local_days("first_submitted_at", start, end))
    if units is not None:
        pieces = pieces.filter(unit__in=[u.pk for u in units])
    rows = (
        pieces.annotate(month=TruncMonth("first_submitted_at", tzinfo=timezone.get_current_timezone()))
        .order_by()
        .values("unit", "month")
        .annotate(n=Count("id"))
    )
    out: dict[tuple[int, dt.date], int] = {}
    for row in rows:
        month = row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]
        out[(row["unit"], month)] = out.get((row["unit"], month), 0) + row["n"]
    return out


def _months(period: Period) -> list[dt.date]:
    months, cursor = [], period.start.replace(day=1)
    while cursor <= period.end:
        months.append(cursor)
        cursor = (cursor.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


def _done(counts: dict, unit: Unit, period: Period) -> int:
    return sum(counts.get((unit.pk, month), 0) for month in _months(period))


@dataclass
class Progress:
    """One unit's quota in one period: 应报 (due), 已报 (done), 差额 (short)."""

    unit: Unit
    rule: Quota
    period: Period
    done: int
    today: dt.date

    @property
    def due(self) -> int:
        return self.rule.count

    @property
    def short(self) -> int:
        return max(0, self.due - self.done)

    @property
    def met(self) -> bool:
        return self.short == 0

    @property
    def started(self) -> bool:
        """Has the period begun? A future month viewed ahead has no countdown yet."""
        return self.period.start <= self.today

    @property
    def days_left(self) -> int:
        """Days until the period ends, counting today (0 once it has ended); for a period not
        yet begun, its whole length."""
        return max(0, (self.period.end - max(self.today, self.period.start)).days + 1)

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / self.due)) if self.due else 100


def unit_progress(unit: Unit, today: dt.date | None = None) -> Progress | None:
    """The unit's quota for the period containing today, or None when none holds (2 queries)."""
    today = today or timezone.localdate()
    rule = rule_for(unit, today, load_rules())
    if rule is None:
        return None
    period = period_of(rule.period, today)
    counts = counts_by_month(period.start, period.end, [unit])
    return Progress(unit=unit, rule=rule, period=period, done=_done(counts, unit, period), today=today)


def progress_table(day: dt.date, *, today: dt.date | None = None) -> list[Progress]:
    """Every active unit with a quota on `day`: 应报 / 已报 / 差额 for the period containing it
    (3 queries)."""
    today = today or timezone.localdate()
    rules = load_rules()
    units = list(Unit.objects.filter(active=True).order_by("kind", "position", "id"))
    chosen = [(unit, rule) for unit in units if (rule := rule_for(unit, day, rules)) is not None]
    if not chosen:
        return []
    periods = {unit.pk: period_of(rule.period, day) for unit, rule in chosen}
    start = min(p.start for p in periods.values())
    end = max(p.end for p in periods.values())
    counts = counts_by_month(start, end)
    return [
        Progress(
            unit=unit,
            rule=rule,
            period=periods[unit.pk],
            done=_done(counts, unit, periods[unit.pk]),
            today=today,
        )
        for unit, rule in chosen
    ]


def ended_periods(period: Period, units: list[Unit], *, today: dt.date | None = None) -> list[Progress]:
    """Quota periods that ended within `period` (and before today), for every unit with a quota:
    what the statistics judge as 漏报 (3 queries at most: rules, counts; units are given)."""
    today = today or timezone.localdate()
    due_until = min(period.end, today - dt.timedelta(days=1))
    if due_until < period.start:
        return []
    rules = load_rules()
    if not rules:
        return []
    wanted: list[tuple[Unit, Quota, Period]] = []
    # Every month end in the range is a possible period end (a quarter ends with its third month).
    for month in _months(Period.between(period.start, due_until)):
        month_end = Period.month(month.year, month.month).end
        if not period.start <= month_end <= due_until:
            continue
        for unit in units:
            rule = rule_for(unit, month_end, rules)
            if rule is None:
                continue
            quota_period = period_of(rule.period, month_end)
            if quota_period.end == month_end:
                wanted.append((unit, rule, quota_period))
    if not wanted:
        return []
    counts = counts_by_month(min(p.start for _, _, p in wanted), max(p.end for _, _, p in wanted))
    return [
        Progress(unit=unit, rule=rule, period=p, done=_done(counts, unit, p), today=today)
        for unit, rule, p in wanted
    ]
