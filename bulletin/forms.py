import datetime as dt

from django import forms
from django.utils import timezone

from accounts.models import Unit
from submissions.richtext import reject_markup
from submissions.textnorm import normalize_block, normalize_line

from bulletin.models import Issue, Quota, Section
from bulletin.numbering import MAX_NUMBER_IN_YEAR, date_near_today
from bulletin.printing.checks import refuse_missing_glyphs

# Dates typed into a form stay within these years: the office's records start well after 1990,
# and a date such as 0001-01-01 or 9999-12-31 is a slip that would overflow date arithmetic
# (a day before, a month after) further on.
DATE_MIN = dt.date(1990, 1, 1)
DATE_MAX = dt.date(2099, 12, 31)


def check_date_range(value: dt.date | None, label: str) -> dt.date | None:
    """`value` unchanged if it lies in DATE_MIN..DATE_MAX; otherwise a ValidationError
    (code "range") naming the field (`label`, e.g. "起始日期") in Chinese. None passes."""
    if value is not None and not DATE_MIN <= value <= DATE_MAX:
        raise forms.ValidationError(
            f"{label}应在 {DATE_MIN.year} 年至 {DATE_MAX.year} 年之间。", code="range"
        )
    return value


# The largest id an integer column holds (PostgreSQL's integer; SQLite's is larger).
MAX_ID = 2**31 - 1


def parse_id(value) -> int | None:
    """A posted or queried id ("12") as an int; None for anything else ("abc", "", "1.5",
    a number beyond any row), so a tampered form finds nothing instead of failing."""
    if isinstance(value, str) and value.isdecimal() and value.isascii():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        return None
    return value


