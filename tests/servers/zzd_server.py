"""A local stand-in for the 专有钉钉 (浙政钉) open platform: /gettoken.json and
/message/workNotification, checked the way zwdd-sdk-java signs them, with errors on demand.

Every request must carry apiKey (the app key), X-Hmac-Auth-Version "1.0", an
X-Hmac-Auth-Timestamp within 15 minutes, an X-Hmac-Auth-Nonce not seen before, and an
X-Hmac-Auth-Signature equal to base64(HMAC-SHA256(app secret, method \\n timestamp \\n nonce
\\n path [\\n k=v&k=v…])) over the request's non-empty parameters sorted by name without
regard to case, values not URL-encoded — computed here from that rule, not by importing the
client. Answers have the SDK's shapes (OapiResponse, OapiSpResultContent).

The platform's error codes are not public; where the SDK fixes no code, this server's codes
are its own and say so: gateway refusals (HTTP 401, {"success": false, "Code",
"Message"}): InvalidApiKey, InvalidSignature, InvalidTimestamp, NonceUsed; API refusals
(HTTP 200, content.success false, responseCode/responseMessage): 40014 不合法的access_token
and 42001 access_token超时 (DingTalk's codes), InvalidAppSecret, TenantNotFound,
ReceiverNotFound, InvalidMsg, -1 系统繁忙; flow control is HTTP 429 with Retry-After.

    platform = start_zzd_server()
    platform.url, platform.received (the notices taken), platform.requests (every request)
    platform.token_requests          # how many tokens were handed out
    platform.expire_tokens()         # every token handed out so far is now expired
    platform.fail_next("rate_limit") # or "busy", "unavailable", "expired_token"
    platform.stop()
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import itertools
import json
import re
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

APP_KEY = "bulletin-test-app"
APP_SECRET = "zzd-test-secret-9f8e7d6c"
TENANT_ID = "196729"
ACCOUNTS = {"10001": "钱苏晚", "10002": "杨青青", "10003": "王五"}
TOKEN_LIFETIME = 7200
HEADERS = ("apiKey", "X-Hmac-Auth-Timestamp", "X-Hmac-Auth-Version", "X-Hmac-Auth-Nonce",
           "X-Hmac-Auth-Signature", "X-Hmac-Auth-IP", "X-Hmac-Auth-MAC")  # fmt: skip
MSG_TYPES = {"text", "link", "oa", "markdown", "action_card"}


def expected_signature(
    method: str, timestamp: str, nonce: str, path: str, params: list[tuple[str, str]]
) -> str:
    lines = [method, timestamp, nonce, path]
    pairs = sorted(((k, v) for k, v in params if k and v), key=lambda pair: (pair[0].lower(), pair[1]))
    if pairs:
        lines.append("&".join(f"{k}={v}" for k, v in pairs))
    digest = hmac.new(APP_SECRET.encode("utf-8"), "\n".join(lines).encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


class ZzdPlatform:
    def __init__(self) -> None:
        self.received: list[dict] = []
        self.requests: list[dict] = []
        self.token_requests = 0
        self.delay = 0.0
        self._tokens: dict[str, float] = {}
        self._nonces: set[str] = set()
        self._failures: list[str] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._stopped = False
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def expire_tokens(self) -> None:
        with self._lock:
            self._tokens = dict.fromkeys(self._tokens, 0.0)

    def fail_next(self, kind: str, times: int = 1) -> None:
        """The next `times` work notifications that pass the checks are answered with: a flow
        control (HTTP 429, Retry-After 30), "busy" (-1 系统繁忙), "unavailable" (HTTP 503) or
        "expired_token" (42001, whatever the token)."""
        assert kind in {"rate_limit", "busy", "unavailable", "expired_token"}, kind
        with self._lock:
            self._failures.extend([kind] * times)

    def stop(self) -> None:
        """Stop serving and free the port (a second call does nothing)."""
        if self._stopped:
            return
        self._stopped = True
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def answer(
        self, method: str, path: str, headers, params: list[tuple[str, str]]
    ) -> tuple[int, dict, dict]:
        with self._lock:
            self.requests.append({"method": method, "path": path, "params": dict(params)})
        if self.delay:
            time.sleep(self.delay)
        refusal = self._check_signature(method, path, headers, params)
        if refusal:
            return (
                401,
                {},
                {"success": False, "Code": refusal[0], "Message": refusal[1], "_RequestId": self._rid()},
            )
        values = dict(params)
        if path == "/gettoken.json" and method == "GET":
            return self._token(values)
        if path == "/message/workNotification" and method == "POST":
            return self._notify(values)
        return 404, {}, {"success": False, "Code": "ApiNotFound", "Message": f"接口不存在：{method} {path}"}

    def _rid(self) -> str:
        return f"zzd-test-{next(self._ids):06d}"

    def _check_signature(self, method, path, headers, params) -> tuple[str, str] | None:
        if any(not headers.get(name) for name in HEADERS):
            return "InvalidSignature", "签名头不完整"
        if headers["apiKey"] != APP_KEY:
            return "InvalidApiKey", "apiKey 不存在"
        if headers["X-Hmac-Auth-Version"] != "1.0":
            return "InvalidSignature", "签名版本不支持"
        try:
            stamp = datetime.datetime.fromisoformat(headers["X-Hmac-Auth-Timestamp"])
        except ValueError:
            return "InvalidTimestamp", "时间戳格式不正确"
        if stamp.tzinfo is None or abs((datetime.datetime.now(datetime.UTC) - stamp).total_seconds()) > 900:
            return "InvalidTimestamp", "时间戳已过期"
        nonce = headers["X-Hmac-Auth-Nonce"]
        if not nonce.isdigit():
            return "InvalidSignature", "随机数格式不正确"
        expected = expected_signature(method, headers["X-Hmac-Auth-Timestamp"], nonce, path, params)
        if not hmac.compare_digest(headers["X-Hmac-Auth-Signature"], expected):
            return "InvalidSignature", "签名校验失败"
        with self._lock:
            if nonce in self._nonces:
                return "NonceUsed", "随机数已使用"
            self._nonces.add(nonce)
        return None

    def _token(self, values: dict[str, str]) -> tuple[int, dict, dict]:
        if values.get("appkey") != APP_KEY or values.get("appsecret") != APP_SECRET:
            return _refused("InvalidAppSecret", "appkey 或 appsecret 不正确")
        token = f"app_{secrets.token_hex(12)}"
        with self._lock:
            self.token_requests += 1
            self._tokens[token] = time.time() + TOKEN_LIFETIME
        data = {"accessToken": token, "expiresIn": TOKEN_LIFETIME}
        return 200, {}, {"success": True, "content": {"success": True, "responseCode": "0", "data": data}}

    def _notify(self, values: dict[str, str]) -> tuple[int, dict, dict]:
        with self._lock:
            until = self._tokens.get(values.get("access_token", ""))
            failure = self._failures.pop(0) if self._failures else ""
        if until is None:
            return _refused("40014", "不合法的access_token")
        if until < time.time() or failure == "expired_token":
            return _refused("42001", "access_token超时")
        if failure == "rate_limit":
            return (
                429,
                {"Retry-After": "30"},
                {"success": False, "Code": "Throttling", "Message": "请求过于频繁"},
            )
        if failure == "unavailable":
            return 503, {}, {"success": False, "Code": "ServiceUnavailable", "Message": "服务暂不可用"}
        if failure == "busy":
            return _refused("-1", "系统繁忙")
        if values.get("tenantId") != TENANT_ID:
            return _refused("TenantNotFound", "租户不存在或应用未授权")
        receivers = [r for r in values.get("receiverIds", "").split(",") if r]
        unknown = [r for r in receivers if r not in ACCOUNTS]
        if not receivers or unknown:
            return _refused("ReceiverNotFound", f"接收人不存在：{','.join(unknown) or '空'}")
        try:
            msg = json.loads(values.get("msg", ""))
        except ValueError:
            return _refused("InvalidMsg", "msg 不是正确的 JSON")
        if not isinstance(msg, dict) or msg.get("msgtype") not in MSG_TYPES or not msg.get(msg["msgtype"]):
            return _refused("InvalidMsg", "msgtype 不正确")
        body = msg[msg["msgtype"]]
        if msg["msgtype"] == "text" and not body.get("content"):
            return _refused("InvalidMsg", "text.content 不能为空")
        if msg["msgtype"] == "oa":
            head = body.get("head") or {}
            if not (body.get("message_url", "").startswith(("http://", "https://")) and body.get("body")):
                return _refused("InvalidMsg", "oa 消息缺少 message_url 或 body")
            if not (
                re.fullmatch(r"[0-9A-Fa-f]{8}", head.get("bgcolor", ""))
                and 0 < len(head.get("text", "")) <= 10
            ):
                return _refused("InvalidMsg", "oa.head 需要 8 位十六进制的 bgcolor 和不超过 10 个字的 text")
        msg_id = secrets.token_hex(16)
        with self._lock:
            self.received.append(
                {
                    "msg_id": msg_id,
                    "receivers": receivers,
                    "biz_msg_id": values.get("bizMsgId", ""),
                    "msg": msg,
                }
            )
        return 200, {}, {"success": True, "content": {"success": True, "msgId": msg_id}}


def start_zzd_server() -> ZzdPlatform:
    """Start the platform on a free port of 127.0.0.1; call .stop() when done."""
    return ZzdPlatform()


def channel_settings(platform: ZzdPlatform) -> dict[str, str]:
    """The BULLETIN_ZZD_* settings that point the channel at `platform`."""
    return {
        "BULLETIN_ZZD_BASE_URL": platform.url,
        "BULLETIN_ZZD_APP_KEY": APP_KEY,
        "BULLETIN_ZZD_APP_SECRET": APP_SECRET,
        "BULLETIN_ZZD_TENANT_ID": TENANT_ID,
    }


def _refused(code: str, message: str) -> tuple[int, dict, dict]:
    return (
        200,
        {},
        {"success": True, "content": {"success": False, "responseCode": code, "responseMessage": message}},
    )


def _handler(platform: ZzdPlatform):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            parts = urllib.parse.urlsplit(self.path)
            self._reply("GET", parts.path, urllib.parse.parse_qsl(parts.query, keep_blank_values=True))

        def do_POST(self):
            parts = urllib.parse.urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8")
            params = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
            params += urllib.parse.parse_qsl(body, keep_blank_values=True)
            self._reply("POST", parts.path, params)

        def _reply(self, method, path, params):
            status, extra_headers, answer = platform.answer(method, path, self.headers, params)
            data = json.dumps(answer, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            for name, value in extra_headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json;charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format, *args):  # the test output stays quiet
            pass

    return Handler
