"""Who may see and change which piece. A contributor only ever reaches their own unit's pieces."""

from django.http import Http404

from accounts.models import Role
from accounts.permissions import has_role
from submissions.models import ImportJob, Submission

S = Submission.Status


def is_editor(user) -> bool:
    return has_role(user, Role.EDITOR)


def can_write_for_unit(user) -> bool:
    return has_role(user, Role.CONTRIBUTOR) and user.unit_id is not None


def is_own_unit(user, submission: Submission) -> bool:
    return can_write_for_unit(user) and submission.unit_id == user.unit_id


def is_unit_reviewer(user, submission: Submission) -> bool:
    """A 审核人 of the piece's own unit (a 审核人 of another unit is not)."""
    return has_role(user, Role.REVIEWER) and user.unit_id is not None and submission.unit_id == user.unit_id


def reached_editor(submission: Submission) -> bool:
    """Is the piece before the editor? Once it has arrived (报送, or 签发), unless it is back in
    the unit waiting for 审签; a back-issue piece is published. A draft, or a piece the unit's
    审核人 has not yet let go, is the unit's own business."""
    if submission.status in (S.DELETED, S.PENDING_SIGNOFF):
        return False
    return submission.first_submitted_at is not None or submission.status in (
        S.SUBMITTED,
        S.ADOPTED,
        S.DECLINED,
        S.PUBLISHED,
    )


def can_view(user, submission: Submission) -> bool:
    return (
        (is_editor(user) and reached_editor(submission))
        or is_own_unit(user, submission)
        or is_unit_reviewer(user, submission)
    )


def acts_for(user, submission: Submission, role: str) -> bool:
    """May `user` take a transition reserved for `role` on this piece?"""
    if role == Role.EDITOR:
        return is_editor(user)
    if role == Role.REVIEWER:
        return is_unit_reviewer(user, submission)
    return is_own_unit(user, submission)


def can_edit_as_contributor(user, submission: Submission) -> bool:
    return is_own_unit(user, submission) and submission.status in (S.DRAFT, S.RETURNED)


def can_edit_as_editor(user, submission: Submission) -> bool:
    # Editors edit what they review and what they adopted; a published issue keeps its
    # frozen text, and a later correction re-publishes from the edited piece.
    return is_editor(user) and submission.status in (S.SUBMITTED, S.ADOPTED, S.PUBLISHED)


def get_visible_submission(user, pk: int) -> Submission:
    """The piece if `user` may see it; otherwise 404, so other units' pieces do not even exist."""
    submission = (
        Submission.objects.select_related("unit", "suggested_section", "commission").filter(pk=pk).first()
    )
    if submission is None or submission.status == S.DELETED or not can_view(user, submission):
        raise Http404("没有这篇稿件。")
    return submission


def get_own_import_job(user, pk: int) -> ImportJob:
    """A Word import the user uploaded, for their unit; anyone else's is a 404 (it does not
    exist for them)."""
    job = ImportJob.objects.select_related("unit").filter(pk=pk, owner_id=user.pk).first()
    if job is None or not can_write_for_unit(user) or job.unit_id != user.unit_id:
        raise Http404("没有这个导入任务。")
    return job
