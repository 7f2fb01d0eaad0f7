from django.contrib import admin

from bulletin.models import DistributionList, Issue, Publication, Section
from text.forms import NormalizedModelForm


class DistributionListInline(admin.TabularInline):
    model = DistributionList
    form = NormalizedModelForm
    extra = 1


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    form = NormalizedModelForm
    list_display = ["name", "compiler", "default_editor_name", "default_editor_phone"]
    inlines = [DistributionListInline]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    form = NormalizedModelForm
    list_display = ["name", "position", "kind", "active"]
    list_editable = ["position", "active"]


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    # Issues are created, assembled and published by editors in the app; the admin only reads them.
    list_display = ["__str__", "edition", "date", "status"]
    list_filter = ["publication", "year", "status", "edition"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
