"""Background tasks of the submissions app (thin: they call the notification code)."""

from django_tasks import task


@task()
def send_notification_mail(*, addresses: list[str], text: str, link: str) -> None:
    """Mail a notification (submissions.notifications.notify enqueues it on commit)."""
    from submissions import notifications

    notifications.send_mail_now(addresses, text, link)
