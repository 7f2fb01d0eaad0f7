"""报送任务 reminders, one source of the daily reminders (submissions.reminders.sources).

A period ending within BULLETIN_REMINDER_DAYS_AHEAD days and not met → the unit's 报送员 (or,
without an active account, its contacts: submissions.actions.reminders); a period that ended
short in the last days → told once that it counts as 漏报.
"""

import datetime as dt

from accounts.models import Unit, User
from assessment.periods import Period
from assessment.quotas import ended_periods, progress_table
from messaging.models import UnitContact
from submissions.actions.reminders import send_reminder
from submissions.models import Reminder
from submissions.reminders import Sent, when_due


def quota_reminders(
    *,
    today: dt.date,
    ahead: int,
    contributors: dict[int, list[User]],
    contacts: dict[int, list[UnitContact]],
    unit_link: str,
    sent: Sent,
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
                contacts=contacts.get(progress.unit.pk, []),
                unit=progress.unit,
                text=text,
                link=unit_link + "#quota",
                today=today,
            ),
        )
    units = list(Unit.objects.filter(active=True))
    recent = Period.between(today - dt.timedelta(days=ahead), today - dt.timedelta(days=1))
    short = [p for p in ended_periods(recent, units, today=today) if p.short]
    # Told once, not once a day: who was told on an earlier day (an account or a contact).
    told = set(
        Reminder.objects.filter(
            cause__in=[f"quota:{p.period.start:%Y-%m-%d}:missed" for p in short]
        ).values_list("cause", "recipient_id", "contact_id")
    )
    told_users = {(cause, user) for cause, user, _ in told if user}
    told_contacts = {(cause, contact) for cause, _, contact in told if contact}
    for progress in short:
        cause = f"quota:{progress.period.start:%Y-%m-%d}:missed"
        accounts = contributors.get(progress.unit.pk, [])
        sent.add(
            "报送任务",
            send_reminder(
                cause=cause,
                recipients=[u for u in accounts if (cause, u.pk) not in told_users],
                # Contacts stand in only for a unit without accounts, not for accounts told before.
                contacts=[]
                if accounts
                else [c for c in contacts.get(progress.unit.pk, []) if (cause, c.pk) not in told_contacts],
                unit=progress.unit,
                text=f"报送任务：{progress.period.label}应报{progress.due}篇，实报{progress.done}篇，"
                f"漏报{progress.short}篇，将按计分办法扣分。",
                link=unit_link + "#quota",
                today=today,
            ),
        )


def quota_causes(rows) -> list[str]:
    """The Reminder/Delivery causes of the periods of `rows` (assessment.quotas.Progress):
    the reminder before the period ends and the 漏报 notice after."""
    starts = sorted({progress.period.start for progress in rows})
    return [f"quota:{start:%Y-%m-%d}:{state}" for start in starts for state in ("due", "missed")]
