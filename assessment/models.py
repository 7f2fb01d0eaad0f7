"""信息工作考核: points schemes, 批示, 上级采用 and 报送任务. The tables keep the names they had
in the bulletin app (Meta.db_table).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from accounts.models import Unit


def points_text(value) -> str:
    """Points as people write them: 3 not 3.0, 2.5 as 2.5, -1 as -1 (Decimal, int or float)."""
    text = f"{float(value):.1f}"
    return text[:-2] if text.endswith(".0") else text


class PointsScheme(models.Model):
    """信息工作考核计分办法, in force from a date until the next scheme's date."""

    effective_from = models.DateField("起用日期", unique=True)
    article = models.DecimalField("采用为文章", max_digits=5, decimal_places=1, default=3)
    brief = models.DecimalField("采用为信息摘登", max_digits=5, decimal_places=1, default=1)
    lead_bonus = models.DecimalField("要闻速递加分", max_digits=5, decimal_places=1, default=2)
    instruction_bonus = models.DecimalField("领导批示加分", max_digits=5, decimal_places=1, default=5)
    late_commission = models.DecimalField("约稿逾期扣分", max_digits=5, decimal_places=1, default=1)
    missed_commission = models.DecimalField("约稿未报扣分", max_digits=5, decimal_places=1, default=2)
    provincial_adoption = models.DecimalField("省人大刊物采用加分", max_digits=5, decimal_places=1, default=5)
    national_adoption = models.DecimalField(
        "全国人大刊物采用加分", max_digits=5, decimal_places=1, default=10
    )
    missed_quota = models.DecimalField(
        "漏报扣分（每篇）",
        max_digits=5,
        decimal_places=1,
        default=1,
        help_text="报送任务期满未完成的，每差一篇扣的分；按任务期最后一天所适用的计分办法计。",
    )
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        # The table keeps the name it had when these rules lived in the bulletin app.
        db_table = "bulletin_pointsscheme"
        verbose_name = "计分办法"
        verbose_name_plural = "计分办法"
        ordering = ["effective_from"]

    def __str__(self) -> str:
        return (
            f"{self.effective_from:%Y年%m月%d日}起：文章{points_text(self.article)}分，"
            f"摘登{points_text(self.brief)}分"
        )


class Instruction(models.Model):
    """批示: a leader's written instruction on a published piece, which earns its unit points."""

    class Level(models.TextChoices):
        NATIONAL = "national", "全国人大"
        PROVINCIAL = "provincial", "省级"
        MUNICIPAL = "municipal", "市级"

    submission = models.ForeignKey(
        "submissions.Submission", verbose_name="稿件", on_delete=models.CASCADE, related_name="instructions"
    )
    leader = models.CharField("批示领导", max_length=64)
    level = models.CharField("层级", max_length=16, choices=Level.choices, default=Level.MUNICIPAL)
    date = models.DateField("批示日期")
    text = models.TextField("批示内容", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        # The table keeps the name it had when these rules lived in the bulletin app.
        db_table = "bulletin_instruction"
        verbose_name = "批示"
        verbose_name_plural = "批示"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.leader}批示《{self.submission}》"


class HigherAdoption(models.Model):
    """上级采用: a piece forwarded to and adopted by a provincial or national bulletin."""

    class Level(models.TextChoices):
        PROVINCIAL = "provincial", "省人大"
        NATIONAL = "national", "全国人大"

    submission = models.ForeignKey(
        "submissions.Submission",
        verbose_name="稿件",
        on_delete=models.CASCADE,
        related_name="higher_adoptions",
    )
    level = models.CharField("层级", max_length=16, choices=Level.choices)
    publication = models.CharField("刊物", max_length=64, help_text="如：浙江人大信息、人大工作情况")
    date = models.DateField("采用日期")
    issue = models.CharField("期号", max_length=32, blank=True, help_text="如：2024年第12期")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        # The table keeps the name it had when these rules lived in the bulletin app.
        db_table = "bulletin_higheradoption"
        verbose_name = "上级采用"
        verbose_name_plural = "上级采用"
        ordering = ["-date", "-id"]
        constraints = [
            # The same piece taken up twice by one publication's one issue is one record.
            models.UniqueConstraint(
                fields=["submission", "publication", "issue"], name="higher_adoption_once_per_issue"
            ),
        ]

    def __str__(self) -> str:
        return f"《{self.submission}》被{self.publication}{self.issue}采用"


class Quota(models.Model):
    """报送任务: how many pieces a unit, or every unit of a kind, must submit each month or quarter.

    A rule holds from `starts` (the first day of a month) until `ends` (inclusive; open when
    empty). For a unit the rule of its own outranks the rule for its kind. A piece counts in
    the period in which it first reached the editor (报送, or 签发 where the unit has a 审核人).
    """

    class Period(models.TextChoices):
        MONTH = "month", "每月"
        QUARTER = "quarter", "每季度"

    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name="单位",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="quotas",
        help_text="只对一个单位的任务填这里；对一类单位的任务留空并选择类别。",
    )
    unit_kind = models.CharField("单位类别", max_length=16, choices=Unit.Kind.choices, blank=True)
    period = models.CharField("周期", max_length=16, choices=Period.choices, default=Period.MONTH)
    count = models.PositiveSmallIntegerField("应报篇数")
    starts = models.DateField("起始日期", help_text="从这一天所在的月份（或季度）起计。")
    ends = models.DateField("结束日期", null=True, blank=True, help_text="留空表示长期有效。")
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="设置人", on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField("设置时间", auto_now_add=True)

    class Meta:
        # The table keeps the name it had when these rules lived in the bulletin app.
        db_table = "bulletin_quota"
        verbose_name = "报送任务"
        verbose_name_plural = "报送任务"
        ordering = ["-starts", "id"]
        constraints = [
            models.CheckConstraint(
                name="quota_for_a_unit_or_a_kind",
                condition=(Q(unit__isnull=False) & Q(unit_kind=""))
                | (Q(unit__isnull=True) & ~Q(unit_kind="")),
                violation_error_message="报送任务要么针对一个单位，要么针对一类单位。",
            ),
            models.CheckConstraint(
                name="quota_ends_after_start",
                condition=Q(ends__isnull=True) | Q(ends__gte=F("starts")),
                violation_error_message="结束日期不能早于起始日期。",
            ),
        ]

    def __str__(self) -> str:
        target = self.unit.short_name if self.unit_id else self.get_unit_kind_display()
        return f"{target}{self.get_period_display()}{self.count}篇"
