"""python manage.py cleanup_uploads [--hours N]: remove abandoned Word imports.

An import keeps the document in media/docx/pending/ until the contributor saves the
draft; one never saved is left there. The deployment runs this daily (cron or a systemd
timer; the task runner where there is one).
"""

import datetime as dt

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandParser

from intake.uploads import PENDING_DIR, remove_abandoned


class Command(BaseCommand):
    help = "删除导入后一直未保存为稿件的 Word 文件（media/docx/pending/ 中超过一天的文件）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hours", type=int, default=24, help="删除多少小时以前的文件（默认 24）")

    def handle(self, *args, **options) -> None:
        hours = max(1, options["hours"])
        removed = remove_abandoned(default_storage, older_than=dt.timedelta(hours=hours))
        self.stdout.write(f"已删除 {PENDING_DIR}/ 中 {len(removed)} 个超过 {hours} 小时未保存的导入文件。")
