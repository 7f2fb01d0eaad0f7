"""A delivery the provider turns away for now is retried with backoff by the worker's sweep."""

import datetime

import pytest
from django.utils import timezone

from messaging.actions import deliveries
from messaging.actions.deliveries import retry_due_deliveries
from messaging.models import ChannelChoice, Delivery, MessageKind
from service import hooks
from tests.servers.webhook_server import WebhookServer

pytestmark = pytest.mark.django_db

SECRET = "retry-secret"


@pytest.fixture
def webhook_to(settings):
    def configure(server: WebhookServer) -> WebhookServer:
        settings.BULLETIN_WEBHOOK_URL = server.url
        settings.BULLETIN_WEBHOOK_SECRET = SECRET
        return server

    return configure


def queue_one(user, django_capture_on_commit_callbacks) -> Delivery:
    ChannelChoice.objects.create(user=user, kind=MessageKind.REMINDER, channels=["webhook"])
    with django_capture_on_commit_callbacks(execute=True):
        deliveries.send_message(kind=MessageKind.REMINDER, text="请报送本月稿件", users=[user])
    return Delivery.objects.get(user=user, channel="webhook")


def sweep_when_due(delivery: Delivery, django_capture_on_commit_callbacks) -> Delivery:
    """The worker's sweep at the moment the delivery's backoff ends (and not a second before)."""
    due = delivery.next_attempt_at
    assert retry_due_deliveries(now=due - datetime.timedelta(seconds=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert retry_due_deliveries(now=due) == 1
    delivery.refresh_from_db()
    return delivery


def test_the_sweep_is_the_workers_housekeeping():
    assert retry_due_deliveries in hooks.housekeeping


def test_503_twice_then_200_is_sent_on_the_third_attempt(
    settings, webhook_to, contributor, django_capture_on_commit_callbacks
):
    settings.BULLETIN_DELIVERY_BACKOFF_SECONDS = 30
    script = [(503, {}, '{"error": "down"}'), (503, {}, '{"error": "still down"}'), (200, {}, '{"ok": true}')]
    with webhook_to(WebhookServer(secret=SECRET, script=script)) as server:
        delivery = queue_one(contributor, django_capture_on_commit_callbacks)
        assert delivery.status == Delivery.Status.RETRYING and delivery.attempts == 1
        delivery = sweep_when_due(delivery, django_capture_on_commit_callbacks)
        assert delivery.status == Delivery.Status.RETRYING and delivery.attempts == 2
        delivery = sweep_when_due(delivery, django_capture_on_commit_callbacks)
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 3
    assert delivery.answer == 'HTTP 200 {"ok": true}'
    assert [r.answered for r in server.received] == [503, 503, 200]
    assert all(r.signature_ok for r in server.received)
    # The same delivery id on every attempt, so the receiver can drop a repeat.
    assert {r.headers["X-Bulletin-Delivery"] for r in server.received} == {str(delivery.pk)}
    # The backoff of each attempt is on record: 30 s after the first, 30 × 4 after the second.
    history = delivery.history
    assert [entry["outcome"] for entry in history] == ["retry", "retry", "sent"]
    waits = [
        (
            datetime.datetime.fromisoformat(e["next"]) - datetime.datetime.fromisoformat(e["at"])
        ).total_seconds()
        for e in history[:2]
    ]
    assert waits == [30, 120]
    assert history[2]["next"] is None
    assert "still down" in history[1]["answer"]


def test_it_gives_up_after_the_last_attempt_with_the_last_answer(
    settings, webhook_to, contributor, django_capture_on_commit_callbacks
):
    settings.BULLETIN_DELIVERY_ATTEMPTS = 3
    script = [(503, {}, '{"n": 1}'), (502, {}, '{"n": 2}'), (500, {}, '{"n": 3}')]
    with webhook_to(WebhookServer(secret=SECRET, script=script)) as server:
        delivery = queue_one(contributor, django_capture_on_commit_callbacks)
        delivery = sweep_when_due(delivery, django_capture_on_commit_callbacks)
        delivery = sweep_when_due(delivery, django_capture_on_commit_callbacks)
        # Nothing more is due: the delivery is settled.
        assert retry_due_deliveries(now=timezone.now() + datetime.timedelta(days=1)) == 0
    assert len(server.received) == 3
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.get_status_display() == "发送失败"
    assert delivery.attempts == 3
    assert delivery.answer == 'HTTP 500 {"n": 3}'
    assert delivery.next_attempt_at is None and delivery.finished_at is not None


def test_a_claimed_delivery_is_not_handed_out_twice(
    settings, contributor, django_capture_on_commit_callbacks
):
    settings.BULLETIN_WEBHOOK_URL = "http://127.0.0.1:9/hook"
    delivery = queue_one(contributor, django_capture_on_commit_callbacks)
    assert delivery.status == Delivery.Status.RETRYING  # port 9: nobody listens
    # The first sweep claims it; its task has not run yet (callbacks not executed).
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert retry_due_deliveries(now=delivery.next_attempt_at) == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.QUEUED
    assert retry_due_deliveries(now=timezone.now() + datetime.timedelta(days=1)) == 0
    assert len(callbacks) == 1


def test_a_delivery_being_sent_is_not_sent_again_and_a_dead_workers_lease_runs_out(
    settings, contributor, django_capture_on_commit_callbacks
):
    settings.BULLETIN_WEBHOOK_URL = "http://127.0.0.1:9/hook"
    with django_capture_on_commit_callbacks(execute=False):
        ChannelChoice.objects.create(user=contributor, kind=MessageKind.REMINDER, channels=["webhook"])
        deliveries.send_message(kind=MessageKind.REMINDER, text="请报送", users=[contributor])
    delivery = Delivery.objects.get(user=contributor, channel="webhook")
    # A worker took it and died while sending: attempts counted, the lease set, no outcome.
    Delivery.objects.filter(pk=delivery.pk).update(
        attempts=1, next_attempt_at=timezone.now() + deliveries.SENDING_LEASE
    )
    assert deliveries.attempt_delivery(delivery_id=delivery.pk) is None  # taken: not sent twice
    assert retry_due_deliveries() == 0
    # Once the lease has run out the sweep hands it out again.
    later = timezone.now() + deliveries.SENDING_LEASE + datetime.timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert retry_due_deliveries(now=later) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.status == Delivery.Status.RETRYING
