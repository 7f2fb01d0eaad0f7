"""电子邮件 through Django's mail settings (EMAIL_BACKEND, EMAIL_HOST …).

What the mail server answers decides the outcome (RFC 5321 §4.2.1): a permanent refusal
(5yz) of the recipient or the message — an unknown mailbox, a message refused — is "failed"
with the server's words; a transient one (4yz: mailbox busy, greylisting) and a server that
cannot be reached or drops the connection are "retry".
"""

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage

from messaging.channels.base import ChannelBase, Message, Outcome


def _words(code: int, text) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    return f"{code} {text}".strip()


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
            answers = "；".join(_words(code, text) for code, text in error.recipients.values())
            if all(code >= 500 for code, _ in error.recipients.values()):
                return Outcome("failed", answer=f"邮件服务器拒收该地址：{answers}")
            return Outcome("retry", answer=f"邮件服务器暂不接收该地址：{answers}")
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
            answer = _words(error.smtp_code, error.smtp_error)
            if error.smtp_code >= 500:
                return Outcome("failed", answer=f"邮件服务器拒收：{answer}")
            return Outcome("retry", answer=f"邮件服务器暂不接收：{answer}")
        except (OSError, smtplib.SMTPException) as error:
            # A mail server that is down, busy or drops the connection: try again later.
            return Outcome("retry", answer=f"邮件服务器未接收：{error or type(error).__name__}")
        return Outcome("sent", answer="邮件服务器已接收")
