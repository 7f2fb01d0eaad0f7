"""The webhook channel against a receiver on 127.0.0.1 that checks the signature."""

import datetime
import email.utils
import json
import socket

import pytest
from django.utils import timezone

from messaging.actions import deliveries
from messaging.channels.webhook import WebhookChannel, retry_after_seconds
from messaging.models import ChannelChoice, Delivery, MessageKind
from tests.servers.webhook_server import WebhookServer

pytestmark = pytest.mark.django_db

SECRET = "s3cret-shared-with-the-receiver"


@pytest.fixture
def webhook(settings):
    def start(**options):
        server = WebhookServer(secret=SECRET, **options)
        settings.BULLETIN_WEBHOOK_URL = server.url
        settings.BULLETIN_WEBHOOK_SECRET = SECRET
        return server

    return start


def send(user, django_capture_on_commit_callbacks, text="稿件已采用", link="/unit/") -> Delivery:
    ChannelChoice.objects.update_or_create(
        user=user, kind=MessageKind.WORKFLOW, defaults={"channels": ["webhook"]}
    )
    with django_capture_on_commit_callbacks(execute=True):
        deliveries.send_message(kind=MessageKind.WORKFLOW, text=text, link=link, users=[user])
    return Delivery.objects.get(user=user, channel="webhook")


def test_a_signed_message_is_taken(webhook, contributor, settings, django_capture_on_commit_callbacks):
    settings.BULLETIN_SITE_URL = "https://xinxi.example.gov.cn"
    with webhook(script=[(200, {}, '{"id": "m-1"}')]) as server:
        delivery = send(contributor, django_capture_on_commit_callbacks, text="稿件已采用\n第二行")
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 1
    assert delivery.answer == 'HTTP 200 {"id": "m-1"}'
    [request] = server.received
    assert request.signature_ok
    assert request.headers["X-Bulletin-Delivery"] == str(delivery.pk)
    payload = request.payload
    assert payload["kind"] == "workflow"
    assert payload["text"] == "稿件已采用\n第二行"
    assert payload["link"] == "https://xinxi.example.gov.cn/unit/"
    assert payload["recipient"] == {"username": "xihu", "name": "钱苏晚", "unit": "西湖区"}
    assert payload["delivery_id"] == delivery.pk
    sent_at = datetime.datetime.fromisoformat(payload["sent_at"])
    assert abs((sent_at - timezone.now()).total_seconds()) < 60
    # The body is UTF-8 JSON as signed: Chinese is not escaped.
    assert "稿件已采用".encode() in request.body
    assert json.loads(request.body) == payload


def test_a_wrong_secret_is_refused_by_the_receiver(
    webhook, contributor, settings, django_capture_on_commit_callbacks
):
    with webhook() as server:
        settings.BULLETIN_WEBHOOK_SECRET = "not-the-receivers-secret"
        delivery = send(contributor, django_capture_on_commit_callbacks)
    assert [r.signature_ok for r in server.received] == [False]
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.answer == 'HTTP 401 {"error": "signature mismatch"}'
    assert delivery.next_attempt_at is None


def test_a_4xx_answer_fails_without_retry(webhook, contributor, django_capture_on_commit_callbacks):
    with webhook(script=[(404, {}, '{"error": "unknown user xihu"}')]):
        delivery = send(contributor, django_capture_on_commit_callbacks)
    assert delivery.status == Delivery.Status.FAILED
    assert "unknown user xihu" in delivery.answer
    assert delivery.finished_at is not None
    assert delivery.history[-1]["outcome"] == "failed"


def test_429_waits_as_long_as_the_receiver_asks(webhook, contributor, django_capture_on_commit_callbacks):
    with webhook(script=[(429, {"Retry-After": "90"}, '{"error": "slow down"}')]):
        before = timezone.now()
        delivery = send(contributor, django_capture_on_commit_callbacks)
    assert delivery.status == Delivery.Status.RETRYING
    wait = (delivery.next_attempt_at - before).total_seconds()
    assert 89 <= wait <= 95
    assert "slow down" in delivery.answer


def test_a_receiver_that_hangs_is_given_up_on_after_the_timeout(
    webhook, contributor, settings, django_capture_on_commit_callbacks
):
    settings.BULLETIN_WEBHOOK_TIMEOUT_SECONDS = 1
    with webhook(delay=3):
        started = timezone.now()
        delivery = send(contributor, django_capture_on_commit_callbacks)
        took = (timezone.now() - started).total_seconds()
    assert took < 2.5
    assert delivery.status == Delivery.Status.RETRYING
    assert delivery.answer == "Webhook 在 1 秒内没有答复"


def test_a_closed_port_is_tried_again(contributor, settings, django_capture_on_commit_callbacks):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.BULLETIN_WEBHOOK_URL = f"http://127.0.0.1:{port}/hook"
    settings.BULLETIN_WEBHOOK_SECRET = SECRET
    delivery = send(contributor, django_capture_on_commit_callbacks)
    assert delivery.status == Delivery.Status.RETRYING
    assert delivery.answer.startswith("无法连接 Webhook")


def test_the_channel_is_offered_only_with_a_url(settings, contributor):
    settings.BULLETIN_WEBHOOK_URL = ""
    assert not WebhookChannel().configured()
    settings.BULLETIN_WEBHOOK_URL = "http://127.0.0.1:9/hook"
    assert WebhookChannel().configured()
    assert WebhookChannel().address_of_user(contributor) == "xihu"


def test_retry_after_as_seconds_or_an_http_date():
    now = datetime.datetime(2026, 12, 8, 9, 0, tzinfo=datetime.UTC)
    assert retry_after_seconds("120", now) == 120
    later = email.utils.format_datetime(now + datetime.timedelta(minutes=5), usegmt=True)
    assert retry_after_seconds(later, now) == 300
    assert retry_after_seconds("9999999", now) == 24 * 3600
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds(None, now) is None
