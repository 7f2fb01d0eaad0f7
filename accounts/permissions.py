"""Who may use what: plain predicates that views, the admin, commands and tests share."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from accounts.models import Role, User


def has_role(user, *roles: str) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role in roles)


def can_use_admin(user) -> bool:
    return has_role(user, Role.ADMIN) and user.is_staff


def can_use_editor_desk(user) -> bool:
    return has_role(user, Role.EDITOR)


def can_use_unit_desk(user) -> bool:
    return has_role(user, Role.CONTRIBUTOR) and user.unit_id is not None


def can_sign_off_for_unit(user) -> bool:
    """A 审核人 of a unit: signs off (签发) or returns its pieces before they reach the editor."""
    return has_role(user, Role.REVIEWER) and user.unit_id is not None


def can_view_unit_desk(user) -> bool:
    """The unit's home page: its writers and its 审核人."""
    return can_use_unit_desk(user) or can_sign_off_for_unit(user)


def unit_reviewers(unit_id: int):
    """The active 审核人 of a unit (a queryset)."""
    return User.objects.filter(role=Role.REVIEWER, unit_id=unit_id, is_active=True)


def unit_has_reviewer(unit_id: int) -> bool:
    """Does 报送 in this unit go to 待审签 first? Only when it has an active 审核人."""
    return unit_reviewers(unit_id).exists()


def can_browse_archive(user) -> bool:
    # Every signed-in role reads published issues.
    return has_role(user, *Role.values)


def role_required(predicate: Callable[..., bool]) -> Callable:
    """View decorator: anonymous users go to the login page, the wrong role gets 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not predicate(request.user):
                raise PermissionDenied("您的账号没有使用此页面的权限。")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def can_read_audit(user) -> bool:
    """Only the 审计员 reads the audit log; the 管理员 who manages accounts does not."""
    return has_role(user, Role.AUDITOR)


def can_reset_second_factor(actor: User | None, user: User) -> bool:
    """Who may remove someone's authenticator and recovery codes (accounts.second_factor): a
    管理员, for anybody but themselves and a 审计员 (三员: a 管理员 who could reset the
    审计员's second factor and password could read the log as the 审计员); the server
    (actor None, ``manage.py reset_second_factor``) for anybody."""
    if actor is None:
        return True
    return can_use_admin(actor) and actor.pk != user.pk and user.role != Role.AUDITOR
