"""浙政钉 工作通知 through the channel against the local open platform (tests/servers/zzd_server.py)."""

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest

from messaging.actions import deliveries
from messaging.channels import channel
from messaging.channels.zhengding import signature_headers
from messaging.models import ContactDetails, Delivery, MessageKind
from tests.servers import zzd_server

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(contributor):
    """钱苏晚, who chose 浙政钉 for 稿件往来 and has an accountId."""
    ContactDetails.objects.create(user=contributor, zzd_account_id="10001")
    contributor.channel_choices.create(kind=MessageKind.WORKFLOW, channels=["zzd"])
    return contributor


def notify(capture, user, text="《西湖区人大开展代表联络站活动》已采用", link="/pieces/7/") -> Delivery:
    with capture(execute=True):
        reach = deliveries.send_message(kind=MessageKind.WORKFLOW, text=text, link=link, users=[user])
    return Delivery.objects.get(pk=next(d.pk for d in reach.deliveries if d.channel == "zzd"))


def sends(platform) -> list[dict]:
    return [r for r in platform.requests if r["path"] == "/message/workNotification"]


def test_a_work_notice_opens_the_piece(zzd_platform, settings, reader, django_capture_on_commit_callbacks):
    settings.BULLETIN_SITE_URL = "https://xinxi.hzrd.gov.cn"
    delivery = notify(django_capture_on_commit_callbacks, reader)

    assert delivery.status == Delivery.Status.SENT
    [notice] = zzd_platform.received
    assert notice["receivers"] == ["10001"]
    assert notice["biz_msg_id"] == f"bulletin-delivery-{delivery.pk}"
    assert notice["msg"]["msgtype"] == "oa"
    oa = notice["msg"]["oa"]
    assert oa["message_url"] == "https://xinxi.hzrd.gov.cn/pieces/7/"
    assert oa["body"] == {
        "title": "《西湖区人大开展代表联络站活动》已采用",
        "content": "《西湖区人大开展代表联络站活动》已采用",
    }
    assert delivery.provider_id == notice["msg_id"]
    assert delivery.answer == f"浙政钉已接收（msgId {notice['msg_id']}）"
    [request] = sends(zzd_platform)
    assert request["params"]["tenantId"] == zzd_server.TENANT_ID


def test_a_notice_without_a_link_is_text(zzd_platform, reader, django_capture_on_commit_callbacks):
    notify(django_capture_on_commit_callbacks, reader, text="本周五下午系统维护", link="")
    assert zzd_platform.received[0]["msg"] == {"msgtype": "text", "text": {"content": "本周五下午系统维护"}}


def test_the_access_token_is_fetched_once_and_kept(zzd_platform, reader, django_capture_on_commit_callbacks):
    for n in range(3):
        delivery = notify(django_capture_on_commit_callbacks, reader, text=f"第{n}条")
        assert delivery.status == Delivery.Status.SENT
    assert zzd_platform.token_requests == 1
    assert len(zzd_platform.received) == 3
    tokens = {r["params"]["access_token"] for r in sends(zzd_platform)}
    assert len(tokens) == 1


def test_an_expired_token_is_refreshed_once_and_the_notice_sent_again(
    zzd_platform, reader, django_capture_on_commit_callbacks
):
    notify(django_capture_on_commit_callbacks, reader, text="第一条")
    zzd_platform.expire_tokens()

    delivery = notify(django_capture_on_commit_callbacks, reader, text="第二条")

    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 1
    assert zzd_platform.token_requests == 2
    assert len(sends(zzd_platform)) == 3  # first notice, the refused one, the one sent again
    assert [n["msg"]["oa"]["body"]["content"] for n in zzd_platform.received] == ["第一条", "第二条"]


def test_a_token_refused_again_after_the_refresh_is_retried_later(
    zzd_platform, reader, django_capture_on_commit_callbacks
):
    zzd_platform.fail_next("expired_token", times=2)
    delivery = notify(django_capture_on_commit_callbacks, reader)

    assert delivery.status == Delivery.Status.RETRYING
    assert delivery.answer == "浙政钉 access_token 刷新后仍被拒绝：浙政钉拒绝发送：access_token超时（42001）"
    assert zzd_platform.token_requests == 2
    assert zzd_platform.received == []


