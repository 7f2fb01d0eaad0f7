"""How long the audit log is kept, and the prune that removes what is older.

网络安全法 第二十一条 asks that network logs be kept for at least six months, so
BULLETIN_AUDIT_RETENTION_DAYS below 180 is refused at startup. The prune (a daily job,
``manage.py prune_audit``) removes the oldest rows only — a prefix of the chain, never a
row in the middle, and never the newest row — and records the hash of the last row it
removed in its own row (the anchor audit.verification starts from). On PostgreSQL the
table's trigger lets a DELETE through only inside the prune's transaction
(``SET LOCAL bulletin.audit_prune = 'on'``) and only for rows older than 180 days.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction
from django.utils import timezone

from audit import chain
from audit.models import AuditEntry
from audit.records import Kind, record

MIN_DAYS = 180
DEFAULT_DAYS = 365


def retention_days() -> int:
    """The configured retention in days; ImproperlyConfigured (Chinese) below the legal minimum."""
    value = getattr(settings, "BULLETIN_AUDIT_RETENTION_DAYS", DEFAULT_DAYS)
    if isinstance(value, bool) or not isinstance(value, int) or value < MIN_DAYS:
        raise ImproperlyConfigured(
            f"BULLETIN_AUDIT_RETENTION_DAYS 至少为 {MIN_DAYS} 天（网络安全法：网络日志留存不少于六个月），"
            f"当前为 {value!r}。"
        )
    return value


@dataclass
class Pruned:
    rows: int
    cutoff: datetime.datetime
    anchor: str


def prune(*, now: datetime.datetime | None = None, using: str = "default") -> Pruned:
    """Remove the rows older than the retention period (a prefix of the chain, the newest
    row always kept), and record what was removed with the anchor."""
    days = retention_days()
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    rows = AuditEntry.objects.using(using)
    with transaction.atomic(using=using):
        chain.lock(using)
        newest = rows.order_by("-id").values_list("id", flat=True).first()
        first_kept = rows.filter(at__gte=cutoff).order_by("id").values_list("id", flat=True).first()
        limit = min(i for i in (newest, first_kept) if i is not None) if newest else None
        last = rows.filter(id__lt=limit).order_by("-id").first() if limit else None
        if last is None:
            return Pruned(0, cutoff, "")
        count = rows.filter(id__lte=last.pk).count()
        connection = connections[using]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL bulletin.audit_prune = 'on'")
            cursor.execute("DELETE FROM audit_auditentry WHERE id <= %s", [last.pk])
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL bulletin.audit_prune = 'off'")
        record(
            Kind.AUDIT_PRUNED,
            actor_name="系统",
            after={"anchor": last.row_hash, "through_id": last.pk, "rows": count, "days": days},
            message=(
                f"按保留期（{days} 天）清理 {timezone.localtime(cutoff):%Y-%m-%d %H:%M} 之前的审计日志 {count} 条；"
                f"最后一条被清理记录（编号 {last.pk}）的散列 {last.row_hash} 作为链的锚点。"
            ),
        )
    return Pruned(count, cutoff, last.row_hash)
