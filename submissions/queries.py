"""Reads of submissions. A contributor's lists always pass through `for_unit`."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.utils import timezone

from accounts.models import Role, Unit, User
from messaging.models import Delivery, UnitContact
from submissions.models import Commission, ImportJob, Revision, Submission, UploadRecord
from submissions.versions import TextVersion

# The columns a list row shows (title, status with its issue, dates); lists never load
# bodies, brief texts or the printed text.
LIST_FIELDS = (
    "title",
    "subtitle",
    "status",
    "adopted_as",
    "revision_due",
    "submitted_at",
    "updated_at",
    "signer_name",
    "unit__short_name",
    "suggested_section__name",
    "placement__issue__year",
    "placement__issue__number",
    "placement__issue__date",
)


def for_unit(unit: Unit) -> QuerySet[Submission]:
    """The unit's pieces; deleted drafts are gone from every list."""
    return (
        Submission.objects.filter(unit=unit)
        .exclude(status=Submission.Status.DELETED)
        .select_related("unit", "suggested_section", "placement__issue", "placement__section")
    )


def unit_list(unit: Unit, status: str = "") -> QuerySet[Submission]:
    """The unit's pieces for its list page (paged by `bulletin.paging`, newest change first)."""
    pieces = (
        Submission.objects.filter(unit=unit)
        .exclude(status=Submission.Status.DELETED)
        .select_related("unit", "suggested_section", "placement__issue")
    )
    if status:
        pieces = pieces.filter(status=status)
    return pieces.only(*LIST_FIELDS)


def status_counts(queryset: QuerySet[Submission]) -> list[dict]:
    """Every status with its count (zero included), in workflow order; 已删除 is not listed."""
    counts = dict(queryset.order_by().values_list("status").annotate(n=Count("id")))
    return [
        {"status": value, "label": label, "count": counts.get(value, 0)}
        for value, label in Submission.Status.choices
        if value != Submission.Status.DELETED
    ]


def awaiting_review() -> QuerySet[Submission]:
    return (
        Submission.objects.filter(status=Submission.Status.SUBMITTED)
        .select_related("unit", "suggested_section")
        .only(*LIST_FIELDS[:-2])
        .order_by("-submitted_at", "-id")
    )


def editor_queue(
    *,
    status="pending",
    unit=None,
    section=None,
    date_from=None,
    date_to=None,
    q="",
    signer="",
    back_issues: bool = False,
) -> QuerySet[Submission]:
    """All units' pieces as the editor's queue (drafts and pieces awaiting 审签 stay with
    their unit).

    status "pending" (the default, 待处理) is what waits for the editor's decision, 已报送,
    longest waiting first; "all" or "" is every status, newest first; any other value is
    that status, newest first. Pieces of imported back issues are left out unless
    `back_issues`; they have no 报送时间, so the date filters read their issue's date.
    `signer` keeps the pieces that 签发人 approved.
    """
    pieces = (
        Submission.objects.exclude(
            status__in=(Submission.Status.DRAFT, Submission.Status.DELETED, Submission.Status.PENDING_SIGNOFF)
        )
        .select_related("unit", "suggested_section", "placement__issue")
        .only(*LIST_FIELDS)
    )
    if status == "pending":
        pieces = pieces.filter(status=Submission.Status.SUBMITTED).order_by("submitted_at", "id")
    else:
        pieces = pieces.order_by(F("submitted_at").desc(nulls_last=True), "-placement__issue__date", "-id")
        if status and status != "all":
            pieces = pieces.filter(status=status)
    imported = Q(placement__issue__origin="imported")
    if not back_issues:
        pieces = pieces.exclude(imported)
    if unit is not None:
        pieces = pieces.filter(unit=unit)
    if section is not None:
        pieces = pieces.filter(Q(suggested_section=section) | Q(placement__section=section))
    if date_from:
        pieces = pieces.filter(
            Q(submitted_at__date__gte=date_from) | (imported & Q(placement__issue__date__gte=date_from))
        )
    if date_to:
        pieces = pieces.filter(
            Q(submitted_at__date__lte=date_to) | (imported & Q(placement__issue__date__lte=date_to))
        )
    if signer:
        pieces = pieces.filter(signer_name=" ".join(signer.split()))
    for word in (q or "").split():
        pieces = pieces.filter(Q(title__icontains=word) | Q(subtitle__icontains=word))
    return pieces


