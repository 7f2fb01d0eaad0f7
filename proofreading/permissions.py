"""Who sees and does what in 校对 and 查重."""

from accounts.models import Role
from accounts.permissions import has_role
from submissions import permissions as submissions_permissions


def can_dismiss(user) -> bool:
    """Editors set findings aside (with a reason); contributors see their pieces' findings."""
    return has_role(user, Role.EDITOR)


def can_dismiss_in(user, submission) -> bool:
    """Setting a piece's finding aside writes into the piece's record: only where the
    editor may read the piece (a unit's draft is the unit's own business). ``None``: an
    issue's finding, which every editor sees."""
    return can_dismiss(user) and (submission is None or submissions_permissions.can_view(user, submission))


def can_see_similar(user) -> bool:
    """查重 shows other units' pieces, so only the editor sees it."""
    return has_role(user, Role.EDITOR)


def can_fix(user, submission) -> bool:
    """Applying a suggestion is an edit: whoever may edit the piece on the review page in
    its status. A published piece is edited there only to prepare a 更正, so the
    correction action refuses it (``proofreading.actions.corrections``)."""
    return submissions_permissions.can_view(user, submission) and submissions_permissions.can_edit_as_editor(
        user, submission
    )
