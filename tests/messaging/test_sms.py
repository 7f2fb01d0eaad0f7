"""短信 through the SMS channel against the local Aliyun-style gateway (tests/servers/sms_server.py)."""

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest

from accounts.models import Unit
from messaging.actions import deliveries
from messaging.channels import channel
from messaging.channels.sms import mobile_number, percent_encode, rpc_signature, sms_text
from messaging.models import ContactDetails, Delivery, MessageKind, UnitContact
from tests.servers import sms_server

pytestmark = pytest.mark.django_db

PHONE = "13800000001"


@pytest.fixture
def contact():
    return UnitContact.objects.create(unit=Unit.objects.get(short_name="西湖区"), name="王五", mobile=PHONE)


def reach_contact(capture, contact, text="请于本周五前报送本月信息。", kind=MessageKind.REMINDER) -> Delivery:
    with capture(execute=True):
        deliveries.send_message(kind=kind, text=text, link="/submissions/", contacts=[contact])
    return Delivery.objects.get(contact=contact, channel="sms")


def test_a_contact_is_sent_a_text_message(sms_gateway, contact, django_capture_on_commit_callbacks):
    delivery = reach_contact(django_capture_on_commit_callbacks, contact)

    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 1
    assert delivery.address == PHONE
    [message] = sms_gateway.received
    assert message["phone"] == PHONE
    assert message["sign_name"] == "杭州人大"
    assert message["template"] == "SMS_100000002"  # the template the office approved for 催报
    assert message["variables"] == {"content": "请于本周五前报送本月信息。"}
    assert message["out_id"] == str(delivery.pk)
    assert delivery.provider_id == f"{message['biz_id']}:{PHONE}:{delivery.provider_id.rsplit(':', 1)[1]}"
    assert message["biz_id"] in delivery.answer


def test_a_kind_without_its_own_template_uses_the_generic_one(
    sms_gateway, contributor, django_capture_on_commit_callbacks
):
    ContactDetails.objects.create(user=contributor, mobile="+86 138-0000-0002")
    with django_capture_on_commit_callbacks(execute=True):
        deliveries.send_message(kind=MessageKind.COMMISSION, text="约稿：人大代表联络站", users=[contributor])
    # The office default is e-mail only; a person reaches SMS by choosing it.
    assert sms_gateway.received == []

    contributor.channel_choices.create(kind=MessageKind.COMMISSION, channels=["sms"])
    with django_capture_on_commit_callbacks(execute=True):
        deliveries.send_message(kind=MessageKind.COMMISSION, text="约稿：人大代表联络站", users=[contributor])
    [message] = sms_gateway.received
    assert message["phone"] == "13800000002"
    assert message["template"] == "SMS_100000001"


def test_a_long_text_is_cut_to_what_one_template_variable_holds(
    sms_gateway, contact, django_capture_on_commit_callbacks
):
    text = "关于报送2026年第四季度人大工作信息的通知：\n请各区县（市）人大常委会办公室于12月20日前报送，逾期不再收录。"
    delivery = reach_contact(django_capture_on_commit_callbacks, contact, text=text)

    assert delivery.status == Delivery.Status.SENT
    content = sms_gateway.received[0]["variables"]["content"]
    assert len(content) == 35
    assert content.endswith("…")
    assert "\n" not in content
    assert content[:-1] == " ".join(text.split())[:34]


def test_the_text_rule():
    assert sms_text("  两行\n文字  ", 35) == "两行 文字"
    assert sms_text("一" * 35, 35) == "一" * 35
    assert sms_text("一" * 36, 35) == "一" * 34 + "…"
    assert mobile_number("0086 138 0000 0003") == "13800000003"
    assert mobile_number("") == ""


def test_an_invalid_number_fails_with_the_providers_answer(
    sms_gateway, contact, django_capture_on_commit_callbacks
):
    contact.mobile = "1380000"
    contact.save()
    delivery = reach_contact(django_capture_on_commit_callbacks, contact)

    assert delivery.status == Delivery.Status.FAILED
    assert delivery.answer == "手机号码不正确（isv.MOBILE_NUMBER_ILLEGAL：非法手机号）"
    assert delivery.next_attempt_at is None
    assert sms_gateway.received == []


