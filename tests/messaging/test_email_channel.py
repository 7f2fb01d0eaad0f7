"""电子邮件 through a real SMTP conversation with a mail server on 127.0.0.1."""

import email
import email.policy
import socket

import pytest

from messaging.actions import deliveries
from messaging.models import Delivery, MessageKind
from tests.servers.smtp_server import SmtpServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    def start(**options) -> SmtpServer:
        server = SmtpServer(**options)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_TIMEOUT = 5
        return server

    return start


def mail_to(
    user, address: str, django_capture_on_commit_callbacks, text="稿件已退回修改\n请补充数据"
) -> Delivery:
    user.email = address
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        deliveries.send_message(kind=MessageKind.WORKFLOW, text=text, link="/unit/", users=[user])
    return Delivery.objects.get(user=user, channel="email")


def test_the_server_takes_the_mail(smtp, contributor, django_capture_on_commit_callbacks):
    with smtp() as server:
        delivery = mail_to(contributor, "xihu@example.gov.cn", django_capture_on_commit_callbacks)
    assert delivery.status == Delivery.Status.SENT
    [(sender, recipients, raw)] = server.messages
    assert recipients == ["xihu@example.gov.cn"]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    # The line break of the text does not reach the header: the subject is one line.
    assert message["Subject"].strip() == "【杭州人大信息】稿件已退回修改 请补充数据"
    assert "查看：http://" in message.get_content()


def test_a_refused_mailbox_fails_with_the_servers_words(
    smtp, contributor, django_capture_on_commit_callbacks
):
    with smtp(refuse={"nobody@example.gov.cn": (550, "5.1.1 mailbox unavailable")}) as server:
        delivery = mail_to(contributor, "nobody@example.gov.cn", django_capture_on_commit_callbacks)
    assert server.messages == []
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.answer == "邮件服务器拒收该地址：550 5.1.1 mailbox unavailable"


def test_a_busy_mailbox_is_tried_again(smtp, contributor, django_capture_on_commit_callbacks):
    with smtp(refuse={"busy@example.gov.cn": (450, "4.2.1 mailbox busy, try later")}):
        delivery = mail_to(contributor, "busy@example.gov.cn", django_capture_on_commit_callbacks)
    assert delivery.status == Delivery.Status.RETRYING
    assert "450 4.2.1 mailbox busy" in delivery.answer


def test_a_server_refusing_service_is_tried_again(smtp, contributor, django_capture_on_commit_callbacks):
    with smtp(greeting="421 4.3.2 service not available"):
        delivery = mail_to(contributor, "xihu@example.gov.cn", django_capture_on_commit_callbacks)
    assert delivery.status == Delivery.Status.RETRYING
    assert delivery.answer.startswith("邮件服务器未接收")


def test_a_server_that_is_down_is_tried_again(settings, contributor, django_capture_on_commit_callbacks):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    delivery = mail_to(contributor, "xihu@example.gov.cn", django_capture_on_commit_callbacks)
    assert delivery.status == Delivery.Status.RETRYING
    assert "Connection refused" in delivery.answer or "拒绝" in delivery.answer
    assert delivery.next_attempt_at is not None
