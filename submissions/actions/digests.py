"""Daily digest (每日汇总): one message a day for each person who chose it, in place of the
single e-mails messaging held back for them (`manage.py send_digests`, a daily job)."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from messaging import queries as messaging_queries
from messaging.actions.deliveries import release_held_deliveries, send_message
from messaging.models import Channel, Delivery, MessageKind
from submissions import digest

log = logging.getLogger(__name__)


@dataclass
class DigestRun:
    sent: int = 0  # people sent a digest
    released: int = 0  # held e-mails it carried
    skipped: int = 0  # people with nothing to tell, or already sent one today


def digest_cause(today: datetime.date) -> str:
    return f"digest:{today.isoformat()}"


def send_daily_digests(*, today: datetime.date | None = None) -> DigestRun:
    """For every person who chose 每日汇总 or has e-mails held for one: one digest message
    (kind "digest", by the channels the office gives that kind — e-mail by default; no
    in-app notice, each item already had one) with the held e-mails and, for an editor,
    the counts (submissions.digest). The held rows become "digested" with the digest. Each
    person in a transaction of their own; a person already sent today's digest (a Delivery
    with cause "digest:<date>") is skipped, so the job may run twice. Inactive accounts
    are skipped and keep their held rows."""
    today = today or timezone.localdate()
    run = DigestRun()
    cause = digest_cause(today)
    counts = None
    people = User.objects.filter(pk__in=messaging_queries.people_with_digest(), is_active=True).order_by("pk")
    for user in people:
        with transaction.atomic():
            if Delivery.objects.filter(user=user, kind=MessageKind.DIGEST, cause=cause).exists():
                run.skipped += 1
                continue
            held = messaging_queries.held_back(user)
            user_counts = None
            if digest.wants_counts(user):
                counts = counts or digest.editor_counts(today)
                user_counts = counts
            text = digest.digest_text(user, held, user_counts, today)
            if not text:
                run.skipped += 1
                continue
            reach = send_message(kind=MessageKind.DIGEST, text=text, cause=cause, users=[user], inapp=False)
            carrier = next((row for row in reach.deliveries if row.channel != Channel.INAPP), None)
            if carrier is None:
                log.warning(
                    "daily digest for %s reached no channel; its held e-mails are settled", user.username
                )
            run.released += release_held_deliveries(
                user=user, delivery_ids=[row.pk for row in held], digest=carrier
            )
            run.sent += 1
    return run
