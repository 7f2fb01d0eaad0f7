"""Messages to people by channel, and the record of every delivery.

A message has a kind (what it is about: 稿件往来, 催报 …); each person chooses, per kind, the
channels it reaches them by (站内通知 always; 电子邮件, 浙政钉工作通知, 短信, Webhook as the
office has configured them); the office's defaults stand where a person has not chosen.
A unit without an account is reached through its contacts (UnitContact). Every message to
every recipient on every channel is one Delivery row, from queued to delivered or failed,
with the provider's answer.
"""

from django.conf import settings
from django.db import models

from messaging.mobile import validate_mobile


class Channel(models.TextChoices):
    INAPP = "inapp", "站内通知"
    EMAIL = "email", "电子邮件"
    ZZD = "zzd", "浙政钉"
    SMS = "sms", "短信"
    WEBHOOK = "webhook", "系统对接（Webhook）"


class MessageKind(models.TextChoices):
    WORKFLOW = "workflow", "稿件往来（报送、退回、采用、签发）"
    COMMENT = "comment", "留言"
    REMINDER = "reminder", "催报与到期提醒"
    COMMISSION = "commission", "约稿"
    DISTRIBUTION = "distribution", "刊发分送"
    SECURITY = "security", "安全告警"
    DIGEST = "digest", "每日汇总"


class ContactDetails(models.Model):
    """How one person can be reached beyond the app and the account's e-mail address."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="contact_details",
    )
    mobile = models.CharField("手机号码", max_length=20, blank=True, help_text="用于短信通知，11 位手机号")
    zzd_account_id = models.CharField(
        "浙政钉账号 ID",
        max_length=64,
        blank=True,
        help_text="浙政钉（专有钉钉）通讯录中的 accountId，用于工作通知",
    )
    daily_digest = models.BooleanField(
        "邮件改为每日汇总", default=False, help_text="不再逐条发邮件，每天一封汇总（站内通知照常）"
    )

    class Meta:
        verbose_name = "联系方式"
        verbose_name_plural = "联系方式"

    def __str__(self) -> str:
        return str(self.user)


class ChannelChoice(models.Model):
    """The channels one person chose for one kind of message (站内通知 is always on)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="channel_choices",
    )
    kind = models.CharField("消息类别", max_length=16, choices=MessageKind.choices)
    channels = models.JSONField("通知方式", default=list, help_text="Channel 的值的列表，不含站内通知")

    class Meta:
        verbose_name = "通知方式"
        verbose_name_plural = "通知方式"
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="channel_choice_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.user} {self.kind}"


class UnitContact(models.Model):
    """A person at a unit who is reached without an account (报送员 by phone, an office mailbox)."""

    unit = models.ForeignKey(
        "accounts.Unit", verbose_name="单位", on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField("联系人", max_length=32)
    mobile = models.CharField(
        "手机号码", max_length=20, blank=True, validators=[validate_mobile], help_text="用于短信，11 位手机号"
    )
    email = models.EmailField("电子邮件", blank=True)
    zzd_account_id = models.CharField(
        "浙政钉账号 ID", max_length=64, blank=True, help_text="浙政钉（专有钉钉）通讯录中的 accountId"
    )
    note = models.CharField("备注", max_length=100, blank=True, help_text="如：办公室主任、值班电话")
    active = models.BooleanField("启用", default=True, help_text="停用的联系人不再收到提醒，记录保留")

    class Meta:
        verbose_name = "单位联系人"
        verbose_name_plural = "单位联系人"
        ordering = ["unit", "id"]

    def __str__(self) -> str:
        return f"{self.unit.short_name} {self.name}"


class Delivery(models.Model):
    """One message to one recipient (an account or a unit contact) on one channel."""

    class Status(models.TextChoices):
        QUEUED = "queued", "待发送"
        RETRYING = "retrying", "重试中"
        SENT = "sent", "已发送"
        DELIVERED = "delivered", "已送达"
        FAILED = "failed", "发送失败"
        # An e-mail to a person who chose 每日汇总: kept for the day's digest, not sent alone.
        HELD = "held", "待汇总"
        DIGESTED = "digested", "已并入每日汇总"

    kind = models.CharField("消息类别", max_length=16, choices=MessageKind.choices)
    channel = models.CharField("通知方式", max_length=16, choices=Channel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
    )
    contact = models.ForeignKey(
        UnitContact,
        verbose_name="单位联系人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name="单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    address = models.CharField("送达地址", max_length=254, blank=True, help_text="邮箱、手机号或浙政钉账号")
    cause = models.CharField(
        "事由",
        max_length=100,
        blank=True,
        db_index=True,
        help_text='如 "commission:12:remind"，与提醒记录的事由相同',
    )
    # A notice is a line or two; a daily digest (kind "digest") holds a day's notices.
    text = models.TextField("内容")
    link = models.CharField("链接", max_length=200, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试", null=True, blank=True)
    provider_id = models.CharField("服务方编号", max_length=128, blank=True)
    answer = models.TextField("服务方答复", blank=True)
    history = models.JSONField(
        "每次尝试",
        default=list,
        blank=True,
        help_text='[{"at": 时间, "outcome": sent/delivered/failed/retry, "answer": 答复, "next": 下次尝试或 null}]',
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "送达记录"
        verbose_name_plural = "送达记录"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["user", "-created_at"], name="delivery_by_user"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.address or self.user_id}"
