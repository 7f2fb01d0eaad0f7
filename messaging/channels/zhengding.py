"""浙政钉 工作通知 through the 专有钉钉 (政务钉钉) open platform, openplatform.dg-work.cn.

What this follows, and from where. The platform's own pages (openplatform-portal.dg-work.cn)
need an account; what is public is its Java SDK, zwdd-sdk-java 1.2.0 (package
com.alibaba.xxpt.gateway.shared), whose decompiled classes and many public clients of it
were read:

- Signing (client.sign.Signature, client.http.AbstractRequest): every request carries the
  headers X-Hmac-Auth-Timestamp (ISO 8601 with milliseconds and offset,
  "2026-12-08T09:30:00.123+08:00"), X-Hmac-Auth-Version ("1.0"), X-Hmac-Auth-Nonce (a
  number: the clock in nanoseconds followed by 4 random digits), apiKey (the app key),
  X-Hmac-Auth-IP and X-Hmac-Auth-MAC (the caller's address), and X-Hmac-Auth-Signature =
  base64(HMAC-SHA256(key = app secret, method "\\n" timestamp "\\n" nonce "\\n" path
  ["\\n" parameters])), where parameters are the request's non-empty name=value pairs, sorted
  by name without regard to case, values as they are (not URL-encoded), joined by "&".
- GET /gettoken.json?appkey=…&appsecret=… (OapiGettokenJsonRequest): answers
  {"success": true, "content": {"success": true, "responseCode": "0",
  "data": {"accessToken": "…", "expiresIn": 7200}}}. The token is cached per app until
  five minutes before it expires.
- POST /message/workNotification (OapiMessageWorkNotificationRequest), a form body
  (UrlEncodedFormEntity, UTF-8) of receiverIds (accountIds, comma-separated), tenantId,
  bizMsgId (ours: "bulletin-delivery-<id>", the same on every attempt so the platform can
  tell a repeat) and msg, a JSON message: {"msgtype": "text", "text": {"content"}} without
  a link, else an OA message {"msgtype": "oa", "oa": {"message_url", "pc_message_url",
  "head": {"bgcolor", "text"}, "body": {"title", "content"}}}. The answer's content carries msgId,
  kept as provider_id.
- Answers (client.http.api.OapiResponse, OapiSpResultContent): top level "success", with
  "Code"/"Message"/"bizErrorCode" when the gateway refuses (a bad signature, an unknown
  key); "content" with "success", "responseCode", "responseMessage" when the API refuses.

What we add and why. The SDK's work-notification request has no access_token field (its
gateway authenticates the app by the signature); the platform's other APIs that act for the
app (/rpc/oauth2/dingtalk_app_user.json, /get_jsapi_token.json) take access_token as a
parameter, and we pass it the same way on /message/workNotification, so an expired token is
noticed, refreshed once and the notice sent again. An answer whose code is 40014 (不合法的
access_token) or 42001 (access_token 超时) — DingTalk's codes; the 专有钉钉 list is not
public — or whose message names the token as expired or invalid, counts as an expired token.

The platform publishes no query for a work notification's delivery (the SDK's message APIs
are workNotification, revoke and changeMessageInfo), so check() has nothing to ask and a
notice stays "sent" (已发送) once the platform took it.

Not tried against the real platform: see docs/operations.md, "浙政钉与短信".
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import logging
import re
import secrets
import socket
import threading
import time
import urllib.parse
import uuid

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist

from messaging.channels.base import ChannelBase, Message, Outcome
from messaging.channels.provider_http import exchange, network_trouble

log = logging.getLogger(__name__)

TOKEN_PATH = "/gettoken.json"
SEND_PATH = "/message/workNotification"
# A token is renewed this long before the platform said it expires.
TOKEN_MARGIN_SECONDS = 300
EXPIRED_TOKEN_CODES = {"40014", "42001"}
EXPIRED_TOKEN_WORDS = re.compile(r"token.*(过期|失效|无效|不合法|expired|invalid)", re.IGNORECASE)
# Codes after which a later attempt may succeed: "系统繁忙" and the gateway's flow control.
RETRY_CODES = {"-1", "Throttling", "Throttling.User", "ServiceUnavailable"}

_tokens: dict[tuple[str, str], tuple[str, float]] = {}
_tokens_lock = threading.Lock()


class WorkNoticeChannel(ChannelBase):
    name = "zzd"

    def configured(self) -> bool:
        return all(
            (
                settings.BULLETIN_ZZD_BASE_URL,
                settings.BULLETIN_ZZD_APP_KEY,
                settings.BULLETIN_ZZD_APP_SECRET,
                settings.BULLETIN_ZZD_TENANT_ID,
            )
        )

    def address_of_user(self, user) -> str:
        try:
            details = user.contact_details
        except ObjectDoesNotExist:
            return ""
        return details.zzd_account_id.strip()

    def address_of_contact(self, contact) -> str:
        return contact.zzd_account_id.strip()

    def send(self, message: Message) -> Outcome:
        token = access_token()
        if isinstance(token, Outcome):
            return token
        outcome, expired = self._send_with(token, message)
        if not expired:
            return outcome
        forget_token()
        token = access_token()
        if isinstance(token, Outcome):
            return token
        outcome, expired = self._send_with(token, message)
        if expired:
            return Outcome("retry", answer=f"浙政钉 access_token 刷新后仍被拒绝：{outcome.answer}")
        return outcome

    def _send_with(self, token: str, message: Message) -> tuple[Outcome, bool]:
        params = {
            "access_token": token,
            "bizMsgId": f"bulletin-delivery-{message.delivery_id}",
            "msg": json.dumps(notice_body(message), ensure_ascii=False),
            "receiverIds": message.address,
            "tenantId": settings.BULLETIN_ZZD_TENANT_ID,
        }
        answer = _call("POST", SEND_PATH, params)
        if isinstance(answer, Outcome):
            return answer, False
        refusal = _refusal(answer)
        if refusal is not None:
            return refusal
        content = answer.get("content")
        if isinstance(content, str):
            try:
                content = json.loads(content)
            except ValueError:
                content = {"msgId": content}
        content = content if isinstance(content, dict) else {}
        inner = content.get("content") if isinstance(content.get("content"), dict) else {}
        msg_id = str(content.get("msgId") or inner.get("msgId") or content.get("data") or "")
        return Outcome(
            "sent", answer=f"浙政钉已接收（msgId {msg_id or '未返回'}）", provider_id=msg_id
        ), False


def notice_body(message: Message) -> dict:
    """The msg parameter: a text notice, or an OA notice that opens `message.link`."""
    if not message.link:
        return {"msgtype": "text", "text": {"content": message.text}}
    return {
        "msgtype": "oa",
        "oa": {
            "message_url": message.link,
            "pc_message_url": message.link,
            # DingTalk's OA message: head.bgcolor is 8 hex digits (alpha, then RGB), head.text
            # at most 10 characters.
            "head": {"bgcolor": "FFC8102E", "text": "杭州人大信息"},
            "body": {"title": message.subject.removeprefix("【杭州人大信息】"), "content": message.text},
        },
    }


def access_token() -> str | Outcome:
    """The app's access token, from the cache or from /gettoken.json; an Outcome when the
    platform gives none ("failed" for wrong credentials, "retry" when it cannot be reached)."""
    key = (settings.BULLETIN_ZZD_BASE_URL, settings.BULLETIN_ZZD_APP_KEY)
    with _tokens_lock:
        token, until = _tokens.get(key, ("", 0.0))
    if token and time.monotonic() < until:
        return token
    answer = _call(
        "GET",
        TOKEN_PATH,
        {"appkey": settings.BULLETIN_ZZD_APP_KEY, "appsecret": settings.BULLETIN_ZZD_APP_SECRET},
    )
    if isinstance(answer, Outcome):
        return answer
    refusal = _refusal(answer)
    if refusal is not None:
        outcome, _ = refusal
        return Outcome(outcome.status, answer=f"取浙政钉 access_token 未成功：{outcome.answer}")
    data = (answer.get("content") or {}).get("data") or {}
    token = str(data.get("accessToken", ""))
    if not token:
        return Outcome("retry", answer="取浙政钉 access_token 未成功：答复中没有 accessToken")
    try:
        lifetime = float(data.get("expiresIn", 7200))
    except (TypeError, ValueError):
        lifetime = 7200.0
    with _tokens_lock:
        _tokens[key] = (token, time.monotonic() + max(lifetime - TOKEN_MARGIN_SECONDS, 0))
    return token


def forget_token() -> None:
    """Drop the cached token of the configured app (the platform said it expired)."""
    with _tokens_lock:
        _tokens.pop((settings.BULLETIN_ZZD_BASE_URL, settings.BULLETIN_ZZD_APP_KEY), None)


def forget_all_tokens() -> None:
    """Drop every cached token (tests start from none)."""
    with _tokens_lock:
        _tokens.clear()


def signature_headers(
    method: str, path: str, params: dict[str, str], *, key: str, secret: str
) -> dict[str, str]:
    """The X-Hmac-Auth-* headers of one request, signed as zwdd-sdk-java's Signature does."""
    now = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8)))
    timestamp = now.isoformat(timespec="milliseconds")
    nonce = f"{time.time_ns()}{secrets.randbelow(10_000):04d}"
    pairs = sorted(((k, v) for k, v in params.items() if k and v), key=lambda pair: pair[0].lower())
    lines = [method, timestamp, nonce, path]
    if pairs:
        lines.append("&".join(f"{k}={v}" for k, v in pairs))
    digest = hmac.new(secret.encode("utf-8"), "\n".join(lines).encode("utf-8"), hashlib.sha256).digest()
    return {
        "X-Hmac-Auth-Timestamp": timestamp,
        "X-Hmac-Auth-Version": "1.0",
        "X-Hmac-Auth-Nonce": nonce,
        "apiKey": key,
        "X-Hmac-Auth-Signature": base64.b64encode(digest).decode("ascii"),
        "X-Hmac-Auth-IP": _local_ip(),
        "X-Hmac-Auth-MAC": "-".join(f"{uuid.getnode():012X}"[i : i + 2] for i in range(0, 12, 2)),
    }


