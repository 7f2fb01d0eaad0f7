"""The one way to change issues: create, number, place, arrange, publish, correct.

Each action checks the actor and the issue's state, runs in a transaction, and raises
IssueActionError with a Chinese message that the view shows as it is.
"""

import datetime
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.html import escape

from accounts.models import Unit
from audit.records import Kind, changes, record
from submissions.richtext import runs_to_html

from bulletin.documents import build_document
from bulletin.models import Issue, IssuePdf, Placement, Publication, PublishJob, Section
from bulletin.numbering import number_bounds, numbers_taken, propose_numbers
from bulletin.permissions import can_assemble_issues
from bulletin.printing.document import IssueDocument
from bulletin.printing.render import render_pdf
from bulletin.queries import back_issue_clash, current_layout, earlier_in_assembly
from bulletin.renders import (
    content_key,
    delete_render_files,
    discard_draft_renders,
    schedule_draft_render,
    storage_failure_message,
    stored_pdf_for,
)
from bulletin.search import forget_printed_texts, freeze_printed_texts


class IssueActionError(Exception):
    """An action that cannot be done in the current state; the message is for the user."""


class StaleLayout(IssueActionError):
    """The page's view of the layout is older than the stored one."""


class NeedsConfirmation(IssueActionError):
    """Publishing out of order: earlier numbers of the year are still in assembly.
    The message names them; publishing again with `confirmed=True` goes ahead."""


def _require_editor(actor) -> None:
    if not can_assemble_issues(actor):
        raise PermissionDenied("只有编辑可以组刊和刊发。")


GONE = "这一期已被删除（可能是其他编辑刚删的），请回到期刊列表查看。"


def _lock_issue(issue: Issue) -> Issue:
    """The issue's row, locked; IssueActionError if it was deleted since the page was read."""
    locked = Issue.objects.select_for_update().filter(pk=issue.pk).first()
    if locked is None:
        raise IssueActionError(GONE)
    return locked


def _lock_draft(issue: Issue, expected_version: int | None = None) -> Issue:
    locked = _lock_issue(issue)
    if locked.status != Issue.Status.DRAFT:
        raise IssueActionError("这一期已经刊发，不能再改动编排。如需修改请使用“更正”。")
    if expected_version is not None and locked.layout_version != expected_version:
        raise StaleLayout("编排已被他人修改，页面已过期。请刷新后再操作，您刚才的调整没有保存。")
    return locked


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


def _section_accepts(section: Section, submission) -> bool:
    wants_briefs = submission.adopted_as == "brief"
    return (section.kind == Section.Kind.BRIEFS) == wants_briefs


def _bump(issue: Issue) -> None:
    issue.layout_version += 1
    issue.save(update_fields=["layout_version", "updated_at"])
    schedule_draft_render(issue)


@transaction.atomic
def place_submission(
    *, actor, issue: Issue, submission, section: Section, expected_version: int
) -> Placement:
    """Put an adopted piece at the end of a section of a draft issue."""
    from submissions.models import Submission

    _require_editor(actor)
    issue = _lock_draft(issue, expected_version)
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.status != Submission.Status.ADOPTED:
        raise IssueActionError(
            f"《{submission.title}》当前状态是“{submission.get_status_display()}”，只有已采用的稿件才能编入。"
        )
    if Placement.objects.filter(submission=submission).exists():
        raise IssueActionError(f"《{submission.title}》已经编入一期，不能重复编入。")
    if not _section_accepts(section, submission):
        raise IssueActionError(
            "信息摘登只收采用为摘登的稿件。"
            if section.kind == Section.Kind.BRIEFS
            else "采用为摘登的稿件只能放入信息摘登。"
        )
    last = issue.placements.filter(section=section).order_by("-position").first()
    placement = Placement.objects.create(
        issue=issue, section=section, submission=submission, position=(last.position + 1) if last else 1
    )
    _bump(issue)
    record(
        Kind.LAYOUT_CHANGED,
        actor=actor,
        obj=issue,
        after={"placed": submission.pk, "section": section.name, "position": placement.position},
        message=f"编入《{submission.title}》到“{section.name}”",
    )
    return placement


def issue_label(issue: Issue) -> str:
    return f"{issue.year}年第{issue.number}期(总第{issue.total_number}期)"


@transaction.atomic
def remove_placement(*, actor, placement: Placement, expected_version: int) -> None:
    """Take a piece out of a draft issue; it returns to the adopted pieces not yet placed."""
    from submissions.actions import record_unplaced

    _require_editor(actor)
    issue = _lock_draft(placement.issue, expected_version)
    before = {
        "removed": placement.submission_id,
        "section": placement.section.name,
        "position": placement.position,
    }
    submission = placement.submission
    title = submission.title
    placement.delete()
    record_unplaced(actor=actor, submission=submission, note=f"移出{issue_label(issue)}")
    _bump(issue)
    record(Kind.LAYOUT_CHANGED, actor=actor, obj=issue, before=before, message=f"移出《{title}》")


