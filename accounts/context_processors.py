from accounts.permissions import (
    can_browse_archive,
    can_read_audit,
    can_use_admin,
    can_use_editor_desk,
    can_view_unit_desk,
)


def navigation(request) -> dict:
    """What the navigation bar offers: each role sees only what it may use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    return {
        "nav": {
            "unit_desk": can_view_unit_desk(user),  # writers and 审核人
            "editor_desk": can_use_editor_desk(user),
            "archive": can_browse_archive(user),
            "admin": can_use_admin(user),
            "audit": can_read_audit(user),
        }
    }
