"""Reads of issues."""

from django.db.models import Count, Q, QuerySet

from bulletin.documents import item_anchor
from bulletin.models import Issue, IssuePdf, Placement, Publication, PublishJob, Section

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
    from submissions.models import Submission

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
    never the stored HTML (bulletin/search.py). Chinese has no spaces between words, so
    each word is a substring match. Only the columns a result line shows are loaded; the
    passage comes from `result_passages` for the page shown.
    """
    from submissions.models import Submission

    from bulletin.search import matches, query_words

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
    from submissions.models import Submission

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


def distribution_choices(publication) -> list[tuple[str, str]]:
    """(name, text) of the 送 lists an editor may apply: the publication's default first."""
    choices = [("默认发送范围", publication.default_distribution)]
    choices += [(d.name, d.text) for d in publication.distribution_lists.all()]
    return choices


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


def back_issue_clash(document, *, replace: bool) -> str | None:
    """Why a parsed back issue cannot be imported as it stands, or None.

    `document` is the parser's IssueDocument. Refused: an unknown publication; numbers that
    an issue assembled in the system holds (an import never touches those); an issue
    already imported, unless `replace`. The back-issue page shows this with the report,
    before the editor reaches the import button; import_back_issue checks it again under
    the publication lock.
    """
    publication = Publication.objects.filter(name=document.publication_name).first()
    if publication is None:
        return f"系统中没有名为“{document.publication_name}”的刊物，请先由管理员添加。"
    existing = list(
        Issue.objects.filter(publication=publication).filter(
            Q(year=document.year, number=document.number) | Q(total_number=document.total_number)
        )
    )
    label = f"{document.year}年第{document.number}期(总第{document.total_number}期)"
    if any(issue.origin == Issue.Origin.ASSEMBLED for issue in existing):
        return f"{label}的期号已被系统中编排的一期使用，导入不会改动它。"
    if existing and not replace:
        return f"{label}已经导入过。如需用这份文字覆盖，请选择“覆盖已导入的同一期”（命令行 --replace）。"
    return None


def last_failed_publication(issue: Issue) -> PublishJob | None:
    """The issue's latest 刊发 attempt when it failed (its reason shows on the assembly page)."""
    job = issue.publish_jobs.filter(kind=PublishJob.Kind.PUBLISH).order_by("-requested_at", "-id").first()
    return job if job is not None and job.status == PublishJob.Status.FAILED else None
