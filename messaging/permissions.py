"""Who may change a person's 通知方式 and contact details."""

from accounts.permissions import can_use_admin


def can_choose_channels(actor, user) -> bool:
    """A person chooses their own channels and 每日汇总; nobody does it for them."""
    return actor is not None and actor.is_authenticated and actor.pk == user.pk


def can_change_contact_details(actor, user) -> bool:
    """A person's mobile number and 浙政钉 accountId: the person, or a 管理员 (who enters
    them from the office's directory in the admin site)."""
    return actor is not None and actor.is_authenticated and (actor.pk == user.pk or can_use_admin(actor))
