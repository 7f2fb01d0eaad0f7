from accounts.permissions import (
    can_browse_archive,
    can_read_audit,
    can_use_admin,
    can_use_editor_desk,
    can_view_unit_desk,
)
from accounts.second_factor import role_requires_second_factor


def navigation(request) -> dict:
    """What the navigation bar offers: each role sees only what it may use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(request, "second_factor_pending", None):
        # Held at the 验证码 or enrolment page (accounts.second_factor_middleware): no page
        # but that one is open yet, so the bar offers none.
        return {"nav": {}}
    return {
        "nav": {
            "unit_desk": can_view_unit_desk(user),  # writers and 审核人
            "editor_desk": can_use_editor_desk(user),
            "archive": can_browse_archive(user),
            "admin": can_use_admin(user),
            "audit": can_read_audit(user),
            "second_factor": role_requires_second_factor(user),
        }
    }
