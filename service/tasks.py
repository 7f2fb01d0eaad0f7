"""Background tasks of the service app (thin: load the id, call the scheduler)."""

from django_tasks import task


@task(priority=-10)
def run_daily_job(*, run_id: int) -> str:
    """Run a daily job the scheduler claimed (service.scheduler)."""
    from service import scheduler
    from service.models import DailyJobRun

    return scheduler.execute(DailyJobRun.objects.get(pk=run_id)).outcome
