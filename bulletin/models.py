from django.db import models


class Publication(models.Model):
    """刊物: 杭州人大信息 (the office may run more than one)."""

    name = models.CharField("刊名", max_length=32, unique=True)
    compiler = models.CharField("编印单位", max_length=64, help_text="如：杭州市人大常委会研究室编")
    default_distribution = models.TextField(
        "默认发送范围", help_text="“送：”之后的内容，每行一段，打印时与“送：”后对齐。"
    )
    default_editor_name = models.CharField("默认责任编辑", max_length=32)
    default_editor_phone = models.CharField("默认电话", max_length=32)
    extra_line = models.CharField(
        "附加行", max_length=128, blank=True, help_text="印在电话之后，如：信息报送网址"
    )

    class Meta:
        verbose_name = "刊物"
        verbose_name_plural = "刊物"

    def __str__(self) -> str:
        return self.name


class Section(models.Model):
    """栏目. 信息摘登 is of kind "briefs": one-paragraph items without titles."""

    class Kind(models.TextChoices):
        ARTICLES = "articles", "文章"
        BRIEFS = "briefs", "信息摘登"

    name = models.CharField("栏目名称", max_length=16, unique=True)
    position = models.PositiveSmallIntegerField("默认顺序", unique=True)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices, default=Kind.ARTICLES)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "栏目"
        verbose_name_plural = "栏目"
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class Issue(models.Model):
    """期: 第 N 期 restarts each year, 总第 M 期 runs on across years."""

    class Edition(models.TextChoices):
        REGULAR = "regular", "普刊"
        SPECIAL = "special", "专刊"
        SUPPLEMENT = "supplement", "增刊"

    class Status(models.TextChoices):
        DRAFT = "draft", "编辑中"
        PUBLISHED = "published", "已刊发"

    publication = models.ForeignKey(
        Publication, verbose_name="刊物", on_delete=models.PROTECT, related_name="issues"
    )
    year = models.PositiveSmallIntegerField("年份")
    number = models.PositiveSmallIntegerField("期号", help_text="当年第几期")
    total_number = models.PositiveIntegerField("总期号", help_text="总第几期")
    edition = models.CharField("刊别", max_length=16, choices=Edition.choices, default=Edition.REGULAR)
    date = models.DateField("出刊日期")
    editor_name = models.CharField("本期责任编辑", max_length=32)
    editor_phone = models.CharField("电话", max_length=32)
    distribution = models.TextField("发送范围")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField("刊发时间", null=True, blank=True)
    # The frozen content of a published issue; later edits to its pieces do not change it.
    snapshot = models.JSONField("定稿内容", null=True, blank=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "期"
        verbose_name_plural = "期"
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "year", "number"], name="issue_number_unique_per_year"
            ),
            models.UniqueConstraint(fields=["publication", "total_number"], name="issue_total_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.publication.name} {self.year}年第{self.number}期(总第{self.total_number}期)"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED
