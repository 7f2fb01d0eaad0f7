"""浙政钉 (专有钉钉) sign-in: the calls to its open platform that turn a login code into a person.

The flow, as the 专有钉钉 open platform publishes it for 扫码登录:

1. The browser goes to the login host's ``/oauth2/auth.htm`` with ``response_type=code``,
   ``client_id`` (the app key), ``redirect_uri``, ``scope=get_user_info``,
   ``authType=QRCODE`` and our ``state``; the person scans the code with the 浙政钉 app and
   the login host sends the browser back to ``redirect_uri?code=…&state=…``.
2. The server asks the open platform for the app's access token, ``GET /gettoken.json``
   with ``appkey`` and ``appsecret`` → ``content.data.accessToken`` and ``expiresIn``
   (seconds; 7200). It is kept in the cache until a minute before it ends.
3. ``POST /rpc/oauth2/getuserinfo_bycode.json`` with ``access_token`` and ``code`` →
   ``content.data``: ``accountId`` (number), ``employeeCode`` (GE_…), ``lastName``,
   ``nickNameCn``, ``account``, ``tenantUserId``, ``realmId``, ``realmName``, ``openid``.
   Inside the 浙政钉 app (免登) the page's ``authCode`` goes to
   ``POST /rpc/oauth2/dingtalk_app_user.json`` with ``access_token`` and ``auth_code``
   instead, answering the same fields.

Every call to the open platform is signed (the zwdd SDK's ExecutableClient): headers
``apiKey`` (the app key), ``X-Hmac-Auth-Timestamp`` (local time, ``2026-12-08T09:30:00.000+08:00``),
``X-Hmac-Auth-Nonce``, ``X-Hmac-Auth-Version: 1.0``, ``X-Hmac-Auth-IP``, ``X-Hmac-Auth-MAC``
and ``X-Hmac-Auth-Signature`` = base64(HMAC-SHA256(app secret, method \\n timestamp \\n
nonce \\n path [\\n sorted key=value&…])). An answer is ``{"success": true, "content":
{"success": true, "data": …}}``; a refusal by the gateway is ``success: false`` with
``errorCode``/``errorMsg``, one by the service ``content.success: false`` with
``responseCode``/``responseMessage``.
"""

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.core.cache import cache

TOKEN_PATH = "/gettoken.json"
USER_BY_CODE_PATH = "/rpc/oauth2/getuserinfo_bycode.json"
USER_BY_AUTH_CODE_PATH = "/rpc/oauth2/dingtalk_app_user.json"
# The token is dropped this long before the platform says it ends, so that no call is made
# with a token that expires on the way.
TOKEN_MARGIN_SECONDS = 60
CHINA = timezone(timedelta(hours=8))


class ZzdError(Exception):
    """The open platform could not be reached or refused a call. `message` is Chinese and
    fit for the login page; `code` is the platform's error code ("" when unreachable)."""

    def __init__(self, message: str, *, code: str = "", unreachable: bool = False):
        super().__init__(message)
        self.message = message
        self.code = code
        self.unreachable = unreachable


@dataclass(frozen=True)
class ZzdPerson:
    """Who 浙政钉 says signed in."""

    account_id: str
    employee_code: str
    name: str
    account: str


def configured() -> bool:
    """Whether 浙政钉扫码登录 is set up (app key, secret, the two hosts)."""
    return bool(
        settings.BULLETIN_ZZD_LOGIN_APP_KEY
        and settings.BULLETIN_ZZD_LOGIN_APP_SECRET
        and settings.BULLETIN_ZZD_LOGIN_URL
        and settings.BULLETIN_ZZD_LOGIN_API_URL
    )


def login_url(*, redirect_uri: str, state: str) -> str:
    """The 浙政钉 login page showing the QR code, sending the browser back to `redirect_uri`."""
    query = {
        "response_type": "code",
        "client_id": settings.BULLETIN_ZZD_LOGIN_APP_KEY,
        "redirect_uri": redirect_uri,
        "scope": "get_user_info",
        "authType": "QRCODE",
        "state": state,
    }
    return f"{settings.BULLETIN_ZZD_LOGIN_URL.rstrip('/')}/oauth2/auth.htm?{urlencode(query)}"


def canonical_params(params: dict[str, str]) -> str:
    """The parameters as they are signed: key=value pairs sorted, joined by &."""
    return "&".join(sorted(f"{key}={value}" for key, value in params.items()))


