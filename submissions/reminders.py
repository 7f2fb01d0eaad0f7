"""The daily reminders (`manage.py send_reminders`): what is due soon or overdue, told once a day.

Causes, each sent at most once per recipient and day (`Reminder`'s unique constraint):
- a 约稿 a unit has not answered, due within BULLETIN_REMINDER_DAYS_AHEAD days (3) or overdue
  by up to BULLETIN_REMINDER_OVERDUE_DAYS (7) → the unit's 报送员 (or, for a unit without an
  active 报送员 account, its contacts — the rule of submissions.actions.reminders);
- what the apps above register in `sources` (assessment.reminders: a 报送任务 not yet met in a
  period ending within those 3 days, and once that a period ended short counts as 漏报);
- a piece returned for revision whose 修改期限 is within 3 days or passed (up to 7 days) → the
  unit's 报送员 (or its contacts, as above);
- pieces waiting for the editor more than BULLETIN_REVIEW_WAIT_DAYS days (3) → every editor, in
  one notice; pieces waiting as long for 审签 → the unit's 审核人; pieces in 待审签 of a unit
  whose 审核人 have all left (deactivated) → the unit's 报送员, who can name a 签发人 and 报送.
Each is an in-app notice (通知) and each recipient's channels once the reminder's transaction
commits; every delivery is recorded (messaging.models.Delivery) under the reminder's cause.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from audit.records import Kind, record
from submissions.actions.reminders import send_reminder
from submissions.models import Commission, Submission
from submissions.queries import unit_recipients


@dataclass
class Sent:
    """How many notices each kind of reminder sent in one run."""

    counts: Counter = field(default_factory=Counter)

    def add(self, kind: str, reached) -> None:
        """Count the recipients told now (a Reminded, or any sized collection)."""
        self.counts[kind] += len(reached)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _date(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


def when_due(deadline: dt.date, today: dt.date) -> str:
    days = (deadline - today).days
    if days > 0:
        return f"将于{_date(deadline)}截止（还有{days}天）"
    if days == 0:
        return "今天截止"
    return f"已于{_date(deadline)}截止（逾期{-days}天）"


# Callables(*, today, ahead, contributors, contacts, unit_link, sent) that apps above register
# in AppConfig.ready() for causes of their own; each calls send_reminder (with the unit's
# contributors and contacts: {unit id: [...]}) and adds to `sent`.
sources: list[Callable[..., None]] = []


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_current_timezone())


def send_due_reminders(today: dt.date | None = None) -> Sent:
    """Run every reminder for `today` (default: the local date). Safe to run again the same day."""
    today = today or timezone.localdate()
    ahead = settings.BULLETIN_REMINDER_DAYS_AHEAD
    overdue = settings.BULLETIN_REMINDER_OVERDUE_DAYS
    sent = Sent()
    contributors, contacts = unit_recipients()
    reviewers: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(role=Role.REVIEWER, is_active=True):
        reviewers[user.unit_id].append(user)
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
        reminded_units = []
        for unit in commission.units.all():
            if (commission.pk, unit.pk) in answered:
                continue
            text = f"约稿提醒：“{commission.topic}”{when_due(commission.deadline, today)}，本单位尚未报送。"
            reached = send_reminder(
                cause=f"commission:{commission.pk}:{state}",
                recipients=contributors.get(unit.pk, []),
                contacts=contacts.get(unit.pk, []),
                unit=unit,
                text=text,
                link=unit_link + "#commissions",
                today=today,
            )
            sent.add("约稿", reached)
            if reached:
                reminded_units.append(unit.short_name)
        if reminded_units:
            record(
                Kind.COMMISSION_REMINDED,
                actor_name="系统",
                obj=commission,
                after={"units": sorted(reminded_units)},
                message=f"每日提醒：{'、'.join(sorted(reminded_units))}",
            )

    # Reminders of the apps above (报送任务, assessment.reminders), in the order registered.
    for source in sources:
        source(
            today=today,
            ahead=ahead,
            contributors=contributors,
            contacts=contacts,
            unit_link=unit_link,
            sent=sent,
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
                contacts=contacts.get(piece.unit_id, []),
                text=f"修改提醒：稿件《{piece.title}》的修改期限{when_due(piece.revision_due, today)}，请修改后重新报送。",
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
