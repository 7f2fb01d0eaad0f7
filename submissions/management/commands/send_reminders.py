"""manage.py send_reminders: the daily reminders (run once a day by the deployment's scheduler).

Running it again the same day sends nothing twice. `--date 2026-12-01` runs it as of that day.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from submissions.reminders import send_due_reminders
from web.forms import DATE_MAX, DATE_MIN


class Command(BaseCommand):
    help = "发送到期提醒：约稿、报送任务、退回修改期限、待审稿件（每个事由每人每天一次）。"

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
        sent = send_due_reminders(today)
        details = "，".join(f"{kind}{n}条" for kind, n in sorted(sent.counts.items()) if n) or "无"
        self.stdout.write(f"已发送提醒 {sent.total} 条（{details}）。")
