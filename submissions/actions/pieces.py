"""The one way to change a piece: write, submit, withdraw, return, adopt, decline, comment.

Every action takes an explicit `actor`, checks the actor's right and the piece's current
state against TRANSITIONS, runs in a transaction, writes the audit Event and notifies the
other side. A refusal is a SubmissionActionError whose message the view shows as it is.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from accounts.permissions import unit_has_reviewer
from audit.models import AuditEntry
from audit.records import Kind, entry
from messaging.models import MessageKind
from submissions import permissions
from submissions.actions.common import (
    EditConflict,
    SubmissionActionError,
    _link,
    _tell_editors,
    _tell_reviewers,
    _tell_unit,
)
from submissions.actions.reminders import tell_units
from submissions.models import Commission, Event, Revision, Submission
from submissions.notifications import notify_each
from submissions.signals import piece_text_changed, placement_of
from text.richtext import body_text, is_blank, sanitize_body

S = Submission.Status


@dataclass(frozen=True)
class Transition:
    label: str  # what the audit row and the notice call it
    sources: tuple[str, ...]
    target: str
    role: str


TRANSITIONS: dict[str, Transition] = {
    # A unit without a 审核人: the contributor names the 签发人 and the piece goes to the editor.
    # From 待审签 too, when the unit's last 审核人 has left: the piece is not stuck waiting.
    "submit": Transition("报送", (S.DRAFT, S.RETURNED, S.PENDING_SIGNOFF), S.SUBMITTED, Role.CONTRIBUTOR),
    # A unit with a 审核人: 报送 waits for 签发 in the unit first.
    "request_signoff": Transition("报送审签", (S.DRAFT, S.RETURNED), S.PENDING_SIGNOFF, Role.CONTRIBUTOR),
    "sign_off": Transition("签发", (S.PENDING_SIGNOFF,), S.SUBMITTED, Role.REVIEWER),
    "return_signoff": Transition("审签退回", (S.PENDING_SIGNOFF,), S.RETURNED, Role.REVIEWER),
    # A draft is deleted, not withdrawn: nobody else has seen it yet.
    "withdraw": Transition(
        "撤回", (S.PENDING_SIGNOFF, S.SUBMITTED, S.RETURNED), S.WITHDRAWN, Role.CONTRIBUTOR
    ),
    "delete": Transition("删除草稿", (S.DRAFT,), S.DELETED, Role.CONTRIBUTOR),
    "restore": Transition("恢复为草稿", (S.WITHDRAWN,), S.DRAFT, Role.CONTRIBUTOR),
    "return": Transition("退回修改", (S.SUBMITTED,), S.RETURNED, Role.EDITOR),
    "adopt_article": Transition("采用为文章", (S.SUBMITTED,), S.ADOPTED, Role.EDITOR),
    "adopt_brief": Transition("采用为信息摘登", (S.SUBMITTED,), S.ADOPTED, Role.EDITOR),
    "decline": Transition("不采用", (S.SUBMITTED,), S.DECLINED, Role.EDITOR),
    # The undo of an adoption (only while the piece is in no issue) and of a 不采用.
    "unadopt": Transition("撤销采用", (S.ADOPTED,), S.SUBMITTED, Role.EDITOR),
    "reopen": Transition("重新审核", (S.DECLINED,), S.SUBMITTED, Role.EDITOR),
    "publish": Transition("刊发", (S.ADOPTED,), S.PUBLISHED, Role.EDITOR),
    # Taken out of an issue in assembly (移出, or the issue deleted): still 已采用, not placed.
    "unplace": Transition("移出期", (S.ADOPTED,), S.ADOPTED, Role.EDITOR),
}

TEXT_FIELDS = ("title", "subtitle", "body", "byline_org", "byline_authors")
DRAFT_FIELDS = (*TEXT_FIELDS, "contact_name", "contact_phone", "suggested_section")


def _lock(submission: Submission) -> Submission:
    return Submission.objects.select_for_update().select_related("unit").get(pk=submission.pk)


def _transition(
    submission: Submission, name: str, *, actor: User, note: str = "", save: bool = True
) -> Event:
    """Check the actor and the state, move the piece and write the audit row
    (or, with save=False, return it unsaved for a bulk insert)."""
    rule = TRANSITIONS[name]
    if not permissions.acts_for(actor, submission, rule.role):
        raise PermissionDenied("您无权对这篇稿件执行此操作。")
    if submission.status not in rule.sources:
        raise SubmissionActionError(
            f"稿件当前状态为“{submission.get_status_display()}”，不能{rule.label}。请刷新页面查看最新状态。"
        )
    event = Event(
        submission=submission,
        actor=actor,
        action=name,
        from_status=submission.status,
        to_status=rule.target,
        note=note,
    )
    # The Event row stays the statistics' source; the audit log gets the same move so an
    # auditor reads every event in one place (a bulk move saves both in bulk: publish_submissions).
    audit = entry(
        Kind.PIECE_TRANSITION,
        actor=actor,
        obj=submission,
        before={"status": submission.status},
        after={"status": rule.target},
        message=f"{rule.label}{'：' + note if note else ''}"[:1000],
    )
    if save:
        event.save()
        audit.save()
    else:
        event.audit_entry = audit
    submission.status = rule.target
    return event


def _keep_revision(submission: Submission, kind: str, author: User, fields: dict | None = None) -> Revision:
    source = fields if fields is not None else {name: getattr(submission, name) for name in TEXT_FIELDS}
    return Revision.objects.create(
        submission=submission,
        kind=kind,
        author=author,
        **{name: source.get(name, "") for name in TEXT_FIELDS},
    )


def _arrive(submission: Submission, event: Event) -> None:
    """The piece reaches the editor (报送 or 签发): stamp the times statistics and quotas count."""
    submission.submitted_at = event.created_at
    if submission.first_submitted_at is None:
        # Equal to the event's time, so the statistics can tell a first arrival by the event alone.
        submission.first_submitted_at = event.created_at
    submission.revision_due = None


def _clean_fields(fields: dict) -> dict:
    cleaned = {name: value for name, value in fields.items() if name in DRAFT_FIELDS}
    if "body" in cleaned:
        cleaned["body"] = sanitize_body(cleaned["body"] or "")
    for name in ("title", "subtitle", "byline_org", "byline_authors", "contact_name", "contact_phone"):
        if name in cleaned:
            cleaned[name] = " ".join((cleaned[name] or "").split())
    return cleaned


@transaction.atomic
def create_draft(*, actor: User, commission: Commission | None = None, **fields) -> Submission:
    """A contributor starts a piece for their own unit (optionally answering a commission)."""
    if not permissions.can_write_for_unit(actor):
        raise PermissionDenied("只有报送员可以为本单位撰写稿件。")
    unit = actor.unit
    if commission is not None and not commission.units.filter(pk=unit.pk).exists():
        raise PermissionDenied("这项约稿不是发给本单位的。")
    if commission is not None and commission.cancelled_at is not None:
        raise SubmissionActionError("这项约稿已撤销。")
    source_docx = fields.pop("source_docx", None)
    cleaned = _clean_fields(fields)
    cleaned.setdefault("byline_org", unit.office_name)
    submission = Submission(unit=unit, created_by=actor, commission=commission, **cleaned)
    if source_docx is not None:
        submission.source_docx = source_docx
    submission.full_clean(exclude=["source_docx"])
    submission.save()
    piece_text_changed.send(sender=Submission, submission=submission)
    return submission


def save_text(*, actor: User, submission: Submission, expected_version: int, **fields) -> Submission:
    """Save a contributor's draft or an editor's edit; a save based on an old version is refused.

    The refused text is kept as a conflict revision, so neither side's words are lost. A
    save based on an old version whose text is already the current text is not a conflict
    (the same form sent twice): nothing changes and nothing is kept.
    An editor's edit keeps the text as edited, so the unit can see what changed.
    """
    cleaned = _clean_fields(fields)
    with transaction.atomic():
        current = _lock(submission)
        is_editor = permissions.can_edit_as_editor(actor, current)
        if not is_editor and not permissions.can_edit_as_contributor(actor, current):
            if permissions.can_view(actor, current):
                raise SubmissionActionError(f"稿件当前状态为“{current.get_status_display()}”，不能修改。")
            raise PermissionDenied("您无权修改这篇稿件。")
        if current.version == expected_version:
            for name, value in cleaned.items():
                setattr(current, name, value)
            current.full_clean(exclude=["source_docx"])
            current.version += 1
            current.save()
            if is_editor:
                _keep_revision(current, Revision.Kind.EDITED, actor)
            piece_text_changed.send(sender=Submission, submission=current)
            return current
        if all(getattr(current, name) == value for name, value in cleaned.items()):
            return current  # the same save sent twice (a second click, a resubmit): already in place
    # Kept in its own transaction: the refusal below must not roll the refused text back.
    kept = _keep_conflict(current, actor, cleaned, expected_version)
    raise EditConflict(
        "保存失败：在您编辑期间，这篇稿件已被他人修改。下面的表单已换成最新稿，您的文字放在旁边"
        "（也已作为“冲突未保存稿”保留在版本记录中），可逐项采用后再保存。",
        revision=kept,
    )


AUTOSAVE_NOTE = "自动保存"


def autosave_text(*, actor: User, submission: Submission, expected_version: int, **fields) -> Submission:
    """保存草稿 made by the page itself while someone types: save_text with its rights, state
    checks and conflict handling, unchanged. An editor's save keeps a revision each time; a
    revision kept by the same editor's previous autosave is folded into this one, so a long
    sitting leaves one 自动保存 revision rather than one a minute."""
    saved = save_text(actor=actor, submission=submission, expected_version=expected_version, **fields)
    if saved.version != expected_version + 1 or not permissions.can_edit_as_editor(actor, saved):
        return saved
    with transaction.atomic():
        latest, *earlier = Revision.objects.select_for_update().filter(submission=saved).order_by("-id")[:2]
        if latest.kind == Revision.Kind.EDITED and latest.author_id == actor.pk:
            latest.note = AUTOSAVE_NOTE
            latest.save(update_fields=["note"])
            for previous in earlier:
                if (
                    previous.kind == Revision.Kind.EDITED
                    and previous.author_id == actor.pk
                    and previous.note == AUTOSAVE_NOTE
                ):
                    previous.delete()
    return saved


@transaction.atomic
def _keep_conflict(current: Submission, actor: User, cleaned: dict, expected_version: int) -> Revision:
    """Keep a refused save; a retry from the same stale form (same author, same version it
    was based on) updates that one revision rather than adding another."""
    existing = (
        Revision.objects.select_for_update()
        .filter(
            submission=current,
            kind=Revision.Kind.CONFLICT,
            author=actor,
            based_on_version=expected_version,
        )
        .order_by("-id")
        .first()
    )
    if existing is None:
        revision = _keep_revision(current, Revision.Kind.CONFLICT, actor, cleaned)
        revision.based_on_version = expected_version
        revision.save(update_fields=["based_on_version"])
        return revision
    for name in TEXT_FIELDS:
        setattr(existing, name, cleaned.get(name, ""))
    existing.save()
    return existing


@transaction.atomic
def submit(*, actor: User, submission: Submission, signer_name: str = "") -> Submission:
    """报送. Where the unit has an active 审核人 the piece waits for 签发 (待审签); otherwise the
    contributor names the 签发人 (required: government information goes out approved).

    A piece left in 待审签 after the unit's last 审核人 was deactivated is submitted the second
    way, with a 签发人 named by the contributor.
    """
    submission = _lock(submission)
    has_reviewer = unit_has_reviewer(submission.unit_id)
    waiting = submission.status == S.SUBMITTED or (submission.status == S.PENDING_SIGNOFF and has_reviewer)
    if waiting and permissions.can_view(actor, submission):
        return submission  # a double click: already done, nothing more to record
    if is_blank(submission.body):
        raise SubmissionActionError("正文为空，不能报送。请先填写正文。")
    if has_reviewer:
        _transition(submission, "request_signoff", actor=actor)
        submission.revision_due = None
        submission.save()
        _keep_revision(submission, Revision.Kind.SUBMITTED, actor)
        _tell_reviewers(submission, actor, f"稿件《{submission.title}》待您审签")
        return submission
    signer_name = " ".join((signer_name or "").split())
    if not signer_name:
        if permissions.acts_for(actor, submission, Role.CONTRIBUTOR):
            raise SubmissionActionError("请填写签发人：本单位没有设置审核人，报送前须由单位领导签发。")
        raise PermissionDenied("您无权对这篇稿件执行此操作。")
    if len(signer_name) > 32:
        raise SubmissionActionError("签发人姓名不能超过 32 字。")
    event = _transition(submission, "submit", actor=actor, note=f"签发人：{signer_name}")
    _arrive(submission, event)
    submission.signer_name = signer_name
    submission.signed_off_by = None
    submission.signed_off_at = None
    submission.save()
    if event.from_status != S.PENDING_SIGNOFF:  # its text was kept when it went to 审签
        _keep_revision(submission, Revision.Kind.SUBMITTED, actor)
    _tell_editors(submission, actor, f"{submission.unit.short_name}报送了稿件《{submission.title}》")
    return submission


@transaction.atomic
def sign_off(*, actor: User, submission: Submission, note: str = "") -> Submission:
    """签发: a 审核人 of the piece's unit approves it; it goes to the editor as 已报送."""
    submission = _lock(submission)
    if submission.status == S.SUBMITTED and permissions.is_unit_reviewer(actor, submission):
        return submission  # a double click
    event = _transition(submission, "sign_off", actor=actor, note=(note or "").strip())
    _arrive(submission, event)
    submission.signer_name = actor.display_name[:32]
    submission.signed_off_by = actor
    submission.signed_off_at = event.created_at
    submission.save()
    _tell_editors(
        submission,
        actor,
        f"{submission.unit.short_name}报送了稿件《{submission.title}》（签发人：{submission.signer_name}）",
    )
    _tell_unit(submission, actor, f"稿件《{submission.title}》已由{submission.signer_name}签发，已报送研究室")
    return submission


