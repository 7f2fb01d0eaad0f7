"""manage.py prune_audit: remove audit rows older than BULLETIN_AUDIT_RETENTION_DAYS (a daily job)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from audit.retention import prune


class Command(BaseCommand):
    help = "清理超过保留期（BULLETIN_AUDIT_RETENTION_DAYS，至少 180 天）的审计日志，保留散列链的锚点。"

    def handle(self, **options):
        result = prune()
        if not result.rows:
            self.stdout.write(f"没有早于 {timezone.localtime(result.cutoff):%Y-%m-%d} 的审计日志，无需清理。")
            return
        self.stdout.write(
            f"已清理早于 {timezone.localtime(result.cutoff):%Y-%m-%d} 的审计日志 {result.rows} 条，"
            f"锚点 {result.anchor}。"
        )
