"""The audit log in the admin: read-only, for the 审计员 only, with filters and .xlsx export."""

from urllib.parse import quote

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone

from audit import object_types
from audit.export import to_xlsx
from audit.models import AuditEntry
from audit.records import Kind, record

MAX_EXPORT_ROWS = 100_000
READ_PERMISSION = "audit.view_auditentry"


class ObjectTypeFilter(admin.SimpleListFilter):
    """对象类型 by its Chinese name; the labels a moved model had before count as the same type."""

    title = "对象类型"
    parameter_name = "type"

    def lookups(self, request, model_admin):
        labels = AuditEntry.objects.exclude(object_type="").values_list("object_type", flat=True).distinct()
        current = sorted({object_types.current_label(label) for label in labels})
        return [(label, object_types.type_name(label)) for label in current]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return queryset.filter(object_type__in=object_types.labels_of(self.value()))


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_name", "address", "kind", "object_type_name", "object_label", "message"]
    list_filter = [("at", admin.DateFieldListFilter), "kind", ObjectTypeFilter, "actor"]
    search_fields = ["actor_name", "object_label", "object_id", "message", "address"]
    date_hierarchy = "at"
    list_per_page = 50
    actions = None
    change_list_template = "admin/audit/auditentry/change_list.html"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    # Separation of duties: the 审计员 reads, nobody writes — not even a superuser 管理员.
    # Who holds the read permission is the accounts app's answer (User.has_perm).
    def has_module_permission(self, request):
        return request.user.has_module_perms("audit")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(READ_PERMISSION)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="对象类型", ordering="object_type")
    def object_type_name(self, entry: AuditEntry) -> str:
        return object_types.type_name(entry.object_type)

    def get_urls(self):
        export = self.admin_site.admin_view(self.export_view)
        return [path("export.xlsx", export, name="audit_auditentry_export"), *super().get_urls()]

    def export_view(self, request):
        """The rows the change list shows with its current filters, as .xlsx."""
        if not request.user.has_perm(READ_PERMISSION):
            raise PermissionDenied("只有审计员可以导出审计日志。")
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            messages.error(request, "筛选条件不正确，未导出。")
            return redirect("admin:audit_auditentry_changelist")
        entries = changelist.get_queryset(request)[:MAX_EXPORT_ROWS]
        filters = request.GET.urlencode()
        now = timezone.localtime()
        record(Kind.AUDIT_EXPORTED, actor=request.user, message=f"筛选条件：{filters or '全部'}")
        title = f"审计日志 导出于 {now:%Y-%m-%d %H:%M} 筛选条件：{filters or '全部'}"
        response = HttpResponse(
            to_xlsx(entries, title=title),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            f"attachment; filename*=UTF-8''{quote(f'审计日志-{now:%Y%m%d-%H%M}')}.xlsx"
        )
        return response
