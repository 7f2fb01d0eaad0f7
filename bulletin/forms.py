import datetime

from django import forms

from accounts.models import Unit
from submissions.richtext import reject_markup

from .models import Issue, Section
from .numbering import MAX_NUMBER_IN_YEAR, date_near_today


def _plain(value: str) -> str:
    """A text field that prints as typed: trimmed, and refused if it holds markup (a tag
    would otherwise print literally)."""
    value = (value or "").strip()
    reject_markup(value)
    return value


class IssueForm(forms.ModelForm):
    class Meta:
        model = Issue
        fields = ["date", "number", "total_number", "edition", "editor_name", "editor_phone", "distribution"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "distribution": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "number": "当年第几期，每年从 1 起编。系统已按现有各期推荐。",
            "total_number": "总第几期，跨年连续编号。",
            "distribution": "“送：”之后的内容，每行一段。",
        }
        error_messages = {
            "number": {"required": "请填写期号。", "invalid": "期号必须是正整数。"},
            "total_number": {"required": "请填写总期号。", "invalid": "总期号必须是正整数。"},
            "date": {
                "required": "请填写出刊日期。",
                "invalid": "日期格式不正确，请按 2024-10-25 的格式填写。",
            },
            "editor_name": {"required": "请填写本期责任编辑。"},
            "editor_phone": {"required": "请填写电话。"},
            "distribution": {"required": "请填写发送范围。"},
        }

    def clean_number(self):
        number = self.cleaned_data["number"]
        if number < 1:
            raise forms.ValidationError("期号必须从 1 起。", code="min_value")
        if number > MAX_NUMBER_IN_YEAR:
            raise forms.ValidationError(f"期号不能超过 {MAX_NUMBER_IN_YEAR}。", code="max_value")
        return number

    def clean_date(self):
        date = self.cleaned_data["date"]
        problem = date_near_today(date)
        if problem:
            raise forms.ValidationError(problem, code="date_span")
        return date

    def clean_editor_name(self):
        return _plain(self.cleaned_data["editor_name"])

    def clean_editor_phone(self):
        return _plain(self.cleaned_data["editor_phone"])

    def clean_distribution(self):
        return _plain(self.cleaned_data["distribution"])

    def clean_total_number(self):
        total = self.cleaned_data["total_number"]
        if total < 1:
            raise forms.ValidationError("总期号必须从 1 起。", code="min_value")
        return total

    def validate_unique(self):
        # Number conflicts are the action's to judge (it also sees concurrent creators).
        pass


class CorrectionForm(forms.Form):
    note = forms.CharField(
        label="更正说明",
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "如：更正第 3 页西湖区稿件作者姓名"}),
        error_messages={"required": "请填写更正说明。", "max_length": "更正说明不能超过 200 字。"},
    )

    def clean_note(self):
        return _plain(self.cleaned_data["note"])


class ArchiveSearchForm(forms.Form):
    q = forms.CharField(label="关键词", required=False, max_length=50)
    unit = forms.ModelChoiceField(
        label="报送单位", queryset=Unit.objects.all(), required=False, empty_label="全部单位"
    )
    year = forms.IntegerField(label="年份", required=False, min_value=1990, max_value=2100)
    section = forms.ModelChoiceField(
        label="栏目", queryset=Section.objects.all(), required=False, empty_label="全部栏目"
    )

    def clean_q(self):
        return " ".join(self.cleaned_data["q"].split())