@transaction.atomic
def return_from_signoff(*, actor: User, submission: Submission, note: str) -> Submission:
    """审签退回: the 审核人 sends the piece back to the writer with a note."""
    submission = _lock(submission)
    note = (note or "").strip()
    if not note:
        raise SubmissionActionError("退回时请写明修改意见。")
    _transition(submission, "return_signoff", actor=actor, note=note)
    submission.revision_due = None
    submission.save()
    _tell_unit(
        submission, actor, f"稿件《{submission.title}》审签未通过，被{actor.display_name}退回修改：{note}"
    )
    return submission


@transaction.atomic
def withdraw(*, actor: User, submission: Submission, note: str = "") -> Submission:
    """撤回 a submitted or returned piece (a draft is deleted instead)."""
    submission = _lock(submission)
    was = submission.status
    _transition(submission, "withdraw", actor=actor, note=note)
    submission.save()
    if was in (S.SUBMITTED, S.RETURNED):
        _tell_editors(submission, actor, f"{submission.unit.short_name}撤回了稿件《{submission.title}》")
    elif was == S.PENDING_SIGNOFF:
        _tell_reviewers(submission, actor, f"待审签的稿件《{submission.title}》已被撤回")
    return submission


def can_delete_draft(submission: Submission) -> bool:
    """Only a draft that was never submitted may be deleted; a restored piece keeps its history."""
    return submission.status == S.DRAFT and submission.submitted_at is None


