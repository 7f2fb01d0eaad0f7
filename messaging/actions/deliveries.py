"""Delivery (送达): a message queued for each recipient on each of its channels, sent by the
worker, retried with backoff, and recorded with the provider's answer.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from messaging import queries
from messaging.channels import channel
from messaging.channels.base import ChannelBase, Message, Outcome
from messaging.models import Channel, ContactDetails, Delivery, MessageKind
from web.mail import header_text

log = logging.getLogger(__name__)

ANSWER_LIMIT = 2000
# A notice is short; a daily digest holds a day of them (and a line per count).
TEXT_LIMIT = 20000
# Kinds whose e-mail is never held for the daily digest: the digest itself, and a security
# alert, which is no use the next morning.
NEVER_HELD = {MessageKind.DIGEST, MessageKind.SECURITY}


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


@dataclass(frozen=True)
class Outgoing:
    """One message for send_messages: its kind, words, link, cause and recipients; `inapp`
    False for a message with no in-app notice (the daily digest)."""

    kind: str
    text: str
    link: str = ""
    cause: str = ""
    users: tuple = ()
    contacts: tuple = ()
    inapp: bool = True


def send_message(
    *, kind: str, text: str, link: str = "", cause: str = "", users=(), contacts=(), inapp: bool = True
) -> Reach:
    """Queue `text` for every account in `users` (站内通知 recorded as delivered — the notice
    itself is written by the caller; `inapp=False` for a message that has no notice, the daily
    digest — plus the channels each chose for `kind`) and every messaging.models.UnitContact in
    `contacts` (BULLETIN_CONTACT_CHANNELS where the contact has an address). The e-mail of a
    person who chose 每日汇总 (ContactDetails.daily_digest) is held for the digest (status
    "held"), except for the kinds in NEVER_HELD. The worker sends once the transaction
    commits. Returns the Reach."""
    message = Outgoing(kind, text, link, cause, tuple(users), tuple(contacts), inapp)
    return send_messages([message])[0]


def send_messages(messages: list[Outgoing]) -> list[Reach]:
    """send_message for several messages at once (刊发 tells every unit): one read of the
    choices per kind, one of who chose 每日汇总, and one insert, whatever the number of
    messages. One Reach per message."""
    chosen: dict[str, dict[int, list[str]]] = {}
    for kind in {message.kind for message in messages}:
        users = {user.pk: user for message in messages if message.kind == kind for user in message.users}
        chosen[kind] = queries.chosen_channels(list(users.values()), kind) if users else {}
    names = queries.contact_channels() if any(message.contacts for message in messages) else []
    held_for = {user.pk for message in messages if message.kind not in NEVER_HELD for user in message.users}
    digest_people = (
        set(
            ContactDetails.objects.filter(user__in=held_for, daily_digest=True).values_list(
                "user_id", flat=True
            )
        )
        if held_for
        else set()
    )
    rows: list[Delivery] = []
    reaches = []
    now = timezone.now()
    for message in messages:
        kind, text, link, cause = message.kind, message.text, message.link, message.cause
        reach = Reach()
        for user in message.users:
            entry = Reached(name=user.full_name or user.username, unit_id=user.unit_id)
            if message.inapp:
                entry.channels.append(Channel.INAPP)
                rows.append(
                    Delivery(
                        kind=kind, channel=Channel.INAPP, user=user, unit_id=user.unit_id,
                        address=user.username, cause=cause[:100], text=text[:TEXT_LIMIT], link=link[:200],
                        status=Delivery.Status.DELIVERED, attempts=1, sent_at=now, finished_at=now,
                    )
                )  # fmt: skip
            for name in chosen[kind].get(user.pk, []):
                address = channel(name).address_of_user(user)
                if address:
                    entry.channels.append(name)
                    row = _queued(kind, name, address, text, link, cause, user=user, unit_id=user.unit_id)
                    if name == Channel.EMAIL and kind not in NEVER_HELD and user.pk in digest_people:
                        row.status = Delivery.Status.HELD
                    rows.append(row)
            reach.reached.append(entry)
        for contact in message.contacts:
            entry = Reached(name=f"{contact.unit.short_name} {contact.name}", unit_id=contact.unit_id)
            for name in names:
                address = channel(name).address_of_contact(contact)
                if address:
                    entry.channels.append(name)
                    rows.append(
                        _queued(
                            kind, name, address, text, link, cause, contact=contact, unit_id=contact.unit_id
                        )
                    )
            (reach.reached if entry.channels else reach.unreachable).append(entry)
        reaches.append(reach)
    created = Delivery.objects.bulk_create(rows)
    # Hand each message its own rows (bulk_create keeps the order it was given).
    position = 0
    for reach in reaches:
        count = sum(len(entry.channels) for entry in reach.reached)
        reach.deliveries = created[position : position + count]
        position += count
    waiting = [row.pk for row in created if row.status == Delivery.Status.QUEUED]
    if waiting:
        transaction.on_commit(lambda: _enqueue(waiting))
    return reaches


def _queued(kind, name, address, text, link, cause, **who) -> Delivery:
    return Delivery(
        kind=kind,
        channel=name,
        address=address[:254],
        cause=cause[:100],
        text=text[:TEXT_LIMIT],
        link=link[:200],
        **who,
    )


def _enqueue(delivery_ids: list[int], task_name: str = "deliver") -> None:
    """One task of messaging.tasks (`deliver` or `check_receipt`) per delivery."""
    # The task module imports these actions in its body; importing it here keeps one direction.
    from messaging import tasks

    task = getattr(tasks, task_name)
    for delivery_id in delivery_ids:
        task.enqueue(delivery_id=delivery_id)


# While one attempt sends, its delivery is leased for this long (next_attempt_at): a second
# task for it finds it taken, and a worker that died mid-send leaves a lease the sweep takes
# back once it runs out. Longer than any channel's own timeout (webhook ≤ 60 s, SMTP 30 s).
SENDING_LEASE = datetime.timedelta(minutes=10)


def attempt_delivery(*, delivery_id: int) -> Delivery | None:
    """One attempt at a queued or retrying delivery: the channel sends, the outcome is
    recorded; a "retry" outcome waits with backoff (BULLETIN_DELIVERY_BACKOFF_SECONDS × 4^n,
    or what the provider asked) until BULLETIN_DELIVERY_ATTEMPTS attempts, then fails.
    Returns the delivery, or None when it is gone, already settled, or being sent by
    another attempt (its lease, SENDING_LEASE, not yet run out)."""
    now = timezone.now()
    with transaction.atomic():
        # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the outer
        # joins to the user and the contact; only the delivery row needs the lock.
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=delivery_id)
            # Queued and not leased to another attempt; or retrying, asked for by name before
            # its time (the sweep queues it when the time comes).
            .filter(
                Q(status=Delivery.Status.QUEUED, next_attempt_at__isnull=True)
                | Q(status=Delivery.Status.QUEUED, next_attempt_at__lte=now)
                | Q(status=Delivery.Status.RETRYING)
            )
            .select_related("user__unit", "contact__unit")
            .first()
        )
        if delivery is None:
            return None
        delivery.attempts += 1
        delivery.status = Delivery.Status.QUEUED  # leased: queued until the outcome is known
        delivery.next_attempt_at = now + SENDING_LEASE
        delivery.save(update_fields=["attempts", "status", "next_attempt_at"])
    outcome = _send(delivery)
    return record_outcome(delivery, outcome)


def _send(delivery: Delivery) -> Outcome:
    username = unit = name = ""
    if delivery.user is not None:
        name = delivery.user.full_name or delivery.user.username
        username = delivery.user.username
        unit = delivery.user.unit.short_name if delivery.user.unit_id else ""
    elif delivery.contact is not None:
        name = f"{delivery.contact.unit.short_name} {delivery.contact.name}"
        unit = delivery.contact.unit.short_name
    link = f"{settings.BULLETIN_SITE_URL.rstrip('/')}{delivery.link}" if delivery.link else ""
    message = Message(
        delivery_id=delivery.pk, kind=delivery.kind, address=delivery.address, recipient_name=name,
        subject=f"【杭州人大信息】{header_text(delivery.text, 40)}", text=delivery.text, link=link,
        recipient_username=username, recipient_unit=unit,
    )  # fmt: skip
    try:
        return channel(delivery.channel).send(message)
    except Exception as error:  # a channel's own fault must not lose the delivery's record
        log.exception("channel %s failed on delivery %s", delivery.channel, delivery.pk)
        return Outcome("retry", answer=f"发送程序出错：{type(error).__name__}")


def record_outcome(delivery: Delivery, outcome: Outcome) -> Delivery:
    """Write what an attempt (or a later check) came to on the delivery, and add it to the
    delivery's history (one entry per attempt: time, outcome, answer, the next attempt's time)."""
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
        elif delivery.provider_id and _asks_for_receipts(delivery.channel):
            # Taken by a provider that reports arrival (短信回执): ask again after a while.
            delivery.next_attempt_at = now + RECEIPT_CHECK_EVERY
    entry = {
        "at": now.isoformat(),
        "outcome": outcome.status,
        "answer": outcome.answer[:200],
        "next": delivery.next_attempt_at.isoformat() if delivery.next_attempt_at else None,
    }
    delivery.history = [*(delivery.history or []), entry]
    delivery.save(
        update_fields=[
            "status",
            "answer",
            "provider_id",
            "next_attempt_at",
            "sent_at",
            "finished_at",
            "history",
        ]
    )
    return delivery


def retry_due_deliveries(now: datetime.datetime | None = None) -> int:
    """Hand every delivery whose backoff has passed back to the worker, and every one whose
    sending lease ran out (a worker died while it sent; it may be sent twice — at least once
    is the rule): each is claimed (→ queued, next_attempt_at cleared, in one transaction,
    rows another sweep holds skipped), then one `deliver` task is enqueued per claimed row
    once the claim commits, so two sweeps never hand one delivery out twice. Registered in
    service.hooks.housekeeping (MessagingConfig.ready), so the worker sweeps on every
    heartbeat; quick — it sends nothing itself. At most 500 per sweep. Returns how many were
    claimed."""
    now = now or timezone.now()
    waiting = [Delivery.Status.RETRYING, Delivery.Status.QUEUED]
    with transaction.atomic():
        due = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(status__in=waiting, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:500]
        )
        if due:
            Delivery.objects.filter(pk__in=due, status__in=waiting).update(
                status=Delivery.Status.QUEUED, next_attempt_at=None
            )
            transaction.on_commit(lambda: _enqueue(due))
    return len(due)


# A provider's receipt (短信回执) usually comes within seconds to minutes; it is asked for every
# RECEIPT_CHECK_EVERY until RECEIPT_WINDOW after the send, then the delivery stays 已发送.
RECEIPT_CHECK_EVERY = datetime.timedelta(minutes=2)
RECEIPT_WINDOW = datetime.timedelta(days=1)


def _asks_for_receipts(name: str) -> bool:
    """Whether the channel `name` implements ChannelBase.check (a send-result query)."""
    try:
        return type(channel(name)).check is not ChannelBase.check
    except (KeyError, ImportError):
        return False


def check_due_receipts(now: datetime.datetime | None = None) -> int:
    """Hand every sent delivery whose next receipt check is due to the worker (one
    `check_receipt` task each, enqueued once the claim commits; the claim leases the row
    for SENDING_LEASE so two sweeps never ask twice). Registered in
    service.hooks.housekeeping beside retry_due_deliveries; sends nothing itself. At most 200
    per sweep. Returns how many were claimed."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(status=Delivery.Status.SENT, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:200]
        )
        if due:
            Delivery.objects.filter(pk__in=due, status=Delivery.Status.SENT).update(
                next_attempt_at=now + SENDING_LEASE
            )
            transaction.on_commit(lambda: _enqueue(due, "check_receipt"))
    return len(due)