@transaction.atomic
def delete_issue(*, actor, issue: Issue) -> list:
    """Delete an issue still in assembly; its pieces return to 已采用, not placed.

    A published or imported issue holds published content and is refused. Each piece gets
    an audit Event ("unplace") saying which issue was deleted; its number becomes free
    again. Returns the pieces that were in it.
    """
    from submissions.actions import record_unplaced

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


@transaction.atomic
def arrange_issue(*, actor, issue: Issue, layout: dict[int, list[int]], expected_version: int) -> Issue:
    """Set the complete order: {section id: [placement ids in order]} covering every placement once.

    Moving an item to another section is a layout where it appears under that section.
    Anything but exactly the issue's current placements is refused.
    """
    _require_editor(actor)
    issue = _lock_draft(issue, expected_version)
    before = {str(k): v for k, v in current_layout(issue).items()}
    placements = {p.pk: p for p in issue.placements.select_related("submission").select_for_update()}
    listed = [pk for ids in layout.values() for pk in ids]
    if len(listed) != len(set(listed)) or set(listed) != set(placements):
        raise IssueActionError("提交的排序与本期现有稿件不一致（缺少、多出或重复），未作修改。请刷新后重试。")
    sections = Section.objects.in_bulk(list(layout))
    if len(sections) != len(layout):
        raise IssueActionError("排序中包含不存在的栏目，未作修改。")
    for section_id, ids in layout.items():
        for pk in ids:
            if not _section_accepts(sections[section_id], placements[pk].submission):
                raise IssueActionError(
                    f"《{placements[pk].submission.title}》不能放入“{sections[section_id].name}”：摘登稿件只能放入信息摘登，文章不能放入信息摘登。"
                )
    # Two passes keep the (issue, section, position) constraint satisfied at every step.
    offset = len(placements) + max((p.position for p in placements.values()), default=0) + 1
    for placement in placements.values():
        placement.position += offset
    Placement.objects.bulk_update(placements.values(), ["position"])
    for section_id, ids in layout.items():
        for index, pk in enumerate(ids, start=1):
            placements[pk].section_id = section_id
            placements[pk].position = index
    Placement.objects.bulk_update(placements.values(), ["section", "position"])
    _bump(issue)
    after = {str(k): v for k, v in layout.items()}
    if after != before:
        record(Kind.LAYOUT_CHANGED, actor=actor, obj=issue, before=before, after=after, message="调整顺序")
    return issue


def move_placement(*, actor, placement: Placement, step: int, expected_version: int) -> Issue:
    """Move an item one place up (step=-1) or down (+1) within its section: the keyboard way."""
    issue = placement.issue
    layout = current_layout(issue)
    ids = layout[placement.section_id]
    index = ids.index(placement.pk)
    target = index + step
    if not 0 <= target < len(ids):
        raise IssueActionError("已经在本栏目的最前（或最后），无法再移动。")
    ids[index], ids[target] = ids[target], ids[index]
    return arrange_issue(actor=actor, issue=issue, layout=layout, expected_version=expected_version)


def move_placement_to_section(
    *, actor, placement: Placement, section: Section, expected_version: int
) -> Issue:
    """Move an item to the end of another section (the page's 移至, without dragging)."""
    layout = current_layout(placement.issue)
    layout[placement.section_id].remove(placement.pk)
    layout.setdefault(section.pk, []).append(placement.pk)
    return arrange_issue(actor=actor, issue=placement.issue, layout=layout, expected_version=expected_version)


@contextmanager
def _files_removed_on_failure(storage) -> Iterator[list[str]]:
    """Names of files written inside the block are deleted again if the block fails,
    so a rolled-back publication leaves no orphan PDF behind.

    Only new files are written inside a transaction, each under a fresh name that no row
    points to until the transaction commits (the storage never overwrites); no action
    deletes a stored PDF, so a failure can never cost an earlier file."""
    written: list[str] = []
    try:
        yield written
    except BaseException:
        for name in written:
            storage.delete(name)
        raise


def _store_pdf(*, issue: Issue, actor, pdf: bytes, written: list[str], note: str = "") -> IssuePdf:
    """Store rendered PDF bytes as the issue's next PDF version (the render happened before,
    outside the transaction this runs in)."""
    last = issue.pdfs.order_by("-version").first()
    record = IssuePdf(
        issue=issue,
        version=(last.version + 1) if last else 1,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        note=note,
        created_by=actor,
    )
    try:
        record.file.save("issue.pdf", ContentFile(pdf), save=False)
    except OSError as error:  # full disk, read-only mount, object store refusing
        raise IssueActionError(storage_failure_message(error)) from error
    written.append(record.file.name)
    record.save()
    return record


def _check_publishable(issue: Issue, expected_version: int | None) -> None:
    if issue.status != Issue.Status.DRAFT:
        raise IssueActionError("这一期已经刊发，不能再改动编排。如需修改请使用“更正”。")
    if expected_version is not None and issue.layout_version != expected_version:
        raise StaleLayout("编排已被他人修改，页面已过期。请刷新后再操作，您刚才的调整没有保存。")


