"""Reads of issues."""

from django.db.models import Count, Q, QuerySet

from bulletin.models import Issue, IssuePdf, Placement, PublishJob, Section
from submissions.models import Submission

# What a line of an issue list shows; never the snapshot (65–78 ms for 200 issues at ten
# years of data, 10 ms without) nor the distribution text.
ISSUE_LIST_FIELDS = (
    "publication__name",
    "year",
    "number",
    "total_number",
    "edition",
    "date",
    "status",
)


def issues_for_editor() -> QuerySet[Issue]:
    return (
        Issue.objects.select_related("publication")
        .only(*ISSUE_LIST_FIELDS)
        .annotate(item_count=Count("placements"))
        .order_by("-year", "-number")
    )


def earlier_in_assembly(issue: Issue) -> list[Issue]:
    """Issues of the same publication and year with a lower number, still in assembly."""
    return list(
        Issue.objects.filter(
            publication_id=issue.publication_id,
            year=issue.year,
            number__lt=issue.number,
            status=Issue.Status.DRAFT,
        ).order_by("number")
    )


def unplaced_adopted_pieces(*, q: str = "", unit=None, adopted_as: str = ""):
    """Adopted pieces not yet placed in any issue, newest first, optionally filtered by
    words in the title, unit and kind (article or brief). Loads only what the list shows."""
    pieces = (
        Submission.objects.filter(status=Submission.Status.ADOPTED, placement__isnull=True)
        .select_related("unit", "suggested_section")
        .only("title", "subtitle", "adopted_as", "updated_at", "unit__short_name", "suggested_section__name")
        .order_by("-updated_at", "-id")
    )
    for word in q.split():
        pieces = pieces.filter(Q(title__icontains=word) | Q(subtitle__icontains=word))
    if unit is not None:
        pieces = pieces.filter(unit=unit)
    if adopted_as:
        pieces = pieces.filter(adopted_as=adopted_as)
    return pieces


def issue_layout(issue: Issue) -> list[dict]:
    """Every active section in order with the issue's items in it (sections may be empty)."""
    placements = (
        Placement.objects.filter(issue=issue)
        .select_related("submission__unit")
        .order_by("section__position", "position")
    )
    by_section: dict[int, list[Placement]] = {}
    for placement in placements:
        by_section.setdefault(placement.section_id, []).append(placement)
    sections = Section.objects.filter(Q(active=True) | Q(pk__in=list(by_section))).order_by("position")
    return [{"section": section, "placements": by_section.get(section.pk, [])} for section in sections]


def current_layout(issue: Issue) -> dict[int, list[int]]:
    """{section id: [placement ids in order]}: the form arrange_issue takes."""
    layout: dict[int, list[int]] = {}
    for pk, section_id in issue.placements.order_by("section__position", "position").values_list(
        "pk", "section_id"
    ):
        layout.setdefault(section_id, []).append(pk)
    return layout


def current_pdf(issue: Issue) -> IssuePdf | None:
    return issue.pdfs.order_by("-version").first()


def distribution_choices(publication) -> list[tuple[str, str]]:
    """(name, text) of the 送 lists an editor may apply: the publication's default first."""
    choices = [("默认发送范围", publication.default_distribution)]
    choices += [(d.name, d.text) for d in publication.distribution_lists.all()]
    return choices


def last_failed_publication(issue: Issue) -> PublishJob | None:
    """The issue's latest 刊发 attempt when it failed (its reason shows on the assembly page)."""
    job = issue.publish_jobs.filter(kind=PublishJob.Kind.PUBLISH).order_by("-requested_at", "-id").first()
    return job if job is not None and job.status == PublishJob.Status.FAILED else None


def printed_titles(issue_ids) -> dict[int, str]:
    """{submission id: title as frozen in its published issue's snapshot}.

    What readers see of a published piece is its issue's snapshot; a later edit of the
    piece shows nowhere until a 更正 re-freezes the issue. Items are matched to
    placements by section name and rank within the section (print order). A brief's
    "title" is the start of its paragraph.
    """
    titles: dict[int, str] = {}
    issues = Issue.objects.filter(pk__in=set(issue_ids), snapshot__isnull=False).only("pk", "snapshot")
    frozen = {
        issue.pk: {s["name"]: s["items"] for s in issue.snapshot.get("sections", [])} for issue in issues
    }
    ranks: dict[tuple[int, int], int] = {}
    placements = Placement.objects.filter(issue_id__in=frozen).order_by(
        "issue_id", "section__position", "position"
    )
    for issue_id, section_id, section_name, submission_id in placements.values_list(
        "issue_id", "section_id", "section__name", "submission_id"
    ):
        rank = ranks[(issue_id, section_id)] = ranks.get((issue_id, section_id), -1) + 1
        items = frozen[issue_id].get(section_name, [])
        if rank < len(items):
            item = items[rank]
            title = item.get("title") or "".join(run["text"] for run in item.get("paragraph", []))[:30]
            titles[submission_id] = title
    return titles
