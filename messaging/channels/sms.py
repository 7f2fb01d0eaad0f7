"""短信 through Aliyun's SMS service (dysmsapi, API version 2017-05-25): SendSms to send,
QuerySendDetails for the delivery receipt.

What this follows, from Aliyun's published API reference (help.aliyun.com, 短信服务 › API
参考: SendSms, QuerySendDetails, 签名机制 of the RPC-style API, 错误码):

- Every call is one HTTP request to BULLETIN_SMS_URL (https://dysmsapi.aliyuncs.com/) with
  the common parameters Action, Version=2017-05-25, Format=JSON, RegionId, AccessKeyId,
  SignatureMethod=HMAC-SHA1, SignatureVersion=1.0, SignatureNonce (unique per request),
  Timestamp (UTC, ISO 8601 "YYYY-MM-DDThh:mm:ssZ") and Signature. We POST them as an
  application/x-www-form-urlencoded body (the reference allows GET and POST; a body keeps
  the numbers out of proxies' URL logs).
- Signature (签名机制, RPC style): percent-encode every name and value as RFC 3986 does
  (unreserved A–Z a–z 0–9 - _ . ~ kept, everything else %XY in upper case, a space is %20),
  sort the pairs by name, join name=value with "&" into the canonicalized query string;
  StringToSign = "POST" + "&" + encode("/") + "&" + encode(canonicalized query string);
  Signature = base64(HMAC-SHA1(key = AccessKeySecret + "&", StringToSign)).
- SendSms: PhoneNumbers, SignName, TemplateCode, TemplateParam (a JSON object of the
  template's variables), OutId (ours: the delivery's id). Answer: {"Code": "OK",
  "Message": "OK", "BizId": "…", "RequestId": "…"}; any other Code is an error (the table
  below). Gateway errors (a bad signature, an unknown key) come with HTTP 400/403/404 and the
  same Code/Message shape.
- QuerySendDetails: PhoneNumber, BizId, SendDate (yyyyMMdd, Beijing time), PageSize,
  CurrentPage. Answer: SmsSendDetailDTOs.SmsSendDetailDTO[] with SendStatus 1 (等待回执),
  2 (发送失败) or 3 (发送成功), ErrCode ("DELIVERED" or the carrier's code), ReceiveDate.
  Since the query needs the number and the day, provider_id is "BizId:phone:yyyyMMdd".

The text: SMS templates are approved by the provider, so the message goes into one
variable (BULLETIN_SMS_TEMPLATE_PARAM, "content") of an approved template
(BULLETIN_SMS_TEMPLATE_CODES for the kind, else BULLETIN_SMS_TEMPLATE_CODE). Aliyun allows
at most 35 characters in one variable of a notification template (BULLETIN_SMS_PARAM_LIMIT),
and no link in a variable, so the text is made one line and cut to the limit with "…" at
the end; the link is not sent (the template itself names the site).

Not tried against the real service: see docs/operations.md, "浙政钉与短信".
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import logging
import re
import urllib.parse
import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist

from messaging.channels.base import ChannelBase, Message, Outcome
from messaging.channels.provider_http import exchange, network_trouble

log = logging.getLogger(__name__)

API_VERSION = "2017-05-25"
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")

# Aliyun's error codes (短信服务 › 错误码中心 and the common RPC errors) in the words the
# delivery record shows; the raw code is always kept beside them.
CODE_WORDS = {
    "isv.BUSINESS_LIMIT_CONTROL": "发送过于频繁，触发短信服务方流控",
    "isv.DAY_LIMIT_CONTROL": "已达该号码当日发送上限",
    "Throttling.User": "调用过于频繁，短信服务方限流",
    "Throttling": "调用过于频繁，短信服务方限流",
    "isp.SYSTEM_ERROR": "短信服务方系统错误",
    "ServiceUnavailable": "短信服务暂不可用",
    "SignatureNonceUsed": "请求随机数重复",
    "isv.MOBILE_NUMBER_ILLEGAL": "手机号码不正确",
    "isv.MOBILE_COUNT_OVER_LIMIT": "手机号码数量超过上限",
    "isv.SMS_TEMPLATE_ILLEGAL": "短信模板不存在或未通过审核",
    "isv.SMS_SIGNATURE_ILLEGAL": "短信签名不存在或未通过审核",
    "isv.TEMPLATE_MISSING_PARAMETERS": "短信模板的变量缺少内容",
    "isv.PARAM_LENGTH_LIMIT": "短信模板的变量超出长度限制",
    "isv.INVALID_PARAMETERS": "请求参数不正确",
    "isv.INVALID_JSON_PARAM": "模板变量不是正确的 JSON",
    "isv.BLACK_KEY_CONTROL_LIMIT": "短信内容含有不允许发送的词语",
    "isv.AMOUNT_NOT_ENOUGH": "短信账户余额不足",
    "isv.OUT_OF_SERVICE": "短信业务已停机",
    "isv.ACCOUNT_NOT_EXISTS": "短信账户不存在",
    "isv.ACCOUNT_ABNORMAL": "短信账户异常",
    "isp.RAM_PERMISSION_DENY": "该 AccessKey 没有发短信的权限",
    "SignatureDoesNotMatch": "请求签名不正确（请核对 AccessKey Secret）",
    "IncompleteSignature": "请求签名不完整",
    "InvalidAccessKeyId.NotFound": "AccessKey ID 不存在",
    "InvalidAccessKeyId.Inactive": "AccessKey 已停用",
    "InvalidTimeStamp.Expired": "请求时间与服务方相差过大（请核对服务器时钟）",
}
# Codes after which a later attempt may succeed; every other code fails the delivery.
RETRY_CODES = {
    "isv.BUSINESS_LIMIT_CONTROL",
    "isv.DAY_LIMIT_CONTROL",
    "Throttling.User",
    "Throttling",
    "isp.SYSTEM_ERROR",
    "ServiceUnavailable",
    "SignatureNonceUsed",
}


class SmsChannel(ChannelBase):
    name = "sms"

    def configured(self) -> bool:
        return all(
            (
                settings.BULLETIN_SMS_URL,
                settings.BULLETIN_SMS_ACCESS_KEY_ID,
                settings.BULLETIN_SMS_ACCESS_KEY_SECRET,
                settings.BULLETIN_SMS_SIGN_NAME,
                settings.BULLETIN_SMS_TEMPLATE_CODE or settings.BULLETIN_SMS_TEMPLATE_CODES,
            )
        )

    def address_of_user(self, user) -> str:
        try:
            details = user.contact_details
        except ObjectDoesNotExist:
            return ""
        return mobile_number(details.mobile)

    def address_of_contact(self, contact) -> str:
        return mobile_number(contact.mobile)

    def send(self, message: Message) -> Outcome:
        template = (
            settings.BULLETIN_SMS_TEMPLATE_CODES.get(message.kind) or settings.BULLETIN_SMS_TEMPLATE_CODE
        )
        if not template:
            return Outcome("failed", answer=f"未配置该类消息的短信模板（{message.kind}）")
        content = sms_text(message.text, settings.BULLETIN_SMS_PARAM_LIMIT)
        params = {
            "Action": "SendSms",
            "PhoneNumbers": message.address,
            "SignName": settings.BULLETIN_SMS_SIGN_NAME,
            "TemplateCode": template,
            "TemplateParam": json.dumps({settings.BULLETIN_SMS_TEMPLATE_PARAM: content}, ensure_ascii=False),
            "OutId": str(message.delivery_id),
        }
        sent_on = datetime.datetime.now(BEIJING).strftime("%Y%m%d")
        answer = _call(params)
        if isinstance(answer, Outcome):
            return answer
        code = str(answer.get("Code", ""))
        if code == "OK" and answer.get("BizId"):
            return Outcome(
                "sent",
                answer=f"短信服务方已接收（BizId {answer['BizId']}）：{content}",
                provider_id=f"{answer['BizId']}:{message.address}:{sent_on}",
            )
        return _refusal(code, str(answer.get("Message", "")))

    def check(self, provider_id: str) -> Outcome | None:
        """The delivery receipt through QuerySendDetails: "delivered" for SendStatus 3,
        "failed" for 2 (with the carrier's ErrCode), None while it waits (1) or when the
        query itself gets no answer (a failed query must not turn a sent message into a
        retry, which would send it twice)."""
        biz_id, _, rest = provider_id.partition(":")
        phone, _, sent_on = rest.partition(":")
        if not (biz_id and phone and sent_on):
            return None
        params = {
            "Action": "QuerySendDetails",
            "PhoneNumber": phone,
            "BizId": biz_id,
            "SendDate": sent_on,
            "PageSize": "10",
            "CurrentPage": "1",
        }
        answer = _call(params)
        if isinstance(answer, Outcome) or answer.get("Code") != "OK":
            return None
        details = (answer.get("SmsSendDetailDTOs") or {}).get("SmsSendDetailDTO") or []
        for detail in details:
            status = str(detail.get("SendStatus", ""))
            err_code = str(detail.get("ErrCode", ""))
            if status == "3":
                return Outcome(
                    "delivered", answer=f"短信已送达（{err_code}，{detail.get('ReceiveDate', '')}）"
                )
            if status == "2":
                return Outcome("failed", answer=f"短信未送达：运营商回执 {err_code}")
        return None


def mobile_number(value: str) -> str:
    """A mainland mobile number as SendSms wants it: digits only, without +86/0086
    ("+86 138-0000-0000" → "13800000000"); "" for an empty value. Whether the number is real
    is the provider's call (isv.MOBILE_NUMBER_ILLEGAL), recorded on the delivery."""
    digits = re.sub(r"[\s\-()]", "", value or "")
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    return digits


def sms_text(text: str, limit: int) -> str:
    """`text` as one template variable: line breaks and runs of spaces become one space, and
    a text longer than `limit` characters is cut to limit - 1 characters plus "…"."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[: limit - 1] + "…"


def percent_encode(value: str) -> str:
    """RFC 3986 percent-encoding as Aliyun's signature rule asks (a space is %20, ~ kept)."""
    return urllib.parse.quote(value, safe="~")


def rpc_signature(method: str, params: dict[str, str], secret: str) -> str:
    """Aliyun's RPC signature (SignatureVersion 1.0, HMAC-SHA1) of `params` sent by `method`.
    The reference's example (DescribeRegions, secret "testsecret", GET) gives
    "OLeaidS1JvxuMvnyHOwuJ+uX5qY="."""
    canonical = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()))
    to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def signed_body(params: dict[str, str], *, key_id: str, secret: str, region: str) -> str:
    """The form body of one call: `params` plus the common parameters, signed."""
    full = {
        "Format": "JSON",
        "Version": API_VERSION,
        "RegionId": region,
        "AccessKeyId": key_id,
        "SignatureMethod": "HMAC-SHA1",
        "SignatureVersion": "1.0",
        "SignatureNonce": uuid.uuid4().hex,
        "Timestamp": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        **params,
    }
    full["Signature"] = rpc_signature("POST", full, secret)
    return "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in full.items())


