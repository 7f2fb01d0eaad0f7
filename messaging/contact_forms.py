"""The form of a 单位联系人 (the page and the admin share it): it only validates; the write is
messaging.actions.unit_contacts."""

from django import forms

from messaging.mobile import normalise_mobile
from messaging.models import UnitContact
from text.forms import NormalizedModelForm, refuses_markup


@refuses_markup()
class UnitContactForm(NormalizedModelForm):
    class Meta:
        model = UnitContact
        fields = ["unit", "name", "mobile", "email", "zzd_account_id", "note"]
        error_messages = {
            "unit": {"required": "请选择单位。", "invalid_choice": "请选择列表中的单位。"},
            "name": {"required": "请填写联系人姓名。", "max_length": "姓名最多 32 个字。"},
            "email": {"invalid": "请填写有效的电子邮件地址。"},
        }

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = self.fields["unit"].queryset.filter(active=True)
        if unit is not None or self.instance.pk:
            # The unit is fixed where the form was opened from (a unit's row, or the contact).
            self.fields["unit"].disabled = True
            if unit is not None:
                self.initial["unit"] = unit.pk
        self.fields["mobile"].widget.attrs.update(inputmode="tel", autocomplete="off")

    def clean_mobile(self) -> str:
        return normalise_mobile(self.cleaned_data.get("mobile") or "")

    def clean(self):
        data = super().clean()
        if not self.errors and not any(data.get(name) for name in ("mobile", "email", "zzd_account_id")):
            raise forms.ValidationError(
                "请至少填写手机号码、电子邮件或浙政钉账号 ID 中的一项。", code="no_address"
            )
        return data


@refuses_markup()
class UnitContactActiveForm(forms.Form):
    active = forms.BooleanField(required=False)
