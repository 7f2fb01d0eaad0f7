from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.actions import add_account, change_role, reset_password
from accounts.models import KnownAddress, RefusedLogins, Role, Source, Unit, User
from accounts.second_factor import reset_second_factor
from audit.context import current_request
from text.forms import NormalizedModelForm, refuses_markup

# What an account from a directory or identity service takes from there at each sign-in
# (and its user name, which is what links it to its entry there); it has no password here
# to change either.
FOLLOW_SOURCE = ("username", "full_name", "email", "role", "unit", "must_change_password")

# The fields that make up someone's standing: nobody changes their own (三员 separation).
STANDING_FIELDS = ("role", "unit", "is_active")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    form = NormalizedModelForm
    list_display = ["name", "short_name", "kind", "office_name", "position", "active"]
    list_filter = ["kind", "active"]
    list_editable = ["position", "active"]
    search_fields = ["name", "short_name", "office_name"]


class ResetPasswordForm(AdminPasswordChangeForm):
    """A password a 管理员 sets is the owner's to replace at their next login; it goes through
    accounts.actions.reset_password (audited), and never for a 审计员."""

    def clean(self):
        if self.user.source != Source.LOCAL:
            self.add_error(
                "password1",
                ValidationError(
                    f"该账号是{self.user.get_source_display()}，密码由其来源管理，不能在本系统设置。",
                    code="external_password",
                ),
            )
            return self.cleaned_data
        if self.user.role == Role.AUDITOR:
            # On the field: the admin's password page shows field errors only.
            self.add_error(
                "password1",
                ValidationError(
                    "审计员的密码不能由管理员重置，请审计员本人修改，"
                    "或在服务器上运行 manage.py grant_auditor 用户名 --reset-password。",
                    code="auditor_password",
                ),
            )
            return self.cleaned_data
        return super().clean()

    def save(self, commit=True):
        password = self.cleaned_data.get("password1")
        request = current_request()
        if not password or request is None:  # "禁用密码登录": Django's own path
            self.user.must_change_password = True
            return super().save(commit=commit)
        return reset_password(actor=request.user, user=self.user, password=password)


AUDITOR_ON_SERVER = (
    "审计员只能在服务器上授予或取消（manage.py grant_auditor / revoke_auditor），"
    "管理员不能在后台设置（三员分立）。"
)


def _without_auditor(field) -> None:
    """A role field that does not offer 审计员: the admin site never grants it."""
    field.choices = [(value, label) for value, label in field.choices if value != Role.AUDITOR]


@refuses_markup()
class AccountCreationForm(AdminUserCreationForm):
    """The admin's add form: every role but 审计员 (granted only on the server)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "role" in self.fields:
            _without_auditor(self.fields["role"])


@refuses_markup()
class AccountChangeForm(UserChangeForm):
    """The admin's change form: refuses, in Chinese, a change of one's own standing, and
    any change into or out of 审计员 (the role field of a 审计员 is fixed here)."""

    acting_user: User | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        role = self.fields.get("role")
        if role is not None and self.instance.pk is not None and self.instance.role == Role.AUDITOR:
            role.disabled = True
            role.help_text = AUDITOR_ON_SERVER
        elif role is not None:
            _without_auditor(role)

    def clean(self):
        cleaned = super().clean()
        own = self.acting_user is not None and self.instance.pk == self.acting_user.pk
        changed = [name for name in STANDING_FIELDS if name in self.changed_data]
        if own and changed:
            raise ValidationError(
                "不能修改自己的角色、所属单位或启用状态（三员分立），请由另一位管理员操作。",
                code="own_standing",
            )
        return cleaned


@admin.action(description="重置所选用户的双因素认证（下次登录须重新绑定）")
def reset_second_factor_of_selected(modeladmin, request, queryset):
    """The lost-phone case, through accounts.second_factor.reset_second_factor (audited);
    refused, with the reason, for one's own account and for a 审计员."""
    done = []
    for user in queryset.order_by("username"):
        try:
            reset_second_factor(actor=request.user, user=user)
        except PermissionDenied as refusal:
            messages.error(request, f"{user.display_name}（{user.username}）：{refusal}")
        else:
            done.append(user.display_name)
    if done:
        messages.success(request, f"已重置 {'、'.join(done)} 的双因素认证，下次登录时须重新绑定身份验证器。")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    change_password_form = ResetPasswordForm
    add_form = AccountCreationForm
    list_display = [
        "username",
        "full_name",
        "role",
        "unit",
        "is_active",
        "must_change_password",
        "source",
        "has_authenticator",
        "last_login",
    ]
    actions = [reset_second_factor_of_selected]
    list_filter = ["role", "unit", "is_active", "source"]
    search_fields = ["username", "full_name", "email"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("个人信息", {"fields": ["full_name", "email", "phone"]}),
        ("角色", {"fields": ["role", "unit", "is_active", "must_change_password", "source"]}),
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
    readonly_fields = ["last_login", "date_joined", "source"]
    form = AccountChangeForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or obj.source == Source.LOCAL:
            return fieldsets
        # No password row: it has none here, and none may be set (accounts.backends).
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "password"]})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.source != Source.LOCAL:
            # The directory (or identity service) sets these at each sign-in: a change here
            # would be undone at the next one. Switching the account off stays here.
            fields += [name for name in FOLLOW_SOURCE if name not in fields]
        return fields

    def get_queryset(self, request):
        # One query for the list's 双因素 column, however many rows.
        confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(authenticator=Exists(confirmed))

    @admin.display(description="双因素", boolean=True, ordering="authenticator")
    def has_authenticator(self, obj):
        return getattr(obj, "authenticator", None)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None:
            form = type(form.__name__, (form,), {"acting_user": request.user})
        return form

    def save_model(self, request, obj, form, change):
        # Accounts and roles change only through the actions, which apply the admin rights
        # that follow the role and audit the role and unit before and after.
        if not change:
            add_account(actor=request.user, user=obj, password=form.cleaned_data["password1"])
            return
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


class NoDeviceAdmin(admin.ModelAdmin):
    """Registered in place of django-otp's own admin pages, which show an authenticator's
    secret key and QR code and let anyone with the admin add a device to any account (a
    管理员 could then pass as the 审计员's second factor). Nobody sees these pages: a
    second factor is reset with the action on the user list (audited), never edited."""

    def has_module_permission(self, request):
        return False

    def has_view_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# accounts' admin module is read before django-otp's (INSTALLED_APPS order), whose
# registration then finds these taken and stands down.
admin.site.register(TOTPDevice, NoDeviceAdmin)
admin.site.register(StaticDevice, NoDeviceAdmin)
