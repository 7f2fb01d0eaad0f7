"""manage.py send_digests: the daily digests (每日汇总), run once a day by the worker's scheduler.

Running it again the same day sends nothing twice. `--date 2026-12-01` runs it as of that day.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from submissions.actions.digests import send_daily_digests
from web.forms import DATE_MAX, DATE_MIN


class Command(BaseCommand):
    help = "发送每日汇总：选择了每日汇总的人每天一封，含暂存的通知；编辑另含待审稿件和逾期约稿数。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按这一天运行（YYYY-MM-DD），默认今天")

    def handle(self, *args, date=None, **options):
        today = None
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError as error:
                raise CommandError(f"日期格式不正确：{date}（应为 2026-12-01 这样的格式）") from error
            if not DATE_MIN <= today <= DATE_MAX:
                raise CommandError(f"日期应在 {DATE_MIN.year} 年至 {DATE_MAX.year} 年之间：{date}")
        run = send_daily_digests(today=today)
        self.stdout.write(
            f"已发送每日汇总 {run.sent} 份，并入通知 {run.released} 条，跳过 {run.skipped} 人。"
        )
