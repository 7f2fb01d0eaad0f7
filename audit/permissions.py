from accounts.models import Role
from accounts.permissions import has_role


def can_read_audit(user) -> bool:
    """Only the 审计员 reads the audit log; the 管理员 who manages accounts does not."""
    return has_role(user, Role.AUDITOR)
