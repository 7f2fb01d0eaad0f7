"""Reads of submissions. A contributor's lists always pass through `for_unit`."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from accounts.models import Unit
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
    """Per unit asked: 待报 / 已报 (with the answering pieces) / 逾期 (2 queries)."""
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
    return [
        CommissionUnitRow(
            unit=unit, pieces=pieces.get(unit.pk, []), deadline=commission.deadline, today=today
        )
        for unit in commission.units.order_by("kind", "position", "id")
    ]


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
