"""Who may do what in messaging: plain predicates shared by views, the admin and actions."""

from accounts.models import Role
from accounts.permissions import can_use_admin, has_role


def can_manage_unit_contacts(user) -> bool:
    """单位联系人 are kept by the 编辑 (who chase the units) and the 管理员 (who keeps the
    directory of units and accounts)."""
    return has_role(user, Role.EDITOR, Role.ADMIN)


def can_choose_channels(actor, user) -> bool:
    """A person chooses their own channels and 每日汇总; nobody does it for them."""
    return actor is not None and actor.is_authenticated and actor.pk == user.pk


def can_change_contact_details(actor, user) -> bool:
    """A person's mobile number and 浙政钉 accountId: the person, or a 管理员 (who enters
    them from the office's directory in the admin site)."""
    return actor is not None and actor.is_authenticated and (actor.pk == user.pk or can_use_admin(actor))
