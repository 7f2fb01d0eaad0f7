"""The one way to change a piece: write, submit, withdraw, return, adopt, decline, comment.

Every action takes an explicit `actor`, checks the actor's right and the piece's current
state against TRANSITIONS, runs in a transaction, writes the audit Event and notifies the
other side. A refusal is a SubmissionActionError whose message the view shows as it is.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, Unit, User

from . import permissions
from .models import Comment, Commission, Event, Revision, Submission
from .notifications import editors, notify, notify_each, unit_contributors
from .richtext import body_text, is_blank, sanitize_body

S = Submission.Status


class SubmissionActionError(Exception):
    """An action refused in the piece's current state; the message is for the user."""


class EditConflict(SubmissionActionError):
    """Someone saved the piece since the form was opened; the refused text was kept."""


@dataclass(frozen=True)
class Transition:
    label: str  # what the audit row and the notice call it
    sources: tuple[str, ...]
    target: str
    role: str


TRANSITIONS: dict[str, Transition] = {
    "submit": Transition("报送", (S.DRAFT, S.RETURNED), S.SUBMITTED, Role.CONTRIBUTOR),
    "withdraw": Transition("撤回", (S.DRAFT, S.SUBMITTED, S.RETURNED), S.WITHDRAWN, Role.CONTRIBUTOR),
    "return": Transition("退回修改", (S.SUBMITTED,), S.RETURNED, Role.EDITOR),
    "adopt_article": Transition("采用为文章", (S.SUBMITTED,), S.ADOPTED, Role.EDITOR),
    "adopt_brief": Transition("采用为信息摘登", (S.SUBMITTED,), S.ADOPTED, Role.EDITOR),
    "decline": Transition("不采用", (S.SUBMITTED,), S.DECLINED, Role.EDITOR),
    "publish": Transition("刊发", (S.ADOPTED,), S.PUBLISHED, Role.EDITOR),
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
    if save:
        event.save()
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


def _keep_printed_text(submission: Submission) -> None:
    """Search reads the text as printed. A published piece keeps the text of its frozen
    issue until 更正 re-freezes it (bulletin.actions.correct_issue), so an edit after
    publication changes nothing readers find."""
    from bulletin.search import piece_printed_text, store_printed_texts

    if submission.status == S.PUBLISHED:
        return
    text = piece_printed_text(submission)
    if text != submission.printed_text:
        store_printed_texts({submission.pk: text})
        submission.printed_text = text


def _link(submission: Submission, for_editor: bool) -> str:
    return reverse("review_detail" if for_editor else "piece_detail", args=[submission.pk])


def _tell_unit(submission: Submission, actor: User, text: str) -> None:
    notify(unit_contributors(submission), text=text, link=_link(submission, False), actor=actor)


def _tell_editors(submission: Submission, actor: User, text: str) -> None:
    notify(editors(), text=text, link=_link(submission, True), actor=actor)


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
    source_docx = fields.pop("source_docx", None)
    cleaned = _clean_fields(fields)
    cleaned.setdefault("byline_org", unit.office_name)
    submission = Submission(unit=unit, created_by=actor, commission=commission, **cleaned)
    if source_docx is not None:
        submission.source_docx = source_docx
    submission.full_clean(exclude=["source_docx"])
    submission.save()
    _keep_printed_text(submission)
    return submission


def save_text(*, actor: User, submission: Submission, expected_version: int, **fields) -> Submission:
    """Save a contributor's draft or an editor's edit; a save based on an old version is refused.

    The refused text is kept as a conflict revision, so neither side's words are lost.
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
            _keep_printed_text(current)
            if is_editor:
                _keep_revision(current, Revision.Kind.EDITED, actor)
            return current
    # Kept in its own transaction: the refusal below must not roll the refused text back.
    _keep_revision(current, Revision.Kind.CONFLICT, actor, cleaned)
    raise EditConflict(
        "保存失败：在您编辑期间，这篇稿件已被他人修改。您的文字已作为“冲突未保存稿”保留在版本记录中，"
        "请在最新稿的基础上重新修改。"
    )


@transaction.atomic
def submit(*, actor: User, submission: Submission) -> Submission:
    submission = _lock(submission)
    if submission.status == S.SUBMITTED and permissions.can_view(actor, submission):
        return submission  # a double click: already done, nothing more to record
    if is_blank(submission.body):
        raise SubmissionActionError("正文为空，不能报送。请先填写正文。")
    _transition(submission, "submit", actor=actor)
    submission.submitted_at = timezone.now()
    submission.revision_due = None
    submission.save()
    _keep_revision(submission, Revision.Kind.SUBMITTED, actor)
    _tell_editors(submission, actor, f"{submission.unit.short_name}报送了稿件《{submission.title}》")
    return submission


@transaction.atomic
def withdraw(*, actor: User, submission: Submission, note: str = "") -> Submission:
    submission = _lock(submission)
    was_submitted = submission.status != S.DRAFT
    _transition(submission, "withdraw", actor=actor, note=note)
    submission.save()
    if was_submitted:
        _tell_editors(submission, actor, f"{submission.unit.short_name}撤回了稿件《{submission.title}》")
    return submission


@transaction.atomic
def return_for_revision(
    *, actor: User, submission: Submission, note: str, due: datetime.date | None = None
) -> Submission:
    submission = _lock(submission)
    note = (note or "").strip()
    if not note:
        raise SubmissionActionError("退回修改时请写明修改意见。")
    _transition(submission, "return", actor=actor, note=note)
    submission.revision_due = due
    submission.save()
    due_text = f"，请于{due.year}年{due.month}月{due.day}日前修改后重新报送" if due else ""
    _tell_unit(submission, actor, f"稿件《{submission.title}》被退回修改{due_text}：{note}")
    return submission


@transaction.atomic
def adopt_as_article(*, actor: User, submission: Submission, section=None, note: str = "") -> Submission:
    submission = _lock(submission)
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
    _keep_printed_text(submission)
    _tell_unit(submission, actor, f"稿件《{submission.title}》已被采用为信息摘登")
    return submission


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


def publish_submissions(*, actor: User, submissions: list[Submission], issue) -> list[Submission]:
    """Mark an issue's pieces 已刊发 (called by bulletin.actions.publish_issue inside its
    transaction). Each piece is checked against the transition table like any other move;
    the rows are locked, moved, audited and their units told in five queries whatever the
    issue's size (the mail to each unit still goes out once the transaction commits)."""
    ids = [submission.pk for submission in submissions]
    locked = list(Submission.objects.select_for_update().select_related("unit").filter(pk__in=ids))
    note = f"刊发于{issue.year}年第{issue.number}期"
    events = [_transition(piece, "publish", actor=actor, note=note, save=False) for piece in locked]
    Event.objects.bulk_create(events)
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


