from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.http import HttpRequest

# Third-party apps whose admin pages carry English names (django-axes has no Chinese
# translation, django-tasks-db — app label django_tasks_database — none at all): the names
# the admin shows instead, by app label and by model. The UI is Chinese throughout.
APP_NAMES = {"axes": "登录防护", "django_tasks_database": "后台任务"}
MODEL_NAMES = {
    ("axes", "AccessAttempt"): "登录失败计数（解锁：删除对应记录）",
    ("axes", "AccessFailureLog"): "登录失败记录",
    ("axes", "AccessLog"): "登录记录",
    ("django_tasks_database", "DBTaskResult"): "任务结果",
}


class BulletinAdminSite(AdminSite):
    site_header = "杭州人大信息 · 系统管理"
    site_title = "杭州人大信息 系统管理"
    index_title = "单位、用户、栏目与刊物设置"

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict]:
        apps = super().get_app_list(request, app_label)
        for app in apps:
            app["name"] = APP_NAMES.get(app["app_label"], app["name"])
            for model in app["models"]:
                model["name"] = MODEL_NAMES.get((app["app_label"], model["object_name"]), model["name"])
        return apps

    def has_permission(self, request: HttpRequest) -> bool:
        from accounts.permissions import can_read_audit, can_use_admin  # models load after app configs

        # The 审计员 enters too, and sees only the audit log (audit.admin).
        return can_use_admin(request.user) or can_read_audit(request.user)


class AdminConfig(DjangoAdminConfig):
    """Django admin restricted to the 管理员 role (see accounts.permissions)."""

    default = False
    default_site = "config.admin_site.BulletinAdminSite"
