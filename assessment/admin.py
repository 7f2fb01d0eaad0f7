"""The assessment models in the admin: 计分办法, 批示, 上级采用, 报送任务."""

from django.contrib import admin

from assessment.models import HigherAdoption, Instruction, PointsScheme, Quota


@admin.register(PointsScheme)
class PointsSchemeAdmin(admin.ModelAdmin):
    list_display = [
        "effective_from",
        "article",
        "brief",
        "lead_bonus",
        "instruction_bonus",
        "late_commission",
        "missed_commission",
        "provincial_adoption",
        "national_adoption",
        "missed_quota",
    ]


@admin.register(Instruction)
class InstructionAdmin(admin.ModelAdmin):
    list_display = ["submission", "leader", "level", "date"]
    list_filter = ["level"]


@admin.register(HigherAdoption)
class HigherAdoptionAdmin(admin.ModelAdmin):
    list_display = ["submission", "level", "publication", "issue", "date"]
    list_filter = ["level"]


@admin.register(Quota)
class QuotaAdmin(admin.ModelAdmin):
    # Editors set quotas on 报送任务 (/stats/quotas/); the admin may correct them here.
    list_display = ["__str__", "unit", "unit_kind", "period", "count", "starts", "ends"]
    list_filter = ["period", "unit_kind"]
    exclude = ["created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