def publish_issue(
    *, actor, issue: Issue, expected_version: int | None = None, confirmed: bool = False
) -> Issue:
    """Freeze the issue's content, mark its pieces 已刊发 and store its PDF — all or nothing.

    While an earlier number of the same year is still in assembly, NeedsConfirmation
    names it, unless `confirmed` (the editor saw that message and chose to go on; the
    worker publishes a job the editor already confirmed).

    The PDF is the pre-rendered draft PDF when its content key matches the content being
    frozen, otherwise rendered here; either way before the transaction, so no lock is held
    while rendering. Inside the transaction the content is read again: if it changed in
    the meantime nothing is published and the editor is told. Runs in the worker (see
    request_publication); tests and scripts may call it directly.
    """
    from submissions.actions import publish_submissions
    from submissions.models import Submission

    _require_editor(actor)
    issue = Issue.objects.select_related("publication").get(pk=issue.pk)
    if issue.status == Issue.Status.PUBLISHED and expected_version in (None, issue.layout_version):
        return issue  # a double click: the first click published it; same result
    _check_publishable(issue, expected_version)
    document = build_document(issue)
    if not document.sections:
        raise IssueActionError("这一期还没有编入任何稿件，不能刊发。")
    key = content_key(document)
    pdf = stored_pdf_for(issue, key)
    if pdf is None:
        pdf = render_pdf(document)
    with _files_removed_on_failure(IssuePdf.file.field.storage) as written, transaction.atomic():
        current = Issue.objects.select_for_update().get(pk=issue.pk)
        if current.status == Issue.Status.PUBLISHED:
            return current  # a double click: the first click published it; same result
        issue = _lock_draft(issue, expected_version)
        _confirm_order(issue, confirmed)
        pieces = list(Submission.objects.filter(placement__issue=issue).only("pk"))
        if not pieces:
            raise IssueActionError("这一期还没有编入任何稿件，不能刊发。")
        frozen = build_document(issue)
        if content_key(frozen) != key:
            raise IssueActionError("刊发过程中本期内容又有改动，本次未刊发。请查看预览后重新刊发。")
        # Numbers need no check here: they are unique from the moment an issue exists.
        issue.snapshot = frozen.to_dict()
        issue.status = Issue.Status.PUBLISHED
        issue.published_at = timezone.now()
        issue.save()
        # Bulk moves: the query count does not grow with the issue's size (tested).
        publish_submissions(actor=actor, submissions=pieces, issue=issue)
        freeze_printed_texts(issue)
        stored = _store_pdf(issue=issue, actor=actor, pdf=pdf, written=written)
        record(
            Kind.ISSUE_PUBLISHED,
            actor=actor,
            obj=issue,
            after={"pieces": len(pieces), "pdf_version": stored.version, "sha256": stored.sha256},
        )
        issue_id = issue.pk
        transaction.on_commit(lambda: discard_draft_renders(issue_id))
    return issue


def _confirm_order(issue: Issue, confirmed: bool) -> None:
    """NeedsConfirmation while an earlier number of the same year is still in assembly."""
    earlier = earlier_in_assembly(issue)
    if earlier and not confirmed:
        names = "、".join(f"第{e.number}期" for e in earlier)
        raise NeedsConfirmation(
            f"{issue.year}年{names}还在编辑中，尚未刊发。确定先刊发第{issue.number}期吗？"
        )


def request_publication(
    *, actor, issue: Issue, expected_version: int | None, confirmed: bool = False
) -> PublishJob:
    """刊发 from the page: check now, then let the worker render and publish.

    A second click while a job for the issue is waiting or running returns that job.
    The issue stays 编辑中 until the worker has stored its PDF. Raises NeedsConfirmation
    (see publish_issue) unless `confirmed`.
    """
    from bulletin.tasks import publish_issue as publish_task

    _require_editor(actor)
    settle_abandoned_publish_jobs(issue=issue)
    with transaction.atomic():
        issue = _lock_draft(issue, expected_version)
        running = issue.publish_jobs.exclude(status__in=[PublishJob.Status.DONE, PublishJob.Status.FAILED])
        job = running.first()
        if job is not None:
            return job
        _confirm_order(issue, confirmed)
        if not issue.placements.exists():
            raise IssueActionError("这一期还没有编入任何稿件，不能刊发。")
        job = PublishJob.objects.create(
            issue=issue, requested_by=actor, expected_version=issue.layout_version
        )
        job_id = job.pk
        transaction.on_commit(lambda: publish_task.enqueue(job_id=job_id))
    return job


def request_correction(*, actor, issue: Issue, note: str) -> PublishJob:
    """更正 from the page: checked now, rendered and stored by the worker (correct_issue)."""
    from bulletin.tasks import publish_issue as publish_task

    _require_editor(actor)
    note = (note or "").strip()
    if not note:
        raise IssueActionError("请填写更正说明。")
    settle_abandoned_publish_jobs(issue=issue)
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        if issue.status != Issue.Status.PUBLISHED:
            raise IssueActionError("只有已刊发的期才能更正；未刊发的期请直接修改后刊发。")
        job = issue.publish_jobs.exclude(
            status__in=[PublishJob.Status.DONE, PublishJob.Status.FAILED]
        ).first()
        if job is not None:
            return job
        job = PublishJob.objects.create(
            issue=issue,
            requested_by=actor,
            kind=PublishJob.Kind.CORRECT,
            note=note[:200],
            expected_version=issue.layout_version,
        )
        job_id = job.pk
        transaction.on_commit(lambda: publish_task.enqueue(job_id=job_id))
    return job


