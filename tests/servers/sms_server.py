"""A local stand-in for Aliyun's SMS API (dysmsapi 2017-05-25): SendSms and QuerySendDetails,
checked the way the service documents it, with its errors on demand.

It checks what Aliyun checks before it sends: the AccessKeyId is known, the Timestamp is
within 15 minutes, the SignatureNonce was not used before, and the Signature matches the
one computed here from the documented rule (签名机制, RPC style: RFC 3986 encoding, sorted
pairs, "POST&%2F&" + encoded query, HMAC-SHA1 with secret + "&", base64); then the sign
name and template are approved ones, the number is a mainland mobile, TemplateParam is a
JSON object holding every variable of the template, each at most 35 characters. Answers
have Aliyun's shape: {"Code", "Message", "RequestId", "BizId"}.

    gateway = start_sms_server()
    gateway.url                      # http://127.0.0.1:PORT/
    gateway.received                 # the messages taken (one dict per SendSms that was "OK")
    gateway.requests                 # every request, as its decoded parameters
    gateway.fail_next("isv.BUSINESS_LIMIT_CONTROL")   # the next SendSms gets this error
    gateway.report(biz_id)           # its receipt says delivered (SendStatus 3)
    gateway.stop()

The signature is computed here from the rule, not by importing the client, so a mistake in
the client's signing is caught.
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

KEY_ID = "LTAI-test-key-id"
KEY_SECRET = "test-secret-0123456789abcdef"
SIGN_NAME = "杭州人大"
GENERIC_TEMPLATE = "SMS_100000001"
REMINDER_TEMPLATE = "SMS_100000002"
# Approved templates and their variables ("${content}").
TEMPLATES = {GENERIC_TEMPLATE: ["content"], REMINDER_TEMPLATE: ["content"]}
VARIABLE_LIMIT = 35
UNRESERVED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")
MOBILE = re.compile(r"^1[3-9]\d{9}$")

# Documented errors: code → (HTTP status, Message as the service words it).
ERRORS = {
    "isv.BUSINESS_LIMIT_CONTROL": (200, "触发分钟级流控Permits:1"),
    "isv.DAY_LIMIT_CONTROL": (200, "触发日发送限额"),
    "isv.MOBILE_NUMBER_ILLEGAL": (200, "非法手机号"),
    "isv.SMS_TEMPLATE_ILLEGAL": (200, "该账号下找不到对应模板"),
    "isv.SMS_SIGNATURE_ILLEGAL": (200, "该账号下找不到对应签名"),
    "isv.TEMPLATE_MISSING_PARAMETERS": (200, "模板变量中存在未赋值变量"),
    "isv.PARAM_LENGTH_LIMIT": (200, "参数超出长度限制"),
    "isv.INVALID_JSON_PARAM": (200, "JSON参数不合法，只接受字符串值"),
    "isv.AMOUNT_NOT_ENOUGH": (200, "账户余额不足"),
    "isp.SYSTEM_ERROR": (200, "isp.SYSTEM_ERROR"),
    "SignatureDoesNotMatch": (400, "Specified signature is not matched with our calculation."),
    "InvalidAccessKeyId.NotFound": (404, "Specified access key is not found."),
    "InvalidTimeStamp.Expired": (400, "Specified time stamp or date value is expired."),
    "SignatureNonceUsed": (400, "Specified signature nonce was used already."),
    "MissingParameter": (
        400,
        "The input parameter that is mandatory for processing this request is not supplied.",
    ),
    "InvalidAction.NotFound": (400, "Specified api is not found, please check your url and method."),
    "ServiceUnavailable": (503, "The request has failed due to a temporary failure of the server."),
}
COMMON = ("AccessKeyId", "Action", "Format", "RegionId", "SignatureMethod", "SignatureNonce",
          "SignatureVersion", "Timestamp", "Version", "Signature")  # fmt: skip


def rfc3986(value: str) -> str:
    """Percent-encoding per RFC 3986, written out byte by byte (Aliyun: unreserved characters
    stay, every other byte is %XY in upper case; so a space is %20 and "*" is %2A)."""
    return "".join(chr(b) if chr(b) in UNRESERVED else f"%{b:02X}" for b in value.encode("utf-8"))


def expected_signature(method: str, params: dict[str, str], secret: str) -> str:
    canonical = "&".join(f"{rfc3986(k)}={rfc3986(params[k])}" for k in sorted(params) if k != "Signature")
    string_to_sign = f"{method}&{rfc3986('/')}&{rfc3986(canonical)}"
    digest = hmac.new((secret + "&").encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


class SmsGateway:
    """The running server and what it holds; thread-safe for the handler threads."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.requests: list[dict] = []
        self.delay = 0.0  # seconds to wait before answering (a slow provider)
        self._failures: list[str] = []
        self._nonces: set[str] = set()
        self._records: dict[str, dict] = {}
        self._lock = threading.Lock()
        self._stopped = False
        self._ids = itertools.count(1)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def fail_next(self, code: str, times: int = 1) -> None:
        """The next `times` SendSms calls that pass the signature check get `code` (a key of
        ERRORS) instead of being sent."""
        assert code in ERRORS, code
        with self._lock:
            self._failures.extend([code] * times)

    def report(self, biz_id: str, *, delivered: bool = True, err_code: str = "") -> None:
        """The carrier's receipt for a message: SendStatus 3 (DELIVERED) or 2 (err_code)."""
        with self._lock:
            record = self._records[biz_id]
            record["SendStatus"] = 3 if delivered else 2
            record["ErrCode"] = "DELIVERED" if delivered else (err_code or "MK:0001")
            record["ReceiveDate"] = _beijing().strftime("%Y-%m-%d %H:%M:%S")

    def stop(self) -> None:
        """Stop serving and free the port (a second call does nothing)."""
        if self._stopped:
            return
        self._stopped = True
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # The service's behaviour, called by the handler.

    def answer(self, method: str, params: dict[str, str]) -> tuple[int, dict]:
        with self._lock:
            self.requests.append(dict(params))
        if self.delay:
            time.sleep(self.delay)
        request_id = f"TEST-{next(self._ids):06d}"
        refusal = self._check_request(method, params)
        if refusal:
            return _error(refusal, request_id)
        if params["Action"] == "SendSms":
            return self._send(params, request_id)
        if params["Action"] == "QuerySendDetails":
            return self._query(params, request_id)
        return _error("InvalidAction.NotFound", request_id)

    def _check_request(self, method: str, params: dict[str, str]) -> str:
        if any(name not in params for name in COMMON):
            return "MissingParameter"
        if params["AccessKeyId"] != KEY_ID:
            return "InvalidAccessKeyId.NotFound"
        try:
            stamp = datetime.datetime.strptime(params["Timestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(
                tzinfo=datetime.UTC
            )
        except ValueError:
            return "InvalidTimeStamp.Expired"
        if abs((datetime.datetime.now(datetime.UTC) - stamp).total_seconds()) > 15 * 60:
            return "InvalidTimeStamp.Expired"
        if params["SignatureMethod"] != "HMAC-SHA1" or params["SignatureVersion"] != "1.0":
            return "SignatureDoesNotMatch"
        if not hmac.compare_digest(params["Signature"], expected_signature(method, params, KEY_SECRET)):
            return "SignatureDoesNotMatch"
        with self._lock:
            if params["SignatureNonce"] in self._nonces:
                return "SignatureNonceUsed"
            self._nonces.add(params["SignatureNonce"])
        if params["Version"] != "2017-05-25":
            return "InvalidAction.NotFound"
        return ""

    def _send(self, params: dict[str, str], request_id: str) -> tuple[int, dict]:
        with self._lock:
            failure = self._failures.pop(0) if self._failures else ""
        if failure:
            return _error(failure, request_id)
        for name in ("PhoneNumbers", "SignName", "TemplateCode"):
            if not params.get(name):
                return _error("MissingParameter", request_id)
        if not MOBILE.match(params["PhoneNumbers"]):
            return _error("isv.MOBILE_NUMBER_ILLEGAL", request_id)
        if params["SignName"] != SIGN_NAME:
            return _error("isv.SMS_SIGNATURE_ILLEGAL", request_id)
        if params["TemplateCode"] not in TEMPLATES:
            return _error("isv.SMS_TEMPLATE_ILLEGAL", request_id)
        try:
            variables = json.loads(params.get("TemplateParam", "{}"))
        except ValueError:
            return _error("isv.INVALID_JSON_PARAM", request_id)
        if not isinstance(variables, dict) or not all(isinstance(v, str) for v in variables.values()):
            return _error("isv.INVALID_JSON_PARAM", request_id)
        if any(not variables.get(name) for name in TEMPLATES[params["TemplateCode"]]):
            return _error("isv.TEMPLATE_MISSING_PARAMETERS", request_id)
        if any(len(value) > VARIABLE_LIMIT for value in variables.values()):
            return _error("isv.PARAM_LENGTH_LIMIT", request_id)
        biz_id = f"{secrets.randbelow(10**15):015d}^{next(self._ids)}"
        now = _beijing()
        message = {
            "biz_id": biz_id,
            "phone": params["PhoneNumbers"],
            "sign_name": params["SignName"],
            "template": params["TemplateCode"],
            "variables": variables,
            "out_id": params.get("OutId", ""),
        }
        with self._lock:
            self.received.append(message)
            self._records[biz_id] = {
                "PhoneNum": params["PhoneNumbers"],
                "SendStatus": 1,
                "ErrCode": "",
                "TemplateCode": params["TemplateCode"],
                "Content": f"【{params['SignName']}】{variables.get('content', '')}",
                "SendDate": now.strftime("%Y-%m-%d %H:%M:%S"),
                "ReceiveDate": "",
                "OutId": params.get("OutId", ""),
                "_day": now.strftime("%Y%m%d"),
            }
        return 200, {"Code": "OK", "Message": "OK", "BizId": biz_id, "RequestId": request_id}

    def _query(self, params: dict[str, str], request_id: str) -> tuple[int, dict]:
        for name in ("PhoneNumber", "SendDate", "PageSize", "CurrentPage"):
            if not params.get(name):
                return _error("MissingParameter", request_id)
        with self._lock:
            found = [
                {k: v for k, v in record.items() if not k.startswith("_")}
                for biz_id, record in self._records.items()
                if record["PhoneNum"] == params["PhoneNumber"]
                and record["_day"] == params["SendDate"]
                and (not params.get("BizId") or biz_id == params["BizId"])
            ]
        return 200, {
            "Code": "OK",
            "Message": "OK",
            "RequestId": request_id,
            "TotalCount": len(found),
            "SmsSendDetailDTOs": {"SmsSendDetailDTO": found},
        }


def start_sms_server() -> SmsGateway:
    """Start the gateway on a free port of 127.0.0.1; call .stop() when done."""
    return SmsGateway()


def channel_settings(gateway: SmsGateway) -> dict[str, object]:
    """The BULLETIN_SMS_* settings that point the channel at `gateway`."""
    return {
        "BULLETIN_SMS_URL": gateway.url,
        "BULLETIN_SMS_REGION": "cn-hangzhou",
        "BULLETIN_SMS_ACCESS_KEY_ID": KEY_ID,
        "BULLETIN_SMS_ACCESS_KEY_SECRET": KEY_SECRET,
        "BULLETIN_SMS_SIGN_NAME": SIGN_NAME,
        "BULLETIN_SMS_TEMPLATE_CODE": GENERIC_TEMPLATE,
        "BULLETIN_SMS_TEMPLATE_CODES": {"reminder": REMINDER_TEMPLATE},
        "BULLETIN_SMS_TEMPLATE_PARAM": "content",
        "BULLETIN_SMS_PARAM_LIMIT": VARIABLE_LIMIT,
    }


def _beijing() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8)))


def _error(code: str, request_id: str) -> tuple[int, dict]:
    status, message = ERRORS[code]
    return status, {
        "Code": code,
        "Message": message,
        "RequestId": request_id,
        "HostId": "dysmsapi.aliyuncs.com",
    }


def _handler(gateway: SmsGateway):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8")
            self._reply("POST", body)

        def do_GET(self):
            self._reply("GET", urllib.parse.urlsplit(self.path).query)

        def _reply(self, method: str, query: str) -> None:
            params = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
            status, answer = gateway.answer(method, params)
            data = json.dumps(answer, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json;charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format, *args):  # the test output stays quiet
            pass

    return Handler