def test_a_template_the_provider_has_not_approved_fails(
    sms_gateway, settings, contact, django_capture_on_commit_callbacks
):
    settings.BULLETIN_SMS_TEMPLATE_CODES = {"reminder": "SMS_999"}
    delivery = reach_contact(django_capture_on_commit_callbacks, contact)

    assert delivery.status == Delivery.Status.FAILED
    assert delivery.answer.startswith("短信模板不存在或未通过审核（isv.SMS_TEMPLATE_ILLEGAL：")


def test_a_rate_limit_is_retried_after_the_minute_then_sent(
    sms_gateway, contact, django_capture_on_commit_callbacks
):
    sms_gateway.fail_next("isv.BUSINESS_LIMIT_CONTROL")
    delivery = reach_contact(django_capture_on_commit_callbacks, contact)

    assert delivery.status == Delivery.Status.RETRYING
    assert "触发短信服务方流控（isv.BUSINESS_LIMIT_CONTROL：触发分钟级流控Permits:1）" in delivery.answer
    assert delivery.sent_at is None
    assert 55 <= (delivery.next_attempt_at - delivery.created_at).total_seconds() <= 65
    assert sms_gateway.received == []

    delivery = deliveries.attempt_delivery(delivery_id=delivery.pk)
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 2
    assert len(sms_gateway.received) == 1


def test_a_provider_that_is_down_or_slow_is_retried(
    sms_gateway, settings, contact, django_capture_on_commit_callbacks
):
    sms_gateway.fail_next("ServiceUnavailable")
    delivery = reach_contact(django_capture_on_commit_callbacks, contact)
    assert delivery.status == Delivery.Status.RETRYING
    assert delivery.answer == "短信服务方暂不可用（HTTP 503）"

    settings.BULLETIN_PROVIDER_READ_TIMEOUT = 1
    sms_gateway.delay = 2
    delivery = deliveries.attempt_delivery(delivery_id=delivery.pk)
    assert delivery.status == Delivery.Status.RETRYING
    assert delivery.answer == "短信服务方未在时限内答复"


def test_the_gateway_refuses_a_request_signed_with_another_secret(
    sms_gateway, settings, contact, django_capture_on_commit_callbacks
):
    settings.BULLETIN_SMS_ACCESS_KEY_SECRET = "not-the-secret"
    delivery = reach_contact(django_capture_on_commit_callbacks, contact)

    assert delivery.status == Delivery.Status.FAILED
    assert delivery.answer.startswith("请求签名不正确（请核对 AccessKey Secret）（SignatureDoesNotMatch：")
    assert sms_gateway.received == []
    assert len(sms_gateway.requests) == 1
    assert "not-the-secret" not in delivery.answer


def test_the_receipt_says_delivered(sms_gateway, contact, django_capture_on_commit_callbacks):
    delivery = reach_contact(django_capture_on_commit_callbacks, contact)
    sms = channel("sms")
    assert sms.check(delivery.provider_id) is None  # 等待回执

    sms_gateway.report(sms_gateway.received[0]["biz_id"])
    outcome = sms.check(delivery.provider_id)
    assert outcome.status == "delivered"
    delivery = deliveries.record_outcome(delivery, outcome)
    assert delivery.status == Delivery.Status.DELIVERED
    assert delivery.finished_at is not None
    assert delivery.answer.startswith("短信已送达（DELIVERED，")
    queries = [r for r in sms_gateway.requests if r["Action"] == "QuerySendDetails"]
    assert {r["PhoneNumber"] for r in queries} == {PHONE}


def test_a_receipt_that_says_it_did_not_arrive_fails_the_delivery(
    sms_gateway, contact, django_capture_on_commit_callbacks
):
    delivery = reach_contact(django_capture_on_commit_callbacks, contact)
    sms_gateway.report(sms_gateway.received[0]["biz_id"], delivered=False, err_code="MK:0012")
    outcome = channel("sms").check(delivery.provider_id)
    assert (outcome.status, outcome.answer) == ("failed", "短信未送达：运营商回执 MK:0012")


