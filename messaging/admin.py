"""The admin site's pages of messaging: 单位联系人 (through the same actions as the editor's
page), a person's contact details (the 管理员 enters the mobile number and 浙政钉 accountId from
the office's directory) and the delivery records, read-only, with filters."""

from django.contrib import admin
from django.core.exceptions import ValidationError

from messaging.actions import unit_contacts
from messaging.actions.preferences import change_contact_details
from messaging.contact_forms import UnitContactForm
from messaging.forms import ContactDetailsAdminForm
from messaging.models import ContactDetails, Delivery, UnitContact


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


@admin.register(ContactDetails)
class ContactDetailsAdmin(admin.ModelAdmin):
    form = ContactDetailsAdminForm
    list_display = ["user", "mobile", "zzd_account_id", "daily_digest"]
    search_fields = ["user__username", "user__full_name", "mobile", "zzd_account_id"]
    autocomplete_fields = ["user"]
    readonly_fields = ["daily_digest"]

    def get_readonly_fields(self, request, obj=None):
        # The person is fixed once the row exists: a number moves with its owner only.
        return [*self.readonly_fields, "user"] if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        # Through the action, which checks the right, validates and writes the audit row.
        saved = change_contact_details(
            actor=request.user,
            user=obj.user,
            mobile=form.cleaned_data["mobile"],
            zzd_account_id=form.cleaned_data["zzd_account_id"],
        )
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        # Clearing both fields is the way to remove them, and it is audited.
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """送达记录: what was sent to whom by which channel, and what the provider answered."""

    list_display = [
        "created_at",
        "kind",
        "channel",
        "recipient",
        "address",
        "short_text",
        "status",
        "attempts",
        "short_answer",
    ]
    list_filter = ["status", "channel", "kind", "created_at"]
    search_fields = ["address", "user__username", "user__full_name", "contact__name", "cause", "text"]
    list_select_related = ["user", "contact__unit", "unit"]
    date_hierarchy = "created_at"
    fields = [
        "kind", "channel", "user", "contact", "unit", "address", "cause", "text", "link", "status",
        "attempts", "next_attempt_at", "provider_id", "answer", "history", "created_at", "sent_at", "finished_at",
    ]  # fmt: skip
    readonly_fields = fields

    @admin.display(description="接收人")
    def recipient(self, obj: Delivery) -> str:
        if obj.user is not None:
            return obj.user.full_name or obj.user.username
        if obj.contact is not None:
            return f"{obj.contact.unit.short_name} {obj.contact.name}"
        return "—"

    @admin.display(description="内容")
    def short_text(self, obj: Delivery) -> str:
        return obj.text[:40]

    @admin.display(description="服务方答复")
    def short_answer(self, obj: Delivery) -> str:
        return obj.answer[:60] or "—"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
