"""Webhook: every message POSTed as JSON to the office's own endpoint (BULLETIN_WEBHOOK_URL).

For an office that routes notices into a system of its own (an internal IM bot, a ticket
queue). The request:

    POST BULLETIN_WEBHOOK_URL
    Content-Type: application/json; charset=utf-8
    X-Bulletin-Timestamp: 1765158000            (Unix seconds, when the request was made)
    X-Bulletin-Signature: sha256=<hex>           (HMAC-SHA256 with BULLETIN_WEBHOOK_SECRET
                                                  over "<timestamp>.<body bytes>")
    X-Bulletin-Delivery: 42                      (the delivery id, the same on every retry)

    {"kind": "reminder", "text": "…", "link": "https://…/unit/",
     "recipient": {"username": "xihu", "name": "钱苏晚", "unit": "西湖区"},
     "delivery_id": 42, "sent_at": "2026-12-08T09:00:00+08:00"}

The receiver checks the signature and that the timestamp is recent (a replayed request is
old), and may use delivery_id to drop a repeat. Its answer: 2xx — taken ("sent", the body's
first 200 characters kept as the answer); 429 or 5xx — busy or down, try again later
(Retry-After, in seconds or as an HTTP date, is honoured, at most a day); any other 4xx —
refused, no retry, the answer kept; no answer within BULLETIN_WEBHOOK_TIMEOUT_SECONDS (at
most 60) or no connection — try again later.
"""

from __future__ import annotations

import datetime
import email.utils
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.utils import timezone

from messaging.channels.base import ChannelBase, Message, Outcome
from messaging.channels.provider_http import network_trouble

MAX_TIMEOUT_SECONDS = 60
MAX_RETRY_AFTER_SECONDS = 24 * 3600
ANSWER_CHARS = 200


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The X-Bulletin-Signature value: "sha256=" + HMAC-SHA256(secret, timestamp + "." + body)."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def retry_after_seconds(value: str | None, now: datetime.datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date, RFC 9110
    §10.2.3), at most a day; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(min(int(value), MAX_RETRY_AFTER_SECONDS))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    wait = (when - (now or timezone.now())).total_seconds()
    return float(min(max(wait, 0), MAX_RETRY_AFTER_SECONDS))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A signed body is for the configured URL only; a redirect is an answer to report.
    def redirect_request(self, *args, **kwargs):
        return None


class WebhookChannel(ChannelBase):
    name = "webhook"

    def configured(self) -> bool:
        return bool(settings.BULLETIN_WEBHOOK_URL)

    def address_of_user(self, user) -> str:
        # The endpoint is the office's: it tells people apart by their user name.
        return user.username

    def address_of_contact(self, contact) -> str:
        return f"单位联系人 {contact.pk}"

    def payload(self, message: Message) -> dict:
        return {
            "kind": message.kind,
            "text": message.text,
            "link": message.link,
            "recipient": {
                "username": message.recipient_username,
                "name": message.recipient_name,
                "unit": message.recipient_unit,
            },
            "delivery_id": message.delivery_id,
            "sent_at": timezone.localtime().isoformat(timespec="seconds"),
        }

    def send(self, message: Message) -> Outcome:
        body = json.dumps(self.payload(message), ensure_ascii=False).encode()
        timestamp = str(int(time.time()))
        request = urllib.request.Request(
            settings.BULLETIN_WEBHOOK_URL,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "bulletin-webhook/1",
                "X-Bulletin-Timestamp": timestamp,
                "X-Bulletin-Signature": signature(settings.BULLETIN_WEBHOOK_SECRET, timestamp, body),
                "X-Bulletin-Delivery": str(message.delivery_id),
            },
        )
        timeout = min(max(settings.BULLETIN_WEBHOOK_TIMEOUT_SECONDS, 1), MAX_TIMEOUT_SECONDS)
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=timeout) as response:
                text = _read(response)
                return Outcome("sent", answer=f"HTTP {response.status} {text}".strip())
        except urllib.error.HTTPError as error:
            text = _read(error)
            answer = f"HTTP {error.code} {text}".strip()
            if error.code == 429 or error.code >= 500:
                return Outcome(
                    "retry", answer=answer, retry_after=retry_after_seconds(error.headers.get("Retry-After"))
                )
            return Outcome("failed", answer=answer)
        except TimeoutError:
            return Outcome("retry", answer=f"Webhook 在 {timeout} 秒内没有答复")
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, TimeoutError):
                return Outcome("retry", answer=f"Webhook 在 {timeout} 秒内没有答复")
            return Outcome(
                "retry",
                answer=f"无法连接 Webhook：{network_trouble(reason) if isinstance(reason, BaseException) else reason}",
            )
        except OSError as error:
            return Outcome("retry", answer=f"无法连接 Webhook：{network_trouble(error)}")


def _read(response) -> str:
    try:
        raw = response.read(4096)
    except OSError:
        return ""
    return raw.decode("utf-8", errors="replace").strip()[:ANSWER_CHARS]
