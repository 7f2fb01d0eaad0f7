"""The audit log (审计日志): one append-only table of security-relevant and editorial events.

Rows are written only by audit.record(); the model refuses to change or delete a row,
and the admin shows rows read-only to the 审计员 alone (GB/T 22239-2019 level 2, 安全审计
and 三权分立: the 管理员 who manages accounts does not read the log). On PostgreSQL a
trigger refuses UPDATE and DELETE at the database as well (migration 0002), and every row
carries the hash of the one before it (audit.chain), so a change made around the
application is found by ``manage.py verify_audit``.
"""

from django.conf import settings
from django.db import models, router, transaction
from django.utils import timezone

from audit import chain


class AppendOnlyError(Exception):
    """An attempt to change or delete an audit row."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("审计日志只能追加，不能修改。")

    def delete(self):
        raise AppendOnlyError("审计日志只能追加，不能删除。")

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        with transaction.atomic(using=self.db):
            chain.seal(objs, self.db)
            return super().bulk_create(objs, *args, **kwargs)


class AuditEntry(models.Model):
    class Kind(models.TextChoices):
        LOGIN = "login", "登录"
        LOGIN_FAILED = "login_failed", "登录失败"
        LOCKED_OUT = "locked_out", "账号锁定"
        LOGIN_REFUSED = "login_refused", "登录被拒（汇总）"
        LOGIN_ATTACK = "login_attack", "账号疑遭攻击"
        LOGOUT = "logout", "退出"
        ACCOUNT_CREATED = "account_created", "新建账号"
        ROLE_CHANGED = "role_changed", "角色变更"
        PASSWORD_CHANGED = "password_changed", "修改密码"
        PASSWORD_RESET = "password_reset", "重置密码"
        PIECE_TRANSITION = "piece_transition", "稿件状态变更"
        ISSUE_CREATED = "issue_created", "新建一期"
        ISSUE_SETTINGS = "issue_settings", "修改本期信息"
        LAYOUT_CHANGED = "layout_changed", "调整编排"
        ISSUE_PUBLISHED = "issue_published", "刊发"
        ISSUE_CORRECTED = "issue_corrected", "更正"
        ISSUE_DELETED = "issue_deleted", "删除一期"
        QUOTA_CHANGED = "quota_changed", "设置报送任务"
        HIGHER_ADOPTION = "higher_adoption", "记录上级采用"
        BACK_ISSUE_IMPORTED = "back_issue_imported", "导入往期"
        BACK_ISSUE_REPLACED = "back_issue_replaced", "覆盖导入往期"
        INSTRUCTION_RECORDED = "instruction_recorded", "记录批示"
        STATS_EXPORTED = "stats_exported", "导出统计"
        AUDIT_EXPORTED = "audit_exported", "导出审计日志"
        ADMIN_CHANGE = "admin_change", "后台修改"
        FILE_MISMATCH = "file_mismatch", "存档文件校验不符"
        COMMISSION_CREATED = "commission_created", "发起约稿"
        COMMISSION_CHANGED = "commission_changed", "修改约稿"
        COMMISSION_REMINDED = "commission_reminded", "约稿催报"
        COMMISSION_CANCELLED = "commission_cancelled", "撤销约稿"
        COMMENT_ADDED = "comment_added", "留言"
        REQUEST_REFUSED = "request_refused", "拒绝访问"
        CSRF_REFUSED = "csrf_refused", "表单校验失败"
        FILE_DOWNLOADED = "file_downloaded", "下载文件"
        BACKUP = "backup", "备份"
        RESTORE = "restore", "恢复"
        LOGIN_UNLOCKED = "login_unlocked", "解除登录锁定"
        UNIT_CONTACT_CHANGED = "unit_contact_changed", "修改单位联系人"
        SECOND_FACTOR_ENROLLED = "second_factor_enrolled", "绑定双因素认证"
        SECOND_FACTOR_VERIFIED = "second_factor_verified", "双因素验证通过"
        SECOND_FACTOR_FAILED = "second_factor_failed", "验证码错误"
        RECOVERY_CODES_RENEWED = "recovery_codes_renewed", "重新生成恢复码"
        SECOND_FACTOR_DISABLED = "second_factor_disabled", "解除双因素认证"
        SECOND_FACTOR_RESET = "second_factor_reset", "重置双因素认证"
        NOTIFICATION_SETTINGS = "notification_settings", "修改通知方式"
        AUDIT_PRUNED = chain.PRUNED_KIND, "清理过期审计日志"

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        on_delete=models.PROTECT,  # an account with audit rows is deactivated, never deleted
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(
        "账号", max_length=150, blank=True, help_text="当时的用户名（登录失败时为所填用户名）"
    )
    address = models.GenericIPAddressField("地址", null=True, blank=True)
    kind = models.CharField("事件", max_length=32, choices=Kind.choices, db_index=True)
    object_type = models.CharField("对象类型", max_length=64, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_label = models.CharField("对象", max_length=200, blank=True)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    message = models.TextField("说明", blank=True)
    # The chain (audit.chain): the previous row's hash, and this row's over its fields and that.
    prev_hash = models.CharField("上一条散列", max_length=64, blank=True, editable=False)
    row_hash = models.CharField("本条散列", max_length=64, blank=True, editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        permissions = [("export_auditentry", "可以导出审计日志")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        # Append-only is the point of the table, so the guard lives with it.
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("审计日志只能追加，不能修改。")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            chain.seal([self], using)
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("审计日志只能追加，不能删除。")


class RefusalTally(models.Model):
    """Refused requests (403, CSRF) counted per kind, person or address, path and minute.

    The first refusal of each is written to the audit log at once; the others of that minute
    become one summary row when the minute is over (audit.refusals), so a flood of refused
    requests cannot grow the log without bound. Not part of the log itself: rows here are
    counted up and removed.
    """

    kind = models.CharField(max_length=32)
    who = models.CharField(max_length=200)
    path = models.CharField(max_length=200)
    minute = models.DateTimeField()
    count = models.PositiveIntegerField(default=1)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = "被拒请求计数"
        verbose_name_plural = "被拒请求计数"
        constraints = [
            models.UniqueConstraint(fields=["kind", "who", "path", "minute"], name="one_tally_per_minute")
        ]

    def __str__(self) -> str:
        return f"{self.minute:%Y-%m-%d %H:%M} {self.who} {self.path} ×{self.count}"
