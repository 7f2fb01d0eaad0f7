"""A local stand-in for 浙政钉's login host and open platform, for the 扫码/免登 sign-in tests.

It answers the requests accounts.zzd makes, as the 专有钉钉 open platform publishes them:

- ``GET /oauth2/auth.htm?response_type=code&client_id=…&redirect_uri=…&scope=get_user_info&authType=QRCODE&state=…``
  The QR page. When a person has "scanned" (``scan(account_id)``), it sends the browser back
  to ``redirect_uri?code=…&state=…`` as the real host does after the scan; otherwise it shows
  the page with the (placeholder) code.
- ``GET /gettoken.json?appkey=…&appsecret=…`` → ``content.data.accessToken``, ``expiresIn``.
- ``POST /rpc/oauth2/getuserinfo_bycode.json`` (access_token, code) and
  ``POST /rpc/oauth2/dingtalk_app_user.json`` (access_token, auth_code) → the person.

Every open-platform call must carry the zwdd SDK's HMAC-SHA256 signature (apiKey,
X-Hmac-Auth-Timestamp within five minutes, a nonce never seen before, X-Hmac-Auth-Signature
over method, timestamp, nonce, path and the sorted parameters); a bad one is refused by the
"gateway" (``success: false``, errorCode). The service's refusals are ``content.success:
false`` with a responseCode: a wrong app secret, an unknown or expired access token, a code
that is unknown, used or older than five minutes. The error codes are this server's own
(the platform's published list was not at hand); accounts.zzd relies only on the shape.

Started in a thread on a free port of 127.0.0.1 by ``running_zzd_login_server()``.
"""

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

CODE_SECONDS = 300
SKEW_SECONDS = 300
CHINA = timezone(timedelta(hours=8))


@dataclass
class ZzdLoginService:
    """The platform's state: the app, the people of the tenant, tokens and codes issued."""

    app_key: str
    app_secret: str
    people: dict[str, dict]  # accountId → {"accountId", "employeeCode", "lastName", …}
    token_seconds: int = 7200
    tokens: dict[str, float] = field(default_factory=dict)  # token → expires at
    codes: dict[str, tuple[str, float]] = field(default_factory=dict)  # code → (accountId, issued at)
    nonces: set[str] = field(default_factory=set)
    scanned: list[str] = field(default_factory=list)  # accountIds waiting at the QR page
    calls: list[tuple[str, str]] = field(default_factory=list)  # (method, path) of each call
    lock: threading.Lock = field(default_factory=threading.Lock)

    def scan(self, account_id: str) -> None:
        """The person scans the QR code: the next visit of the QR page sends them back."""
        with self.lock:
            self.scanned.append(str(account_id))

    def issue_code(self, account_id: str) -> str:
        """A login code for the person (the redirect's `code`, or the app's 免登 authCode)."""
        code = secrets.token_hex(16)
        with self.lock:
            self.codes[code] = (str(account_id), time.time())
        return code

    def expire_tokens(self) -> None:
        """Every access token issued so far ends now (as when the platform rotates them)."""
        with self.lock:
            self.tokens = dict.fromkeys(self.tokens, 0.0)

    def age_codes(self, seconds: float) -> None:
        with self.lock:
            self.codes = {code: (who, at - seconds) for code, (who, at) in self.codes.items()}

    def count(self, path: str) -> int:
        return sum(1 for _, called in self.calls if called == path)


def _answer(data) -> dict:
    return {
        "success": True,
        "content": {"success": True, "responseCode": "0", "responseMessage": "成功", "data": data},
    }


def _service_refusal(code: str, message: str) -> dict:
    return {"success": True, "content": {"success": False, "responseCode": code, "responseMessage": message}}


def _gateway_refusal(code: str, message: str) -> dict:
    return {"success": False, "errorCode": code, "errorMsg": message, "errorLevel": "error"}


class Handler(BaseHTTPRequestHandler):
    service: ZzdLoginService  # set on the subclass made per server

    def log_message(self, format, *args):  # noqa: A002 (the standard library's name)
        pass

    def _send_json(self, body: dict, status: int = 200) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        parts = urlsplit(self.path)
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        if parts.path == "/oauth2/auth.htm":
            return self._qr_page(params)
        if parts.path == "/gettoken.json":
            return self._open_platform("GET", parts.path, params)
        self._send_json(_gateway_refusal("404", "not found"), 404)

    def do_POST(self):
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8")
        params = dict(parse_qsl(body, keep_blank_values=True))
        self._open_platform("POST", parts.path, params)

    def _qr_page(self, params: dict) -> None:
        service = self.service
        wrong = [
            name
            for name, expected in (
                ("response_type", "code"),
                ("client_id", service.app_key),
                ("scope", "get_user_info"),
            )
            if params.get(name) != expected
        ]
        if wrong or not params.get("redirect_uri"):
            data = f"<p>参数错误：{', '.join(wrong) or 'redirect_uri'}</p>".encode()
            self.send_response(400)
            self.send_header("Content-Type", "text/html;charset=UTF-8")
            self.end_headers()
            self.wfile.write(data)
            return
        with service.lock:
            who = service.scanned.pop(0) if service.scanned else None
        if who is None:
            data = "<html><body><h1>浙政钉扫码登录</h1><p>请使用浙政钉扫描二维码</p></body></html>".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html;charset=UTF-8")
            self.end_headers()
            self.wfile.write(data)
            return
        back = {"code": service.issue_code(who), "state": params.get("state", "")}
        self.send_response(302)
        self.send_header("Location", f"{params['redirect_uri']}?{urlencode(back)}")
        self.end_headers()

    def _signature_problem(self, method: str, path: str, params: dict) -> str | None:
        service = self.service
        headers = self.headers
        if headers.get("apiKey") != service.app_key:
            return "apiKey 不存在"
        stamp = headers.get("X-Hmac-Auth-Timestamp", "")
        try:
            sent = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.000+08:00").replace(tzinfo=CHINA)
        except ValueError:
            return "X-Hmac-Auth-Timestamp 格式错误"
        skew = abs(time.time() - sent.timestamp())
        if skew > SKEW_SECONDS:
            return "请求已过期"
        nonce = headers.get("X-Hmac-Auth-Nonce", "")
        if not nonce or headers.get("X-Hmac-Auth-Version") != "1.0":
            return "缺少 X-Hmac-Auth-Nonce 或版本"
        text = f"{method}\n{stamp}\n{nonce}\n{path}"
        if params:
            text += "\n" + "&".join(sorted(f"{k}={v}" for k, v in params.items()))
        expected = base64.b64encode(
            hmac.new(service.app_secret.encode(), text.encode(), hashlib.sha256).digest()
        ).decode()
        if not hmac.compare_digest(expected, headers.get("X-Hmac-Auth-Signature", "")):
            return "签名错误"
        with service.lock:
            if nonce in service.nonces:
                return "nonce 重复"
            service.nonces.add(nonce)
        return None

    def _open_platform(self, method: str, path: str, params: dict) -> None:
        service = self.service
        with service.lock:
            service.calls.append((method, path))
        if problem := self._signature_problem(method, path, params):
            return self._send_json(_gateway_refusal("SignatureError", problem))
        if path == "/gettoken.json" and method == "GET":
            if params.get("appkey") != service.app_key or params.get("appsecret") != service.app_secret:
                return self._send_json(_service_refusal("InvalidAppSecret", "appkey 或 appsecret 错误"))
            token = secrets.token_hex(20)
            with service.lock:
                service.tokens[token] = time.time() + service.token_seconds
            return self._send_json(_answer({"accessToken": token, "expiresIn": service.token_seconds}))
        kinds = {
            "/rpc/oauth2/getuserinfo_bycode.json": "code",
            "/rpc/oauth2/dingtalk_app_user.json": "auth_code",
        }
        if method != "POST" or path not in kinds:
            return self._send_json(_gateway_refusal("ApiNotFound", f"{method} {path} 不存在"), 404)
        with service.lock:
            expires = service.tokens.get(params.get("access_token", ""))
            if expires is None:
                return self._send_json(_service_refusal("InvalidAccessToken", "access_token 无效"))
            if expires <= time.time():
                return self._send_json(_service_refusal("AccessTokenExpired", "access_token 已过期"))
            issued = service.codes.pop(params.get(kinds[path], ""), None)
        if issued is None:
            return self._send_json(_service_refusal("InvalidAuthCode", "临时授权码无效或已使用"))
        account_id, at = issued
        if time.time() - at > CODE_SECONDS:
            return self._send_json(_service_refusal("AuthCodeExpired", "临时授权码已过期"))
        person = service.people.get(account_id)
        if person is None:
            return self._send_json(_service_refusal("UserNotFound", "该账号不在本租户"))
        return self._send_json(_answer(person))


@contextmanager
def running_zzd_login_server(service: ZzdLoginService) -> Iterator[str]:
    """Serve `service` on a free port of 127.0.0.1; yields its base URL; stops after."""
    handler = type("BoundHandler", (Handler,), {"service": service})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