# What the editor reads when the worker that ran a 刊发 (or 更正) went away before finishing.
ABANDONED_PUBLISH_MESSAGE = "后台任务进程在处理时中断（已停止或重启），本期未刊发，仍在编排中。请重新刊发。"
ABANDONED_CORRECTION_MESSAGE = "后台任务进程在处理时中断（已停止或重启），未生成更正版。请重新提交更正。"


def _publish_job_abandoned(job: PublishJob) -> bool:
    """Whether no worker will ever finish this unfinished job.

    Only with the database task backend (the immediate backend runs the job inside the
    request; a queue without workers is waiting, not abandoned). The job's task row is
    found by its job_id. It is abandoned when that row is finished although the job is
    not (the task raised before recording an outcome), when the row is running but none
    of the workers that claimed it has a heartbeat younger than HEARTBEAT_FRESH_SECONDS
    (killed, or the machine went down), or when no row exists that long after the request
    (the enqueue after commit was lost).
    """
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    from service.models import WorkerHeartbeat
    from service.worker import HEARTBEAT_FRESH_SECONDS

    from bulletin.tasks import publish_issue as publish_task

    if not isinstance(publish_task.get_backend(), DatabaseBackend):
        return False
    fresh_since = timezone.now() - datetime.timedelta(seconds=HEARTBEAT_FRESH_SECONDS)
    task = (
        DBTaskResult.objects.filter(task_path=publish_task.module_path, args_kwargs__kwargs__job_id=job.pk)
        .order_by("-enqueued_at")
        .first()
    )
    if task is None:
        return job.requested_at < fresh_since
    if task.status == "READY":
        return False
    if task.status == "RUNNING":
        return not WorkerHeartbeat.objects.filter(
            worker_id__in=task.worker_ids, seen_at__gte=fresh_since
        ).exists()
    return True  # SUCCESSFUL or FAILED, yet the job has no outcome


def settle_abandoned_publish_jobs(*, issue: Issue | None = None) -> list[PublishJob]:
    """Give every abandoned unfinished 刊发/更正 job (of the issue, or of all issues) its
    true outcome.

    A job whose publication committed before its worker died is done (the issue is
    已刊发, or the correction's PDF version exists); any other is failed with the reason,
    so the page stops waiting and a new 刊发 can be asked for. Its task row, left running
    by the dead worker, is marked failed too. Returns the jobs settled. Called by the
    刊发中 page, by request_publication/request_correction and by the worker's housekeeper.
    """
    settled = []
    unfinished = PublishJob.objects.exclude(status__in=[PublishJob.Status.DONE, PublishJob.Status.FAILED])
    if issue is not None:
        unfinished = unfinished.filter(issue=issue)
    for job in unfinished:
        if not _publish_job_abandoned(job):
            continue
        with transaction.atomic():
            job = PublishJob.objects.select_for_update().select_related("issue").get(pk=job.pk)
            if job.is_finished:
                continue
            if job.kind == PublishJob.Kind.CORRECT:
                done = IssuePdf.objects.filter(issue=job.issue, created_at__gte=job.requested_at).exists()
                message = ABANDONED_CORRECTION_MESSAGE
            else:
                done = job.issue.is_published
                message = ABANDONED_PUBLISH_MESSAGE
            job.status = PublishJob.Status.DONE if done else PublishJob.Status.FAILED
            job.error = "" if done else message
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "error", "finished_at"])
            _fail_dead_task(job.pk)
        settled.append(job)
    return settled


def _fail_dead_task(job_id: int) -> None:
    """Mark the task row a dead worker left RUNNING as failed (so /healthz stops counting it)."""
    from django_tasks_db.models import DBTaskResult

    from bulletin.tasks import publish_issue as publish_task

    DBTaskResult.objects.filter(
        task_path=publish_task.module_path, args_kwargs__kwargs__job_id=job_id, status="RUNNING"
    ).update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path="builtins.RuntimeError",
        traceback="The worker running this task stopped without reporting (settle_abandoned_publish_jobs).",
    )


def run_publish_job(*, job_id: int) -> PublishJob:
    """The worker's side of 刊发: publish_issue for the job, its outcome recorded on the job.

    A refusal or a failed render leaves the issue in assembly with the reason on the job,
    which the page shows.
    """
    job = PublishJob.objects.select_related("issue", "requested_by").get(pk=job_id)
    if job.is_finished:
        return job
    PublishJob.objects.filter(pk=job.pk).update(status=PublishJob.Status.RENDERING, started_at=timezone.now())
    correcting = job.kind == PublishJob.Kind.CORRECT
    reused = False
    try:
        key = "" if correcting or job.issue.is_published else content_key(build_document(job.issue))
        reused = bool(key) and stored_pdf_for(job.issue, key) is not None
        if correcting:
            correct_issue(actor=job.requested_by, issue=job.issue, note=job.note)
        else:
            publish_issue(
                actor=job.requested_by,
                issue=job.issue,
                expected_version=job.expected_version,
                confirmed=True,  # asked in request_publication, before the job existed
            )
    except (IssueActionError, PermissionDenied) as error:
        outcome = {"status": PublishJob.Status.FAILED, "error": str(error)}
    except Exception as error:  # a render that broke: the editor sees why, nothing is published
        outcome = {"status": PublishJob.Status.FAILED, "error": f"排版失败：{type(error).__name__}: {error}"}
    else:
        outcome = {"status": PublishJob.Status.DONE, "reused_preview": reused}
    PublishJob.objects.filter(pk=job.pk).update(finished_at=timezone.now(), **outcome)
    job.refresh_from_db()
    return job


