"""报送任务 reminders, one source of the daily reminders (submissions.reminders.sources).

A period ending within BULLETIN_REMINDER_DAYS_AHEAD days and not met → the unit's 报送员; a
period that ended short in the last days → told once that it counts as 漏报.
"""

import datetime as dt

from accounts.models import Unit, User
from assessment.periods import Period
from assessment.quotas import ended_periods, progress_table
from submissions.actions.reminders import send_reminder
from submissions.models import Reminder
from submissions.reminders import Sent, when_due


def quota_reminders(
    *, today: dt.date, ahead: int, contributors: dict[int, list[User]], unit_link: str, sent: Sent
) -> None:
    """Send today's 报送任务 reminders (see the module docstring); adds to `sent`."""
    for progress in progress_table(today, today=today):
        if progress.met or progress.days_left > ahead:
            continue
        text = (
            f"报送任务提醒：{progress.period.label}应报{progress.due}篇，已报{progress.done}篇，"
            f"还差{progress.short}篇，{when_due(progress.period.end, today)}。"
        )
        sent.add(
            "报送任务",
            send_reminder(
                cause=f"quota:{progress.period.start:%Y-%m-%d}:due",
                recipients=contributors.get(progress.unit.pk, []),
                text=text,
                link=unit_link + "#quota",
                today=today,
            ),
        )
    units = list(Unit.objects.filter(active=True))
    recent = Period.between(today - dt.timedelta(days=ahead), today - dt.timedelta(days=1))
    short = [p for p in ended_periods(recent, units, today=today) if p.short]
    told = set(
        Reminder.objects.filter(
            cause__in=[f"quota:{p.period.start:%Y-%m-%d}:missed" for p in short]
        ).values_list("cause", "recipient_id")
    )
    for progress in short:
        cause = f"quota:{progress.period.start:%Y-%m-%d}:missed"
        sent.add(
            "报送任务",
            send_reminder(
                cause=cause,
                recipients=[u for u in contributors.get(progress.unit.pk, []) if (cause, u.pk) not in told],
                text=f"报送任务：{progress.period.label}应报{progress.due}篇，实报{progress.done}篇，"
                f"漏报{progress.short}篇，将按计分办法扣分。",
                link=unit_link + "#quota",
                today=today,
            ),
        )