# Dates people type are checked against a sane span before any query or date arithmetic
# sees them (0001-01-01 or 9999-12-31 would overflow time-zone conversions).
EARLIEST_DATE = datetime.date(1990, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
MAX_ID = 2**63 - 1


def check_date_span(value, label: str):
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        raise forms.ValidationError(
            f"{label}应在 {EARLIEST_DATE:%Y-%m-%d} 至 {LATEST_DATE:%Y-%m-%d} 之间。", code="date_span"
        )
    return value


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows by id that refuses ids outside the 64-bit key range
    before querying (an `id__in` lookup with 2**63 overflows the database driver)."""

    def _check_values(self, value):
        for item in value:
            try:
                number = int(str(item))
            except ValueError:
                continue  # Django reports it as an invalid choice
            if not 1 <= number <= MAX_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                )
        return super()._check_values(value)


class UnitChoiceForm(forms.Form):
    """?unit= on the statistics page (the unit whose monthly trend is drawn)."""

    unit = forms.ModelChoiceField(queryset=Unit.objects.all(), required=False)


class PlaceForm(forms.Form):
    """编入: an adopted piece into a section of a draft issue."""

    submission = forms.ModelChoiceField(
        queryset=None,
        error_messages={"required": "请选择要编入的稿件。", "invalid_choice": "所选稿件不存在。"},
    )
    section = forms.ModelChoiceField(
        queryset=Section.objects.all(),
        error_messages={"required": "请选择栏目。", "invalid_choice": "所选栏目不存在。"},
    )

    def __init__(self, *args, **kwargs):
        from submissions.models import Submission

        super().__init__(*args, **kwargs)
        self.fields["submission"].queryset = Submission.objects.all()


class SectionChoiceForm(forms.Form):
    section = forms.ModelChoiceField(
        queryset=Section.objects.all(),
        error_messages={"required": "请选择目标栏目。", "invalid_choice": "所选栏目不存在。"},
    )


class LayoutError(ValueError):
    """A layout payload that is not {"layout": {section id: [placement ids]}, "version": n}."""


def parse_layout(payload) -> tuple[dict[int, list[int]], int]:
    """The assembly page's JSON, as ({section id: [placement ids]}, version); ids are
    positive integers that fit the database's 64-bit keys. LayoutError otherwise."""

    def as_id(value) -> int:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise LayoutError(value)
        number = int(value)
        if not 1 <= number <= MAX_ID:
            raise LayoutError(value)
        return number

    try:
        raw = payload["layout"]
        if not isinstance(raw, dict) or not all(isinstance(items, list) for items in raw.values()):
            raise LayoutError(raw)
        layout = {as_id(section): [as_id(item) for item in items] for section, items in raw.items()}
        version = payload["version"]
        if isinstance(version, bool) or not isinstance(version, int) or not 0 <= version <= MAX_ID:
            raise LayoutError(version)
    except (KeyError, TypeError, ValueError) as error:
        raise LayoutError(str(error)) from error
    return layout, version


MAX_BACK_ISSUE_BYTES = 2 * 1024 * 1024


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


class StatsPeriodForm(forms.Form):
    KINDS = [("year", "全年"), ("quarter", "季度"), ("month", "月份"), ("range", "起止日期")]

    kind = forms.ChoiceField(label="统计区间", choices=KINDS, initial="year")
    year = forms.IntegerField(label="年份", min_value=1990, max_value=2100, required=False)
    quarter = forms.TypedChoiceField(
        label="季度",
        coerce=int,
        required=False,
        choices=[(1, "第一季度"), (2, "第二季度"), (3, "第三季度"), (4, "第四季度")],
    )
    month = forms.TypedChoiceField(
        label="月份", coerce=int, required=False, choices=[(m, f"{m}月") for m in range(1, 13)]
    )
    start = forms.DateField(label="起", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="止", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean_start(self):
        return check_date_span(self.cleaned_data["start"], "起始日期")

    def clean_end(self):
        return check_date_span(self.cleaned_data["end"], "截止日期")

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind in ("year", "quarter", "month") and not data.get("year"):
            raise forms.ValidationError("请填写年份。", code="year")
        if kind == "quarter" and not data.get("quarter"):
            raise forms.ValidationError("请选择季度。", code="quarter")
        if kind == "month" and not data.get("month"):
            raise forms.ValidationError("请选择月份。", code="month")
        if kind == "range":
            if not data.get("start") or not data.get("end"):
                raise forms.ValidationError("请填写起止日期。", code="range")
            if data["start"] > data["end"]:
                raise forms.ValidationError("起始日期不能晚于截止日期。", code="range_order")
            if (data["end"] - data["start"]).days > 366 * 10:
                raise forms.ValidationError("统计区间不能超过十年。", code="range_length")
        return data

    def period(self):
        from .stats import Period

        data = self.cleaned_data
        return {
            "year": lambda: Period.year(data["year"]),
            "quarter": lambda: Period.quarter(data["year"], data["quarter"]),
            "month": lambda: Period.month(data["year"], data["month"]),
            "range": lambda: Period.between(data["start"], data["end"]),
        }[data["kind"]]()


class InstructionForm(forms.Form):
    leader = forms.CharField(label="批示领导", max_length=64, error_messages={"required": "请填写批示领导。"})
    level = forms.ChoiceField(
        label="层级",
        choices=[("national", "全国人大"), ("provincial", "省级"), ("municipal", "市级")],
        initial="municipal",
    )
    date = forms.DateField(
        label="批示日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写批示日期。", "invalid": "日期格式不正确。"},
    )

    def clean_date(self):
        return check_date_span(self.cleaned_data["date"], "批示日期")

    text = forms.CharField(
        label="批示内容", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )

    def clean_leader(self):
        return _plain(self.cleaned_data["leader"])

    def clean_text(self):
        return _plain(self.cleaned_data["text"])
