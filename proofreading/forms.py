from django import forms

from text.forms import refuses_markup


@refuses_markup()
class DismissForm(forms.Form):
    key = forms.CharField(max_length=20, error_messages={"required": "这条提示无法识别，请刷新页面后再试。"})
    reason = forms.CharField(
        label="理由",
        max_length=200,
        error_messages={"required": "请填写忽略这条提示的理由。", "max_length": "理由请在200字以内。"},
    )
    submission = forms.IntegerField(required=False, min_value=1)
    issue = forms.IntegerField(required=False, min_value=1)

    def clean(self):
        data = super().clean()
        if not data.get("submission") and not data.get("issue"):
            raise forms.ValidationError("请指明是哪篇稿件或哪一期的提示。", code="no_target")
        return data


@refuses_markup()
class FixForm(forms.Form):
    """Apply one finding's suggestion (``key``) or every one of a rule (``rule``) to a piece,
    on the version the page showed."""

    submission = forms.IntegerField(min_value=1, error_messages={"required": "请指明是哪篇稿件。"})
    version = forms.IntegerField(min_value=1, error_messages={"required": "页面缺少稿件版本，请刷新后再试。"})
    key = forms.CharField(max_length=20, required=False)
    rule = forms.CharField(max_length=32, required=False)

    def clean(self):
        data = super().clean()
        if bool(data.get("key")) == bool(data.get("rule")):
            raise forms.ValidationError("这条提示无法识别，请刷新页面后再试。", code="no_finding")
        return data
