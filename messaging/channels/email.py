"""电子邮件 through Django's mail settings (EMAIL_BACKEND, EMAIL_HOST …)."""

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage

from messaging.channels.base import ChannelBase, Message, Outcome


class EmailChannel(ChannelBase):
    name = "email"

    def configured(self) -> bool:
        return bool(settings.EMAIL_BACKEND)

    def address_of_user(self, user) -> str:
        return user.email or ""

    def address_of_contact(self, contact) -> str:
        return contact.email or ""

    def send(self, message: Message) -> Outcome:
        body = message.text + (f"\n\n查看：{message.link}" if message.link else "")
        try:
            EmailMessage(message.subject, body, None, [message.address]).send()
        except smtplib.SMTPRecipientsRefused as error:
            return Outcome("failed", answer=f"邮件服务器拒收该地址：{error.recipients}")
        except (OSError, smtplib.SMTPException) as error:
            # A mail server that is down or busy: try again later.
            return Outcome("retry", answer=f"邮件服务器未接收：{error}")
        return Outcome("sent", answer="邮件服务器已接收")
