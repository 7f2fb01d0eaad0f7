from django import forms


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
