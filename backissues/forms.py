"""The back-issue upload form."""

from django import forms

from bulletin.forms import MAX_BACK_ISSUE_BYTES
from text.forms import refuses_markup


# The text of a whole old issue, as printed: its masthead carries addresses such as
# "<http://172.18.13.193:8084/infosub>", and its bodies are escaped by runs_to_html.
@refuses_markup("text")
class BackIssueForm(forms.Form):
    """A back issue's text: uploaded as a file, or pasted/corrected in the text box."""

    file = forms.FileField(label="往期文字文件（.txt）", required=False)
    text = forms.CharField(
        label="往期文字",
        required=False,
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false", "class": "font-monospace small"}),
        help_text="可直接修改这里的文字后“重新检查”，错误改完后才能导入。",
    )
    replace = forms.BooleanField(label="覆盖已导入的同一期（系统中编排的期从不覆盖）", required=False)

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_BACK_ISSUE_BYTES:
                raise forms.ValidationError("文件超过 2 MB，不像是一期刊物的文字。", code="too_big")
            data["raw"] = upload.read()
            data["source_name"] = upload.name
        elif data.get("text", "").strip():
            data["raw"] = data["text"].encode("utf-8")
            data["source_name"] = self.data.get("source_name", "") or "网页粘贴"
        else:
            raise forms.ValidationError("请选择文件，或把往期文字粘贴到文本框中。", code="empty")
        return data
