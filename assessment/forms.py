"""Forms of the 信息工作考核 pages: the period, 报送任务 rules, 批示 and 上级采用."""

import datetime as dt

from django import forms
from django.utils import timezone

from accounts.models import Unit
from assessment.models import Quota
from assessment.periods import Period
from assessment.quotas import period_of
from bulletin.forms import _plain
from text.forms import refuses_markup
from web.forms import check_date_range


@refuses_markup()
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
        data = self.cleaned_data
        return {
            "year": lambda: Period.year(data["year"]),
            "quarter": lambda: Period.quarter(data["year"], data["quarter"]),
            "month": lambda: Period.month(data["year"], data["month"]),
            "range": lambda: Period.between(data["start"], data["end"]),
        }[data["kind"]]()


@refuses_markup()
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


@refuses_markup()
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


@refuses_markup()
class QuotaMonthForm(forms.Form):
    month = forms.RegexField(
        label="查看月份", regex=r"^(19|20|21)\d\d-(0[1-9]|1[0-2])$", required=False, max_length=7
    )

    def day(self, today):
        if self.is_valid() and self.cleaned_data.get("month"):
            year, month = map(int, self.cleaned_data["month"].split("-"))
            return dt.date(year, month, 1) if (year, month) != (today.year, today.month) else today
        return today


@refuses_markup()
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


@refuses_markup()
class HigherAdoptionRemoveForm(forms.Form):
    note = forms.CharField(
        label="删除原因",
        max_length=200,
        error_messages={
            "required": "请写明删除原因。",
            "max_length": "删除原因不能超过 %(limit_value)d 字。",
        },
    )