def _plain(value: str) -> str:
    """A text field that prints as typed: normalized (submissions.textnorm.normalize_line),
    and refused if it holds markup (a tag would otherwise print literally)."""
    value = normalize_line(value or "")
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

    # Text fields pass the one door for text (submissions.textnorm) and may hold no markup.
    def clean_editor_name(self):
        return _plain(self.cleaned_data["editor_name"])

    def clean_editor_phone(self):
        return _plain(self.cleaned_data["editor_phone"])

    def clean_distribution(self):
        value = normalize_block(self.cleaned_data["distribution"]).strip()
        reject_markup(value)
        return value

    def clean(self):
        data = super().clean()
        refuse_missing_glyphs(self, ["editor_name", "editor_phone", "distribution"])
        return data

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
        return normalize_line(self.cleaned_data["q"])


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
    # Rankings for all units, for 区、县（市） only, or for the municipal committees (市直工委) only.
    group = forms.ChoiceField(
        label="排名范围",
        required=False,
        choices=[("", "全部单位"), ("district", "区、县（市）"), ("committee", "市直工委")],
    )
    signer = forms.CharField(label="签发人", required=False, max_length=32)

    def clean_signer(self):
        return " ".join(self.cleaned_data["signer"].split())

    def clean_start(self):
        return check_date_range(self.cleaned_data["start"], "起始日期")

    def clean_end(self):
        return check_date_range(self.cleaned_data["end"], "截止日期")

    def report_options(self) -> dict:
        """unit_report's keyword arguments for the chosen group and 签发人."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        options: dict = {"signer": data.get("signer", "")}
        if data.get("group"):
            options["units"] = Unit.objects.filter(active=True, kind=data["group"]).order_by(
                "kind", "position"
            )
        return options

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
        from bulletin.stats import Period

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

    text = forms.CharField(
        label="批示内容", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )

    def clean_leader(self):
        return _plain(self.cleaned_data["leader"])

    def clean_text(self):
        return _plain(self.cleaned_data["text"])

    def clean_date(self):
        return check_date_range(self.cleaned_data["date"], "批示日期")


class QuotaForm(forms.Form):
    """A 报送任务 rule: one unit or one kind of unit, monthly or quarterly."""

    unit_kind = forms.ChoiceField(
        label="单位类别", required=False, choices=[("", "（按单位设置）"), *Unit.Kind.choices]
    )
    unit = forms.ModelChoiceField(
        label="单位", queryset=Unit.objects.filter(active=True), required=False, empty_label="（按类别设置）"
    )
    period = forms.ChoiceField(label="周期", choices=Quota.Period.choices, initial=Quota.Period.MONTH)
    count = forms.IntegerField(
        label="应报篇数",
        min_value=0,
        max_value=99,
        help_text="对单个单位填 0 表示免报（不受其类别任务约束）。",
        error_messages={
            "required": "请填写应报篇数。",
            "invalid": "应报篇数必须是整数。",
            "min_value": "应报篇数不能为负数。",
            "max_value": "应报篇数不能超过 99。",
        },
    )
    starts = forms.DateField(
        label="起始日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="从这一天所在的月份（季度）起计。",
        error_messages={"required": "请填写起始日期。", "invalid": "日期格式不正确。"},
    )
    ends = forms.DateField(
        label="结束日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="留空表示长期有效。",
        error_messages={"invalid": "日期格式不正确。"},
    )
    note = forms.CharField(label="说明", required=False, max_length=200)
    confirm_past = forms.BooleanField(
        label="确认补设以往周期（已结束的周期将计漏报扣分）",
        required=False,
        help_text="起始日期早于本月（本季度）时才需要勾选。",
    )

    def __init__(self, *args, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def clean_starts(self):
        return check_date_range(self.cleaned_data["starts"], "起始日期")

    def clean_ends(self):
        return check_date_range(self.cleaned_data["ends"], "结束日期")

    def clean(self):
        from bulletin.quotas import period_of

        data = super().clean()
        if bool(data.get("unit")) == bool(data.get("unit_kind")):
            raise forms.ValidationError("请选择一个单位，或选择一类单位（二者选一）。", code="target")
        if data.get("count") == 0 and not data.get("unit"):
            raise forms.ValidationError("应报 0 篇（免报）只能对单个单位设置。", code="exempt_kind")
        if data.get("starts") and data.get("ends") and data["ends"] < data["starts"]:
            raise forms.ValidationError("结束日期不能早于起始日期。", code="order")
        starts, period = data.get("starts"), data.get("period")
        if starts and period in Quota.Period.values and not data.get("confirm_past"):
            # A start in an earlier period rewrites the scores of periods already judged:
            # say how many would count as 漏报 and ask for the tick.
            current = period_of(period, self.today).start
            ended = 0
            cursor = period_of(period, starts)
            while cursor.start < current and (data.get("ends") is None or cursor.start <= data["ends"]):
                ended += 1
                cursor = period_of(period, cursor.end + dt.timedelta(days=1))
            if ended:
                name = "本季度" if period == Quota.Period.QUARTER else "本月"
                raise forms.ValidationError(
                    f"起始日期早于{name}：将对已结束的 {ended} 个周期计漏报扣分。"
                    "如确需补设，请勾选“确认补设以往周期”后再提交。",
                    code="past",
                )
        data.pop("confirm_past", None)
        return data


class QuotaMonthForm(forms.Form):
    month = forms.RegexField(
        label="查看月份", regex=r"^(19|20|21)\d\d-(0[1-9]|1[0-2])$", required=False, max_length=7
    )

    def day(self, today):
        if self.is_valid() and self.cleaned_data.get("month"):
            year, month = map(int, self.cleaned_data["month"].split("-"))
            return dt.date(year, month, 1) if (year, month) != (today.year, today.month) else today
        return today


class HigherAdoptionForm(forms.Form):
    level = forms.ChoiceField(label="层级", choices=[("provincial", "省人大"), ("national", "全国人大")])
    publication = forms.CharField(
        label="刊物",
        max_length=64,
        help_text="如：浙江人大信息、人大工作情况",
        error_messages={"required": "请填写采用的刊物名称。"},
    )
    issue = forms.CharField(label="期号", max_length=32, required=False, help_text="如：2024年第12期")
    date = forms.DateField(
        label="采用日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写采用日期。", "invalid": "日期格式不正确。"},
    )

    def clean_date(self):
        return check_date_range(self.cleaned_data["date"], "采用日期")


class HigherAdoptionRemoveForm(forms.Form):
    note = forms.CharField(
        label="删除原因",
        max_length=200,
        error_messages={
            "required": "请写明删除原因。",
            "max_length": "删除原因不能超过 %(limit_value)d 字。",
        },
    )
