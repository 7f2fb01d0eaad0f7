"""Reads of submissions. A contributor's lists always pass through `for_unit`."""

from django.db.models import Count, QuerySet

from accounts.models import Unit

from .models import Submission


def for_unit(unit: Unit) -> QuerySet[Submission]:
    return Submission.objects.filter(unit=unit).select_related("unit", "suggested_section")


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
        .order_by("-submitted_at", "-id")
    )
