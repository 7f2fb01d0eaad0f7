"""Reads of submissions. A contributor's lists always pass through `for_unit`."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import Unit

from .models import Commission, Revision, Submission

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
    "unit__short_name",
    "suggested_section__name",
    "placement__issue__year",
    "placement__issue__number",
)


def for_unit(unit: Unit) -> QuerySet[Submission]:
    return Submission.objects.filter(unit=unit).select_related(
        "unit", "suggested_section", "placement__issue", "placement__section"
    )


def unit_list(unit: Unit, status: str = "") -> QuerySet[Submission]:
    """The unit's pieces for its list page (paged by `bulletin.paging`, newest change first)."""
    pieces = Submission.objects.filter(unit=unit).select_related(
        "unit", "suggested_section", "placement__issue"
    )
    if status:
        pieces = pieces.filter(status=status)
    return pieces.only(*LIST_FIELDS)


def status_counts(queryset: QuerySet[Submission]) -> list[dict]:
    """Every status with its count (zero included), in workflow order."""
    counts = dict(queryset.order_by().values_list("status").annotate(n=Count("id")))
    return [
        {"status": value, "label": label, "count": counts.get(value, 0)}
        for value, label in Submission.Status.choices
    ]


def awaiting_review() -> QuerySet[Submission]:
    return (
        Submission.objects.filter(status=Submission.Status.SUBMITTED)
        .select_related("unit", "suggested_section")
        .only(*LIST_FIELDS[:-2])
        .order_by("-submitted_at", "-id")
    )


def editor_queue(
    *, status="", unit=None, section=None, date_from=None, date_to=None, q=""
) -> QuerySet[Submission]:
    """All units' pieces (drafts stay with their unit), newest first, filtered."""
    pieces = (
        Submission.objects.exclude(status=Submission.Status.DRAFT)
        .select_related("unit", "suggested_section", "placement__issue")
        .only(*LIST_FIELDS)
        .order_by("-submitted_at", "-id")
    )
    if status:
        pieces = pieces.filter(status=status)
    if unit is not None:
        pieces = pieces.filter(unit=unit)
    if section is not None:
        pieces = pieces.filter(Q(suggested_section=section) | Q(placement__section=section))
    if date_from:
        pieces = pieces.filter(submitted_at__date__gte=date_from)
    if date_to:
        pieces = pieces.filter(submitted_at__date__lte=date_to)
    for word in (q or "").split():
        pieces = pieces.filter(Q(title__icontains=word) | Q(subtitle__icontains=word))
    return pieces


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


def open_commissions_for_unit(unit: Unit) -> QuerySet[Commission]:
    return (
        Commission.objects.filter(units=unit, deadline__gte=timezone.localdate())
        .annotate(answered=Count("submissions", filter=Q(submissions__unit=unit)))
        .order_by("deadline")
    )


def commissions() -> QuerySet[Commission]:
    return (
        Commission.objects.prefetch_related("units")
        .annotate(answers=Count("submissions"))
        .order_by("-created_at")
    )