def check_receipt(*, delivery_id: int) -> Delivery | None:
    """Ask the provider what became of one sent delivery: a receipt that says delivered or
    not delivered settles it (record_outcome); no receipt yet asks again after
    RECEIPT_CHECK_EVERY, until RECEIPT_WINDOW after the send, when it stays 已发送 and is asked
    no more. Returns the delivery, or None when it is gone or no longer 已发送."""
    delivery = Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.SENT).first()
    if delivery is None:
        return None
    try:
        outcome = channel(delivery.channel).check(delivery.provider_id)
    except Exception:  # a channel's own fault: the delivery stays as it is, asked again later
        log.exception("receipt check of delivery %s failed", delivery.pk)
        outcome = None
    if outcome is not None and outcome.status in ("delivered", "failed"):
        return record_outcome(delivery, outcome)
    now = timezone.now()
    sent_at = delivery.sent_at or delivery.created_at
    delivery.next_attempt_at = now + RECEIPT_CHECK_EVERY if now - sent_at < RECEIPT_WINDOW else None
    delivery.save(update_fields=["next_attempt_at"])
    return delivery


@transaction.atomic
def release_held_deliveries(*, user, delivery_ids: list[int], digest: Delivery | None) -> int:
    """The held e-mails `delivery_ids` of `user` went out in one daily digest: each becomes
    "digested", naming the digest's delivery (None: the digest reached no channel, and they are
    settled anyway so they are not told twice). Only rows still held are touched, so a digest
    run twice releases nothing twice. Returns how many were released."""
    now = timezone.now()
    answer = f"已并入每日汇总（送达记录 {digest.pk}）" if digest is not None else "已并入每日汇总"
    return Delivery.objects.filter(pk__in=delivery_ids, user=user, status=Delivery.Status.HELD).update(
        status=Delivery.Status.DIGESTED, answer=answer, finished_at=now
    )


def prune_deliveries(*, before: datetime.datetime) -> int:
    """Remove settled deliveries (sent, delivered, failed, or carried by a daily digest)
    created before `before`; ones still waiting, retrying or held for a digest stay whatever
    their age. Returns how many were removed."""
    settled = [
        Delivery.Status.DELIVERED, Delivery.Status.FAILED, Delivery.Status.SENT, Delivery.Status.DIGESTED,
    ]  # fmt: skip
    removed, _ = Delivery.objects.filter(created_at__lt=before, status__in=settled).delete()
    return removed
