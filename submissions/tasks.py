"""Background tasks of the submissions app (thin: they call the notification code)."""

from django_tasks import task

from submissions import notifications


@task()
def send_notification_mail(*, addresses: list[str], text: str, link: str) -> None:
    """Mail a notification (submissions.notifications.notify enqueues it on commit)."""
    notifications.send_mail_now(addresses, text, link)