def signature(
    secret: str, *, method: str, timestamp: str, nonce: str, path: str, params: dict[str, str]
) -> str:
    """base64(HMAC-SHA256(secret, the request's canonical text)) — the zwdd SDK's signature."""
    text = f"{method}\n{timestamp}\n{nonce}\n{path}"
    if params:
        text += "\n" + canonical_params(params)
    digest = hmac.new(secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def _signed_headers(method: str, path: str, params: dict[str, str]) -> dict[str, str]:
    timestamp = datetime.now(CHINA).strftime("%Y-%m-%dT%H:%M:%S.000+08:00")
    nonce = f"{int(time.time() * 1000)}{secrets.randbelow(9000) + 1000}"
    return {
        "apiKey": settings.BULLETIN_ZZD_LOGIN_APP_KEY,
        "X-Hmac-Auth-Timestamp": timestamp,
        "X-Hmac-Auth-Nonce": nonce,
        "X-Hmac-Auth-Version": "1.0",
        "X-Hmac-Auth-IP": settings.BULLETIN_ZZD_LOGIN_CLIENT_IP,
        "X-Hmac-Auth-MAC": settings.BULLETIN_ZZD_LOGIN_CLIENT_MAC,
        "X-Hmac-Auth-Signature": signature(
            settings.BULLETIN_ZZD_LOGIN_APP_SECRET,
            method=method,
            timestamp=timestamp,
            nonce=nonce,
            path=path,
            params=params,
        ),
    }


def _call(method: str, path: str, params: dict[str, str]) -> dict:
    """One signed call; the answer's content.data, or ZzdError."""
    url = settings.BULLETIN_ZZD_LOGIN_API_URL.rstrip("/") + path
    headers = _signed_headers(method, path, params)
    timeout = settings.BULLETIN_ZZD_LOGIN_TIMEOUT_SECONDS
    try:
        if method == "GET":
            response = requests.get(url, params=params, headers=headers, timeout=timeout)
        else:
            response = requests.post(url, data=params, headers=headers, timeout=timeout)
        answer = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ZzdError(
            "浙政钉服务暂时无法访问，请稍后再试，或使用用户名和密码登录。", unreachable=True
        ) from error
    if not isinstance(answer, dict):
        raise ZzdError("浙政钉服务的应答无法识别，请稍后再试。", unreachable=True)
    if not answer.get("success"):
        code = str(answer.get("errorCode") or "")
        raise ZzdError(
            f"浙政钉拒绝了本系统的请求（{code}：{answer.get('errorMsg') or '未说明原因'}）。", code=code
        )
    content = answer.get("content") or {}
    if not content.get("success"):
        code = str(content.get("responseCode") or "")
        raise ZzdError(
            f"浙政钉未能完成登录（{code}：{content.get('responseMessage') or '未说明原因'}）。", code=code
        )
    return content.get("data") or {}


def _token_key() -> str:
    return f"zzd-login-token:{settings.BULLETIN_ZZD_LOGIN_APP_KEY}"


def access_token(*, fresh: bool = False) -> tuple[str, bool]:
    """The app's access token and whether it came from the cache (`fresh`: ask for a new one)."""
    if not fresh and (token := cache.get(_token_key())):
        return token, True
    data = _call(
        "GET",
        TOKEN_PATH,
        {"appkey": settings.BULLETIN_ZZD_LOGIN_APP_KEY, "appsecret": settings.BULLETIN_ZZD_LOGIN_APP_SECRET},
    )
    token = str(data.get("accessToken") or "")
    if not token:
        raise ZzdError("浙政钉没有给出访问令牌，请稍后再试。")
    try:
        lifetime = int(data.get("expiresIn") or 7200)
    except (TypeError, ValueError):
        lifetime = 7200
    cache.set(_token_key(), token, max(lifetime - TOKEN_MARGIN_SECONDS, 1))
    return token, False


def _person(path: str, code_name: str, code: str) -> ZzdPerson:
    """The person behind a login code. When the platform refuses a cached token (it ended
    early, or the app was reset) the token is replaced once and the call repeated; a refusal
    is taken to be the token's when its code or message names the token (the platform's
    list of error codes is not relied on), so a bad code costs no new token."""
    token, cached = access_token()
    try:
        data = _call("POST", path, {"access_token": token, code_name: code})
    except ZzdError as error:
        if error.unreachable or not cached or "token" not in f"{error.code} {error.message}".lower():
            raise
        token, _ = access_token(fresh=True)
        data = _call("POST", path, {"access_token": token, code_name: code})
    account_id = str(data.get("accountId") or "").strip()
    if not account_id:
        raise ZzdError("浙政钉没有给出登录人的账号，请重新扫码。")
    return ZzdPerson(
        account_id=account_id,
        employee_code=str(data.get("employeeCode") or "").strip(),
        name=str(data.get("lastName") or data.get("nickNameCn") or "").strip(),
        account=str(data.get("account") or "").strip(),
    )


def person_by_code(code: str) -> ZzdPerson:
    """扫码登录: the person behind the `code` the login host sent back."""
    return _person(USER_BY_CODE_PATH, "code", code)


def person_by_auth_code(auth_code: str) -> ZzdPerson:
    """免登 inside the 浙政钉 app: the person behind the page's `authCode`."""
    return _person(USER_BY_AUTH_CODE_PATH, "auth_code", auth_code)
