from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm

from accounts.actions import change_role
from accounts.models import KnownAddress, RefusedLogins, Unit, User
from text.forms import NormalizedModelForm


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    form = NormalizedModelForm
    list_display = ["name", "short_name", "kind", "office_name", "position", "active"]
    list_filter = ["kind", "active"]
    list_editable = ["position", "active"]
    search_fields = ["name", "short_name", "office_name"]


class ResetPasswordForm(AdminPasswordChangeForm):
    """A password a 管理员 sets is the owner's to replace at their next login."""

    def save(self, commit=True):
        self.user.must_change_password = True
        return super().save(commit=commit)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    change_password_form = ResetPasswordForm
    list_display = [
        "username",
        "full_name",
        "role",
        "unit",
        "is_active",
        "must_change_password",
        "last_login",
    ]
    list_filter = ["role", "unit", "is_active"]
    search_fields = ["username", "full_name", "email"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("个人信息", {"fields": ["full_name", "email", "phone"]}),
        ("角色", {"fields": ["role", "unit", "is_active", "must_change_password"]}),
        ("登录记录", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "full_name", "role", "unit", "password1", "password2"],
            },
        ),
    ]
    readonly_fields = ["last_login", "date_joined"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.must_change_password = True  # the admin chose it; the owner replaces it
        super().save_model(request, obj, form, change)
        # Role changes go through the one action so admin rights follow the role.
        change_role(actor=request.user, user=obj, role=obj.role, unit=obj.unit)


# Login protection (accounts.lockout): read-only records the 管理员 consults; unlocking is
# done under 登录防护 › 登录失败计数 (django-axes), forgetting a known address here.
@admin.register(KnownAddress)
class KnownAddressAdmin(admin.ModelAdmin):
    list_display = ["user", "address", "first_seen", "last_seen"]
    search_fields = ["user__username", "user__full_name", "address"]
    readonly_fields = ["user", "address", "first_seen", "last_seen"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RefusedLogins)
class RefusedLoginsAdmin(admin.ModelAdmin):
    list_display = ["username", "address", "count", "first_at", "last_at", "summarized_at"]
    search_fields = ["username", "address"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
