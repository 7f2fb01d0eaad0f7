"""The one way to mark one's notifications (通知) read."""

from django.utils import timezone

from accounts.models import User


def mark_notifications_read(*, actor: User) -> int:
    return actor.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