@transaction.atomic
def delete_draft(*, actor: User, submission: Submission) -> Submission:
    """The unit deletes a draft it never submitted. The row stays, as 已删除, with its audit
    Event; every list and page treats it as gone (queries.for_unit, get_visible_submission).

    Raises PermissionDenied for anyone but the unit's contributor and SubmissionActionError
    for a piece that is not a never-submitted draft.
    """
    submission = _lock(submission)
    if submission.status == S.DRAFT and submission.submitted_at is not None:
        raise SubmissionActionError("这篇稿件曾经报送过，不能删除；如不再报送，保留为草稿即可。")
    _transition(submission, "delete", actor=actor)
    submission.save()
    return submission


@transaction.atomic
def restore_withdrawn(*, actor: User, submission: Submission) -> Submission:
    """The unit takes a withdrawn piece back as a draft, to edit and submit again."""
    submission = _lock(submission)
    _transition(submission, "restore", actor=actor)
    submission.save()

    return submission


@transaction.atomic
def return_for_revision(
    *, actor: User, submission: Submission, note: str, due: datetime.date | None = None
) -> Submission:
    submission = _lock(submission)
    note = (note or "").strip()
    if not note:
        raise SubmissionActionError("退回修改时请写明修改意见。")
    event = _transition(submission, "return", actor=actor, note=note)
    submission.revision_due = due
    submission.save()
    due_text = f"，请于{due.year}年{due.month}月{due.day}日前修改后重新报送" if due else ""
    # The unit's 报送员, or its contacts when it has no account left; the cause names this
    # return so the piece's page can show who the notice reached (submissions.queries.last_notice).
    tell_units(
        unit_ids=[submission.unit_id],
        text=f"稿件《{submission.title}》被退回修改{due_text}：{note}",
        link=_link(submission, False),
        actor=actor,
        kind=MessageKind.WORKFLOW,
        cause=f"piece:{submission.pk}:returned:{event.pk}",
    )
    return submission