def correct_issue(*, actor, issue: Issue, note: str) -> IssuePdf:
    """更正: re-freeze a published issue from its pieces' current text and store a new PDF.

    Earlier PDF versions stay stored and downloadable by editors.
    """
    _require_editor(actor)
    note = (note or "").strip()
    if not note:
        raise IssueActionError("请填写更正说明。")
    issue = Issue.objects.select_related("publication").get(pk=issue.pk)
    if issue.status != Issue.Status.PUBLISHED:
        raise IssueActionError("只有已刊发的期才能更正；未刊发的期请直接修改后刊发。")
    document = build_document(issue)
    pdf = render_pdf(document)  # outside the transaction: no lock held while rendering
    with _files_removed_on_failure(IssuePdf.file.field.storage) as written, transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        frozen = build_document(issue)
        if content_key(frozen) != content_key(document):
            raise IssueActionError("更正过程中稿件又有改动，本次未更正。请重新提交更正。")
        snapshot = frozen.to_dict()
        last = issue.pdfs.order_by("-version").first()
        if snapshot == issue.snapshot and last is not None:
            if last.note == note:
                return last  # a double click: the first click made this version; same result
            raise IssueActionError("本期稿件内容自上次刊发或更正以来没有变化，无需更正。请先修改稿件再更正。")
        before = {"pdf_version": last.version if last else None, "sha256": last.sha256 if last else None}
        issue.snapshot = snapshot
        issue.save(update_fields=["snapshot", "updated_at"])
        # Readers now find the corrected text (and only now: issue 12).
        freeze_printed_texts(issue)
        pdf = _store_pdf(issue=issue, actor=actor, pdf=pdf, written=written, note=note)
        record(
            Kind.ISSUE_CORRECTED,
            actor=actor,
            obj=issue,
            before=before,
            after={"pdf_version": pdf.version, "sha256": pdf.sha256},
            message=note,
        )
        return pdf


