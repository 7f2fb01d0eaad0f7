from django.conf import settings
from django.db import models

from accounts.models import Unit
from intake.docx_import import TITLE_MAX_CHARS


class Commission(models.Model):
    """约稿: the editor asks one or more units for a piece on a topic by a date."""

    topic = models.CharField("约稿主题", max_length=80)
    requirements = models.TextField("要求", blank=True)
    deadline = models.DateField("截止日期")
    units = models.ManyToManyField(Unit, verbose_name="约稿单位", related_name="commissions")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    # A cancelled commission asks nothing any more and costs no unit points.
    cancelled_at = models.DateTimeField("撤销时间", null=True, blank=True)
    cancel_note = models.CharField("撤销说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "约稿"
        verbose_name_plural = "约稿"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.topic


class Submission(models.Model):
    """稿件: a piece a unit writes and submits to the bulletin."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PENDING_SIGNOFF = "pending_signoff", "待审签"
        SUBMITTED = "submitted", "已报送"
        RETURNED = "returned", "退回修改"
        ADOPTED = "adopted", "已采用"
        DECLINED = "declined", "不采用"
        WITHDRAWN = "withdrawn", "已撤回"
        PUBLISHED = "published", "已刊发"
        # A never-submitted draft its unit deleted: kept only for its audit row, shown nowhere.
        DELETED = "deleted", "已删除"

    class AdoptedAs(models.TextChoices):
        ARTICLE = "article", "文章"
        BRIEF = "brief", "信息摘登"

    unit = models.ForeignKey(
        Unit, verbose_name="报送单位", on_delete=models.PROTECT, related_name="submissions"
    )
    title = models.CharField("标题", max_length=TITLE_MAX_CHARS)
    subtitle = models.CharField("标题第二行", max_length=TITLE_MAX_CHARS, blank=True)
    # Sanitized HTML limited to <p> and <strong>; never raw user HTML.
    body = models.TextField("正文", blank=True)
    byline_org = models.CharField("署名单位", max_length=64, blank=True)
    byline_authors = models.CharField("作者", max_length=64, blank=True)
    contact_name = models.CharField("联系人", max_length=32, blank=True)
    contact_phone = models.CharField("联系电话", max_length=32, blank=True)
    suggested_section = models.ForeignKey(
        "bulletin.Section", verbose_name="建议栏目", on_delete=models.SET_NULL, null=True, blank=True
    )
    commission = models.ForeignKey(
        Commission,
        verbose_name="所答约稿",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submissions",
    )
    source_docx = models.FileField("来源 Word 文件", upload_to="docx/%Y/%m/", blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    adopted_as = models.CharField("采用方式", max_length=16, choices=AdoptedAs.choices, blank=True)
    # 信息摘登: one paragraph beginning with the unit's name, and its own byline.
    brief_text = models.TextField("摘登文字", blank=True)
    brief_byline = models.CharField("摘登署名", max_length=100, blank=True)
    revision_due = models.DateField("修改期限", null=True, blank=True)
    # Incremented by every save of the text; a save based on an older version is refused.
    version = models.PositiveIntegerField("版本", default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    # The first time the piece reached the editor (报送 or 签发): what statistics and quotas count.
    first_submitted_at = models.DateTimeField("首次报送时间", null=True, blank=True)
    # 签发人: the unit leader who approved the piece going out. Recorded by 签发 when the unit has
    # a 审核人 (with who and when), otherwise typed by the contributor on 报送.
    signer_name = models.CharField("签发人", max_length=32, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签发审核人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_off_at = models.DateTimeField("签发时间", null=True, blank=True)
    # The title and body as they print, without markup: what search reads. Kept by the
    # actions (bulletin/printed_text.py); for a published piece, from its issue's frozen snapshot.
    printed_text = models.TextField("印刷文字", blank=True, editable=False)

    class Meta:
        verbose_name = "稿件"
        verbose_name_plural = "稿件"
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["status", "-updated_at"]),
            # The unit's list, paged by keyset on (updated_at, id). The review queue's
            # (submitted_at DESC NULLS LAST, id DESC) index differs by database and is made
            # by migration 0006.
            models.Index(fields=["unit", "-updated_at", "-id"], name="submission_unit_list"),
        ]

    def __str__(self) -> str:
        return self.title


class Revision(models.Model):
    """A kept text of a piece: every submission, every editor edit, every refused conflicting save."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "报送稿"
        EDITED = "edited", "编辑修改"
        CONFLICT = "conflict", "冲突未保存稿"

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="revisions")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    title = models.CharField("标题", max_length=TITLE_MAX_CHARS)
    subtitle = models.CharField("标题第二行", max_length=TITLE_MAX_CHARS, blank=True)
    body = models.TextField("正文", blank=True)
    byline_org = models.CharField("署名单位", max_length=64, blank=True)
    byline_authors = models.CharField("作者", max_length=64, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="修改人", on_delete=models.PROTECT, related_name="+"
    )
    # A conflict revision: the version of the piece the refused form was opened on. A retry
    # from the same stale form replaces that revision instead of piling up copies.
    based_on_version = models.PositiveIntegerField("所据版本", null=True, blank=True)
    # What a change made in one step was, when it was one (校对改正：布署→部署（2 处）).
    note = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "稿件版本"
        verbose_name_plural = "稿件版本"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.submission} · {self.get_kind_display()}"