def last_signer_name(unit: Unit) -> str:
    """The 签发人 the unit named last, to propose on the next 报送 (one query)."""
    return (
        Submission.objects.filter(unit=unit)
        .exclude(signer_name="")
        .order_by("-submitted_at", "-id")
        .values_list("signer_name", flat=True)
        .first()
        or ""
    )


def thread(submission: Submission) -> list[dict]:
    """Status changes and comments of a piece in the order they happened."""
    entries = [
        {"kind": "event", "at": e.created_at, "actor": e.actor, "event": e}
        for e in submission.events.select_related("actor")
    ] + [
        {"kind": "comment", "at": c.created_at, "actor": c.author, "comment": c}
        for c in submission.comments.select_related("author")
    ]
    return sorted(entries, key=lambda entry: entry["at"])


def last_submitted_revision(submission: Submission) -> Revision | None:
    return submission.revisions.filter(kind=Revision.Kind.SUBMITTED).order_by("-created_at", "-id").first()


def revisions(submission: Submission) -> QuerySet[Revision]:
    return submission.revisions.select_related("author").order_by("-created_at", "-id")


LATE_COMMISSIONS_SHOWN_DAYS = 30


def open_commissions_for_unit(unit: Unit) -> QuerySet[Commission]:
    """The unit's commissions still running, and those overdue within the last 30 days that it
    has not answered (so it can still answer late), with `answered` = its pieces sent."""
    today = timezone.localdate()
    return (
        Commission.objects.filter(
            units=unit,
            cancelled_at__isnull=True,
            deadline__gte=today - datetime.timedelta(days=LATE_COMMISSIONS_SHOWN_DAYS),
        )
        .annotate(
            answered=Count(
                "submissions",
                filter=Q(submissions__unit=unit, submissions__first_submitted_at__isnull=False),
            )
        )
        .filter(Q(deadline__gte=today) | Q(answered=0))
        .order_by("deadline")
    )


def commissions() -> QuerySet[Commission]:
    """Every commission with `asked` (units), `answered_units` (units that sent a piece) and
    `answers` (pieces sent), for the editor's list."""
    return (
        Commission.objects.prefetch_related("units")
        .annotate(
            asked=Count("units", distinct=True),
            answered_units=Count(
                "submissions__unit", filter=Q(submissions__first_submitted_at__isnull=False), distinct=True
            ),
            answers=Count(
                "submissions", filter=Q(submissions__first_submitted_at__isnull=False), distinct=True
            ),
        )
        .annotate(pending_units=F("asked") - F("answered_units"))
        .order_by("-created_at")
    )


@dataclass
class CommissionUnitRow:
    """One unit asked by a commission: its answering pieces and where it stands."""

    unit: Unit
    pieces: list  # pieces of this unit answering the commission, in the order they arrived
    deadline: datetime.date
    today: datetime.date
    last: "LastNotice | None" = None  # the unit's last reminder of this commission

    @property
    def sent(self) -> list:
        return [p for p in self.pieces if p.first_submitted_at is not None]

    @property
    def state(self) -> str:
        """已报 / 逾期报送 / 待报 / 逾期 (not answered after the deadline)."""
        sent = self.sent
        if sent:
            first = timezone.localtime(sent[0].first_submitted_at).date()
            return "已报" if first <= self.deadline else "逾期报送"
        return "逾期" if self.today > self.deadline else "待报"

    @property
    def answered(self) -> bool:
        return bool(self.sent)


def commission_table(commission: Commission) -> list[CommissionUnitRow]:
    """Per unit asked: 待报 / 已报 (with the answering pieces) / 逾期, and its last reminder
    (5 queries at most)."""
    today = timezone.localdate()
    pieces: dict[int, list] = {}
    answering = (
        Submission.objects.filter(commission=commission)
        .exclude(status=Submission.Status.DRAFT)
        .select_related("unit")
        .order_by(F("first_submitted_at").asc(nulls_last=True), "id")
    )
    for piece in answering:
        pieces.setdefault(piece.unit_id, []).append(piece)
    units = list(commission.units.order_by("kind", "position", "id"))
    last = last_reminders([unit.pk for unit in units], commission_causes(commission))
    return [
        CommissionUnitRow(
            unit=unit,
            pieces=pieces.get(unit.pk, []),
            deadline=commission.deadline,
            today=today,
            last=last.get(unit.pk),
        )
        for unit in units
    ]