def import_back_issue(*, actor, result, source_name: str, replace: bool = False) -> tuple[Issue, list[str]]:
    """Record a parsed back issue as a published issue with its pieces, and store its re-rendered PDF.

    Refused while the parse has errors, for an unknown publication, for numbers or a date
    outside sane bounds (numbering.number_bounds), for numbers that an issue assembled in
    the system holds (an import never touches those), and for an issue already imported
    unless `replace` is given. Returns the issue and notes for the editor.

    Replacing keeps what people added: the issue row and its earlier PDFs stay (the new
    PDF is the next version), and each old piece is matched to a new one (same section
    and title, else same section and position) and updated in place, so its 批示,
    comments and audit rows stay with it. An old piece with such additions that matches
    nothing makes the whole replace refused, naming it. Everything happens in one
    transaction: a failure at any step leaves every row and file as it was.
    """
    from submissions.actions import delete_back_issue_piece, record_back_issue_piece, update_back_issue_piece

    from bulletin.importing.units import unit_for

    _require_editor(actor)
    if result.errors:
        raise IssueActionError(f"文字中还有 {len(result.errors)} 处错误，改正后才能导入。")
    document = result.document
    publication = Publication.objects.filter(name=document.publication_name).first()
    if publication is None:
        raise IssueActionError(back_issue_clash(document, replace=replace))
    label = f"{document.year}年第{document.number}期(总第{document.total_number}期)"
    problems = number_bounds(
        publication=publication,
        date=document.date,
        number=document.number,
        total_number=document.total_number,
        imported=True,
    )
    if problems:
        raise IssueActionError(f"{label}：{''.join(problems)}")
    notes: list[str] = []
    # Rendered as the stored snapshot reads back, outside the transaction: no lock held.
    printed = render_pdf(IssueDocument.from_dict(document.to_dict()))
    with _files_removed_on_failure(IssuePdf.file.field.storage) as written, transaction.atomic():
        Publication.objects.select_for_update().get(pk=publication.pk)
        clash = back_issue_clash(document, replace=replace)
        if clash:
            raise IssueActionError(clash)
        existing = list(
            Issue.objects.filter(publication=publication).filter(
                Q(year=document.year, number=document.number) | Q(total_number=document.total_number)
            )
        )
        if len(existing) > 1:
            raise IssueActionError(
                f"{label}的期号与总期号分别属于两期已导入的刊物（{'、'.join(str(i) for i in existing)}），"
                "无法确定覆盖哪一期，未作修改。请核对文字中的期号。"
            )
        fields = {
            "publication": publication,
            "year": document.year,
            "number": document.number,
            "total_number": document.total_number,
            "edition": result.edition,
            "date": document.date,
            "editor_name": document.editor_name,
            "editor_phone": document.editor_phone,
            "distribution": "\n".join(document.distribution),
            "status": Issue.Status.PUBLISHED,
            "origin": Issue.Origin.IMPORTED,
            "source_name": source_name[:200],
            "published_at": timezone.now(),
            "snapshot": document.to_dict(),
        }
        if existing:
            issue = Issue.objects.select_for_update().get(pk=existing[0].pk)
            before = {**_issue_state(issue), "source_name": issue.source_name}
            old_placements = list(issue.placements.select_related("submission", "section"))
            for name, value in fields.items():
                setattr(issue, name, value)
        else:
            issue, before, old_placements = Issue(**fields), None, []
        _check_fields(issue)
        issue.save()

        fallback = Unit.objects.get(short_name="研究室")
        next_position = (Section.objects.aggregate(m=Max("position"))["m"] or 0) + 1
        # The pieces keep the text as it prints (full-width punctuation, no stray spaces
        # around numbers), so the archive, search and statistics read like the issue;
        # the snapshot keeps the recovered text itself.
        planned = []  # (section, position, piece fields)
        for doc_section in document.normalized().sections:
            section, created = Section.objects.get_or_create(
                name=doc_section.name,
                defaults={"kind": doc_section.kind, "position": next_position, "active": False},
            )
            if created:
                next_position += 1
                notes.append(f"新增栏目“{section.name}”（未启用，新编的期不会出现）。")
            for position, item in enumerate(doc_section.items, start=1):
                is_brief = doc_section.kind == Section.Kind.BRIEFS
                text = "".join(run.text for run in item.paragraph) if is_brief else ""
                unit = unit_for(item.byline_org, text)
                name = text[:20] + "……" if is_brief else f"《{item.title}》"
                if unit is None:
                    unit = fallback
                    notes.append(f"{name}无法从署名确定报送单位，已记为研究室。")
                authors = " ".join(item.byline_authors)
                piece = (
                    {
                        "title": text[:30] or "信息摘登",
                        "brief_text": text,
                        "body": f"<p>{escape(text)}</p>",
                        "brief_byline": " ".join(p for p in (item.byline_org, authors) if p),
                    }
                    if is_brief
                    else {
                        "title": item.title,
                        "subtitle": item.subtitle,
                        "body": runs_to_html([[(r.text, r.bold) for r in p] for p in item.paragraphs]),
                    }
                )
                piece.update(
                    unit=unit,
                    adopted_as="brief" if is_brief else "article",
                    byline_org=item.byline_org,
                    byline_authors=authors,
                )
                planned.append((section, position, piece))

        matched = _match_pieces(old_placements, planned)
        kept_ids = {submission.pk for submission in matched.values()}
        dropped = [p.submission for p in old_placements if p.submission_id not in kept_ids]
        would_lose = [text for text in (_additions(s) for s in dropped) if text]
        if would_lose:
            raise IssueActionError(
                f"覆盖{label}会丢失以下稿件上的内容（新文字中找不到同一栏目同一标题或同一位置的篇目），未作修改："
                + "；".join(would_lose)
                + "。请核对标题后再覆盖。"
            )
        Placement.objects.filter(issue=issue).delete()
        for submission in dropped:
            delete_back_issue_piece(actor=actor, submission=submission)
        forget_printed_texts([submission.pk for submission in dropped])
        note = f"导入往期：{source_name}"
        for index, (section, position, piece) in enumerate(planned):
            if index in matched:
                submission = update_back_issue_piece(
                    actor=actor, submission=matched[index], note=f"覆盖导入往期：{source_name}", **piece
                )
            else:
                submission = record_back_issue_piece(actor=actor, note=note, **piece)
            Placement.objects.create(issue=issue, section=section, submission=submission, position=position)
        freeze_printed_texts(issue)
        pdf = _store_pdf(
            issue=issue, actor=actor, pdf=printed, written=written, note="往期导入，按原文重新排印"
        )
        record(
            Kind.BACK_ISSUE_REPLACED if existing else Kind.BACK_ISSUE_IMPORTED,
            actor=actor,
            obj=issue,
            before=before,
            after={
                **_issue_state(issue),
                "source_name": issue.source_name,
                "pieces": len(planned),
                "pieces_kept": len(matched),
                "pieces_removed": len(dropped),
                "pdf_version": pdf.version,
                "sha256": pdf.sha256,
            },
            message=source_name[:200],
        )
    return issue, notes


def _piece_key(section: Section, piece_title: str, brief_text: str, adopted_as: str) -> tuple:
    return (section.pk, brief_text if adopted_as == "brief" else piece_title)


