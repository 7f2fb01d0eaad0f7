"""From an issue's placements to the IssueDocument the print renderer takes."""

from dataclasses import dataclass

from bulletin.models import Issue, Placement, Section
from printing.document import ArticleItem, BriefItem, IssueDocument, Item, Paragraph, Run, edition_label
from printing.document import Section as DocumentSection
from text.authors import split_names
from text.richtext import body_runs


def paragraphs_from_html(html: str) -> list[Paragraph]:
    """A stored body (<p>, <strong>, <sup>, <sub>) as the print document's paragraphs of runs."""
    return [[Run(text, bold, script) for text, bold, script in runs] for runs in body_runs(html)]


def split_authors(authors: str) -> list[str]:
    """The stored author field as names; a lone character joins the next (text.authors)."""
    return split_names(authors).names


def _article(submission) -> ArticleItem:
    return ArticleItem(
        title=submission.title,
        subtitle=submission.subtitle,
        paragraphs=paragraphs_from_html(submission.body),
        byline_org=submission.byline_org,
        byline_authors=split_authors(submission.byline_authors),
    )


def _brief(submission) -> BriefItem:
    # One paragraph, whether the brief text is plain or marked up.
    paragraph = [run for p in paragraphs_from_html(submission.brief_text) for run in p]
    # The brief's byline is "office author author"; without one the piece's byline serves.
    byline = (submission.brief_byline or "").strip()
    if byline:
        org, *authors = byline.split()
        return BriefItem(paragraph, org, authors)
    return BriefItem(paragraph, submission.byline_org, split_authors(submission.byline_authors))


def build_document(issue: Issue) -> IssueDocument:
    """The issue as it would print now, from its current placements and fields."""
    placements = (
        Placement.objects.filter(issue=issue)
        .select_related("section", "submission")
        .order_by("section__position", "position")
    )
    sections: dict[int, DocumentSection] = {}
    for placement in placements:
        section: Section = placement.section
        doc_section = sections.setdefault(section.pk, DocumentSection(section.name, section.kind, []))
        make = _brief if section.kind == Section.Kind.BRIEFS else _article
        doc_section.items.append(make(placement.submission))
    publication = issue.publication
    return IssueDocument(
        publication_name=publication.name,
        compiler=publication.compiler,
        edition_label=edition_label(issue.edition),
        year=issue.year,
        number=issue.number,
        total_number=issue.total_number,
        date=issue.date,
        sections=list(sections.values()),
        distribution=[line for line in issue.distribution.splitlines() if line.strip()],
        editor_name=issue.editor_name,
        editor_phone=issue.editor_phone,
        extra_line=publication.extra_line,
    )


def issue_document(issue: Issue) -> IssueDocument:
    """A published issue prints from its frozen snapshot; a draft from its placements."""
    if issue.snapshot:
        return IssueDocument.from_dict(issue.snapshot)
    return build_document(issue)


@dataclass(frozen=True)
class ReadingSection:
    name: str
    kind: str  # "articles" or "briefs"
    items: list[tuple[str, Item]]  # (anchor, item) in print order


def item_anchor(number: int) -> str:
    """The on-screen anchor of an issue's number-th item (1-based, in print order)."""
    return f"item-{number}"


def reading_sections(document: IssueDocument) -> list[ReadingSection]:
    """The issue's text for reading on screen, as it prints (normalised), each item with
    an anchor (item-1, item-2 …) that the on-screen 目录 links to."""
    sections = []
    number = 0
    for section in document.normalized().sections:
        if not section.items:
            continue
        items = []
        for item in section.items:
            number += 1
            items.append((item_anchor(number), item))
        sections.append(ReadingSection(section.name, section.kind, items))
    return sections
