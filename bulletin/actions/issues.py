"""The one way to change issues: create, number, place, arrange, publish, correct.

Each action checks the actor and the issue's state, runs in a transaction, and raises
IssueActionError with a Chinese message that the view shows as it is.
"""

import datetime

from django.db import IntegrityError, transaction

from audit.records import Kind, changes, record
from bulletin.actions.common import (
    IssueActionError,
    NumberingNeedsReason,
    _lock_draft,
    _lock_issue,
    _require_editor,
)
from bulletin.models import Issue, Placement, Publication
from bulletin.numbering import (
    NUMBERING_REASON_ASKED,
    number_bounds,
    numbers_of,
    numbers_taken,
    propose_numbers,
    sequence_problems,
)
from bulletin.renders import (
    delete_render_files,
    schedule_draft_render,
)
from submissions.actions.pieces import record_unplaced


@transaction.atomic
def create_issue(
    *,
    actor,
    publication: Publication,
    date: datetime.date,
    number: int | None = None,
    total_number: int | None = None,
    edition: str = Issue.Edition.REGULAR,
    editor_name: str | None = None,
    editor_phone: str | None = None,
    distribution: str | None = None,
    numbering_reason: str = "",
) -> Issue:
    """Create a draft issue; numbers not given are proposed as the next free ones.

    Numbers that do not follow the issue before (``sequence_problems``: a gap, a step back,
    the wrong year) raise NumberingNeedsReason unless ``numbering_reason`` says why; the
    reason is kept on the issue and in the audit row (with the numbers it explains)."""
    _require_editor(actor)
    # Lock the publication so two editors creating issues at once are served one after the other.
    publication = Publication.objects.select_for_update().get(pk=publication.pk)
    proposed_number, proposed_total = propose_numbers(publication=publication, year=date.year)
    number = number or proposed_number
    total_number = total_number or proposed_total
    problems = number_bounds(
        publication=publication, date=date, number=number, total_number=total_number
    ) or numbers_taken(publication=publication, year=date.year, number=number, total_number=total_number)
    if problems:
        raise IssueActionError("".join(problems))
    slips = sequence_problems(
        publication=publication, year=date.year, number=number, total_number=total_number
    )
    numbering_reason = _reason_for(slips, numbering_reason)
    try:
        with transaction.atomic():
            issue = Issue(
                publication=publication,
                year=date.year,
                number=number,
                total_number=total_number,
                edition=edition,
                date=date,
                editor_name=editor_name or publication.default_editor_name,
                editor_phone=editor_phone or publication.default_editor_phone,
                distribution=distribution if distribution is not None else publication.default_distribution,
                numbering_reason=numbering_reason,
            )
            _check_fields(issue)
            issue.save()
    except IntegrityError as error:  # the unique constraints are the last word
        raise IssueActionError("期号或总期号已被占用，请刷新后重试。") from error
    record(Kind.ISSUE_CREATED, actor=actor, obj=issue, after=_issue_state(issue), message="".join(slips))
    return issue


def _reason_for(slips: list[str], reason: str) -> str:
    """The reason to keep for numbers with these slips: NumberingNeedsReason when there are
    slips and no reason; none kept when the numbers follow on (nothing to explain)."""
    reason = " ".join((reason or "").split())
    if slips and not reason:
        raise NumberingNeedsReason("".join(slips) + NUMBERING_REASON_ASKED)
    return reason if slips else ""


def _issue_state(issue: Issue) -> dict:
    return {
        name: issue.date.isoformat() if name == "date" else getattr(issue, name)
        for name in sorted(ISSUE_FIELDS)
    }


def _check_fields(issue: Issue) -> None:
    """Field lengths and choices as the model declares them (PostgreSQL would refuse an
    over-long value with an error; SQLite would store it): a Chinese message instead."""
    from django.core.exceptions import ValidationError

    try:
        issue.full_clean(
            exclude=["publication", "snapshot"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        labels = {f.name: f.verbose_name for f in Issue._meta.fields}
        raise IssueActionError(
            "；".join(
                f"{labels.get(name, name)}：{'，'.join(msgs)}" for name, msgs in error.message_dict.items()
            )
        ) from error


ISSUE_FIELDS = {
    "date",
    "number",
    "total_number",
    "edition",
    "editor_name",
    "editor_phone",
    "distribution",
    "numbering_reason",
}
# The fields whose change re-runs the sequence check (the year goes with the date).
NUMBERING_FIELDS = ("date", "number", "total_number", "numbering_reason")


@transaction.atomic
def update_issue(*, actor, issue: Issue, **fields) -> Issue:
    """Change an unpublished issue's numbers, date, edition, editor, phone or distribution.

    When the numbers, the date or the reason change, the sequence is checked again as in
    create_issue (NumberingNeedsReason without a reason for a slip); the reason kept is
    cleared once the numbers follow on."""
    _require_editor(actor)
    unknown = set(fields) - ISSUE_FIELDS
    if unknown:
        raise ValueError(f"unknown issue fields: {sorted(unknown)}")
    issue = _lock_draft(issue)
    before = _issue_state(issue)
    for name, value in fields.items():
        setattr(issue, name, value)
    issue.year = issue.date.year
    problems = number_bounds(
        publication=issue.publication,
        date=issue.date,
        number=issue.number,
        total_number=issue.total_number,
        exclude=issue,
    ) or numbers_taken(**numbers_of(issue))
    if problems:
        raise IssueActionError("".join(problems))
    slips = []
    if any(before[name] != _issue_state(issue)[name] for name in NUMBERING_FIELDS):
        slips = sequence_problems(**numbers_of(issue))
        issue.numbering_reason = _reason_for(slips, issue.numbering_reason)
    _check_fields(issue)
    issue.save()
    old, new = changes(before, _issue_state(issue))
    if new:
        record(Kind.ISSUE_SETTINGS, actor=actor, obj=issue, before=old, after=new, message="".join(slips))
    schedule_draft_render(issue)
    return issue


def issue_label(issue: Issue) -> str:
    return f"{issue.year}年第{issue.number}期(总第{issue.total_number}期)"


@transaction.atomic
def delete_issue(*, actor, issue: Issue) -> list:
    """Delete an issue still in assembly; its pieces return to 已采用, not placed.

    A published or imported issue holds published content and is refused. Each piece gets
    an audit Event ("unplace") saying which issue was deleted; its number becomes free
    again. Returns the pieces that were in it.
    """
    _require_editor(actor)
    issue = _lock_issue(issue)
    if issue.status != Issue.Status.DRAFT or issue.origin != Issue.Origin.ASSEMBLED or issue.pdfs.exists():
        raise IssueActionError("这一期已经刊发（或为往期导入），不能删除。如需修改请使用“更正”。")
    label = issue_label(issue)
    placements = list(issue.placements.select_related("submission"))
    pieces = [p.submission for p in placements]
    record(
        Kind.ISSUE_DELETED,
        actor=actor,
        obj=issue,
        before={**_issue_state(issue), "pieces": [piece.pk for piece in pieces]},
    )
    Placement.objects.filter(pk__in=[p.pk for p in placements]).delete()
    for piece in pieces:
        record_unplaced(actor=actor, submission=piece, note=f"{label}已删除，稿件回到已采用")
    # Its draft previews go with it: the rows by cascade, the files once that is committed.
    previews = [name for name in issue.draft_renders.values_list("file", flat=True) if name]
    issue.delete()
    if previews:
        transaction.on_commit(lambda: delete_render_files(previews))
    return pieces
