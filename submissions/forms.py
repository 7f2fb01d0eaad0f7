import datetime
import re

from django import forms
from django.utils import timezone

from accounts.models import Unit
from intake import formats
from intake.docx_import import MAX_UPLOAD_BYTES, DocxImportError, read_upload
from printing.checks import refuse_missing_glyphs
from submissions.models import Submission
from text.authors import split_names
from text.forms import refuses_markup
from text.normalize import normalize_block, normalize_line, recording
from text.richtext import body_length, read_paste, reject_markup
from web.forms import BoundedModelMultipleChoiceField, check_date_range

# The bulletin's sections, reached through the piece's 建议栏目 relation: the model belongs to
# the bulletin app, which sits above this one (the relation is its only declaration here).
Section = Submission._meta.get_field("suggested_section").related_model

MAX_BODY_CHARS = 6000
# A 约稿 asks for pieces within the year; a later deadline is a slip (9999-12-31).
MAX_COMMISSION_DAYS = 366
PHONE = re.compile(r"^[0-9０-９()（）\-－—+＋ 　转]{5,32}$")


def _single_line(value: str, label: str, *, required: bool = False) -> str:
    value = normalize_line(value or "")
    if required and not value:
        raise forms.ValidationError(f"{label}不能为空，也不能只有空格。", code="blank")
    reject_markup(value)
    return value


@refuses_markup("body")
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
            "body": "只保留分段、加粗（如“一是……。”的段首句）和上标、下标（如 m²、CO₂）。可直接从 Word / WPS 粘贴。",
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
        # Things the contributor should check that do not stop the save (shown as warnings).
        self.notices: list[str] = []
        self.fields["title"].required = True
        self.fields["title"].error_messages["required"] = "请填写标题（不能为空，也不能只有空格）。"
        self.fields["suggested_section"].queryset = Section.objects.filter(active=True)
        self.fields["suggested_section"].empty_label = "（不指定）"

    def full_clean(self):
        # What the one door for text changed that the contributor would see (quotes
        # paired, widths, 〇 in years: text.normalize) is named after the save.
        with recording() as changes:
            super().full_clean()
        self.notices += changes.notes()

    def clean_title(self):
        return _single_line(self.cleaned_data["title"], "标题", required=True)

    def clean_subtitle(self):
        return _single_line(self.cleaned_data["subtitle"], "标题第二行")

    def clean_byline_org(self):
        return _single_line(self.cleaned_data["byline_org"], "署名单位")

    def clean_byline_authors(self):
        """Names as the office writes them: a lone character joins the next token
        ("钱 苏晚" → 钱苏晚); a doubtful split is kept as one name, with a notice."""
        authors = split_names(_single_line(self.cleaned_data["byline_authors"], "作者"))
        if authors.doubt:
            self.notices.append(authors.doubt)
        return authors.text

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
        # Text the pasted page or Word hid is never stored; the contributor is told which.
        # Neither what the pasted page hid or struck through is stored, a bullet the print
        # lacks becomes the nearest it has; each is named.
        pasted = read_paste(self.cleaned_data["body"] or "")
        body = pasted.body
        self.notices += pasted.notices()
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


@refuses_markup()
class DocxUploadForm(forms.Form):
    """A Word/WPS file to read into a new draft. Only what is cheap is checked here: the
    size, and the format by the file's content (intake.formats.sniff), not its name; the
    task worker reads the file (submissions.actions.import_jobs)."""

    file = forms.FileField(
        label="Word / WPS 文件",
        help_text=(
            "支持 .docx、.doc、.wps、.rtf、.odt（以及 .docm，宏不会运行也不会保存），不超过 10 MB。"
            "将读取标题、段落、自动编号和加粗的段首句；表格、图片等不能保留的内容会逐一列出。"
        ),
        error_messages={"required": "请选择要导入的 Word 文件。", "empty": "上传的文件是空的。"},
        widget=forms.ClearableFileInput(attrs={"data-max-bytes": MAX_UPLOAD_BYTES}),
    )
    tables_as_rows = forms.BooleanField(
        label="把表格按行转为文字段落（每行一段，单元格之间空一格）",
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            data = read_upload(upload)
        except DocxImportError as error:
            raise forms.ValidationError(str(error), code="docx") from error
        kind = formats.sniff(data)
        if not (kind.readable or kind.convertible):
            raise forms.ValidationError(formats.refusal(kind), code="format")
        self.cleaned_data["data"] = data
        return upload


@refuses_markup()
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
        due = check_date_range(self.cleaned_data["due"], "修改期限")
        if due and due < timezone.localdate():
            raise forms.ValidationError("修改期限不能早于今天。", code="past")
        return due


@refuses_markup()
class SubmitForm(forms.Form):
    """报送. The 签发人 is required where the unit has no 审核人; the action judges that."""

    signer_name = forms.CharField(
        label="签发人",
        max_length=32,
        required=False,
        help_text="签发这篇稿件的单位领导姓名。",
        error_messages={"max_length": "签发人姓名不能超过 %(limit_value)d 字。"},
    )

    def clean_signer_name(self):
        raw = self.cleaned_data["signer_name"]
        if any(mark in raw for mark in "\r\n\t\v\f"):
            # A name is one line; a line break is a paste slip, not part of the name.
            raise forms.ValidationError("签发人只填一个姓名，不能换行。", code="multiline")
        return _single_line(raw, "签发人")


@refuses_markup()
class SignoffReturnForm(forms.Form):
    note = forms.CharField(
        label="退回意见",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        error_messages={"required": "请写明退回意见。"},
    )

    def clean_note(self):
        return _single_line_block(self.cleaned_data["note"])


@refuses_markup()
class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="不采用原因",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        error_messages={"required": "请写明不采用的原因。"},
    )

    def clean_reason(self):
        return _single_line_block(self.cleaned_data["reason"])