def commission_causes(commission: Commission) -> list[str]:
    """The Reminder/Delivery causes of a commission: the editor's 催报 and the daily run's."""
    return [f"commission:{commission.pk}:{state}" for state in ("nudge", "due", "overdue")]


def versions_of(piece: Submission) -> list[TextVersion]:
    """The current text first, then every kept version, newest first (one query)."""
    revisions = piece.revisions.select_related("author").order_by("-created_at", "-id")
    return [TextVersion.of_piece(piece), *(TextVersion.of_revision(r) for r in revisions)]


def editor_change(piece: Submission) -> tuple[TextVersion, TextVersion] | None:
    """(as submitted, as the editor last edited it): what the editor changed, shown to the
    unit even after it resubmitted. None if no editor ever edited the piece."""
    edited = (
        piece.revisions.filter(kind=Revision.Kind.EDITED)
        .select_related("author")
        .order_by("-created_at", "-id")
        .first()
    )
    if edited is None:
        return None
    base = (
        piece.revisions.filter(kind=Revision.Kind.SUBMITTED, created_at__lte=edited.created_at)
        .exclude(pk__gt=edited.pk)
        .select_related("author")
        .order_by("-created_at", "-id")
        .first()
    )
    if base is None:
        return None
    return TextVersion.of_revision(base), TextVersion.of_revision(edited)


def text_when_returned(piece: Submission) -> TextVersion | None:
    """The text the editor returned to the unit (the last kept version before the last
    退回修改), or None if the piece was never returned."""
    returned = piece.events.filter(action="return").order_by("-created_at", "-id").first()
    if returned is None:
        return None
    revision = (
        piece.revisions.filter(
            kind__in=(Revision.Kind.SUBMITTED, Revision.Kind.EDITED), created_at__lte=returned.created_at
        )
        .select_related("author")
        .order_by("-created_at", "-id")
        .first()
    )
    return TextVersion.of_revision(revision) if revision else None


def start_of_today() -> datetime.datetime:
    """Local midnight today: where a day's upload quota starts."""
    return timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time.min))


def uploads_today(user) -> tuple[int, int]:
    """(files, bytes) the user stored by upload since local midnight."""
    totals = UploadRecord.objects.filter(user_id=user.pk, created_at__gte=start_of_today()).aggregate(
        count=Count("id"), size=Sum("size")
    )
    return totals["count"], totals["size"] or 0


def unfinished_imports(user) -> QuerySet[ImportJob]:
    """The user's Word imports waiting for or in the task worker, oldest first."""
    return ImportJob.objects.filter(owner_id=user.pk, status__in=ImportJob.UNFINISHED).order_by(
        "created_at", "id"
    )


def imports_ahead(job: ImportJob) -> int:
    """How many imports (anyone's) wait to be read before this one."""
    return ImportJob.objects.filter(status=ImportJob.Status.QUEUED, created_at__lt=job.created_at).count()


# --- who was reached -----------------------------------------------------------


def unit_recipients(
    unit_ids: Iterable[int] | None = None,
) -> tuple[dict[int, list[User]], dict[int, list[UnitContact]]]:
    """({unit id: active 报送员 accounts}, {unit id: active contacts}) for `unit_ids` (None:
    every unit), what a reminder to a unit is sent to (submissions.actions.reminders). Two
    queries."""
    users = User.objects.filter(role=Role.CONTRIBUTOR, is_active=True, unit__isnull=False).order_by("id")
    contacts = UnitContact.objects.filter(active=True).select_related("unit").order_by("id")
    if unit_ids is not None:
        unit_ids = list(unit_ids)
        users = users.filter(unit_id__in=unit_ids)
        contacts = contacts.filter(unit_id__in=unit_ids)
    accounts_by_unit: dict[int, list[User]] = defaultdict(list)
    contacts_by_unit: dict[int, list[UnitContact]] = defaultdict(list)
    for user in users:
        accounts_by_unit[user.unit_id].append(user)
    for contact in contacts:
        contacts_by_unit[contact.unit_id].append(contact)
    return dict(accounts_by_unit), dict(contacts_by_unit)