def _call(method: str, path: str, params: dict[str, str]) -> dict | Outcome:
    """One signed request; the decoded JSON answer, or a "retry" Outcome when there is none
    (timeout, no connection, HTTP 429 or 5xx, a body that is not JSON)."""
    base = settings.BULLETIN_ZZD_BASE_URL.rstrip("/")
    headers = signature_headers(
        method, path, params, key=settings.BULLETIN_ZZD_APP_KEY, secret=settings.BULLETIN_ZZD_APP_SECRET
    )
    headers["Accept"] = "application/json"
    form = urllib.parse.urlencode(params)
    if method == "GET":
        url, body = f"{base}{path}?{form}", None
    else:
        url, body = f"{base}{path}", form.encode("utf-8")
        headers["Content-Type"] = "application/x-www-form-urlencoded; charset=UTF-8"
    try:
        status, response_headers, raw = exchange(url, method=method, body=body, headers=headers)
    except TimeoutError:
        return Outcome("retry", answer="浙政钉未在时限内答复")
    except OSError as error:
        # The path only: the query holds the app secret, the body the token.
        log.warning("zzd %s %s: %s", method, path, type(error).__name__)
        return Outcome("retry", answer=f"连不上浙政钉开放平台：{network_trouble(error)}")
    if status == 429 or status >= 500:
        wait = response_headers.get("retry-after", "")
        return Outcome(
            "retry",
            answer=f"浙政钉开放平台暂不可用（HTTP {status}）",
            retry_after=float(wait) if wait.isdigit() else None,
        )
    try:
        answer = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        answer = None
    if not isinstance(answer, dict):
        return Outcome("retry", answer=f"浙政钉的答复无法识别（HTTP {status}）")
    return answer


