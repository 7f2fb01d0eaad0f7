"""Reads of the archive: published issues by year, search results and the anchors of their items."""

from django.db.models import Count, Q, QuerySet

from archive.search import matches, query_words
from bulletin.documents import item_anchor
from bulletin.models import Issue, Placement, Section
from bulletin.queries import ISSUE_LIST_FIELDS
from submissions.models import Submission


def published_issues(year: int | None = None) -> QuerySet[Issue]:
    """Published issues (of one year if given), newest first, with how many articles and
    briefs each holds."""
    issues = Issue.objects.filter(status=Issue.Status.PUBLISHED)
    if year is not None:
        issues = issues.filter(year=year)
    return (
        issues.select_related("publication")
        .only(*ISSUE_LIST_FIELDS)
        .annotate(
            article_count=Count("placements", filter=Q(placements__section__kind=Section.Kind.ARTICLES)),
            brief_count=Count("placements", filter=Q(placements__section__kind=Section.Kind.BRIEFS)),
        )
        .order_by("-year", "-number")
    )


def archive_years() -> list[dict]:
    """[{"year", "issues"}] of every year with published issues, newest first (one query)."""
    return list(
        Issue.objects.filter(status=Issue.Status.PUBLISHED)
        .values("year")
        .annotate(issues=Count("id"))
        .order_by("-year")
    )


SEARCH_LIST_FIELDS = (
    "pk",
    "title",
    "subtitle",
    "adopted_as",
    "unit__short_name",
    "placement__position",
    "placement__section__name",
    "placement__issue__year",
    "placement__issue__number",
    "placement__issue__total_number",
    "placement__issue__date",
)


def search_published_items(*, words: str = "", unit=None, year: int | None = None, section=None):
    """Published pieces whose printed text holds every word, newest issue first.

    Reads `Submission.printed_text` — for a published piece the text of its frozen issue —
    never the stored HTML (bulletin/printed_text.py). Chinese has no spaces between words, so
    each word is a substring match. Only the columns a result line shows are loaded; the
    passage comes from `result_passages` for the page shown.
    """
    pieces = Submission.objects.filter(placement__issue__status=Issue.Status.PUBLISHED).select_related(
        "unit", "placement__issue", "placement__section"
    )
    for word in query_words(words):
        pieces = pieces.filter(matches(word))
    if unit is not None:
        pieces = pieces.filter(unit=unit)
    if year:
        pieces = pieces.filter(placement__issue__year=year)
    if section is not None:
        pieces = pieces.filter(placement__section=section)
    return pieces.only(*(f for f in SEARCH_LIST_FIELDS if f != "pk")).order_by(
        "-placement__issue__date",
        "-placement__issue__number",
        "placement__section__position",
        "placement__position",
        "pk",
    )


def search_result_ids(**filters) -> list[int]:
    """The ids of every match of `search_published_items(**filters)`, in result order: the
    text is matched once, and the count and the page come from this list."""
    return list(search_published_items(**filters).values_list("pk", flat=True))


def search_result_rows(ids) -> list:
    """The pieces of one page of results, in the order of `ids`, with their printed text."""
    ids = list(ids)
    rows = Submission.objects.filter(pk__in=ids).select_related(
        "unit", "placement__issue", "placement__section"
    )
    by_id = {row.pk: row for row in rows.only(*(f for f in SEARCH_LIST_FIELDS if f != "pk"), "printed_text")}
    return [by_id[pk] for pk in ids if pk in by_id]


def item_anchors(issue_ids) -> dict[int, str]:
    """{submission id: "item-N"}: where each placed piece reads in its issue's 全文.

    Numbers items in print order, as documents.reading_sections does.
    """

    anchors: dict[int, str] = {}
    counters: dict[int, int] = {}
    placements = Placement.objects.filter(issue_id__in=set(issue_ids)).order_by(
        "issue_id", "section__position", "position"
    )
    for issue_id, submission_id in placements.values_list("issue_id", "submission_id"):
        counters[issue_id] = counters.get(issue_id, 0) + 1
        anchors[submission_id] = item_anchor(counters[issue_id])
    return anchors
