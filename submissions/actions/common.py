"""What the piece actions share: their errors, links and telling the other side."""

import datetime

from django.urls import reverse

from accounts.models import User
from messaging.models import MessageKind
from submissions.models import Revision, Submission
from submissions.notifications import editors, notify, unit_contributors, unit_reviewers


class SubmissionActionError(Exception):
    """An action refused in the piece's current state; the message is for the user."""


class EditConflict(SubmissionActionError):
    """Someone saved the piece since the form was opened; the refused text was kept as
    `revision` (a 冲突未保存稿), which the form shows beside the current text."""

    def __init__(self, message: str, *, revision: Revision | None = None):
        super().__init__(message)
        self.revision = revision


def _link(submission: Submission, for_editor: bool) -> str:
    return reverse("review_detail" if for_editor else "piece_detail", args=[submission.pk])


def _tell_unit(submission: Submission, actor: User, text: str, kind: str = MessageKind.WORKFLOW) -> None:
    notify(unit_contributors(submission), text=text, link=_link(submission, False), actor=actor, kind=kind)


def _tell_editors(submission: Submission, actor: User, text: str, kind: str = MessageKind.WORKFLOW) -> None:
    notify(editors(), text=text, link=_link(submission, True), actor=actor, kind=kind)


def _tell_reviewers(submission: Submission, actor: User, text: str, kind: str = MessageKind.WORKFLOW) -> None:
    notify(
        unit_reviewers(submission.unit_id), text=text, link=_link(submission, False), actor=actor, kind=kind
    )


def _date_text(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
