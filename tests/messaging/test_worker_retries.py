"""The real worker process sends a delivery, and its housekeeping sweeps the retry."""

import pytest

from messaging.actions import deliveries
from messaging.models import ChannelChoice, Delivery, MessageKind
from service.models import WorkerHeartbeat
from tests.servers.webhook_server import WebhookServer
from tests.service.test_worker import DATABASE_TASKS, start_worker, wait_for

SECRET = "worker-webhook-secret"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_retries_a_busy_receiver_until_it_takes_the_message(
    settings, monkeypatch, tmp_path, contributor
):
    settings.TASKS = DATABASE_TASKS
    script = [(503, {"Retry-After": "1"}, '{"error": "busy"}'), (200, {}, '{"ok": true}')]
    with WebhookServer(secret=SECRET, script=script) as server:
        # The worker process reads its configuration from the environment, as in production.
        monkeypatch.setenv("BULLETIN_WEBHOOK_URL", server.url)
        monkeypatch.setenv("BULLETIN_WEBHOOK_SECRET", SECRET)
        settings.BULLETIN_WEBHOOK_URL = server.url
        ChannelChoice.objects.create(user=contributor, kind=MessageKind.REMINDER, channels=["webhook"])
        worker = start_worker(tmp_path, quiet=True)
        try:
            wait_for(lambda: WorkerHeartbeat.objects.exists())
            deliveries.send_message(kind=MessageKind.REMINDER, text="请报送本月稿件", users=[contributor])
            delivery = Delivery.objects.get(user=contributor, channel="webhook")

            def settled() -> bool:
                delivery.refresh_from_db()
                return delivery.status == Delivery.Status.SENT

            wait_for(settled, timeout=60)
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    assert [r.answered for r in server.received] == [503, 200]
    assert delivery.attempts == 2
    assert [entry["outcome"] for entry in delivery.history] == ["retry", "sent"]