def test_the_channel_is_configured_only_when_every_variable_is_set(sms_gateway, settings):
    assert channel("sms").configured()
    settings.BULLETIN_SMS_SIGN_NAME = ""
    assert not channel("sms").configured()


# The worked example of Aliyun's RPC signature reference (签名机制): DescribeRegions signed by
# GET with AccessKey Secret "testsecret".
DOCUMENTED = {
    "AccessKeyId": "testid",
    "Action": "DescribeRegions",
    "Format": "XML",
    "SignatureMethod": "HMAC-SHA1",
    "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
    "SignatureVersion": "1.0",
    "Timestamp": "2016-02-23T12:46:24Z",
    "Version": "2014-05-26",
}


def test_the_client_and_the_gateway_both_sign_the_documented_example():
    assert rpc_signature("GET", DOCUMENTED, "testsecret") == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
    assert sms_server.expected_signature("GET", DOCUMENTED, "testsecret") == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
    assert percent_encode("a b*c~d/测") == "a%20b%2Ac~d%2F%E6%B5%8B"


def test_the_gateway_refuses_a_replayed_request(sms_gateway, contact, django_capture_on_commit_callbacks):
    reach_contact(django_capture_on_commit_callbacks, contact)
    [taken] = sms_gateway.requests
    request = urllib.request.Request(
        sms_gateway.url, data=urllib.parse.urlencode(taken).encode(), method="POST"
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 400
    assert json.loads(refused.value.read())["Code"] == "SignatureNonceUsed"
    assert len(sms_gateway.received) == 1


def test_a_gateway_that_is_not_there_is_retried_and_the_secret_stays_out_of_the_log(
    sms_gateway, settings, contact, caplog, django_capture_on_commit_callbacks
):
    sms_gateway.stop()
    delivery = reach_contact(django_capture_on_commit_callbacks, contact)

    assert delivery.status == Delivery.Status.RETRYING
    assert delivery.answer == "连不上短信服务方：连接被拒绝（对方服务未启动，或地址、端口有误）"
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "sms SendSms: ConnectionRefusedError" in logged
    for secret in (settings.BULLETIN_SMS_ACCESS_KEY_SECRET, settings.BULLETIN_SMS_ACCESS_KEY_ID, PHONE):
        assert secret not in logged


def test_the_worker_asks_for_the_receipt_until_it_comes(
    sms_gateway, contact, django_capture_on_commit_callbacks
):
    """The housekeeping sweep (check_due_receipts) asks the gateway again and again; the
    receipt settles the delivery, and a settled delivery is not asked about any more."""
    import datetime

    from django.utils import timezone

    delivery = reach_contact(django_capture_on_commit_callbacks, contact)
    assert delivery.next_attempt_at is not None  # a first check is planned
    later = delivery.next_attempt_at + datetime.timedelta(seconds=1)
    assert deliveries.check_due_receipts(now=delivery.next_attempt_at - datetime.timedelta(seconds=1)) == 0

    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries.check_due_receipts(now=later) == 1  # no receipt yet: asked again later
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert delivery.next_attempt_at > timezone.now()

    sms_gateway.report(sms_gateway.received[0]["biz_id"])
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            deliveries.check_due_receipts(now=delivery.next_attempt_at + datetime.timedelta(seconds=1)) == 1
        )
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED
    assert delivery.next_attempt_at is None
    asked = len([r for r in sms_gateway.requests if r["Action"] == "QuerySendDetails"])
    assert asked == 2
    assert deliveries.check_due_receipts(now=timezone.now() + datetime.timedelta(days=2)) == 0


def test_a_delivery_without_a_receipt_for_a_day_stays_sent_and_is_asked_no_more(
    sms_gateway, contact, django_capture_on_commit_callbacks
):
    import datetime

    delivery = reach_contact(django_capture_on_commit_callbacks, contact)
    Delivery.objects.filter(pk=delivery.pk).update(sent_at=delivery.sent_at - datetime.timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        deliveries.check_due_receipts(now=delivery.next_attempt_at + datetime.timedelta(seconds=1))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.next_attempt_at) == (Delivery.Status.SENT, None)