@transaction.atomic
def adopt_as_article(*, actor: User, submission: Submission, section=None, note: str = "") -> Submission:
    submission = _lock(submission)
    if _already_adopted(actor, submission, Submission.AdoptedAs.ARTICLE):
        return submission  # a double click: the first click adopted it; same result
    _transition(submission, "adopt_article", actor=actor, note=note)
    submission.adopted_as = Submission.AdoptedAs.ARTICLE
    if section is not None:
        submission.suggested_section = section
    submission.save()
    _tell_unit(submission, actor, f"稿件《{submission.title}》已被采用")
    return submission


@transaction.atomic
def adopt_as_brief(
    *, actor: User, submission: Submission, brief_text: str, brief_byline: str = ""
) -> Submission:
    """Adopt for 信息摘登: one paragraph that begins with the unit's name, and its byline."""
    submission = _lock(submission)
    if _already_adopted(actor, submission, Submission.AdoptedAs.BRIEF):
        return submission  # a double click: the first click adopted it; same result
    text = body_text(sanitize_body(brief_text or "")).replace("\n", "")
    if not text:
        raise SubmissionActionError("采用为信息摘登时请填写摘登文字。")
    if not text.startswith(submission.unit.short_name):
        raise SubmissionActionError(f"摘登文字应以单位名称开头，如“{submission.unit.name}……”。")
    _transition(submission, "adopt_brief", actor=actor)
    submission.adopted_as = Submission.AdoptedAs.BRIEF
    submission.brief_text = text
    submission.brief_byline = " ".join((brief_byline or "").split()) or " ".join(
        part for part in (submission.byline_org, submission.byline_authors) if part
    )
    submission.save()
    piece_text_changed.send(sender=Submission, submission=submission)
    _tell_unit(submission, actor, f"稿件《{submission.title}》已被采用为信息摘登")
    return submission


def _already_adopted(actor: User, submission: Submission, adopted_as: str) -> bool:
    return (
        submission.status == S.ADOPTED
        and submission.adopted_as == adopted_as
        and permissions.acts_for(actor, submission, Role.EDITOR)
    )


@transaction.atomic
def decline(*, actor: User, submission: Submission, reason: str) -> Submission:
    submission = _lock(submission)
    reason = (reason or "").strip()
    if not reason:
        raise SubmissionActionError("不采用时请写明原因。")
    _transition(submission, "decline", actor=actor, note=reason)
    submission.save()
    _tell_unit(submission, actor, f"稿件《{submission.title}》未被采用：{reason}")
    return submission


def _mark_undone(submission: Submission, actions: tuple[str, ...]) -> None:
    """Flag the decision being undone (the latest of `actions`), so it no longer counts."""
    if submission.status not in (S.ADOPTED, S.DECLINED):
        return  # the transition below refuses with its own message
    last = submission.events.filter(action__in=actions, undone=False).order_by("-created_at", "-id").first()
    if last is not None:
        last.undone = True
        last.save(update_fields=["undone"])


@transaction.atomic
def unadopt(*, actor: User, submission: Submission, note: str) -> Submission:
    """Undo an adoption: the piece goes back to 已报送, to be decided again.

    Only while it is in no issue (take it out of the issue first); the note is required
    and goes to the unit. The brief text typed at adoption stays as the next default.
    """
    submission = _lock(submission)
    note = (note or "").strip()
    if not note:
        raise SubmissionActionError("撤销采用时请写明原因。")
    if submission.status == S.ADOPTED:
        placed = placement_of(submission)
        if placed:
            raise SubmissionActionError(f"这篇稿件已编入{placed}，不能撤销采用。请先在组刊页面将它移出本期。")
    _mark_undone(submission, ("adopt_article", "adopt_brief"))
    _transition(submission, "unadopt", actor=actor, note=note)
    submission.adopted_as = ""
    submission.save()
    _tell_unit(submission, actor, f"稿件《{submission.title}》的采用已撤销，重新审核：{note}")
    return submission


