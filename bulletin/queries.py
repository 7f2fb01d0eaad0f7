"""Reads of issues."""

from itertools import groupby

from django.db.models import QuerySet

from .models import Issue


def published_issues() -> QuerySet[Issue]:
    return (
        Issue.objects.filter(status=Issue.Status.PUBLISHED)
        .select_related("publication")
        .order_by("-year", "-number")
    )


def published_issues_by_year() -> list[tuple[int, list[Issue]]]:
    return [(year, list(issues)) for year, issues in groupby(published_issues(), key=lambda i: i.year)]