class Event(models.Model):
    """Audit row for every status change: who, when, from, to, note."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField("操作", max_length=32)
    from_status = models.CharField("原状态", max_length=16, choices=Submission.Status.choices, blank=True)
    to_status = models.CharField("新状态", max_length=16, choices=Submission.Status.choices)
    note = models.TextField("说明", blank=True)
    # Set on an adoption or a 不采用 that a later 撤销采用 / 重新审核 undid: the row stays
    # (the audit is never rewritten) but the statistics no longer count the decision.
    undone = models.BooleanField("已撤销", default=False)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "操作记录"
        verbose_name_plural = "操作记录"
        ordering = ["created_at", "id"]
        # The statistics count decisions by kind and date.
        indexes = [models.Index(fields=["action", "created_at"])]

    def __str__(self) -> str:
        return f"{self.submission} · {self.get_to_status_display()}"


class Comment(models.Model):
    """The thread between the editor and the unit on a piece."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="留言人", on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField("留言")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "留言"
        verbose_name_plural = "留言"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:30]


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    text = models.CharField("内容", max_length=200)
    link = models.CharField("链接", max_length=200, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            # The list, paged by keyset on (created_at, id).
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_list"),
        ]

    def __str__(self) -> str:
        return self.text


class Reminder(models.Model):
    """One reminder sent by `send_reminders` or a 催报: at most one per cause, recipient and day.

    The recipient is an account (`recipient`) or, for a unit without an active 报送员 account,
    one of its contacts (`contact`, messaging.models.UnitContact) — exactly one of the two.
    `cause` names what the reminder is about, e.g. "commission:12:due" or "quota:3:2026-11-01";
    the unique constraints make a second run on the same day send nothing twice, even when two
    runs overlap (NULLs are distinct, so each constraint binds only rows of its own kind).
    """

    cause = models.CharField("事由", max_length=100)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    contact = models.ForeignKey(
        "messaging.UnitContact",
        verbose_name="单位联系人",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    date = models.DateField("日期")
    created_at = models.DateTimeField("发送时间", auto_now_add=True)

    class Meta:
        verbose_name = "提醒记录"
        verbose_name_plural = "提醒记录"
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cause", "recipient", "date"], name="reminder_once_per_cause_and_day"
            ),
            models.UniqueConstraint(
                fields=["cause", "contact", "date"], name="reminder_contact_once_per_cause_and_day"
            ),
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False, contact__isnull=True)
                | models.Q(recipient__isnull=True, contact__isnull=False),
                name="reminder_account_or_contact",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.cause}"


class ImportJob(models.Model):
    """从 Word 导入 as background work: the upload is stored as it came and read by the task
    worker (LibreOffice for .doc/.wps/.rtf/.odt), never inside the web request.

    `upload_path` is the file as uploaded, `source_path` the document as read (a .docx
    without macros), both in docx/pending/ until the draft is saved or cleanup_uploads
    removes them; `result` is what the draft form shows (fields to review and the report).
    Only its owner sees a job.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "读取中"
        DONE = "done", "已读取"
        FAILED = "failed", "读取失败"

    UNFINISHED = (Status.QUEUED, Status.RUNNING)

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="+")
    original_name = models.CharField("原文件名", max_length=255)
    size = models.PositiveIntegerField("大小（字节）")
    upload_path = models.CharField("上传文件", max_length=255, blank=True)
    source_path = models.CharField("来源 Word 文件", max_length=255, blank=True)
    tables_as_rows = models.BooleanField("表格按行转为段落", default=False)
    # The struck-through passages the contributor chose to keep; null on the first reading.
    keep_struck = models.JSONField("保留的删除线文字", null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField("失败原因", blank=True)
    result = models.JSONField("读取结果", default=dict, blank=True)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "status"]), models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.original_name} · {self.get_status_display()}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class UploadRecord(models.Model):
    """One file a person stored (a Word import, a back issue): what the daily quota counts."""

    class Kind(models.TextChoices):
        PIECE_IMPORT = "piece_import", "从 Word 导入"
        BACK_ISSUE = "back_issue", "往期导入"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField("用途", max_length=16, choices=Kind.choices)
    size = models.PositiveIntegerField("大小（字节）")
    created_at = models.DateTimeField("上传时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "上传记录"
        verbose_name_plural = "上传记录"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.size} B"
