"""What the running service records about itself: worker heartbeats and daily job runs."""

from django.db import models


class WorkerHeartbeat(models.Model):
    """One task worker process, as last seen (service.worker.worker_alive says if it still is)."""

    worker_id = models.CharField("工作进程", max_length=64, unique=True)
    hostname = models.CharField("主机", max_length=128)
    pid = models.PositiveIntegerField("进程号")
    # The process-id namespace the pid belongs to (/proc/self/ns/pid): two containers may
    # share a host name, and only within one namespace does the pid say the process is alive.
    pid_namespace = models.CharField("进程号空间", max_length=64, blank=True, default="")
    started_at = models.DateTimeField("启动时间")
    seen_at = models.DateTimeField("最近心跳", db_index=True)
    tasks_done = models.PositiveIntegerField("已完成任务", default=0)
    rss_mb = models.FloatField("内存 (MB)", default=0)

    class Meta:
        verbose_name = "工作进程心跳"
        verbose_name_plural = "工作进程心跳"

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"


class DailyJobRun(models.Model):
    """A daily job taken for a date. The unique pair makes it run once a day however many
    workers (or systemd timers) on however many machines try."""

    class Outcome(models.TextChoices):
        RUNNING = "running", "运行中"
        DONE = "done", "完成"
        SKIPPED = "skipped", "跳过（命令不存在）"
        FAILED = "failed", "失败"

    job = models.CharField("任务", max_length=64)
    date = models.DateField("日期")
    outcome = models.CharField("结果", max_length=16, choices=Outcome.choices, default=Outcome.RUNNING)
    output = models.TextField("输出", blank=True)
    started_at = models.DateTimeField("开始", auto_now_add=True)
    finished_at = models.DateTimeField("结束", null=True, blank=True)

    class Meta:
        verbose_name = "每日任务记录"
        verbose_name_plural = "每日任务记录"
        constraints = [models.UniqueConstraint(fields=["job", "date"], name="daily_job_once_a_day")]

    def __str__(self) -> str:
        return f"{self.job} {self.date}"
