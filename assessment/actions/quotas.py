"""The one way to set and end 报送任务 rules (Quota): a rule for one unit or a kind of unit,
monthly or quarterly, from a date on; a later rule ends the span of the one it overrides.
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from assessment.models import Quota
from assessment.quotas import period_of, period_start
from audit.records import Kind, record
from bulletin.actions.common import IssueActionError, _require_editor


@transaction.atomic
def set_quota(
    *,
    actor,
    count: int,
    period: str,
    starts: datetime.date,
    unit=None,
    unit_kind: str = "",
    ends: datetime.date | None = None,
    note: str = "",
):
    """Set a 报送任务: `count` pieces each month or quarter for one unit or a kind of unit.

    The start is moved to the first day of its period and the end to the last day of its
    period (a quota is judged per whole period, by the rule in force on the period's last day).
    A new open-ended rule replaces the target's earlier rules from its start: they end the
    day before. A rule with an end (a special month, a campaign quarter) only overrides for
    its own span — where rules overlap, the one that started last holds (quotas.rule_for) —
    so the target's standing rule applies again after it, and stopping it loses nothing.
    """
    _require_editor(actor)
    if (unit is None) == (not unit_kind):
        raise IssueActionError("请选择一个单位，或选择一类单位（二者选一）。")
    if period not in Quota.Period.values:
        raise IssueActionError("周期只能是每月或每季度。")
    if count < 0 or count > 99 or (count == 0 and unit is None):
        # 0 exempts one unit from its kind's rule (免报); a kind always owes at least 1.
        raise IssueActionError("应报篇数应在 1 至 99 之间（对单个单位可填 0，表示免报）。")
    starts = period_start(period, starts)
    if ends is not None and ends < starts:
        raise IssueActionError("结束日期不能早于起始日期。")
    if ends is not None:
        ends = period_of(period, ends).end
    same_target = Quota.objects.select_for_update().filter(
        unit=unit, unit_kind="" if unit is not None else unit_kind
    )
    if same_target.filter(starts=starts).exists():
        raise IssueActionError("同一对象在这一起始日期已有报送任务，请先停止原任务或换一个起始日期。")
    if ends is None:
        same_target.filter(starts__lt=starts).filter(Q(ends__isnull=True) | Q(ends__gte=starts)).update(
            ends=starts - datetime.timedelta(days=1)
        )
    quota = Quota(
        unit=unit,
        unit_kind="" if unit is not None else unit_kind,
        period=period,
        count=count,
        starts=starts,
        ends=ends,
        note=" ".join((note or "").split()),
        created_by=actor,
    )
    quota.full_clean()
    quota.save()
    record(
        Kind.QUOTA_CHANGED,
        actor=actor,
        obj=quota,
        after={
            "unit": str(unit) if unit is not None else "",
            "unit_kind": quota.unit_kind,
            "period": period,
            "count": count,
            "starts": starts.isoformat(),
            "ends": ends.isoformat() if ends else None,
        },
    )
    return quota


@transaction.atomic
def end_quota(*, actor, quota, today: datetime.date | None = None):
    """停止 a 报送任务: it still holds for the current period and ends with it (a period is
    never judged by half a rule). A rule that has not started yet is deleted."""
    _require_editor(actor)
    quota = Quota.objects.select_for_update().get(pk=quota.pk)
    today = today or timezone.localdate()
    if quota.starts > today:
        quota.delete()
        return None
    end = period_of(quota.period, today).end
    if quota.ends is not None and quota.ends <= end:
        raise IssueActionError("这项报送任务已经设置了结束日期。")
    before = {"ends": quota.ends.isoformat() if quota.ends else None}
    quota.ends = end
    quota.save(update_fields=["ends"])
    record(Kind.QUOTA_CHANGED, actor=actor, obj=quota, before=before, after={"ends": end.isoformat()})
    return quota
