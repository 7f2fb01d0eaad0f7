from django.conf import settings
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
    total_number_base = models.PositiveIntegerField(
        "系统外已出总期数",
        default=0,
        help_text="本系统启用前已出版的最后一期的总期号；新一期的总期号从其后续排。",
    )
    first_year = models.PositiveSmallIntegerField(
        "创刊年份",
        default=1990,
        help_text="出刊年份不得早于此年（防止期号、日期误填），往期导入同样适用。",
    )

    class Meta:
        verbose_name = "刊物"
        verbose_name_plural = "刊物"

    def __str__(self) -> str:
        return self.name


class DistributionList(models.Model):
    """发送范围模板: a named distribution text (送：…) an editor can apply to an issue,
    e.g. a wider list for a 专刊. New issues start from the publication's default."""

    publication = models.ForeignKey(
        Publication, verbose_name="刊物", on_delete=models.CASCADE, related_name="distribution_lists"
    )
    name = models.CharField("名称", max_length=32, help_text="如：专刊（加送市领导）")
    text = models.TextField("发送范围", help_text="“送：”之后的内容，每行一段。")
    position = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "发送范围模板"
        verbose_name_plural = "发送范围模板"
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "name"], name="distribution_list_name_unique"),
        ]

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

    class Origin(models.TextChoices):
        ASSEMBLED = "assembled", "系统组刊"
        IMPORTED = "imported", "往期导入"

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
    origin = models.CharField("来源", max_length=16, choices=Origin.choices, default=Origin.ASSEMBLED)
    source_name = models.CharField("导入文件", max_length=200, blank=True)
    published_at = models.DateTimeField("刊发时间", null=True, blank=True)
    # Why the numbers do not follow the issue before (bulletin.numbering.sequence_problems);
    # empty when they do. Creating, editing and 刊发 refuse a slip without one.
    numbering_reason = models.CharField(
        "编号说明",
        max_length=200,
        blank=True,
        help_text="期号或总期号与上一期不连续时的理由，如停刊、合刊、增刊占号。",
    )
    # Bumped by every change to the placements, so a stale assembly page is told so.
    layout_version = models.PositiveIntegerField("编排版本", default=0, editable=False)
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


class Placement(models.Model):
    """A piece placed in an issue's section at a position. A piece is in at most one issue."""

    issue = models.ForeignKey(Issue, verbose_name="期", on_delete=models.CASCADE, related_name="placements")
    section = models.ForeignKey(Section, verbose_name="栏目", on_delete=models.PROTECT, related_name="+")
    submission = models.OneToOneField(
        "submissions.Submission", verbose_name="稿件", on_delete=models.PROTECT, related_name="placement"
    )
    position = models.PositiveIntegerField("顺序")

    class Meta:
        verbose_name = "编排"
        verbose_name_plural = "编排"
        ordering = ["section__position", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "section", "position"], name="placement_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.issue} · {self.section} · {self.position}"


def issue_pdf_path(instance: "IssuePdf", filename: str) -> str:
    issue = instance.issue
    return f"issues/{issue.publication_id}/{issue.year}/{issue.number:03d}-v{instance.version}.pdf"


class IssuePdf(models.Model):
    """A stored PDF of a published issue. A correction (更正) adds a version; none is deleted."""

    issue = models.ForeignKey(Issue, verbose_name="期", on_delete=models.PROTECT, related_name="pdfs")
    version = models.PositiveSmallIntegerField("版本")
    file = models.FileField("PDF 文件", upload_to=issue_pdf_path)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveIntegerField("字节数")
    note = models.CharField("更正说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="生成人", on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = "期刊 PDF"
        verbose_name_plural = "期刊 PDF"
        ordering = ["issue", "-version"]
        constraints = [models.UniqueConstraint(fields=["issue", "version"], name="issue_pdf_version_unique")]

    def __str__(self) -> str:
        return f"{self.issue} v{self.version}"


def draft_render_path(instance: "DraftRender", filename: str) -> str:
    return f"drafts/{instance.issue_id}/{instance.content_key[:24]}.pdf"


class DraftRender(models.Model):
    """A PDF of a draft issue rendered in the background, for the content it was made from.

    `content_key` is the SHA-256 of the print document (bulletin.renders.content_key): it
    changes with the layout version, any placed piece's text and the issue's own fields,
    so a stored PDF is served only for exactly the content it shows.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RENDERING = "rendering", "排版中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    issue = models.ForeignKey(
        Issue, verbose_name="期", on_delete=models.CASCADE, related_name="draft_renders"
    )
    content_key = models.CharField("内容键", max_length=64)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField("PDF 文件", upload_to=draft_render_path, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    size = models.PositiveIntegerField("字节数", default=0)
    error = models.TextField("失败原因", blank=True)
    requested_at = models.DateTimeField("请求时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    render_ms = models.PositiveIntegerField("排版耗时（毫秒）", null=True, blank=True)
    # What the verifier read on the finished PDF (printing.verify.Finding.to_dict() each);
    # None: not checked (a render made before the verifier, or the check failed).
    findings = models.JSONField("印刷版检查", null=True, blank=True)
    verify_ms = models.PositiveIntegerField("检查耗时（毫秒）", null=True, blank=True)

    class Meta:
        verbose_name = "草稿排版"
        verbose_name_plural = "草稿排版"
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "content_key"], name="draft_render_once_per_content"),
        ]

    def __str__(self) -> str:
        return f"{self.issue} · {self.content_key[:12]} · {self.get_status_display()}"


class PublishJob(models.Model):
    """A 刊发 (or 更正) asked for: the worker renders (or reuses the preview), then publishes.

    The issue stays 编辑中 until its PDF is stored; a failure leaves it there with `error`.
    A correction adds a PDF version only once it is rendered; a failure adds nothing.
    """

    class Kind(models.TextChoices):
        PUBLISH = "publish", "刊发"
        CORRECT = "correct", "更正"

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RENDERING = "rendering", "排版中"
        DONE = "done", "已刊发"
        FAILED = "failed", "刊发失败"

    issue = models.ForeignKey(Issue, verbose_name="期", on_delete=models.CASCADE, related_name="publish_jobs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="刊发人", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类型", max_length=16, choices=Kind.choices, default=Kind.PUBLISH)
    note = models.CharField("更正说明", max_length=200, blank=True)
    expected_version = models.PositiveIntegerField("编排版本")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.QUEUED)
    reused_preview = models.BooleanField("沿用预览 PDF", default=False)
    error = models.TextField("失败原因", blank=True)
    # Times the job was taken up again after its worker or the database went away before
    # it finished (bulletin.actions.publish_jobs.settle_abandoned_publish_jobs).
    resumed = models.PositiveSmallIntegerField("自动续办次数", default=0)
    requested_at = models.DateTimeField("请求时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "刊发任务"
        verbose_name_plural = "刊发任务"
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.issue} · {self.get_status_display()}"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}