@transaction.atomic
def reopen(*, actor: User, submission: Submission, note: str = "") -> Submission:
    """Reopen a 不采用 piece: it goes back to 已报送 and the unit is told."""
    submission = _lock(submission)
    note = (note or "").strip()
    _mark_undone(submission, ("decline",))
    _transition(submission, "reopen", actor=actor, note=note)
    submission.save()
    _tell_unit(
        submission, actor, f"稿件《{submission.title}》已重新进入审核" + (f"：{note}" if note else "。")
    )
    return submission


def record_unplaced(*, actor: User, submission: Submission, note: str) -> Event:
    """Audit a piece taken out of an issue in assembly (called by bulletin.actions inside
    its transaction); the piece stays 已采用 and appears again among the pieces to place."""
    submission = _lock(submission)
    event = _transition(submission, "unplace", actor=actor, note=note)
    submission.save()
    return event


def publish_submissions(*, actor: User, submissions: list[Submission], issue) -> list[Submission]:
    """Mark an issue's pieces 已刊发 (called by bulletin.actions.publishing.publish_issue inside its
    transaction). Each piece is checked against the transition table like any other move;
    the rows are locked, moved, audited and their units told in five queries whatever the
    issue's size (the mail to each unit still goes out once the transaction commits)."""
    ids = [submission.pk for submission in submissions]
    locked = list(Submission.objects.select_for_update().select_related("unit").filter(pk__in=ids))
    note = f"刊发于{issue.year}年第{issue.number}期"
    events = [_transition(piece, "publish", actor=actor, note=note, save=False) for piece in locked]
    Event.objects.bulk_create(events)
    AuditEntry.objects.bulk_create([event.audit_entry for event in events])
    Submission.objects.filter(pk__in=ids).update(status=S.PUBLISHED, updated_at=timezone.now())
    contributors: dict[int, list[User]] = {}
    for user in User.objects.filter(
        role=Role.CONTRIBUTOR, unit_id__in={piece.unit_id for piece in locked}, is_active=True
    ):
        contributors.setdefault(user.unit_id, []).append(user)
    notify_each(
        [
            (
                contributors.get(piece.unit_id, []),
                f"稿件《{piece.title}》已刊发于{issue.year}年第{issue.number}期",
                _link(piece, False),
            )
            for piece in locked
        ],
        actor=actor,
    )
    return locked


BACK_ISSUE_FIELDS = (
    "title",
    "subtitle",
    "body",
    "byline_org",
    "byline_authors",
    "brief_text",
    "brief_byline",
)