@dataclass
class Recipient:
    """One person a notice went to, and its deliveries (one per channel, 站内通知 first)."""

    name: str
    is_contact: bool
    deliveries: list[Delivery] = field(default_factory=list)


@dataclass
class LastNotice:
    """The last reminder (or notice) of one cause to one unit: when, and to whom by what."""

    at: datetime.datetime
    cause: str
    recipients: list[Recipient] = field(default_factory=list)

    @property
    def by_editor(self) -> bool:
        """A 催报 the editor sent (cause "…:nudge"), not the daily run's reminder."""
        return self.cause.endswith(":nudge")


_CHANNEL_ORDER = {"inapp": 0, "email": 1, "zzd": 2, "sms": 3, "webhook": 4}


def _recipients(deliveries: Iterable[Delivery]) -> list[Recipient]:
    people: dict[tuple, Recipient] = {}
    order = sorted(
        deliveries,
        key=lambda d: (
            d.contact_id is not None,
            d.user_id or 0,
            d.contact_id or 0,
            _CHANNEL_ORDER.get(d.channel, 9),
        ),
    )
    for delivery in order:
        if delivery.contact_id is not None:
            key, name, is_contact = ("contact", delivery.contact_id), delivery.contact.name, True
        elif delivery.user is not None:
            key, name, is_contact = (
                ("user", delivery.user_id),
                delivery.user.full_name or delivery.user.username,
                False,
            )
        else:
            key, name, is_contact = ("address", delivery.address), delivery.address or "（已删除）", False
        people.setdefault(key, Recipient(name=name, is_contact=is_contact)).deliveries.append(delivery)
    return list(people.values())


def _delivery_rows():
    return Delivery.objects.select_related("user", "contact").only(
        "channel", "status", "answer", "address", "cause", "unit_id", "created_at", "sent_at", "finished_at",
        "user__username", "user__full_name", "contact__name",
    )  # fmt: skip


def last_reminders(unit_ids: Iterable[int], causes: Iterable[str]) -> dict[int, LastNotice]:
    """{unit id: its LastNotice} among deliveries of `causes` to `unit_ids`: the cause of the
    unit's newest delivery and every delivery of that cause to the unit on that (local) day
    — a reminder is sent once per cause, recipient and day, so that is one reminder. Units
    never reminded are absent. Three queries, whatever the number of units or deliveries."""
    unit_ids, causes = list(unit_ids), list(causes)
    if not unit_ids or not causes:
        return {}
    newest = (
        Delivery.objects.filter(unit_id__in=unit_ids, cause__in=causes)
        .values("unit_id")
        .annotate(last=Max("id"))
        .values_list("last", flat=True)
    )
    heads = list(Delivery.objects.filter(pk__in=list(newest)).values_list("unit_id", "cause", "created_at"))
    if not heads:
        return {}
    which = Q()
    notices = {}
    for unit_id, cause, created_at in heads:
        day = timezone.localtime(created_at).date()
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        which |= Q(
            unit_id=unit_id,
            cause=cause,
            created_at__gte=start,
            created_at__lt=start + datetime.timedelta(days=1),
        )
        notices[unit_id] = LastNotice(at=created_at, cause=cause)
    grouped: dict[int, list[Delivery]] = defaultdict(list)
    for delivery in _delivery_rows().filter(which):
        grouped[delivery.unit_id].append(delivery)
    for unit_id, notice in notices.items():
        rows = grouped.get(unit_id, [])
        notice.at = min((row.created_at for row in rows), default=notice.at)
        notice.recipients = _recipients(rows)
    return notices


def last_notice(cause_prefix: str) -> LastNotice | None:
    """The newest notice whose cause begins with `cause_prefix` (e.g. "piece:12:returned:"),
    with every delivery of that exact cause. Two queries."""
    head = (
        Delivery.objects.filter(cause__startswith=cause_prefix)
        .order_by("-id")
        .values_list("cause", "created_at")
        .first()
    )
    if head is None:
        return None
    cause, created_at = head
    rows = list(_delivery_rows().filter(cause=cause))
    return LastNotice(
        at=min((row.created_at for row in rows), default=created_at),
        cause=cause,
        recipients=_recipients(rows),
    )