def _call(params: dict[str, str]) -> dict | Outcome:
    """One signed call; the decoded JSON answer, or a "retry" Outcome when there is none
    (timeout, connection refused, a 5xx or a body that is not JSON)."""
    body = signed_body(
        params,
        key_id=settings.BULLETIN_SMS_ACCESS_KEY_ID,
        secret=settings.BULLETIN_SMS_ACCESS_KEY_SECRET,
        region=settings.BULLETIN_SMS_REGION,
    )
    try:
        status, headers, raw = exchange(
            settings.BULLETIN_SMS_URL,
            method="POST",
            body=body.encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                "Accept": "application/json",
            },
        )
    except TimeoutError:
        return Outcome("retry", answer="短信服务方未在时限内答复")
    except OSError as error:
        # The action's name only: the body holds the key id and the number.
        log.warning("sms %s: %s", params["Action"], type(error).__name__)
        return Outcome("retry", answer=f"连不上短信服务方：{network_trouble(error)}")
    if status >= 500 or status == 429:
        return Outcome(
            "retry", answer=f"短信服务方暂不可用（HTTP {status}）", retry_after=_retry_after(headers)
        )
    try:
        answer = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return Outcome("retry", answer=f"短信服务方的答复无法识别（HTTP {status}）")
    if not isinstance(answer, dict):
        return Outcome("retry", answer=f"短信服务方的答复无法识别（HTTP {status}）")
    return answer


def _refusal(code: str, provider_message: str) -> Outcome:
    words = CODE_WORDS.get(code, "短信服务方拒绝发送")
    answer = f"{words}（{code or '无错误码'}：{provider_message}）"
    if code in RETRY_CODES:
        return Outcome("retry", answer=answer, retry_after=_limit_wait(code, provider_message))
    return Outcome("failed", answer=answer)


def _limit_wait(code: str, provider_message: str) -> float | None:
    """How long a rate limit lasts, from the level Aliyun names in its message (触发分钟级/
    小时级/天级流控): a minute, an hour, or until midnight Beijing time."""
    if code == "isv.DAY_LIMIT_CONTROL" or "天级" in provider_message:
        now = datetime.datetime.now(BEIJING)
        midnight = datetime.datetime.combine(
            now.date() + datetime.timedelta(days=1), datetime.time(), BEIJING
        )
        return (midnight - now).total_seconds()
    if "小时级" in provider_message:
        return 3600
    if "分钟级" in provider_message:
        return 60
    return None


def _retry_after(headers: dict[str, str]) -> float | None:
    value = headers.get("retry-after", "")
    return float(value) if value.isdigit() else None
