from django.contrib import admin

from proofreading.models import Dismissal, ProofreadingOptions, Term


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["preferred", "variant_list", "note", "source", "active"]
    list_editable = ["active"]
    search_fields = ["preferred", "variants", "note"]
    fields = ["preferred", "variants", "exceptions", "note", "source", "active"]

    @admin.display(description="应改的写法")
    def variant_list(self, term: Term) -> str:
        return "、".join(Term.lines(term.variants))


@admin.register(ProofreadingOptions)
class ProofreadingOptionsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "similarity_threshold", "unit_not_leading_twice"]
    fields = ["similarity_threshold", "unit_not_leading_twice", "traditional_names"]

    def has_add_permission(self, request):
        # One row: the migration creates it.
        return not ProofreadingOptions.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Dismissal)
class DismissalAdmin(admin.ModelAdmin):
    # Dismissals are made by editors on the panels (proofreading.actions); the admin reads them.
    list_display = ["created_at", "actor", "submission", "issue", "rule", "message", "reason"]
    list_filter = ["rule"]
    readonly_fields = [f.name for f in Dismissal._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
