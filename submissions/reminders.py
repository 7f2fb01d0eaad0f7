"""The daily reminders (`manage.py send_reminders`): what is due soon or overdue, told once a day.

Causes, each sent at most once per recipient and day (`Reminder`'s unique constraint):
- a 约稿 a unit has not answered, due within BULLETIN_REMINDER_DAYS_AHEAD days (3) or overdue
  by up to BULLETIN_REMINDER_OVERDUE_DAYS (7) → the unit's 报送员;
- a 报送任务 not yet met in a period ending within those 3 days → the unit's 报送员; and once,
  in the first 3 days after a period ended short, that it counts as 漏报;
- a piece returned for revision whose 修改期限 is within 3 days or passed (up to 7 days) → the
  unit's 报送员;
- pieces waiting for the editor more than BULLETIN_REVIEW_WAIT_DAYS days (3) → every editor, in
  one notice; pieces waiting as long for 审签 → the unit's 审核人; pieces in 待审签 of a unit
  whose 审核人 have all left (deactivated) → the unit's 报送员, who can name a 签发人 and 报送.
Each is an in-app notice (通知) and a mail once the reminder's transaction commits.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, Unit, User
from submissions.actions.reminders import send_reminder
from submissions.models import Commission, Reminder, Submission


@dataclass
class Sent:
    """How many notices each kind of reminder sent in one run."""

    counts: Counter = field(default_factory=Counter)

    def add(self, kind: str, reached: list) -> None:
        self.counts[kind] += len(reached)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _date(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


def _when(deadline: dt.date, today: dt.date) -> str:
    days = (deadline - today).days
    if days > 0:
        return f"将于{_date(deadline)}截止（还有{days}天）"
    if days == 0:
        return "今天截止"
    return f"已于{_date(deadline)}截止（逾期{-days}天）"


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_current_timezone())


def send_due_reminders(today: dt.date | None = None) -> Sent:
    """Run every reminder for `today` (default: the local date). Safe to run again the same day."""
    today = today or timezone.localdate()
    ahead = settings.BULLETIN_REMINDER_DAYS_AHEAD
    overdue = settings.BULLETIN_REMINDER_OVERDUE_DAYS
    sent = Sent()
    contributors: dict[int, list[User]] = defaultdict(list)
    reviewers: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(role__in=(Role.CONTRIBUTOR, Role.REVIEWER), is_active=True):
        (contributors if user.role == Role.CONTRIBUTOR else reviewers)[user.unit_id].append(user)
    unit_link = reverse("unit_home")

    # 约稿 not answered, due soon or overdue.
    commissions = Commission.objects.filter(
        cancelled_at__isnull=True,
        deadline__range=(today - dt.timedelta(days=overdue), today + dt.timedelta(days=ahead)),
    ).prefetch_related("units")
    answered = set(
        Submission.objects.filter(commission__in=commissions, first_submitted_at__isnull=False).values_list(
            "commission_id", "unit_id"
        )
    )
    for commission in commissions:
        state = "due" if commission.deadline >= today else "overdue"
        for unit in commission.units.all():
            if (commission.pk, unit.pk) in answered:
                continue
            text = f"约稿提醒：“{commission.topic}”{_when(commission.deadline, today)}，本单位尚未报送。"
            sent.add(
                "约稿",
                send_reminder(
                    cause=f"commission:{commission.pk}:{state}",
                    recipients=contributors.get(unit.pk, []),
                    text=text,
                    link=unit_link + "#commissions",
                    today=today,
                ),
            )

    # 报送任务: a period ending soon and not met; a period that ended short, told once.
    from assessment.quotas import ended_periods, progress_table  # bulletin reads submissions
    from assessment.stats import Period

    for progress in progress_table(today, today=today):
        if progress.met or progress.days_left > ahead:
            continue
        text = (
            f"报送任务提醒：{progress.period.label}应报{progress.due}篇，已报{progress.done}篇，"
            f"还差{progress.short}篇，{_when(progress.period.end, today)}。"
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

    # Pieces returned for revision whose 修改期限 is near or passed.
    returned = Submission.objects.filter(
        status=Submission.Status.RETURNED,
        revision_due__range=(today - dt.timedelta(days=overdue), today + dt.timedelta(days=ahead)),
    )
    for piece in returned:
        state = "due" if piece.revision_due >= today else "overdue"
        sent.add(
            "退回修改",
            send_reminder(
                cause=f"piece:{piece.pk}:revision_{state}",
                recipients=contributors.get(piece.unit_id, []),
                text=f"修改提醒：稿件《{piece.title}》的修改期限{_when(piece.revision_due, today)}，请修改后重新报送。",
                link=reverse("piece_detail", args=[piece.pk]),
                today=today,
            ),
        )

    # Pieces waiting too long: for the editor (one notice for all), for a unit's 审签.
    wait = settings.BULLETIN_REVIEW_WAIT_DAYS
    before = _midnight(today - dt.timedelta(days=wait))
    waiting = Submission.objects.filter(status=Submission.Status.SUBMITTED, submitted_at__lt=before)
    oldest = waiting.order_by("submitted_at", "id").only("title", "submitted_at").first()
    if oldest is not None:
        count = waiting.count()
        sent.add(
            "待审稿件",
            send_reminder(
                cause="review:waiting",
                recipients=list(User.objects.filter(role=Role.EDITOR, is_active=True)),
                text=f"待审提醒：{count}篇稿件报送已超过{wait}天仍待审核，最早的是《{oldest.title}》"
                f"（{_date(timezone.localtime(oldest.submitted_at).date())}报送）。",
                link=reverse("review_queue") + "?status=submitted",
                today=today,
            ),
        )
    pending = Submission.objects.filter(status=Submission.Status.PENDING_SIGNOFF).values_list(
        "unit_id", "updated_at"
    )
    waiting_long: Counter = Counter()
    stranded: Counter = Counter()  # the unit's 审核人 all left: nobody can sign these off
    for unit_id, updated_at in pending.order_by():
        if not reviewers.get(unit_id):
            stranded[unit_id] += 1
        elif updated_at < before:
            waiting_long[unit_id] += 1
    for unit_id, count in stranded.items():
        sent.add(
            "待审签",
            send_reminder(
                cause=f"signoff:{unit_id}:no_reviewer",
                recipients=contributors.get(unit_id, []),
                text=f"审签提醒：本单位有{count}篇稿件待审签，但本单位已没有在职的审核人。"
                "请打开稿件填写签发人后报送，或撤回。",
                link=unit_link + "?status=pending_signoff",
                today=today,
            ),
        )
    for unit_id, count in waiting_long.items():
        sent.add(
            "待审签",
            send_reminder(
                cause=f"signoff:{unit_id}:waiting",
                recipients=reviewers.get(unit_id, []),
                text=f"审签提醒：本单位有{count}篇稿件提交审签已超过{wait}天，请及时签发或退回。",
                link=unit_link + "#signoff",
                today=today,
            ),
        )
    return sent
