"""Background tasks of the service app (thin: load the id, call the scheduler)."""

from django_tasks import task

from service import scheduler
from service.models import DailyJobRun


@task(priority=-10)
def run_daily_job(*, run_id: int) -> str:
    """Run a daily job the scheduler claimed (service.scheduler)."""
    return scheduler.execute(DailyJobRun.objects.get(pk=run_id)).outcome
