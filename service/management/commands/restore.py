"""manage.py restore ARCHIVE: into an empty database and storage, verified against the manifest."""

from django.core.management.base import BaseCommand, CommandError

from service import backup, hooks


class Command(BaseCommand):
    help = "从备份文件恢复到空数据库和空存储，并按清单核对行数和每个文件的 SHA-256。"

    def add_arguments(self, parser):
        parser.add_argument("archive", help="manage.py backup 生成的 .tar 文件")
        parser.add_argument("--check", action="store_true", help="只核对备份文件本身，不恢复")

    def handle(self, *, archive: str, check: bool, **options):
        try:
            if check:
                manifest = backup.verify_archive(archive)
                self.stdout.write(f"备份完好：{backup.describe(manifest)}")
                return
            result = backup.restore(archive)
        except (backup.BackupError, FileNotFoundError) as error:
            if not check:
                hooks.report_command(
                    command="restore", ok=False, message=str(error), details={"archive": archive}
                )
            raise CommandError(str(error)) from error
        rows = sum(result["counts"].values())
        summary = f"已从 {archive} 恢复并核对：{rows} 行，{result['files']} 个文件，全部与清单一致。"
        # Recorded after the check against the manifest, so the new row is not counted there.
        hooks.report_command(command="restore", ok=True, message=summary, details={"archive": archive})
        self.stdout.write(summary)
