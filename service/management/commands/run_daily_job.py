"""manage.py run_daily_job NAME: a daily job, once a day (the systemd timers of deploy/)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from service import scheduler
from service.models import DailyJobRun


class Command(BaseCommand):
    help = "运行一项每日任务（如 send_reminders）；当天已由工作进程或其他机器运行过则跳过。"

    def add_arguments(self, parser):
        parser.add_argument("job", help="管理命令名，如 send_reminders、cleanup_uploads、verify_storage")

    def handle(self, *, job: str, **options):
        run = scheduler.claim(job, timezone.localdate())
        if run is None:
            self.stdout.write(f"{job}：今天已经运行过，跳过。")
            return
        run = scheduler.execute(run)
        self.stdout.write(f"{job}：{run.get_outcome_display()}\n{run.output}")
        if run.outcome == DailyJobRun.Outcome.FAILED:
            raise CommandError(f"{job} 运行失败。")
