"""Background tasks of the submissions app (thin: they load ids and call the actions)."""

from django_tasks import task


@task()
def send_notification_mail(*, addresses: list[str], text: str, link: str) -> None:
    """Mail a notification (submissions.notifications.notify enqueues it on commit)."""
    from submissions import notifications

    notifications.send_mail_now(addresses, text, link)


@task(priority=10)
def run_import_job(*, job_id: int) -> str:
    """Read an uploaded Word/WPS file for its draft (submissions.actions.import_jobs)."""
    from submissions.actions import import_jobs

    job = import_jobs.run_import_job(job_id=job_id)
    return job.status if job is not None else "gone"
