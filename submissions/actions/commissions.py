"""The one way to create, change, cancel and chase (催报) a 约稿."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, Unit, User
from audit.records import Kind, record
from messaging.models import MessageKind
from submissions.actions.common import SubmissionActionError, _date_text
from submissions.actions.pieces import S
from submissions.actions.reminders import ReachState, Reminded, send_unit_reminders, tell_units
from submissions.models import Commission, Submission
from submissions.queries import unit_recipients


@transaction.atomic
def create_commission(
    *, actor: User, topic: str, requirements: str, deadline: datetime.date, units: list[Unit]
) -> Commission:
    if actor.role != Role.EDITOR or not actor.is_active:
        raise PermissionDenied("只有编辑可以发起约稿。")
    if not units:
        raise SubmissionActionError("请至少选择一个约稿单位。")
    if deadline < timezone.localdate():
        raise SubmissionActionError("截止日期不能早于今天。")
    commission = Commission.objects.create(
        topic=topic, requirements=requirements, deadline=deadline, created_by=actor
    )
    commission.units.set(units)
    tell_units(
        unit_ids=[unit.pk for unit in units],
        text=f"新约稿：{topic}（截止{deadline.year}年{deadline.month}月{deadline.day}日）",
        link=reverse("unit_home") + "#commissions",
        actor=actor,
        kind=MessageKind.COMMISSION,
        cause=f"commission:{commission.pk}:created",
    )
    # Last: the audit chain's lock is held until commit (docs/developer/concurrency.md).
    record(
        Kind.COMMISSION_CREATED,
        actor=actor,
        obj=commission,
        after={"topic": topic, "deadline": deadline.isoformat(), "units": _unit_names(units)},
    )
    return commission


def _unit_names(units) -> list[str]:
    return sorted(unit.short_name for unit in units)


def _require_commission_editor(actor: User) -> None:
    if actor.role != Role.EDITOR or not actor.is_active:
        raise PermissionDenied("只有编辑可以管理约稿。")


def _lock_commission(commission: Commission) -> Commission:
    locked = Commission.objects.select_for_update().get(pk=commission.pk)
    if locked.cancelled_at is not None:
        raise SubmissionActionError("这项约稿已撤销，不能再修改或催报。")
    return locked


def _answered_unit_ids(commission: Commission) -> set[int]:
    return set(
        Submission.objects.filter(commission=commission, first_submitted_at__isnull=False).values_list(
            "unit_id", flat=True
        )
    )


def _answering_unit_ids(commission: Commission) -> set[int]:
    """Units with an answer under way or sent: a live piece (a draft made through 应约写稿,
    one waiting for 审签, or further on) linked to the commission. A deleted or withdrawn
    piece is no answer."""
    return set(
        Submission.objects.filter(commission=commission)
        .exclude(status__in=(S.DELETED, S.WITHDRAWN))
        .values_list("unit_id", flat=True)
    )


@transaction.atomic
def update_commission(
    *,
    actor: User,
    commission: Commission,
    topic: str,
    requirements: str,
    deadline: datetime.date,
    units: list[Unit],
) -> Commission:
    """Edit a commission's topic, requirements, deadline and units. A unit with an answer under
    way or sent (`_answering_unit_ids`) cannot be taken off, so no answer is left orphaned;
    units added are told, units taken off are told, and a changed deadline is told to every
    unit still to answer."""
    _require_commission_editor(actor)
    commission = _lock_commission(commission)
    topic = " ".join((topic or "").split())
    if not topic:
        raise SubmissionActionError("请填写约稿主题。")
    if not units:
        raise SubmissionActionError("请至少选择一个约稿单位。")
    if deadline != commission.deadline and deadline < timezone.localdate():
        raise SubmissionActionError("截止日期不能早于今天。")
    before = set(commission.units.values_list("pk", flat=True))
    after = {unit.pk for unit in units}
    answered = _answered_unit_ids(commission)
    dropped = (before - after) & _answering_unit_ids(commission)
    if dropped:
        names = "、".join(Unit.objects.filter(pk__in=dropped).values_list("short_name", flat=True))
        raise SubmissionActionError(f"{names}已有应约稿件（草稿、待审签或已报送），不能从约稿单位中去掉。")
    old_topic = commission.topic
    old_state = {
        "topic": commission.topic,
        "requirements": commission.requirements,
        "deadline": commission.deadline.isoformat(),
        "units": _unit_names(Unit.objects.filter(pk__in=before)),
    }
    deadline_moved = deadline != commission.deadline
    commission.topic, commission.requirements, commission.deadline = (
        topic,
        (requirements or "").strip(),
        deadline,
    )
    commission.full_clean()
    commission.save()
    commission.units.set(units)
    new_state = {
        "topic": commission.topic,
        "requirements": commission.requirements,
        "deadline": deadline.isoformat(),
        "units": _unit_names(units),
    }
    link = reverse("unit_home") + "#commissions"
    added = after - before
    if added:
        tell_units(
            unit_ids=sorted(added),
            text=f"新约稿：{topic}（截止{_date_text(deadline)}）",
            link=link,
            actor=actor,
            kind=MessageKind.COMMISSION,
            cause=f"commission:{commission.pk}:created",
        )
    removed = before - after
    if removed:
        tell_units(
            unit_ids=sorted(removed),
            text=f"约稿“{old_topic}”已调整，不再向本单位约稿，无需报送。",
            link=link,
            actor=actor,
            kind=MessageKind.COMMISSION,
            cause=f"commission:{commission.pk}:removed",
        )
    if deadline_moved:
        tell_units(
            unit_ids=sorted((after & before) - answered),
            text=f"约稿“{topic}”截止日期改为{_date_text(deadline)}",
            link=link,
            actor=actor,
            kind=MessageKind.COMMISSION,
            cause=f"commission:{commission.pk}:changed",
        )
    changed = [name for name in new_state if new_state[name] != old_state[name]]
    if changed:
        record(
            Kind.COMMISSION_CHANGED,
            actor=actor,
            obj=commission,
            before={name: old_state[name] for name in changed},
            after={name: new_state[name] for name in changed},
        )
    return commission


@transaction.atomic
def cancel_commission(*, actor: User, commission: Commission, note: str) -> Commission:
    """撤销 a commission with a note: it asks nothing more and costs no unit points; pieces
    already sent stay as they are."""
    _require_commission_editor(actor)
    commission = _lock_commission(commission)
    note = " ".join((note or "").split())
    if not note:
        raise SubmissionActionError("撤销约稿时请写明原因。")
    commission.cancelled_at = timezone.now()
    commission.cancel_note = note[:200]
    commission.save(update_fields=["cancelled_at", "cancel_note"])
    tell_units(
        unit_ids=list(commission.units.values_list("pk", flat=True)),
        text=f"约稿“{commission.topic}”已撤销：{note}",
        link=reverse("unit_home"),
        actor=actor,
        kind=MessageKind.COMMISSION,
        cause=f"commission:{commission.pk}:cancelled",
    )
    record(Kind.COMMISSION_CANCELLED, actor=actor, obj=commission, message=commission.cancel_note)
    return commission


@transaction.atomic
def remind_commission(
    *, actor: User, commission: Commission, units: list[Unit] | None = None
) -> list[Reminded]:
    """催报: remind one unit, or every unit, that has not answered the commission. A unit is
    reached through its active 报送员 accounts, or its contacts when it has no account
    (submissions.actions.reminders), at most once a day.

    Returns one Reminded per unit not yet answered, in the commission's order, each with its
    state: 已发送（channels） / 今日已提醒 / 无法送达：未登记联系方式. The audit row names the units
    told now and the units that could not be reached. Raises PermissionDenied for anyone but
    an active editor, SubmissionActionError for a cancelled commission, a unit not asked, or
    when every chosen unit has answered."""
    _require_commission_editor(actor)
    commission = _lock_commission(commission)
    asked = list(commission.units.all())
    if units is not None:
        wanted = {unit.pk for unit in units}
        if not wanted <= {unit.pk for unit in asked}:
            raise SubmissionActionError("只能向约稿单位催报。")
        asked = [unit for unit in asked if unit.pk in wanted]
    answered = _answered_unit_ids(commission)
    pending = [unit for unit in asked if unit.pk not in answered]
    if not pending:
        raise SubmissionActionError("所选单位都已应约报送，无需催报。")
    today = timezone.localdate()
    overdue = today > commission.deadline
    text = (
        f"催报：约稿“{commission.topic}”已于{_date_text(commission.deadline)}截止，请尽快报送"
        if overdue
        else f"催报：约稿“{commission.topic}”将于{_date_text(commission.deadline)}截止，请按时报送"
    )
    accounts, contacts = unit_recipients(unit.pk for unit in pending)
    results = send_unit_reminders(
        cause=f"commission:{commission.pk}:nudge",
        units=pending,
        text=text,
        link=reverse("unit_home") + "#commissions",
        today=today,
        accounts=accounts,
        contacts=contacts,
    )
    reminded = [result.unit for result in results if result.state == ReachState.SENT]
    unreachable = [result.unit for result in results if result.state == ReachState.UNREACHABLE]
    if reminded or unreachable:
        message = f"催报：{'、'.join(_unit_names(reminded)) or '无'}"
        if unreachable:
            message += f"；无法送达：{'、'.join(_unit_names(unreachable))}"
        record(
            Kind.COMMISSION_REMINDED,
            actor=actor,
            obj=commission,
            after={
                "units": _unit_names(reminded),
                "unreachable": _unit_names(unreachable),
                "reached": {result.unit.short_name: result.label for result in results},
            },
            message=message,
        )
    return results
