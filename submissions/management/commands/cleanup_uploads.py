"""python manage.py cleanup_uploads [--hours N]: remove abandoned Word imports.

An import keeps the upload and the document as read in media/docx/pending/, and its job
row, until the contributor saves the draft; one never saved is left there. This removes
the jobs (and their files) uploaded more than N hours ago, any other file left in the
pending folder as long, and the upload records no daily quota counts any more. The
worker's scheduler runs it daily (BULLETIN_DAILY_JOBS).
"""

import datetime as dt

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from intake.uploads import PENDING_DIR, remove_abandoned
from submissions.actions.import_jobs import remove_old_import_jobs
from submissions.actions.uploads import remove_old_upload_records


class Command(BaseCommand):
    help = "删除导入后一直未保存为稿件的 Word 文件和导入任务（media/docx/pending/ 中超过一天的）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hours", type=int, default=24, help="删除多少小时以前的文件（默认 24）")

    def handle(self, *args, **options) -> None:
        hours = max(1, options["hours"])
        with transaction.atomic():
            jobs = remove_old_import_jobs(older_than=dt.timedelta(hours=hours))
        removed = remove_abandoned(default_storage, older_than=dt.timedelta(hours=hours))
        remove_old_upload_records()
        self.stdout.write(
            f"已删除 {PENDING_DIR}/ 中 {len(removed)} 个超过 {hours} 小时未保存的导入文件，"
            f"以及 {jobs} 个导入任务。"
        )
