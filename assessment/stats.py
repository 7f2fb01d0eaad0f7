"""信息工作考核: per unit, for a period, what the bulletin received, adopted and printed.

What counts, and when (dates in Asia/Shanghai):
- 报送: a piece's first arrival at the editor in the period (报送, or 签发 where the unit has a
  审核人); a back-issue piece counts on its issue's date.
- 采用为文章 / 采用为信息摘登: the adoption in the period; a back-issue piece on its issue's date.
- 要闻速递: a piece printed in 要闻速递 of an issue dated in the period.
- 不采用, 退回修改: those decisions in the period.
- 批示: instructions dated in the period.
- 上级采用: adoptions by a 省人大 or 全国人大 publication dated in the period, points by level.
- 约稿: for a commission whose deadline is in the period (and has passed), each unit asked
  that answered after the deadline is 逾期, one that has not answered is 未报. A cancelled
  commission asks nothing.
- 漏报: for each 报送任务 period (month or quarter) that ended in the period, the pieces a unit
  was short of its quota (assessment/quotas.py), dated on the period's last day.
Points use the scheme in force on the date each event happened, so a scheme that changes
mid-period applies to each part of it. Every figure comes from aggregate queries grouped
by unit, one per kind of event and scheme window: the number of queries does not grow
with the number of pieces.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.models import Unit
from assessment.models import HigherAdoption, Instruction, PointsScheme
from assessment.periods import Period, local_days
from assessment.quotas import ended_periods
from bulletin.models import Issue
from submissions.models import Commission, Event, Submission

LEAD_SECTION = "要闻速递"


@dataclass
class UnitFigures:
    unit: Unit
    submitted: int = 0
    articles: int = 0
    briefs: int = 0
    leads: int = 0
    declined: int = 0
    returned: int = 0
    instructions: int = 0
    provincial: int = 0  # 上级采用 by a 省人大 publication
    national: int = 0  # 上级采用 by a 全国人大 publication
    late: int = 0
    missed: int = 0
    quota_short: int = 0  # 漏报: pieces short of the 报送任务 in quota periods that ended
    points: Decimal = Decimal(0)
    rank: int = 0

    @property
    def adopted(self) -> int:
        return self.articles + self.briefs

    @property
    def rate(self) -> float | None:
        return self.adopted / self.submitted if self.submitted else None


@dataclass
class Report:
    period: Period
    schemes: list[PointsScheme]
    rows: list[UnitFigures]
    totals: UnitFigures = field(init=False)

    def __post_init__(self) -> None:
        totals = UnitFigures(unit=None)  # type: ignore[arg-type]
        for row in self.rows:
            for name in (
                "submitted",
                "articles",
                "briefs",
                "leads",
                "declined",
                "returned",
                "instructions",
                "provincial",
                "national",
                "late",
                "missed",
                "quota_short",
                "points",
            ):
                setattr(totals, name, getattr(totals, name) + getattr(row, name))
        self.totals = totals


def _windows(period: Period) -> list[tuple[PointsScheme, dt.date, dt.date]]:
    """The schemes in force during the period, each with the part of the period it covers."""
    schemes = list(PointsScheme.objects.order_by("effective_from"))
    if not schemes:
        schemes = [PointsScheme(effective_from=dt.date(1900, 1, 1))]
    windows = []
    for index, scheme in enumerate(schemes):
        until = (
            schemes[index + 1].effective_from - dt.timedelta(days=1)
            if index + 1 < len(schemes)
            else dt.date.max
        )
        start, end = max(scheme.effective_from, period.start), min(until, period.end)
        if start <= end:
            windows.append((scheme, start, end))
    return windows


def imported_in(start: dt.date, end: dt.date) -> Q:
    """Back-issue records whose issue is dated start..end."""
    return Q(action="import", submission__placement__issue__date__range=(start, end))


def first_arrival() -> Q:
    """The event by which a piece first reached the editor: its first 报送 or 签发 (the action
    stamps `first_submitted_at` with that event's time)."""
    return Q(action__in=("submit", "sign_off"), created_at=F("submission__first_submitted_at"))


def _by_unit(queryset, unit_field: str, **annotations) -> dict[int, dict]:
    return {row[unit_field]: row for row in queryset.order_by().values(unit_field).annotate(**annotations)}


def unit_report(period: Period, *, units=None, signer: str = "") -> Report:
    """Figures per unit; with `signer`, only the pieces that 签发人 approved count (commissions,
    which are asked of the unit, still count in full)."""
    windows = _windows(period)
    signer = " ".join((signer or "").split())
    by_signer = Q(submission__signer_name=signer) if signer else Q()
    units = list(
        units if units is not None else Unit.objects.filter(active=True).order_by("kind", "position")
    )
    span = (period.start, period.end)

    event_counts = {
        # A piece counts once, when it first reached the editor (a withdrawn, restored and
        # resubmitted piece keeps its first_submitted_at).
        "submitted": Count(
            "id", filter=first_arrival() & local_days("created_at", *span) | imported_in(*span)
        ),
        # A decision later undone (撤销采用, 重新审核) does not count.
        "declined": Count("id", filter=Q(action="decline", undone=False) & local_days("created_at", *span)),
        "returned": Count("id", filter=Q(action="return") & local_days("created_at", *span)),
    }
    for k, (_, start, end) in enumerate(windows):
        event_counts[f"articles_{k}"] = Count(
            "id",
            filter=Q(action="adopt_article", undone=False) & local_days("created_at", start, end)
            | (imported_in(start, end) & Q(submission__adopted_as="article")),
        )
        event_counts[f"briefs_{k}"] = Count(
            "id",
            filter=Q(action="adopt_brief", undone=False) & local_days("created_at", start, end)
            | (imported_in(start, end) & Q(submission__adopted_as="brief")),
        )
    # Only the rows that can count: decisions within the period, and back-issue records.
    relevant = Event.objects.filter(
        Q(action__in=("submit", "sign_off", "decline", "return", "adopt_article", "adopt_brief"))
        & local_days("created_at", *span)
        | Q(action="import")
    )
    events = _by_unit(relevant.filter(by_signer), "submission__unit", **event_counts)

    published = Submission.objects.filter(
        placement__issue__status=Issue.Status.PUBLISHED, placement__section__name=LEAD_SECTION
    )
    if signer:
        published = published.filter(signer_name=signer)
    leads = _by_unit(
        published,
        "unit",
        **{
            f"leads_{k}": Count("id", filter=Q(placement__issue__date__range=(start, end)))
            for k, (_, start, end) in enumerate(windows)
        },
    )
    instructions = _by_unit(
        Instruction.objects.filter(by_signer),
        "submission__unit",
        **{
            f"instructions_{k}": Count("id", filter=Q(date__range=(start, end)))
            for k, (_, start, end) in enumerate(windows)
        },
    )
    higher = _by_unit(
        HigherAdoption.objects.filter(by_signer),
        "submission__unit",
        **{
            f"{level}_{k}": Count("id", filter=Q(level=level, date__range=(start, end)))
            for k, (_, start, end) in enumerate(windows)
            for level in ("provincial", "national")
        },
    )
    commissions = _commission_misses(period, windows)
    shortfalls = _quota_shortfalls(period, windows, units)

    rows = []
    for unit in units:
        row = UnitFigures(unit=unit)
        e, le, ins = events.get(unit.pk, {}), leads.get(unit.pk, {}), instructions.get(unit.pk, {})
        row.submitted, row.declined, row.returned = (
            e.get("submitted", 0),
            e.get("declined", 0),
            e.get("returned", 0),
        )
        for k, (scheme, _, _) in enumerate(windows):
            articles, briefs = e.get(f"articles_{k}", 0), e.get(f"briefs_{k}", 0)
            lead_count, instruction_count = le.get(f"leads_{k}", 0), ins.get(f"instructions_{k}", 0)
            late, missed = commissions.get((unit.pk, k), (0, 0))
            provincial = higher.get(unit.pk, {}).get(f"provincial_{k}", 0)
            national = higher.get(unit.pk, {}).get(f"national_{k}", 0)
            row.provincial += provincial
            row.national += national
            row.articles += articles
            row.briefs += briefs
            row.leads += lead_count
            row.instructions += instruction_count
            row.late += late
            row.missed += missed
            short = shortfalls.get((unit.pk, k), 0)
            row.quota_short += short
            row.points += (
                articles * scheme.article
                + briefs * scheme.brief
                + lead_count * scheme.lead_bonus
                + instruction_count * scheme.instruction_bonus
                + provincial * scheme.provincial_adoption
                + national * scheme.national_adoption
                - late * scheme.late_commission
                - missed * scheme.missed_commission
                - short * scheme.missed_quota
            )
        rows.append(row)

    # Ranked by points, then adoption rate; a unit that submitted nothing ranks as rate 0.
    # Units equal on both share a rank and are listed in the reference order.
    def standing(r: UnitFigures) -> tuple[Decimal, float]:
        return (r.points, r.rate or 0.0)

    rows.sort(key=lambda r: (-r.points, -(r.rate or 0.0), r.unit.kind, r.unit.position))
    for index, row in enumerate(rows):
        same = index and standing(row) == standing(rows[index - 1])
        row.rank = rows[index - 1].rank if same else index + 1
    return Report(period=period, schemes=[w[0] for w in windows], rows=rows)


def _quota_shortfalls(period: Period, windows, units: list[Unit]) -> dict[tuple[int, int], int]:
    """(unit, scheme window) → pieces short in the quota periods that ended in the period; each
    period's shortfall is dated on its last day and costs what the scheme of that day says."""
    out: dict[tuple[int, int], int] = {}
    for progress in ended_periods(period, units):
        if not progress.short:
            continue
        k = next(
            (k for k, (_, start, end) in enumerate(windows) if start <= progress.period.end <= end), None
        )
        if k is not None:
            out[(progress.unit.pk, k)] = out.get((progress.unit.pk, k), 0) + progress.short
    return out


def _commission_misses(period: Period, windows) -> dict[tuple[int, int], tuple[int, int]]:
    """(unit, scheme window) → (late, missed) for commissions due in the period."""
    today = timezone.localdate()
    due_until = min(period.end, today - dt.timedelta(days=1))  # a deadline still running costs nothing yet
    asked = Commission.units.through.objects.filter(
        commission__deadline__range=(period.start, due_until), commission__cancelled_at__isnull=True
    )
    answers = Submission.objects.filter(
        commission=OuterRef("commission"), unit=OuterRef("unit"), submitted_at__isnull=False
    )
    rows = asked.annotate(
        answered=Exists(answers),
        on_time=Exists(answers.filter(submitted_at__date__lte=OuterRef("commission__deadline"))),
    ).values("unit", "commission__deadline", "answered", "on_time")
    out: dict[tuple[int, int], tuple[int, int]] = {}
    for row in rows:  # one row per (commission, unit asked): a handful, not pieces
        k = next(
            (k for k, (_, start, end) in enumerate(windows) if start <= row["commission__deadline"] <= end),
            None,
        )
        if k is None or row["on_time"]:
            continue
        late, missed = out.get((row["unit"], k), (0, 0))
        out[(row["unit"], k)] = (late + 1, missed) if row["answered"] else (late, missed + 1)
    return out


def _month_key(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def monthly_adoptions(unit: Unit, period: Period) -> list[tuple[dt.date, int]]:
    """Adopted pieces per month for one unit (the trend chart), every month of the period listed.

    Pieces adopted in the system count in the month of their adoption; back-issue pieces
    in the month of their issue.
    """
    span = (period.start, period.end)
    adopted = (
        Event.objects.filter(
            local_days("created_at", *span),
            submission__unit=unit,
            action__in=("adopt_article", "adopt_brief"),
            undone=False,
        )
        .annotate(month=TruncMonth("created_at", tzinfo=timezone.get_current_timezone()))
        .order_by()
        .values("month")
        .annotate(n=Count("id"))
    )
    imported = (
        Event.objects.filter(
            submission__unit=unit, action="import", submission__placement__issue__date__range=span
        )
        .annotate(month=TruncMonth("submission__placement__issue__date"))
        .order_by()
        .values("month")
        .annotate(n=Count("id"))
    )
    counts: dict[dt.date, int] = {}
    for row in [*adopted, *imported]:
        key = _month_key(row["month"])
        counts[key] = counts.get(key, 0) + row["n"]
    months = []
    cursor = period.start.replace(day=1)
    while cursor <= period.end:
        months.append((cursor, counts.get(cursor, 0)))
        cursor = (cursor.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months
