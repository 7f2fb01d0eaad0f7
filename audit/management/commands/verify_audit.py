"""manage.py verify_audit: walk the audit log's hash chain; a non-zero exit at the first break."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.verification import verify


class Command(BaseCommand):
    help = "核对审计日志的散列链：逐条重算散列，报告第一条不符的记录（有不符时以非零状态退出）。"

    def handle(self, **options):
        verdict = verify()
        if verdict.broken is not None:
            broken = verdict.broken
            raise CommandError(
                f"审计日志散列链在第 {verdict.rows} 条（编号 {broken.id}，"
                f"{timezone.localtime(broken.at):%Y-%m-%d %H:%M:%S}）处断开：{broken.reason}。"
                "请保留现场，联系审计员并从备份核对。"
            )
        self.stdout.write(
            f"审计日志散列链完好：共 {verdict.rows} 条，起点 {verdict.anchor[:16]}…，"
            f"最新散列 {verdict.head}。"
        )
