from django.contrib import admin

from submissions.models import Submission


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    # Status changes only through the workflow actions; the admin shows pieces read-only.
    list_display = ["title", "unit", "status", "submitted_at", "updated_at"]
    list_filter = ["status", "unit"]
    search_fields = ["title"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
