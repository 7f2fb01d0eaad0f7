"""Search on the text as printed.

Readers search what they read: the title and the body of a piece as they print, with no
markup (case backissue/09: "建强阵地。全区" must find a piece across a bold boundary, and
`strong` or `p` must find nothing). That text is kept in `Submission.printed_text`:

- for a piece that is not published, from its current fields, by the actions that change
  them (`piece_printed_text`);
- for a published piece, from its issue's frozen snapshot, by 刊发, 更正 and the back-issue
  import (`freeze_printed_texts`); a later edit of the piece changes nothing readers find
  until an explicit 更正 (issue 12).

Every write goes through `store_printed_texts`, never a signal. The indexes that serve
substring search of Chinese (no spaces between words), chosen by measurement at ten years
of data (bench/pages.py; 6,000 pieces, 4.4 million characters):

- words of three characters or more: trigrams. PostgreSQL: a pg_trgm GIN index on the
  column (LIKE, or ILIKE for words with Latin letters). SQLite: an FTS5 table with the
  trigram tokenizer (SQLite ≥ 3.34), whose rowid is the piece's id.
- words of two Chinese characters — most Chinese words, and what trigrams cannot serve
  (a scan of the column took 65–210 ms): the text's character bigrams. PostgreSQL: a stored
  generated column `printed_bigrams` = to_tsvector('simple', bulletin_bigrams(printed_text))
  with a GIN index (migration submissions/0005); SQLite: a second FTS5 table holding
  `bigrams(text)`. A two-character word is then one token looked up in the index.
- anything else (one character, two characters with punctuation or Latin letters) scans
  the column with LIKE: rare, and still correct.

A search asks for the ids of every match in order once (`search_result_ids`), and the
page's 20 rows by id, so the text is matched once per request, not once for the count and
again for the page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import connection, connections

from bulletin.documents import _article, _brief
from bulletin.models import Placement
from bulletin.models import Placement as PlacementModel
from printing.document import ArticleItem, BriefItem, IssueDocument, Section, paragraph_text
from submissions.models import Submission as SubmissionModel

FTS_TABLE = "submissions_printed_text_fts"
BIGRAM_TABLE = "submissions_printed_bigram_fts"


# --- the text ------------------------------------------------------------------


def item_printed_text(item: ArticleItem | BriefItem) -> str:
    """One printed item (already normalised) as plain text: the title (with its second line,
    as the 目录 prints it), then one line per paragraph; a brief is its one paragraph."""
    if isinstance(item, BriefItem):
        return paragraph_text(item.paragraph)
    lines = [item.title + item.subtitle, *(paragraph_text(p) for p in item.paragraphs)]
    return "\n".join(line for line in lines if line)


def printed_title_and_body(text: str, *, is_brief: bool) -> tuple[str, str]:
    """(title, body) of a printed text for a result line: an article's first line is its
    title as printed (which an edit after publication does not change); a brief has no
    title, so its first words stand for one."""
    if is_brief:
        return (text[:30] + "…" if len(text) > 30 else text), text
    title, _, body = text.partition("\n")
    return title, body


def piece_printed_text(submission) -> str:
    """The piece's current text as it would print (a brief as its 摘登 paragraph)."""
    make = _brief if submission.adopted_as == "brief" else _article
    document = IssueDocument(
        publication_name="",
        compiler="",
        edition_label="",
        year=2000,
        number=1,
        total_number=1,
        date=None,
        sections=[_section_of(make(submission))],
        distribution=[],
        editor_name="",
        editor_phone="",
    )
    return item_printed_text(document.normalized().sections[0].items[0])


def _section_of(item):
    kind = "briefs" if isinstance(item, BriefItem) else "articles"
    return Section("", kind, [item])


def snapshot_printed_texts(snapshot: dict, placements: Iterable[tuple[int, str]]) -> dict[int, str]:
    """{submission id: printed text} of an issue's pieces, read from its frozen snapshot.

    `placements` are (submission id, section name) in print order (section, then position):
    the n-th placement of a section is the n-th item of that section in the snapshot, which
    holds for issues assembled here (the snapshot is built from the placements in that
    order) and for imported ones (placed in the order of the text).
    """
    items: dict[str, list] = {}
    for section in IssueDocument.from_dict(snapshot).normalized().sections:
        items.setdefault(section.name, []).extend(section.items)
    texts: dict[int, str] = {}
    for submission_id, section_name in placements:
        remaining = items.get(section_name) or []
        if remaining:
            texts[submission_id] = item_printed_text(remaining.pop(0))
    return texts


def freeze_printed_texts(issue) -> int:
    """Set the printed text of a published issue's pieces from its snapshot (刊发, 更正,
    import). Two to four queries, whatever the issue's size. Returns how many were set."""
    placements = (
        Placement.objects.filter(issue=issue)
        .order_by("section__position", "position")
        .values_list("submission_id", "section__name")
    )
    texts = snapshot_printed_texts(issue.snapshot, placements)
    store_printed_texts(texts)
    return len(texts)


