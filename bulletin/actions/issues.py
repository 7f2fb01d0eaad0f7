"""The one way to change issues: create, number, place, arrange, publish, correct.

Each action checks the actor and the issue's state, runs in a transaction, and raises
IssueActionError with a Chinese message that the view shows as it is.
"""

import datetime

from django.db import IntegrityError, transaction

from audit.records import Kind, changes, record
from bulletin.actions.common import IssueActionError, _lock_draft, _lock_issue, _require_editor
from bulletin.models import Issue, Placement, Publication
from bulletin.numbering import number_bounds, numbers_taken, propose_numbers
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
) -> Issue:
    """Create a draft issue; numbers not given are proposed as the next free ones."""
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
            )
            _check_fields(issue)
            issue.save()
    except IntegrityError as error:  # the unique constraints are the last word
        raise IssueActionError("期号或总期号已被占用，请刷新后重试。") from error
    record(Kind.ISSUE_CREATED, actor=actor, obj=issue, after=_issue_state(issue))
    return issue


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


ISSUE_FIELDS = {"date", "number", "total_number", "edition", "editor_name", "editor_phone", "distribution"}


@transaction.atomic
def update_issue(*, actor, issue: Issue, **fields) -> Issue:
    """Change an unpublished issue's numbers, date, edition, editor, phone or distribution."""
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
    ) or numbers_taken(
        publication=issue.publication,
        year=issue.year,
        number=issue.number,
        total_number=issue.total_number,
        exclude=issue,
    )
    if problems:
        raise IssueActionError("".join(problems))
    _check_fields(issue)
    issue.save()
    old, new = changes(before, _issue_state(issue))
    if new:
        record(Kind.ISSUE_SETTINGS, actor=actor, obj=issue, before=old, after=new)
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
