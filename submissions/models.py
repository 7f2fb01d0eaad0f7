from django.conf import settings
from django.db import models

from accounts.models import Unit


class Submission(models.Model):
    """稿件: a piece a unit writes and submits to the bulletin."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已报送"
        RETURNED = "returned", "退回修改"
        ADOPTED = "adopted", "已采用"
        DECLINED = "declined", "不采用"
        WITHDRAWN = "withdrawn", "已撤回"
        PUBLISHED = "published", "已刊发"

    unit = models.ForeignKey(
        Unit, verbose_name="报送单位", on_delete=models.PROTECT, related_name="submissions"
    )
    title = models.CharField("标题", max_length=80)
    subtitle = models.CharField("标题第二行", max_length=80, blank=True)
    # Sanitized HTML limited to <p> and <strong>; never raw user HTML.
    body = models.TextField("正文", blank=True)
    byline_org = models.CharField("署名单位", max_length=64, blank=True)
    byline_authors = models.CharField("作者", max_length=64, blank=True)
    contact_name = models.CharField("联系人", max_length=32, blank=True)
    contact_phone = models.CharField("联系电话", max_length=32, blank=True)
    suggested_section = models.ForeignKey(
        "bulletin.Section", verbose_name="建议栏目", on_delete=models.SET_NULL, null=True, blank=True
    )
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)

    class Meta:
        verbose_name = "稿件"
        verbose_name_plural = "稿件"
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["unit", "status"]), models.Index(fields=["status", "-updated_at"])]

    def __str__(self) -> str:
        return self.title
