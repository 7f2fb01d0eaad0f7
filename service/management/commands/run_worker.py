"""manage.py run_worker: the background task worker, replaced after N tasks or M MB.

The parent process only supervises: it runs one worker process (this command with
--child) at a time and starts a fresh one whenever it exits, so memory a long series of
renders leaves behind is returned to the system. SIGTERM or Ctrl+C stops both after the
task in hand.
"""

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string

from service.models import WorkerHeartbeat
from service.worker import run_worker_process


class Command(BaseCommand):
    help = "后台任务工作进程（排版、刊发、每日任务）：处理一定数量的任务或内存超限后自动换新进程。"

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=0.3, help="队列为空时的轮询间隔（秒）")
        parser.add_argument("--queue-name", default="default", help="处理的队列，逗号分隔")
        parser.add_argument("--child", action="store_true", help="（内部）作为被监管的工作进程运行")
        parser.add_argument("--worker-id", default="", help="（内部）工作进程的编号，由监管进程给出")
        parser.add_argument("--once", action="store_true", help="不重启：工作进程退出后即结束（测试用）")

    def handle(self, *, interval: float, queue_name: str, child: bool, once: bool, worker_id: str, **options):
        if child:
            reason = run_worker_process(
                worker_id=worker_id or get_random_string(12),
                interval=interval,
                queue_names=queue_name.split(","),
            )
            if reason:
                self.stdout.write(f"工作进程已达上限（{reason}），退出以便换新进程。")
            return
        self._supervise(interval=interval, queue_name=queue_name, once=once)

    def _supervise(self, *, interval: float, queue_name: str, once: bool) -> None:
        command = [
            sys.executable,
            str(settings.BASE_DIR / "manage.py"),
            "run_worker",
            "--child",
            f"--interval={interval}",
            f"--queue-name={queue_name}",
        ]
        stopping = False
        process: subprocess.Popen | None = None

        def stop(signum, frame):
            nonlocal stopping
            stopping = True
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(
            f"后台任务工作进程启动：每 {settings.BULLETIN_WORKER_MAX_TASKS} 个任务或内存超过 "
            f"{settings.BULLETIN_WORKER_MAX_RSS_MB} MB 换新进程。"
        )
        generation = 0
        while not stopping:
            generation += 1
            started = time.monotonic()
            # Its own process group: a terminal's Ctrl+C reaches only this supervisor, which
            # passes one SIGTERM on (a second one would cut the task in hand short).
            worker_id = get_random_string(12)
            process = subprocess.Popen([*command, f"--worker-id={worker_id}"], start_new_session=True)
            code = process.wait()
            if code != 0:
                # Killed or crashed: it could not remove its own heartbeat. Removing it here
                # tells the next worker at once that tasks it held are abandoned
                # (bulletin.actions.settle_abandoned_publish_jobs), instead of two minutes later.
                self._forget(worker_id)
            if stopping or once:
                break
            if code != 0:
                self.stderr.write(f"工作进程异常退出（{code}），稍后重启。")
                # Never restart faster than once a second (a broken database, a bad deploy).
                time.sleep(max(0.0, 1.0 - (time.monotonic() - started)) + 1.0)
            else:
                self.stdout.write(f"换新工作进程（第 {generation + 1} 代）。")

    @staticmethod
    def _forget(worker_id: str) -> None:
        from django.db import connection

        try:
            WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
        except Exception as error:  # the database may be what broke; the 2-minute rule still holds
            sys.stderr.write(f"无法清除工作进程 {worker_id} 的心跳记录：{error}\n")
        finally:
            connection.close()
