"""The one way to send a reminder: once per cause, recipient and day (Reminder's unique
constraint), as an in-app notice and a mail on commit.
"""

import datetime

from django.db import IntegrityError, transaction

from accounts.models import User
from messaging.models import MessageKind
from submissions.models import Reminder
from submissions.notifications import notify


@transaction.atomic
def send_reminder(*, cause: str, recipients, text: str, link: str, today: datetime.date) -> list[User]:
    """Send a reminder once per cause, recipient and day: a `Reminder` row is claimed first (the
    unique constraint settles two runs at once), then the notice and the mail (on commit).
    Returns the recipients reached now."""
    reached = []
    for user in recipients:
        try:
            with transaction.atomic():
                Reminder.objects.create(cause=cause[:100], recipient=user, date=today)
        except IntegrityError:
            continue  # already told today
        reached.append(user)
    if reached:
        notify(reached, text=text, link=link, kind=MessageKind.REMINDER, cause=cause)
    return reached