def _refusal(answer: dict) -> tuple[Outcome, bool] | None:
    """None when the platform took the request; else the Outcome and whether the refusal was
    for an expired token."""
    content = answer.get("content")
    if answer.get("success") is True and not (isinstance(content, dict) and content.get("success") is False):
        return None
    if answer.get("success") is not True:
        code = str(answer.get("bizErrorCode") or answer.get("Code") or answer.get("errorCode") or "")
        words = str(answer.get("Message") or answer.get("errorMsg") or "")
        where = "浙政钉网关拒绝请求"
    else:
        code = str(content.get("responseCode") or "")
        words = str(content.get("responseMessage") or "")
        where = "浙政钉拒绝发送"
    text = f"{where}：{words or '未说明原因'}（{code or '无错误码'}）"
    if code in EXPIRED_TOKEN_CODES or EXPIRED_TOKEN_WORDS.search(words):
        return Outcome("retry", answer=text), True
    if code in RETRY_CODES:
        return Outcome("retry", answer=text), False
    return Outcome("failed", answer=text), False


def _local_ip() -> str:
    """The address this machine reaches the platform from (X-Hmac-Auth-IP); a UDP socket's
    connect sends nothing."""
    host = urllib.parse.urlsplit(settings.BULLETIN_ZZD_BASE_URL).hostname or "127.0.0.1"
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect((host, 9))
            return probe.getsockname()[0]
    except OSError:
        return "127.0.0.1"