@transaction.atomic
def add_comment(*, actor: User, submission: Submission, text: str) -> Comment:
    if not permissions.can_view(actor, submission):
        raise PermissionDenied("您无权查看这篇稿件。")
    text = (text or "").strip()
    if not text:
        raise SubmissionActionError("留言不能为空。")
    comment = Comment.objects.create(submission=submission, author=actor, text=text)
    tell = _tell_unit if actor.role == Role.EDITOR else _tell_editors
    tell(submission, actor, f"{actor.display_name}在《{submission.title}》留言：{text[:60]}")
    return comment


@transaction.atomic
def create_commission(
    *, actor: User, topic: str, requirements: str, deadline: datetime.date, units: list[Unit]
) -> Commission:
    if actor.role != Role.EDITOR or not actor.is_active:
        raise PermissionDenied("只有编辑可以发起约稿。")
    if not units:
        raise SubmissionActionError("请至少选择一个约稿单位。")
    if deadline < timezone.localdate():
        raise SubmissionActionError("截止日期不能早于今天。")
    commission = Commission.objects.create(
        topic=topic, requirements=requirements, deadline=deadline, created_by=actor
    )
    commission.units.set(units)
    notify(
        User.objects.filter(role=Role.CONTRIBUTOR, unit__in=units, is_active=True),
        text=f"新约稿：{topic}（截止{deadline.year}年{deadline.month}月{deadline.day}日）",
        link=reverse("unit_home") + "#commissions",
        actor=actor,
    )
    return commission


def mark_notifications_read(*, actor: User) -> int:
    return actor.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())


def record_back_issue_piece(
    *,
    actor: User,
    unit: Unit,
    adopted_as: str,
    title: str = "",
    subtitle: str = "",
    body: str = "",
    byline_org: str = "",
    byline_authors: str = "",
    brief_text: str = "",
    brief_byline: str = "",
    note: str = "",
) -> Submission:
    """A piece of a back issue, recorded as published (called by the back-issue import,
    inside its transaction). The audit row says where it came from."""
    if actor.role != Role.EDITOR or not actor.is_active:
        raise PermissionDenied("只有编辑可以导入往期刊物。")
    submission = Submission(
        unit=unit,
        created_by=actor,
        title=title[:80],
        subtitle=subtitle[:80],
        body=sanitize_body(body),
        byline_org=byline_org[:64],
        byline_authors=byline_authors[:64],
        adopted_as=adopted_as,
        brief_text=brief_text,
        brief_byline=brief_byline[:100],
        status=S.PUBLISHED,
    )
    submission.full_clean(exclude=["source_docx"])
    submission.save()
    Event.objects.create(
        submission=submission, actor=actor, action="import", from_status="", to_status=S.PUBLISHED, note=note
    )
    return submission
