"""Corrections: a finding's suggestion applied to the stored piece in one step.

``apply_finding`` applies one finding (named by its ``key``), ``apply_kind`` every open
finding of one rule in the piece. Both

- check the actor: whoever may edit the piece on the review page in its status
  (``submissions.permissions.can_edit_as_editor``), except that a published piece is not
  changed here — what was printed changes only through 更正;
- check the piece once more as it is stored now (the rules on ``queries.piece_text``) and
  take only findings found there whose suggestion is a literal replacement
  (``fixes.offers_fix``) and that nobody dismissed; a finding no longer there is refused
  (the text changed since the page was shown);
- refuse a page that showed an older ``version`` of the piece (two editors correcting at
  once: the second is told, nothing is lost);
- make the change in the stored fields without disturbing the markup around it
  (``fixes.apply_fixes``), raise the version, keep the new text as a revision (kind 编辑修改,
  so the unit sees it among the editor's changes, with a note naming what was corrected:
  校对改正：布署→部署（2 处）) and write a ``submissions.Event`` (action ``proofreading_fix``,
  the status unchanged) with the same note;
- carry each dismissal of another finding over to that finding's new key, when the
  change moved its context (a dismissal stays with its finding);
- tell the apps above through ``piece_text_changed`` (the printed text search reads, a
  draft issue's render — each on commit, as for any edit); the 查重 index follows the new
  version by itself (``proofreading.index``).

Errors are ``ProofreadingError`` with a Chinese message for the user.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from proofreading import permissions, queries
from proofreading.actions.common import ProofreadingError
from proofreading.checks import check_piece
from proofreading.findings import Finding
from proofreading.fixes import (
    CROSSES_MARKUP,
    FIELDS,
    OVERLAPS,
    Edit,
    apply_fixes,
    is_dismissed,
    offers_fix,
    same_place,
    shifted,
    summary,
)
from proofreading.models import Dismissal
from submissions.models import Event, Revision, Submission
from submissions.permissions import is_editor
from submissions.signals import piece_text_changed

S = Submission.Status
GONE = "稿件已改动，这条提示已不在，请刷新后再看。"
REASONS = {
    CROSSES_MARKUP: "跨越加粗或上标、下标的边界",
    OVERLAPS: "与相邻的改正重叠",
}


@dataclass
class Correction:
    """What was corrected: the piece (saved), the edits made, those left with a reason (in
    Chinese), and the note written to the revision and the audit row."""

    submission: Submission
    applied: list[Edit]
    left: list[tuple[Edit, str]] = field(default_factory=list)
    note: str = ""


def apply_finding(*, actor: User, submission: Submission, key: str, expected_version: int) -> Correction:
    """Apply the suggestion of the piece's finding ``key``, on the page's ``expected_version``."""

    def choose(findings: list[Finding], dismissed: set[str]) -> list[Finding]:
        found = next((f for f in findings if f.key == key), None)
        if found is None:
            raise ProofreadingError(GONE)
        if is_dismissed(found, dismissed):
            raise ProofreadingError("这条提示已被忽略，不在这里改正；如需修改，请在编辑框中修改。")
        if not offers_fix(found):
            raise ProofreadingError("这条提示没有可以直接采用的改法，请在编辑框中修改。")
        return [found]

    return _correct(actor=actor, submission=submission, expected_version=expected_version, choose=choose)


def apply_kind(*, actor: User, submission: Submission, rule: str, expected_version: int) -> Correction:
    """Apply every open finding of ``rule`` in the piece that has a literal suggestion (a
    dismissed one is left as it is), in one revision."""

    def choose(findings: list[Finding], dismissed: set[str]) -> list[Finding]:
        chosen = [f for f in findings if f.rule == rule and offers_fix(f) and not is_dismissed(f, dismissed)]
        if not chosen:
            raise ProofreadingError("稿件已改动，这类提示已不在，请刷新后再看。")
        return chosen

    return _correct(actor=actor, submission=submission, expected_version=expected_version, choose=choose)


def _check_actor(actor: User, piece: Submission) -> None:
    if piece.status == S.PUBLISHED and is_editor(actor):
        raise ProofreadingError(
            "这篇稿件已刊发，不能在这里一键改正：刊印的文字只能通过更正修改"
            "（先在审稿页面修改稿件，再到往期刊物页面生成更正版）。"
        )
    if not permissions.can_fix(actor, piece):
        if is_editor(actor):
            raise ProofreadingError(f"稿件当前状态为“{piece.get_status_display()}”，不能修改。")
        raise ProofreadingError("只有编辑可以在校对面板中一键改正；请在稿件编辑页修改。")


def _correct(*, actor: User, submission: Submission, expected_version: int, choose) -> Correction:
    with transaction.atomic():
        piece = Submission.objects.select_for_update().select_related("unit").get(pk=submission.pk)
        _check_actor(actor, piece)
        context = queries.check_context()
        findings = check_piece(queries.piece_text(piece, context), context)
        dismissals = list(Dismissal.objects.filter(submission=piece))
        chosen = choose(findings, {d.key for d in dismissals})
        if piece.version != expected_version:
            raise ProofreadingError(
                f"这篇稿件刚被他人修改过（您看到的是第 {expected_version} 版，现在是第 {piece.version} 版），"
                "为免覆盖他人的修改，这次没有改正，请刷新后再看。"
            )
        try:
            outcome = apply_fixes({name: getattr(piece, name) for name in FIELDS}, chosen)
        except ValueError:
            raise ProofreadingError("这处改正无法自动完成，请在编辑框中修改。") from None
        left = [(edit, REASONS.get(reason, "原文已改动")) for edit, reason in outcome.left]
        if not outcome.applied:
            reason = left[0][1] if left else "原文已改动"
            raise ProofreadingError(f"这处改正{reason}，不能自动完成，请在编辑框中修改。")
        for name in outcome.changed:
            setattr(piece, name, outcome.fields[name])
        try:
            piece.full_clean(exclude=["source_docx"])
        except ValidationError:
            raise ProofreadingError("改正后的文字超出了字段的长度或格式要求，请在编辑框中修改。") from None
        piece.version += 1
        piece.save()
        note = f"校对改正：{summary(outcome.applied)}"[:200]
        Revision.objects.create(
            submission=piece,
            kind=Revision.Kind.EDITED,
            author=actor,
            note=note,
            **{
                name: getattr(piece, name)
                for name in ("title", "subtitle", "body", "byline_org", "byline_authors")
            },
        )
        Event.objects.create(
            submission=piece,
            actor=actor,
            action="proofreading_fix",
            from_status=piece.status,
            to_status=piece.status,
            note=note,
        )
        _carry_dismissals(piece, findings, dismissals, outcome.applied, context)
        piece_text_changed.send(sender=Submission, submission=piece)
    return Correction(piece, outcome.applied, left, note)


def _carry_dismissals(
    piece: Submission, before: list[Finding], dismissals: list[Dismissal], applied: list[Edit], context
) -> None:
    """A dismissed finding whose context a correction changed keeps its dismissal: the
    row moves to the finding's new key (its key holds a few characters either side)."""
    old = {f.key: f for f in before}
    moved = [(d, old[d.key]) for d in dismissals if d.key in old]
    if not moved:
        return
    after = check_piece(queries.piece_text(piece, context), context)
    keys = {f.key for f in after}
    taken = {d.key for d in dismissals}
    for dismissal, finding in moved:
        if finding.key in keys:
            continue  # untouched
        there = shifted(finding, applied)
        if there is None:
            continue  # the correction changed the dismissed text itself
        match = next((f for f in after if same_place(f, there) and f.key not in taken), None)
        if match is not None:
            dismissal.key = match.key
            dismissal.save(update_fields=["key"])
            taken.add(match.key)
