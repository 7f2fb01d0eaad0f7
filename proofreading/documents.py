"""``PieceText`` and ``IssueText`` from the print renderer's ``IssueDocument`` — the text
exactly as it prints (the caller passes ``document.normalized()`` for that), with no
database: used for issues in assembly (``queries.issue_text``), for back issues parsed
from their text, by the labelled test set and by the benchmark.
"""

from __future__ import annotations

from printing.document import ArticleItem, IssueDocument, paragraph_text
from proofreading.text import CheckContext, IssueNumbers, IssueText, PieceText


def item_key(number: int) -> str:
    """The key of the issue's number-th item in print order (1-based): item-1, item-2 …"""
    return f"item-{number}"


def issue_text_from_document(
    document: IssueDocument,
    context: CheckContext,
    *,
    toc: list[tuple[str, list[str]]] | None = None,
    previous: IssueNumbers | None = None,
    keys: list[str] | None = None,
    submission_ids: list[int | None] | None = None,
) -> IssueText:
    """The document as an ``IssueText``. ``toc`` is the 目录 as printed (default: the
    document's own); ``keys``/``submission_ids`` name the items in print order (default:
    item-1, item-2 …). Each item's unit is the one its byline (or opening) names."""
    sections = []
    number = 0
    for section in document.sections:
        pieces = []
        for item in section.items:
            key = keys[number] if keys else item_key(number + 1)
            submission_id = submission_ids[number] if submission_ids else None
            number += 1
            authors = " ".join(item.byline_authors)
            if isinstance(item, ArticleItem):
                paragraphs = [paragraph_text(p) for p in item.paragraphs]
                piece = PieceText(key, item.title, paragraphs, item.subtitle, item.byline_org, authors)
            else:
                paragraphs = [paragraph_text(item.paragraph)]
                piece = PieceText(key, "", paragraphs, "", item.byline_org, authors, kind="brief")
            piece.unit = context.unit_for_byline(piece.byline_org, paragraphs[0] if paragraphs else "")
            piece.section = section.name
            piece.submission_id = submission_id
            pieces.append(piece)
        sections.append((section.name, section.kind, pieces))
    if toc is None:
        toc = [(entry.section, entry.titles) for entry in document.toc() if entry.kind == "articles"]
    numbers = IssueNumbers(document.year, document.number, document.total_number, document.date)
    return IssueText(numbers, sections, toc, previous)
