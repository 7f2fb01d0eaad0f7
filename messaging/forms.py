"""The 通知方式 page's form and the admin's contact-details form (they only validate)."""

from django import forms

from messaging.models import ContactDetails
from messaging.queries import ChannelOffer, KindRow
from messaging.validation import normalize_account_id, normalize_mobile
from text.forms import NormalizedModelForm, refuses_markup


def choice_field_name(kind: str, name: str) -> str:
    return f"ch_{kind}_{name}"


@refuses_markup()
class NotificationSettingsForm(forms.Form):
    """Mobile, 浙政钉 accountId, 每日汇总, and one checkbox per kind and offered channel
    (built from queries.kind_rows and channel_offers; a channel without an address is shown
    disabled, so it is never posted)."""

    mobile = forms.CharField(
        label="手机号码", required=False, max_length=20, help_text="用于短信通知，11 位大陆手机号码"
    )
    zzd_account_id = forms.CharField(
        label="浙政钉账号 ID",
        required=False,
        max_length=64,
        help_text="浙政钉通讯录中的 accountId（不是手机号），用于工作通知",
    )
    daily_digest = forms.BooleanField(
        label="邮件改为每日汇总",
        required=False,
        help_text="不再逐条发邮件，每天早上一封汇总；站内通知和其他方式照常",
    )

    def __init__(self, *args, rows: list[KindRow], offers: list[ChannelOffer], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.offers = offers
        for row in rows:
            for offer in offers:
                self.fields[choice_field_name(row.kind, offer.name)] = forms.BooleanField(
                    label=f"{row.label}：{offer.label}",
                    required=False,
                    initial=offer.name in row.chosen and bool(offer.address),
                    disabled=not offer.address,
                )

    def clean_mobile(self) -> str:
        return normalize_mobile(self.cleaned_data["mobile"])

    def clean_zzd_account_id(self) -> str:
        return normalize_account_id(self.cleaned_data["zzd_account_id"])

    def choices(self) -> dict[str, list[str]]:
        """{kind: [channel, …]} as ticked, for the offered channels only."""
        return {
            row.kind: [
                offer.name
                for offer in self.offers
                if offer.address and self.cleaned_data.get(choice_field_name(row.kind, offer.name))
            ]
            for row in self.rows
        }

    def grid(self) -> list[tuple[KindRow, list]]:
        """(row, [(offer, bound field), …]) for the template's table."""
        return [
            (row, [(offer, self[choice_field_name(row.kind, offer.name)]) for offer in self.offers])
            for row in self.rows
        ]


class ContactDetailsAdminForm(NormalizedModelForm):
    """The admin's form: the same rules for the number and the id as the person's page."""

    class Meta:
        model = ContactDetails
        fields = ["user", "mobile", "zzd_account_id"]

    def clean_mobile(self) -> str:
        return normalize_mobile(self.cleaned_data["mobile"])

    def clean_zzd_account_id(self) -> str:
        return normalize_account_id(self.cleaned_data["zzd_account_id"])
