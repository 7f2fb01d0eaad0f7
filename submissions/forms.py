import re

from django import forms
from django.utils import timezone

from accounts.models import Unit
from bulletin.models import Section
from bulletin.printing.checks import refuse_missing_glyphs

from .docx_import import DocxImportError, import_docx
from .models import Submission
from .richtext import body_length, reject_markup, sanitize_body

MAX_BODY_CHARS = 6000
PHONE = re.compile(r"^[0-9０-９()（）\-－—+＋ 　转]{5,32}$")


def _single_line(value: str, label: str, *, required: bool = False) -> str:
    value = " ".join((value or "").split())
    if required and not value:
        raise forms.ValidationError(f"{label}不能为空，也不能只有空格。", code="blank")
    reject_markup(value)
    return value


class PieceForm(forms.ModelForm):
    """The text of a piece, as the contributor writes it and the editor edits it."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Submission
        fields = [
            "title",
            "subtitle",
            "body",
            "byline_org",
            "byline_authors",
            "contact_name",
            "contact_phone",
            "suggested_section",
        ]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 16, "data-richtext": "1"}),
        }
        help_texts = {
            "title": "标题较长时可分两行：第一行写在这里，第二行写在下面。",
            "subtitle": "可不填。如“建德市：新安江街道多措并举”之后的“扎实践行全过程人民民主”。",
            "body": "只保留分段和加粗（如“一是……。”的段首句）。可直接从 Word / WPS 粘贴。",
            "byline_org": "默认为本单位办公室，街道工委等可自行修改。",
            "byline_authors": "多位作者用空格分隔，如：邵羽晨 郭彧杰。",
            "contact_phone": "仅用于编辑联系，不刊印。",
        }
        error_messages = {
            "title": {"max_length": "标题不能超过 %(limit_value)d 字（现有 %(show_value)d 字）。"},
            "subtitle": {"max_length": "标题第二行不能超过 %(limit_value)d 字（现有 %(show_value)d 字）。"},
            "byline_org": {"max_length": "署名单位不能超过 %(limit_value)d 字。"},
            "byline_authors": {"max_length": "作者不能超过 %(limit_value)d 字。"},
            "contact_name": {"max_length": "联系人不能超过 %(limit_value)d 字。"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = True
        self.fields["title"].error_messages["required"] = "请填写标题（不能为空，也不能只有空格）。"
        self.fields["suggested_section"].queryset = Section.objects.filter(active=True)
        self.fields["suggested_section"].empty_label = "（不指定）"

    def clean_title(self):
        return _single_line(self.cleaned_data["title"], "标题", required=True)

    def clean_subtitle(self):
        return _single_line(self.cleaned_data["subtitle"], "标题第二行")

    def clean_byline_org(self):
        return _single_line(self.cleaned_data["byline_org"], "署名单位")

    def clean_byline_authors(self):
        return _single_line(self.cleaned_data["byline_authors"], "作者")

    def clean_contact_name(self):
        return _single_line(self.cleaned_data["contact_name"], "联系人")

    def clean_contact_phone(self):
        phone = _single_line(self.cleaned_data["contact_phone"], "联系电话")
        if phone and not PHONE.match(phone):
            raise forms.ValidationError(
                "联系电话只能包含数字、括号、空格和连字符，如 (0571)85250657。", code="phone"
            )
        return phone

    def clean_body(self):
        body = sanitize_body(self.cleaned_data["body"] or "")
        length = body_length(body)
        if length > MAX_BODY_CHARS:
            raise forms.ValidationError(
                f"正文不能超过 {MAX_BODY_CHARS} 字（现有 {length} 字）。信息稿宜简短，请精简后再保存。",
                code="too_long",
            )
        return body

    def clean(self):
        data = super().clean()
        refuse_missing_glyphs(self, ["title", "subtitle", "body", "byline_org", "byline_authors"])
        return data

    def text_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class DocxUploadForm(forms.Form):
    file = forms.FileField(
        label="Word 文件（.docx）",
        help_text="不超过 10 MB。将读取标题、段落和加粗的段首句；表格和图片不导入，会提示。",
        error_messages={"required": "请选择要导入的 Word 文件。", "empty": "上传的文件是空的。"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".docx"):
            raise forms.ValidationError(
                "只能导入 .docx 格式的 Word 文件。如果是 .doc 或 WPS 格式，请先在 Word / WPS 中另存为 .docx。",
                code="extension",
            )
        try:
            self.cleaned_data["imported"] = import_docx(upload)
        except DocxImportError as error:
            raise forms.ValidationError(str(error), code="docx") from error
        return upload


class ReturnForm(forms.Form):
    note = forms.CharField(
        label="修改意见",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": "请写明修改意见。"},
    )
    due = forms.DateField(
        label="修改期限",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "日期格式不正确。"},
    )

    def clean_note(self):
        return _single_line_block(self.cleaned_data["note"])

    def clean_due(self):
        due = self.cleaned_data["due"]
        if due and due < timezone.localdate():
            raise forms.ValidationError("修改期限不能早于今天。", code="past")
        return due


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="不采用原因",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        error_messages={"required": "请写明不采用的原因。"},
    )

    def clean_reason(self):
        return _single_line_block(self.cleaned_data["reason"])


class AdoptArticleForm(forms.Form):
    section = forms.ModelChoiceField(
        label="栏目",
        queryset=Section.objects.filter(active=True, kind=Section.Kind.ARTICLES),
        required=False,
        empty_label="（暂不指定）",
    )


class BriefForm(forms.Form):
    brief_text = forms.CharField(
        label="摘登文字",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=600,
        help_text="一段话，以单位名称开头，如“西湖区人大常委会……”。",
        error_messages={
            "required": "请填写摘登文字。",
            "max_length": "摘登文字不能超过 %(limit_value)d 字。",
        },
    )
    brief_byline = forms.CharField(
        label="摘登署名", max_length=100, required=False, help_text="如：西湖区人大常委会办公室 钱苏晚"
    )

    def clean_brief_text(self):
        return _single_line_block(self.cleaned_data["brief_text"])

    def clean_brief_byline(self):
        return _single_line(self.cleaned_data["brief_byline"], "摘登署名")


class CommentForm(forms.Form):
    text = forms.CharField(
        label="留言",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        error_messages={"required": "留言不能为空。", "max_length": "留言不能超过 %(limit_value)d 字。"},
    )

    def clean_text(self):
        return _single_line_block(self.cleaned_data["text"])


class CommissionForm(forms.Form):
    topic = forms.CharField(label="约稿主题", max_length=80, error_messages={"required": "请填写约稿主题。"})
    requirements = forms.CharField(
        label="要求", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=1000
    )
    deadline = forms.DateField(
        label="截止日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写截止日期。", "invalid": "日期格式不正确。"},
    )
    units = forms.ModelMultipleChoiceField(
        label="约稿单位",
        queryset=Unit.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一个约稿单位。"},
    )

    def clean_topic(self):
        return _single_line(self.cleaned_data["topic"], "约稿主题", required=True)

    def clean_requirements(self):
        return _single_line_block(self.cleaned_data["requirements"], required=False)

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError("截止日期不能早于今天。", code="past")
        return deadline


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部状态"), *Submission.Status.choices]
    )
    unit = forms.ModelChoiceField(
        label="单位", queryset=Unit.objects.all(), required=False, empty_label="全部单位"
    )
    section = forms.ModelChoiceField(
        label="栏目", queryset=Section.objects.all(), required=False, empty_label="全部栏目"
    )
    date_from = forms.DateField(
        label="报送起", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label="报送止", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(label="标题", required=False, max_length=50)


def _single_line_block(value: str, *, required: bool = True) -> str:
    """A free-text note: trimmed, never only spaces, never markup."""
    value = (value or "").strip()
    if required and not value:
        raise forms.ValidationError("内容不能为空，也不能只有空格。", code="blank")
    reject_markup(value)
    return value
