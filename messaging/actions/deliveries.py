"""Delivery (送达): a message queued for each recipient on each of its channels, sent by the
worker, retried with backoff, and recorded with the provider's answer.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from messaging import queries
from messaging.channels import channel
from messaging.channels.base import Message, Outcome
from messaging.models import Channel, Delivery
from web.mail import header_text

log = logging.getLogger(__name__)

ANSWER_LIMIT = 2000


@dataclass
class Reached:
    """One recipient of a message and the channels it was queued on (站内通知 included)."""

    name: str
    unit_id: int | None
    channels: list[str] = field(default_factory=list)


@dataclass
class Reach:
    """Who a message was queued for, and who it could not reach at all."""

    reached: list[Reached] = field(default_factory=list)
    unreachable: list[Reached] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)


def send_message(*, kind: str, text: str, link: str = "", cause: str = "", users=(), contacts=()) -> Reach:
    """Queue `text` for every account in `users` (站内通知 recorded as delivered — the notice
    itself is written by the caller — plus the channels each chose for `kind`) and every
    messaging.models.UnitContact in `contacts` (BULLETIN_CONTACT_CHANNELS where the contact has
    an address). The worker sends once the transaction commits. Returns the Reach."""
    users = list(users)
    contacts = list(contacts)
    chosen = queries.chosen_channels(users, kind) if users else {}
    rows: list[Delivery] = []
    reach = Reach()
    now = timezone.now()
    for user in users:
        entry = Reached(name=user.full_name or user.username, unit_id=user.unit_id, channels=[Channel.INAPP])
        rows.append(
            Delivery(
                kind=kind, channel=Channel.INAPP, user=user, unit_id=user.unit_id, address=user.username,
                cause=cause[:100], text=text[:500], link=link[:200], status=Delivery.Status.DELIVERED,
                attempts=1, sent_at=now, finished_at=now,
            )
        )  # fmt: skip
        for name in chosen.get(user.pk, []):
            address = channel(name).address_of_user(user)
            if address:
                entry.channels.append(name)
                rows.append(_queued(kind, name, address, text, link, cause, user=user, unit_id=user.unit_id))
        reach.reached.append(entry)
    names = queries.contact_channels() if contacts else []
    for contact in contacts:
        entry = Reached(name=f"{contact.unit.short_name} {contact.name}", unit_id=contact.unit_id)
        for name in names:
            address = channel(name).address_of_contact(contact)
            if address:
                entry.channels.append(name)
                rows.append(
                    _queued(kind, name, address, text, link, cause, contact=contact, unit_id=contact.unit_id)
                )
        (reach.reached if entry.channels else reach.unreachable).append(entry)
    reach.deliveries = Delivery.objects.bulk_create(rows)
    waiting = [row.pk for row in reach.deliveries if row.status == Delivery.Status.QUEUED]
    if waiting:
        transaction.on_commit(lambda: _enqueue(waiting))
    return reach


def _queued(kind, name, address, text, link, cause, **who) -> Delivery:
    return Delivery(
        kind=kind,
        channel=name,
        address=address[:254],
        cause=cause[:100],
        text=text[:500],
        link=link[:200],
        **who,
    )


def _enqueue(delivery_ids: list[int]) -> None:
    # The task module imports these actions in its body; importing it here keeps one direction.
    from messaging.tasks import deliver

    for delivery_id in delivery_ids:
        deliver.enqueue(delivery_id=delivery_id)


def attempt_delivery(*, delivery_id: int) -> Delivery | None:
    """One attempt at a queued or retrying delivery: the channel sends, the outcome is
    recorded; a "retry" outcome waits with backoff (BULLETIN_DELIVERY_BACKOFF_SECONDS × 4^n,
    or what the provider asked) until BULLETIN_DELIVERY_ATTEMPTS attempts, then fails.
    Returns the delivery, or None when it is gone or already settled."""
    with transaction.atomic():
        delivery = (
            # Only the delivery's row is locked: PostgreSQL refuses FOR UPDATE on the nullable
            # side of the outer joins select_related makes for the user and the contact.
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=delivery_id, status__in=[Delivery.Status.QUEUED, Delivery.Status.RETRYING])
            .select_related("user", "contact__unit")
            .first()
        )
        if delivery is None:
            return None
        delivery.attempts += 1
        delivery.save(update_fields=["attempts"])
    outcome = _send(delivery)
    return record_outcome(delivery, outcome)


def _send(delivery: Delivery) -> Outcome:
    if delivery.user is not None:
        name = delivery.user.full_name or delivery.user.username
    elif delivery.contact is not None:
        name = f"{delivery.contact.unit.short_name} {delivery.contact.name}"
    else:
        name = ""
    link = f"{settings.BULLETIN_SITE_URL.rstrip('/')}{delivery.link}" if delivery.link else ""
    message = Message(
        delivery_id=delivery.pk, kind=delivery.kind, address=delivery.address, recipient_name=name,
        subject=f"【杭州人大信息】{header_text(delivery.text, 40)}", text=delivery.text, link=link,
    )  # fmt: skip
    try:
        return channel(delivery.channel).send(message)
    except Exception as error:  # a channel's own fault must not lose the delivery's record
        log.exception("channel %s failed on delivery %s", delivery.channel, delivery.pk)
        return Outcome("retry", answer=f"发送程序出错：{type(error).__name__}")


def record_outcome(delivery: Delivery, outcome: Outcome) -> Delivery:
    """Write what an attempt (or a later check) came to on the delivery."""
    now = timezone.now()
    delivery.answer = outcome.answer[:ANSWER_LIMIT]
    if outcome.provider_id:
        delivery.provider_id = outcome.provider_id[:128]
    if outcome.status == "retry" and delivery.attempts < settings.BULLETIN_DELIVERY_ATTEMPTS:
        wait = outcome.retry_after
        if wait is None:
            wait = settings.BULLETIN_DELIVERY_BACKOFF_SECONDS * 4 ** (delivery.attempts - 1)
        delivery.status = Delivery.Status.RETRYING
        delivery.next_attempt_at = now + datetime.timedelta(seconds=wait)
    elif outcome.status == "retry":
        delivery.status = Delivery.Status.FAILED
        delivery.finished_at = now
        delivery.next_attempt_at = None
    else:
        delivery.status = outcome.status
        delivery.next_attempt_at = None
        delivery.sent_at = delivery.sent_at or now
        if outcome.status in ("delivered", "failed"):
            delivery.finished_at = now
    delivery.save(
        update_fields=["status", "answer", "provider_id", "next_attempt_at", "sent_at", "finished_at"]
    )
    return delivery


def retry_due_deliveries(now: datetime.datetime | None = None) -> int:
    """Attempt again every delivery whose backoff has passed (the worker calls this). Returns
    how many were attempted."""
    now = now or timezone.now()
    due = list(
        Delivery.objects.filter(status=Delivery.Status.RETRYING, next_attempt_at__lte=now).values_list(
            "pk", flat=True
        )[:500]
    )
    for delivery_id in due:
        attempt_delivery(delivery_id=delivery_id)
    return len(due)
