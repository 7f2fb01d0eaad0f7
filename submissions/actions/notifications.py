"""The one way to mark one's notifications (通知) read: all at once (全部标为已读) or one
as it is opened. Both are POSTs: a page view (or a link prefetched by a browser or a mail
scanner) never changes what is unread."""

from django.utils import timezone

from accounts.models import User
from submissions.models import Notification


def mark_notifications_read(*, actor: User) -> int:
    return actor.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())


def mark_notification_read(*, actor: User, notification_id: int) -> Notification | None:
    """Mark one of the actor's own notifications read; None when it is not theirs (or gone)."""
    notice = actor.notifications.filter(pk=notification_id).first()
    if notice is not None and notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice
