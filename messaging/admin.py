"""Messaging in the admin: 单位联系人 (through the same actions as the editor's page)."""

from django.contrib import admin
from django.core.exceptions import ValidationError

from messaging.actions import unit_contacts
from messaging.contact_forms import UnitContactForm
from messaging.models import UnitContact


@admin.register(UnitContact)
class UnitContactAdmin(admin.ModelAdmin):
    form = UnitContactForm
    fields = ["unit", "name", "mobile", "email", "zzd_account_id", "note", "active"]
    list_display = ["unit", "name", "mobile", "email", "zzd_account_id", "active"]
    list_filter = ["active", "unit__kind"]
    search_fields = ["name", "mobile", "email", "unit__short_name", "unit__name"]
    list_select_related = ["unit"]
    actions = ["stop_contacts"]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Contacts are stopped, never deleted: the delivery records name them.
        return False

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in unit_contacts.FIELDS}
        try:
            if change:
                saved = unit_contacts.update_unit_contact(actor=request.user, contact=obj, **data)
                saved = unit_contacts.set_unit_contact_active(
                    actor=request.user, contact=saved, active=form.cleaned_data["active"]
                )
            else:
                saved = unit_contacts.create_unit_contact(
                    actor=request.user, unit=form.cleaned_data["unit"], **data
                )
                if not form.cleaned_data["active"]:
                    saved = unit_contacts.set_unit_contact_active(
                        actor=request.user, contact=saved, active=False
                    )
        except ValidationError as error:  # the form checked the same; a race is the one way here
            raise ValidationError(error.messages) from error
        obj.pk = saved.pk

    @admin.action(description="停用所选联系人")
    def stop_contacts(self, request, queryset):
        for contact in queryset:
            unit_contacts.set_unit_contact_active(actor=request.user, contact=contact, active=False)
        self.message_user(request, f"已停用 {queryset.count()} 位联系人。")
