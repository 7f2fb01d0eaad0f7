from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.http import HttpRequest


class BulletinAdminSite(AdminSite):
    site_header = "杭州人大信息 · 系统管理"
    site_title = "杭州人大信息 系统管理"
    index_title = "单位、用户、栏目与刊物设置"

    def has_permission(self, request: HttpRequest) -> bool:
        from accounts.permissions import can_use_admin  # models load after app configs
        from audit.permissions import can_read_audit

        # The 审计员 enters too, and sees only the audit log (audit.admin).
        return can_use_admin(request.user) or can_read_audit(request.user)


class AdminConfig(DjangoAdminConfig):
    """Django admin restricted to the 管理员 role (see accounts.permissions)."""

    default = False
    default_site = "bulletin.admin_site.BulletinAdminSite"
