"""The one way to add a comment (留言) to a piece."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.models import Role, User
from audit.records import Kind, record
from messaging.models import MessageKind
from submissions import permissions
from submissions.actions.common import SubmissionActionError, _tell_editors, _tell_reviewers, _tell_unit
from submissions.models import Comment, Submission


@transaction.atomic
def add_comment(*, actor: User, submission: Submission, text: str) -> Comment:
    if not permissions.can_view(actor, submission):
        raise PermissionDenied("您无权查看这篇稿件。")
    text = (text or "").strip()
    if not text:
        raise SubmissionActionError("留言不能为空。")
    comment = Comment.objects.create(submission=submission, author=actor, text=text)
    # The editor and a unit's 审核人 talk to the unit's writers. The writers talk to whoever
    # has the piece: the unit's 审核人 while it waits for 审签 (or never reached the editor),
    # the editor once it has arrived there.
    if actor.role in (Role.EDITOR, Role.REVIEWER):
        tell = _tell_unit
    elif permissions.reached_editor(submission):
        tell = _tell_editors
    else:
        tell = _tell_reviewers
    tell(
        submission,
        actor,
        f"{actor.display_name}在《{submission.title}》留言：{text[:60]}",
        MessageKind.COMMENT,
    )
    # Last: the audit chain's lock is held until commit (docs/developer/concurrency.md).
    record(Kind.COMMENT_ADDED, actor=actor, obj=submission, after={"comment": comment.pk}, message=text[:500])
    return comment