def _match_pieces(old_placements: list[Placement], planned: list[tuple]) -> dict[int, object]:
    """{index in planned: old Submission}: same section and title (a brief: same text)
    first, then same section and position among those left."""
    matched: dict[int, object] = {}
    free = {p.pk: p for p in old_placements}
    by_key = {}
    for p in old_placements:
        s = p.submission
        by_key.setdefault(_piece_key(p.section, s.title, s.brief_text, s.adopted_as), []).append(p.pk)
    for index, (section, _position, piece) in enumerate(planned):
        key = _piece_key(section, piece["title"], piece.get("brief_text", ""), piece["adopted_as"])
        candidates = [pk for pk in by_key.get(key, []) if pk in free]
        if candidates:
            matched[index] = free.pop(candidates[0]).submission
    by_place = {(p.section_id, p.position): p for p in free.values()}
    for index, (section, position, _piece) in enumerate(planned):
        if index not in matched and (section.pk, position) in by_place:
            placement = by_place.pop((section.pk, position))
            matched[index] = free.pop(placement.pk).submission
    return matched


def _additions(submission) -> str:
    """What people added to a piece beyond its import, in words; "" when nothing."""
    from bulletin.models import Instruction

    parts = []
    instructions = Instruction.objects.filter(submission=submission).count()
    comments = submission.comments.count()
    events = submission.events.exclude(action__in=["import", "reimport"]).count()
    if instructions:
        parts.append(f"批示 {instructions} 条")
    if comments:
        parts.append(f"留言 {comments} 条")
    if events:
        parts.append(f"操作记录 {events} 条")
    return f"《{submission.title}》（{'、'.join(parts)}）" if parts else ""


@transaction.atomic
def record_instruction(*, actor, submission, leader: str, level: str, date: datetime.date, text: str = ""):
    """记录批示 on a published piece; the piece's unit earns the scheme's bonus. Recording
    the same instruction again returns the existing record."""
    from submissions.models import Submission

    from bulletin.models import Instruction

    _require_editor(actor)
    if submission.status != Submission.Status.PUBLISHED:
        raise IssueActionError("只能为已刊发的稿件记录批示。")
    leader = " ".join((leader or "").split())
    if not leader:
        raise IssueActionError("请填写批示领导。")
    if date > timezone.localdate():
        raise IssueActionError("批示日期不能晚于今天。")
    text = (text or "").strip()
    # The same instruction sent twice (a double click, a resubmitted form) is one record, so
    # its bonus counts once: the piece's row is locked while we look for it.
    Submission.objects.select_for_update().filter(pk=submission.pk).first()
    same = Instruction.objects.filter(submission=submission, leader=leader, level=level, date=date, text=text)
    if same.exists():
        return same.first()
    instruction = Instruction(
        submission=submission,
        leader=leader,
        level=level,
        date=date,
        text=text,
        recorded_by=actor,
    )
    instruction.full_clean()
    instruction.save()
    record(
        Kind.INSTRUCTION_RECORDED,
        actor=actor,
        obj=submission,
        after={"leader": leader, "level": level, "date": date.isoformat()},
    )
    return instruction


@transaction.atomic
def set_quota(
    *,
    actor,
    count: int,
    period: str,
    starts: datetime.date,
    unit=None,
    unit_kind: str = "",
    ends: datetime.date | None = None,
    note: str = "",
):
    """Set a 报送任务: `count` pieces each month or quarter for one unit or a kind of unit.

    The start is moved to the first day of its period and the end to the last day of its
    period (a quota is judged per whole period, by the rule in force on the period's last day).
    A new open-ended rule replaces the target's earlier rules from its start: they end the
    day before. A rule with an end (a special month, a campaign quarter) only overrides for
    its own span — where rules overlap, the one that started last holds (quotas.rule_for) —
    so the target's standing rule applies again after it, and stopping it loses nothing.
    """
    from bulletin.models import Quota
    from bulletin.quotas import period_of, period_start

    _require_editor(actor)
    if (unit is None) == (not unit_kind):
        raise IssueActionError("请选择一个单位，或选择一类单位（二者选一）。")
    if period not in Quota.Period.values:
        raise IssueActionError("周期只能是每月或每季度。")
    if count < 0 or count > 99 or (count == 0 and unit is None):
        # 0 exempts one unit from its kind's rule (免报); a kind always owes at least 1.
        raise IssueActionError("应报篇数应在 1 至 99 之间（对单个单位可填 0，表示免报）。")
    starts = period_start(period, starts)
    if ends is not None and ends < starts:
        raise IssueActionError("结束日期不能早于起始日期。")
    if ends is not None:
        ends = period_of(period, ends).end
    same_target = Quota.objects.select_for_update().filter(
        unit=unit, unit_kind="" if unit is not None else unit_kind
    )
    if same_target.filter(starts=starts).exists():
        raise IssueActionError("同一对象在这一起始日期已有报送任务，请先停止原任务或换一个起始日期。")
    if ends is None:
        same_target.filter(starts__lt=starts).filter(Q(ends__isnull=True) | Q(ends__gte=starts)).update(
            ends=starts - datetime.timedelta(days=1)
        )
    quota = Quota(
        unit=unit,
        unit_kind="" if unit is not None else unit_kind,
        period=period,
        count=count,
        starts=starts,
        ends=ends,
        note=" ".join((note or "").split()),
        created_by=actor,
    )
    quota.full_clean()
    quota.save()
    record(
        Kind.QUOTA_CHANGED,
        actor=actor,
        obj=quota,
        after={
            "unit": str(unit) if unit is not None else "",
            "unit_kind": quota.unit_kind,
            "period": period,
            "count": count,
            "starts": starts.isoformat(),
            "ends": ends.isoformat() if ends else None,
        },
    )
    return quota