@refuses_markup()
class UnadoptForm(forms.Form):
    note = forms.CharField(
        label="撤销原因",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        help_text="稿件回到“已报送”，报送单位会收到这条说明。",
        error_messages={"required": "请写明撤销采用的原因。"},
    )

    def clean_note(self):
        return _single_line_block(self.cleaned_data["note"])


@refuses_markup()
class ReopenForm(forms.Form):
    note = forms.CharField(
        label="说明",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        required=False,
        help_text="可不填。稿件回到“已报送”，报送单位会收到通知。",
    )

    def clean_note(self):
        return _single_line_block(self.cleaned_data["note"], required=False)


@refuses_markup()
class AdoptArticleForm(forms.Form):
    section = forms.ModelChoiceField(
        label="栏目",
        queryset=Section.objects.filter(active=True, kind=Section.Kind.ARTICLES),
        required=False,
        empty_label="（暂不指定）",
    )


@refuses_markup()
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

    def clean(self):
        data = super().clean()
        # The brief prints as it is written here: a character no print face has is
        # refused like in the piece form (printing.checks).
        refuse_missing_glyphs(self, ["brief_text", "brief_byline"])
        return data


@refuses_markup()
class CommentForm(forms.Form):
    text = forms.CharField(
        label="留言",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        error_messages={"required": "留言不能为空。", "max_length": "留言不能超过 %(limit_value)d 字。"},
    )

    def clean_text(self):
        return _single_line_block(self.cleaned_data["text"])


@refuses_markup()
class CommissionForm(forms.Form):
    topic = forms.CharField(label="约稿主题", max_length=80, error_messages={"required": "请填写约稿主题。"})
    requirements = forms.CharField(
        label="要求", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=1000
    )
    deadline = forms.DateField(
        label="截止日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "请填写截止日期。", "invalid": "日期格式不正确。"},
    )
    units = BoundedModelMultipleChoiceField(
        label="约稿单位",
        queryset=Unit.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一个约稿单位。"},
    )

    def __init__(self, *args, keep_deadline=None, **kwargs):
        # Editing a commission whose deadline has passed may keep that deadline as it is.
        self.keep_deadline = keep_deadline
        super().__init__(*args, **kwargs)
        # Short names (西湖区, 法工委) keep the 30-odd checkboxes readable, on a phone too.
        self.fields["units"].label_from_instance = lambda unit: unit.short_name

    def clean_topic(self):
        return _single_line(self.cleaned_data["topic"], "约稿主题", required=True)

    def clean_requirements(self):
        return _single_line_block(self.cleaned_data["requirements"], required=False)

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline == self.keep_deadline:
            return deadline
        today = timezone.localdate()
        if deadline < today:
            raise forms.ValidationError("截止日期不能早于今天。", code="past")
        latest = today + datetime.timedelta(days=MAX_COMMISSION_DAYS)
        if deadline > latest:
            raise forms.ValidationError(
                f"截止日期不能晚于一年以后（{latest.year}年{latest.month}月{latest.day}日）。", code="far"
            )
        return deadline


@refuses_markup()
class CommissionRemindForm(forms.Form):
    """催报: one unit of the commission (`unit`), or, left empty, every unit not yet answered."""

    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        error_messages={"invalid_choice": "只能向约稿单位催报。"},
    )

    def __init__(self, *args, commission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = commission.units.all()


@refuses_markup()
class CommissionCancelForm(forms.Form):
    note = forms.CharField(label="撤销原因", max_length=200, error_messages={"required": "请写明撤销原因。"})

    def clean_note(self):
        return _single_line(self.cleaned_data["note"], "撤销原因", required=True)


@refuses_markup()
class QueueFilterForm(forms.Form):
    """The review queue's filters. With no status chosen the queue opens on 待处理: the
    pieces waiting for the editor's decision, longest waiting first."""

    PENDING = "pending"
    ALL = "all"

    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[
            (PENDING, "待处理（已报送）"),
            (ALL, "全部状态"),
            *(
                (value, label)
                for value, label in Submission.Status.choices
                if value
                not in (Submission.Status.DRAFT, Submission.Status.DELETED, Submission.Status.PENDING_SIGNOFF)
            ),
        ],
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
    signer = forms.CharField(label="签发人", required=False, max_length=32)
    back_issues = forms.BooleanField(
        label="含往期导入稿件", required=False, help_text="往期稿件按所在期的出刊日期筛选。"
    )

    def clean_status(self):
        return self.cleaned_data["status"] or self.PENDING

    def clean_date_from(self):
        return check_date_range(self.cleaned_data["date_from"], "报送起")

    def clean_date_to(self):
        return check_date_range(self.cleaned_data["date_to"], "报送止")

    def clean_q(self):
        return normalize_line(self.cleaned_data["q"])


def _single_line_block(value: str, *, required: bool = True) -> str:
    """A free-text note: normalised, trimmed, never only spaces, never markup."""
    value = normalize_block(value or "").strip()
    if required and not value:
        raise forms.ValidationError("内容不能为空，也不能只有空格。", code="blank")
    reject_markup(value)
    return value