def store_printed_texts(texts: Mapping[int, str], *, model=None, using: str = "default") -> None:
    """Write {submission id: text} to the column and, on SQLite, to the FTS5 index.

    A fixed number of queries per 500 pieces (one UPDATE, and on SQLite one DELETE and one
    INSERT), so an action's query count does not grow with the issue's size. `model` and
    `using` let a migration pass its historical model.
    """
    from django.db.models import Case, TextField, Value, When

    model = model or SubmissionModel

    ids = list(texts)
    for start in range(0, len(ids), 500):
        batch = ids[start : start + 500]
        model.objects.using(using).filter(pk__in=batch).update(
            printed_text=Case(*(When(pk=pk, then=Value(texts[pk])) for pk in batch), output_field=TextField())
        )
        if connections[using].vendor == "sqlite":
            _sqlite_index(batch, texts, using)


def bigrams(text: str) -> str:
    """Every pair of neighbouring characters, space-separated: "建强阵地" → "建强 强阵 阵地".
    The same as the SQL function bulletin_bigrams() on PostgreSQL (the tokenizer drops the
    pairs that hold punctuation or a line break)."""
    return " ".join(text[i : i + 2] for i in range(len(text) - 1))


def _sqlite_index(ids: list[int], texts: Mapping[int, str], using: str) -> None:
    marks = ",".join(["%s"] * len(ids))
    rows = ",".join(["(%s, %s)"] * len(ids))
    with connections[using].cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", ids)
        cursor.execute(
            f"INSERT INTO {FTS_TABLE}(rowid, printed_text) VALUES {rows}",
            [value for pk in ids for value in (pk, texts[pk])],
        )
        cursor.execute(f"DELETE FROM {BIGRAM_TABLE} WHERE rowid IN ({marks})", ids)
        cursor.execute(
            f"INSERT INTO {BIGRAM_TABLE}(rowid, bigrams) VALUES {rows}",
            [value for pk in ids for value in (pk, bigrams(texts[pk]))],
        )


def fill_printed_texts(*, Submission=None, Placement=None, using: str = "default") -> int:
    """Set every piece's printed text: published pieces from their issue's snapshot, the
    others from their current fields. For the data migration and bulk-built test data;
    one pass over the pieces, issue by issue. Returns how many pieces were set."""
    Submission = Submission or SubmissionModel  # noqa: N806 (a migration passes its historical models)
    Placement = Placement or PlacementModel  # noqa: N806

    texts: dict[int, str] = {}
    placed = (
        Placement.objects.using(using)
        .filter(issue__status="published", issue__snapshot__isnull=False)
        .order_by("issue_id", "section__position", "position")
        .values_list("issue_id", "submission_id", "section__name")
    )
    by_issue: dict[int, list[tuple[int, str]]] = {}
    for issue_id, submission_id, section_name in placed:
        by_issue.setdefault(issue_id, []).append((submission_id, section_name))
    Issue = Placement._meta.get_field("issue").related_model
    for issue_id, snapshot in (
        Issue.objects.using(using).filter(pk__in=list(by_issue)).values_list("pk", "snapshot").iterator()
    ):
        if snapshot and snapshot.get("sections") is not None:
            texts.update(snapshot_printed_texts(snapshot, by_issue[issue_id]))
    fields = [
        "title",
        "subtitle",
        "body",
        "byline_org",
        "byline_authors",
        "adopted_as",
        "brief_text",
        "brief_byline",
    ]
    for piece in Submission.objects.using(using).only("pk", *fields).iterator():
        if piece.pk not in texts:
            texts[piece.pk] = piece_printed_text(piece)
    store_printed_texts(texts, model=Submission, using=using)
    return len(texts)


def forget_printed_texts(ids: Iterable[int]) -> None:
    """Drop deleted pieces from the SQLite index (PostgreSQL's index goes with the row)."""
    ids = list(ids)
    if ids and connection.vendor == "sqlite":
        marks = ",".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", ids)
            cursor.execute(f"DELETE FROM {BIGRAM_TABLE} WHERE rowid IN ({marks})", ids)


def rebuild_index() -> None:
    """Refill the SQLite indexes from the column (after bulk loads that bypass the actions)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE}")
        cursor.execute(f"DELETE FROM {BIGRAM_TABLE}")
    texts = dict(
        __import__("submissions.models", fromlist=["Submission"])
        .Submission.objects.exclude(printed_text="")
        .values_list("pk", "printed_text")
    )
    ids = list(texts)
    for start in range(0, len(ids), 500):
        _sqlite_index(ids[start : start + 500], texts, "default")
