"""Who may manage what in messaging: plain predicates shared by views, the admin and actions."""

from accounts.models import Role
from accounts.permissions import has_role


def can_manage_unit_contacts(user) -> bool:
    """单位联系人 are kept by the 编辑 (who chase the units) and the 管理员 (who keeps the
    directory of units and accounts)."""
    return has_role(user, Role.EDITOR, Role.ADMIN)
