"""manage.py backup DEST: database dump, every stored file and a manifest in one archive."""

from django.core.management.base import BaseCommand, CommandError

from service import backup, hooks


class Command(BaseCommand):
    help = "备份：数据库（一致快照）、全部存储文件和清单（行数、每个文件的 SHA-256）写入一个 .tar 文件。"

    def add_arguments(self, parser):
        parser.add_argument("dest", help="备份目录（文件名自动按时间命名），或以 .tar 结尾的文件名")
        parser.add_argument(
            "--keep-days", type=int, default=0, help="删除目录中早于这么多天的备份（0：不删除）"
        )

    def handle(self, *, dest: str, keep_days: int, **options):
        try:
            path = backup.backup(dest)
        except backup.BackupError as error:
            hooks.report_command(command="backup", ok=False, message=str(error), details={"dest": dest})
            raise CommandError(str(error)) from error
        manifest = backup.verify_archive(path)
        summary = f"已备份到 {path}：{backup.describe(manifest)}"
        hooks.report_command(
            command="backup",
            ok=True,
            message=summary,
            details={"archive": str(path), "sha256": manifest["database"]["sha256"]},
        )
        self.stdout.write(summary)
        if keep_days and not dest.endswith(".tar"):
            for old in backup.prune_backups(dest, keep_days):
                self.stdout.write(f"已删除过期备份 {old}")
