"""Who sees and does what in 校对 and 查重."""

from accounts.models import Role
from accounts.permissions import has_role


def can_dismiss(user) -> bool:
    """Editors set findings aside (with a reason); contributors see their pieces' findings."""
    return has_role(user, Role.EDITOR)


def can_see_similar(user) -> bool:
    """查重 shows other units' pieces, so only the editor sees it."""
    return has_role(user, Role.EDITOR)