def test_an_unknown_account_fails_with_the_platforms_answer(
    zzd_platform, reader, django_capture_on_commit_callbacks
):
    reader.contact_details.zzd_account_id = "99999"
    reader.contact_details.save()
    delivery = notify(django_capture_on_commit_callbacks, reader)

    assert delivery.status == Delivery.Status.FAILED
    assert delivery.answer == "浙政钉拒绝发送：接收人不存在：99999（ReceiverNotFound）"
    assert delivery.next_attempt_at is None


def test_flow_control_is_retried_when_the_platform_says_then_sent(
    zzd_platform, reader, django_capture_on_commit_callbacks
):
    zzd_platform.fail_next("rate_limit")
    delivery = notify(django_capture_on_commit_callbacks, reader)

    assert delivery.status == Delivery.Status.RETRYING
    assert delivery.answer == "浙政钉开放平台暂不可用（HTTP 429）"
    assert 25 <= (delivery.next_attempt_at - delivery.created_at).total_seconds() <= 35

    delivery = deliveries.attempt_delivery(delivery_id=delivery.pk)
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 2
    assert len(zzd_platform.received) == 1


def test_a_busy_or_slow_platform_is_retried(
    zzd_platform, settings, reader, django_capture_on_commit_callbacks
):
    zzd_platform.fail_next("busy")
    delivery = notify(django_capture_on_commit_callbacks, reader)
    assert delivery.status == Delivery.Status.RETRYING
    assert delivery.answer == "浙政钉拒绝发送：系统繁忙（-1）"

    settings.BULLETIN_PROVIDER_READ_TIMEOUT = 1
    zzd_platform.delay = 2
    delivery = deliveries.attempt_delivery(delivery_id=delivery.pk)
    assert delivery.status == Delivery.Status.RETRYING
    assert delivery.answer == "浙政钉未在时限内答复"


def test_the_platform_refuses_requests_signed_with_another_secret(
    zzd_platform, settings, reader, django_capture_on_commit_callbacks
):
    settings.BULLETIN_ZZD_APP_SECRET = "not-the-secret"
    delivery = notify(django_capture_on_commit_callbacks, reader)

    assert delivery.status == Delivery.Status.FAILED
    assert (
        delivery.answer
        == "取浙政钉 access_token 未成功：浙政钉网关拒绝请求：签名校验失败（InvalidSignature）"
    )
    assert zzd_platform.token_requests == 0
    assert "not-the-secret" not in delivery.answer


def test_the_signature_covers_every_parameter(zzd_platform, settings):
    """A request signed for one message and sent with another is refused: the platform
    checks the parameters, not only the headers."""
    params = {
        "tenantId": zzd_server.TENANT_ID,
        "receiverIds": "10001",
        "msg": '{"msgtype":"text","text":{"content":"甲"}}',
    }
    headers = signature_headers(
        "POST", "/message/workNotification", params, key=zzd_server.APP_KEY, secret=zzd_server.APP_SECRET
    )
    params["msg"] = '{"msgtype":"text","text":{"content":"乙"}}'
    request = urllib.request.Request(
        f"{zzd_platform.url}/message/workNotification",
        data=urllib.parse.urlencode(params).encode(),
        headers=headers,
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 401
    assert json.loads(refused.value.read())["Code"] == "InvalidSignature"


def test_there_is_no_delivery_query_to_ask(zzd_platform):
    assert channel("zzd").check("0f3e") is None


def test_the_channel_is_configured_only_when_every_variable_is_set(zzd_platform, settings, reader):
    zzd = channel("zzd")
    assert zzd.configured()
    assert zzd.address_of_user(reader) == "10001"
    settings.BULLETIN_ZZD_TENANT_ID = ""
    assert not zzd.configured()


def test_a_platform_that_is_not_there_is_retried_and_the_secret_stays_out_of_the_log(
    zzd_platform, settings, reader, caplog, django_capture_on_commit_callbacks
):
    zzd_platform.stop()
    delivery = notify(django_capture_on_commit_callbacks, reader)

    assert delivery.status == Delivery.Status.RETRYING
    assert delivery.answer == "连不上浙政钉开放平台：连接被拒绝（对方服务未启动，或地址、端口有误）"
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "zzd GET /gettoken.json: ConnectionRefusedError" in logged
    assert settings.BULLETIN_ZZD_APP_SECRET not in logged