@transaction.atomic
def end_quota(*, actor, quota, today: datetime.date | None = None):
    """停止 a 报送任务: it still holds for the current period and ends with it (a period is
    never judged by half a rule). A rule that has not started yet is deleted."""
    from bulletin.models import Quota
    from bulletin.quotas import period_of

    _require_editor(actor)
    quota = Quota.objects.select_for_update().get(pk=quota.pk)
    today = today or timezone.localdate()
    if quota.starts > today:
        quota.delete()
        return None
    end = period_of(quota.period, today).end
    if quota.ends is not None and quota.ends <= end:
        raise IssueActionError("这项报送任务已经设置了结束日期。")
    before = {"ends": quota.ends.isoformat() if quota.ends else None}
    quota.ends = end
    quota.save(update_fields=["ends"])
    record(Kind.QUOTA_CHANGED, actor=actor, obj=quota, before=before, after={"ends": end.isoformat()})
    return quota


def _earliest_higher_adoption(submission) -> datetime.date | None:
    """A higher bulletin can only take up a piece it could have seen: not before the piece
    first reached the editor (a back-issue piece: its issue's date). None when unknown."""
    if submission.first_submitted_at is not None:
        return timezone.localtime(submission.first_submitted_at).date()
    placement = Placement.objects.filter(submission=submission).select_related("issue").first()
    return placement.issue.date if placement is not None else None


def _higher_adoption_text(adoption) -> str:
    return (
        f"{adoption.date.year}年{adoption.date.month}月{adoption.date.day}日 · "
        f"{adoption.get_level_display()} · 《{adoption.publication}》{adoption.issue}"
    )


def _audit_on_piece(*, actor, submission, action: str, note: str) -> None:
    """An audit row on the piece for a record that does not move it (its status stays)."""
    from submissions.models import Event

    Event.objects.create(
        submission=submission,
        actor=actor,
        action=action,
        from_status=submission.status,
        to_status=submission.status,
        note=note,
    )


def record_higher_adoption(
    *, actor, submission, level: str, publication: str, date: datetime.date, issue: str = ""
):
    """记录上级采用: a piece forwarded to and adopted by a provincial or national bulletin; the
    piece's unit earns the scheme's points for that level on that date. The date lies between
    the piece's first arrival (`_earliest_higher_adoption`) and today. Audited on the piece."""
    from submissions.models import Submission

    from bulletin.models import HigherAdoption

    _require_editor(actor)
    if submission.status not in (Submission.Status.ADOPTED, Submission.Status.PUBLISHED):
        raise IssueActionError("只能为已采用或已刊发的稿件记录上级采用。")
    if level not in HigherAdoption.Level.values:
        raise IssueActionError("请选择省人大或全国人大。")
    publication = " ".join((publication or "").split())
    if not publication:
        raise IssueActionError("请填写采用的刊物名称。")
    if date > timezone.localdate():
        raise IssueActionError("采用日期不能晚于今天。")
    earliest = _earliest_higher_adoption(submission)
    if earliest is not None and date < earliest:
        raise IssueActionError(
            f"采用日期不能早于稿件报送本刊的日期（{earliest.year}年{earliest.month}月{earliest.day}日）。"
        )
    adoption = HigherAdoption(
        submission=submission,
        level=level,
        publication=publication,
        date=date,
        issue=" ".join((issue or "").split()),
        recorded_by=actor,
    )
    adoption.full_clean(validate_constraints=False)
    with transaction.atomic():
        try:
            with transaction.atomic():
                adoption.save()
        except IntegrityError as error:
            raise IssueActionError(f"《{publication}》{adoption.issue}的这次采用已经记录过了。") from error
        _audit_on_piece(
            actor=actor,
            submission=submission,
            action="higher_adoption",
            note=f"记录上级采用：{_higher_adoption_text(adoption)}",
        )
        record(Kind.HIGHER_ADOPTION, actor=actor, obj=submission, message=_higher_adoption_text(adoption))
    return adoption


@transaction.atomic
def remove_higher_adoption(*, actor, adoption, note: str):
    """Remove a mistaken 上级采用 record (the unit's points for it go with it). The reason is
    required and kept, with what the record said, in the piece's audit trail."""
    from bulletin.models import HigherAdoption

    _require_editor(actor)
    note = " ".join((note or "").split())
    if not note:
        raise IssueActionError("删除上级采用记录时请写明原因。")
    adoption = (
        HigherAdoption.objects.select_for_update().select_related("submission").filter(pk=adoption.pk).first()
    )
    if adoption is None:
        raise IssueActionError("这条上级采用记录已经删除了。")
    _audit_on_piece(
        actor=actor,
        submission=adoption.submission,
        action="higher_adoption_removed",
        note=f"删除上级采用记录：{_higher_adoption_text(adoption)}。原因：{note}",
    )
    record(
        Kind.HIGHER_ADOPTION,
        actor=actor,
        obj=adoption.submission,
        before={"adoption": _higher_adoption_text(adoption)},
        message=f"删除：{note}",
    )
    adoption.delete()
    return adoption
