from django import forms

from accounts.models import Unit
from bulletin.models import Issue
from bulletin.numbering import MAX_NUMBER_IN_YEAR, date_near_today
from printing.checks import refuse_missing_glyphs
from text.forms import refuses_markup
from text.normalize import normalize_block, normalize_line
from text.richtext import reject_markup
from web.forms import check_date_range

# The largest id an integer column holds (PostgreSQL's integer; SQLite's is larger).
MAX_ID = 2**31 - 1


def _plain(value: str) -> str:
    """A text field that prints as typed: normalized (text.normalize.normalize_line),
    and refused if it holds markup (a tag would otherwise print literally)."""
    value = normalize_line(value or "")
    reject_markup(value)
    return value


@refuses_markup()
class IssueForm(forms.ModelForm):
    """The issue's numbers, date and masthead. Numbers that do not follow the issue before
    are the action's to judge (bulletin.numbering.sequence_problems); the form carries the
    editor's confirmation and reason for them: ``numbering_reason`` reaches the action only
    when ``numbering_confirmed`` is ticked, and a tick needs a reason."""

    numbering_confirmed = forms.BooleanField(
        label="确认按所填期号编号（与上一期不连续）",
        required=False,
    )

    class Meta:
        model = Issue
        fields = [
            "date",
            "number",
            "total_number",
            "edition",
            "editor_name",
            "editor_phone",
            "distribution",
            "numbering_reason",
        ]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "distribution": forms.Textarea(attrs={"rows": 3}),
            "numbering_reason": forms.TextInput(attrs={"placeholder": "如：上半年停刊两期，总期号顺延"}),
        }
        labels = {"numbering_reason": "不连续的理由"}
        help_texts = {
            "number": "当年第几期，每年从 1 起编。系统已按现有各期推荐。",
            "total_number": "总第几期，跨年连续编号。",
            "distribution": "“送：”之后的内容，每行一段。",
        }
        error_messages = {
            "number": {
                "required": "请填写期号。",
                "invalid": "期号必须是正整数。",
                "min_value": "期号必须从 1 起。",
            },
            "total_number": {
                "required": "请填写总期号。",
                "invalid": "总期号必须是正整数。",
                "min_value": "总期号必须从 1 起。",
            },
            "date": {
                "required": "请填写出刊日期。",
                "invalid": "日期格式不正确，请按 2024-10-25 的格式填写。",
            },
            "editor_name": {"required": "请填写本期责任编辑。"},
            "editor_phone": {"required": "请填写电话。"},
            "distribution": {"required": "请填写发送范围。"},
            "numbering_reason": {"max_length": "理由不能超过 200 字。"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.numbering_reason:
            self.fields["numbering_confirmed"].initial = True

    def clean_number(self):
        number = self.cleaned_data["number"]
        if number < 1:
            raise forms.ValidationError("期号必须从 1 起。", code="min_value")
        if number > MAX_NUMBER_IN_YEAR:
            raise forms.ValidationError(f"期号不能超过 {MAX_NUMBER_IN_YEAR}。", code="max_value")
        return number

    def clean_total_number(self):
        total = self.cleaned_data["total_number"]
        if total < 1:
            raise forms.ValidationError("总期号必须从 1 起。", code="min_value")
        return total

    def clean_date(self):
        date = check_date_range(self.cleaned_data["date"], "出刊日期")
        problem = date_near_today(date)
        if problem:
            raise forms.ValidationError(problem, code="date_span")
        return date

    # Text fields pass the one door for text (text.normalize) and may hold no markup.
    def clean_editor_name(self):
        return _plain(self.cleaned_data["editor_name"])

    def clean_editor_phone(self):
        return _plain(self.cleaned_data["editor_phone"])

    def clean_distribution(self):
        value = normalize_block(self.cleaned_data["distribution"]).strip()
        reject_markup(value)
        return value

    def clean_numbering_reason(self):
        return _plain(self.cleaned_data["numbering_reason"])

    def clean(self):
        data = super().clean()
        refuse_missing_glyphs(self, ["editor_name", "editor_phone", "distribution"])
        # The tick is the confirmation; the action sees only the reason it confirms.
        confirmed = data.pop("numbering_confirmed", False)
        if confirmed and not data.get("numbering_reason") and "numbering_reason" not in self.errors:
            self.add_error(
                "numbering_reason",
                forms.ValidationError("勾选确认后，请填写期号不连续的理由。", code="reason_required"),
            )
        elif not confirmed and "numbering_reason" in data:
            data["numbering_reason"] = ""
        return data

    def validate_unique(self):
        # Number conflicts are the action's to judge (it also sees concurrent creators).
        pass


# Session key under which a 更正 note refused for a conflict waits to be offered again.
CORRECTION_NOTE_KEY = "correction_note:{}"


@refuses_markup()
class CorrectionForm(forms.Form):
    # The PDF version the page showed: a 更正 made since then is named instead of stacked.
    pdf_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=MAX_ID)
    note = forms.CharField(
        label="更正说明",
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "如：更正第 3 页西湖区稿件作者姓名"}),
        error_messages={"required": "请填写更正说明。", "max_length": "更正说明不能超过 200 字。"},
    )

    def clean_note(self):
        return _plain(self.cleaned_data["note"])


@refuses_markup()
class UnplacedFilterForm(forms.Form):
    """The assembly page's filter of adopted pieces not yet placed."""

    uq = forms.CharField(label="标题", required=False, max_length=50)
    uunit = forms.ModelChoiceField(
        label="单位", queryset=Unit.objects.all(), required=False, empty_label="全部单位"
    )
    ukind = forms.ChoiceField(
        label="采用方式",
        required=False,
        choices=[("", "全部"), ("article", "采用为文章"), ("brief", "采用为摘登")],
    )

    def clean_uq(self):
        return " ".join(self.cleaned_data["uq"].split())


MAX_BACK_ISSUE_BYTES = 2 * 1024 * 1024
