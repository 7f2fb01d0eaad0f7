"""What every channel is: an address for a person or a contact, and one send.

A channel never raises for what the provider answers (an expired token, a rate limit, an
unknown user): it returns an Outcome that says what happened, with the provider's answer in
words, and whether a later attempt may succeed. It raises only for programming errors.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Message:
    """One message for one address. `link` is absolute (BULLETIN_SITE_URL + path) or ""."""

    delivery_id: int
    kind: str  # messaging.models.MessageKind value
    address: str  # what address_of_user/address_of_contact gave
    recipient_name: str  # 姓名 or 单位 联系人, for a greeting or a log line
    subject: str  # one line, no line breaks (mail subject, notice title)
    text: str  # the whole message, may hold line breaks
    link: str
    # Who it is for, for channels that pass them on (the webhook): the account's user name
    # ("" for a unit contact) and the unit's short name ("" for an account without a unit).
    recipient_username: str = ""
    recipient_unit: str = ""


@dataclass(frozen=True)
class Outcome:
    """What one attempt came to.

    status: "sent" (the provider took it), "delivered" (the provider says it arrived),
    "failed" (it will not arrive: unknown user, bad number — no retry), or "retry" (try
    again later: timeout, rate limit, provider down). `answer` is recorded on the delivery
    as the provider said it (truncated by the caller); `provider_id` names the message at the
    provider (a task id, a message id) for a later check; `retry_after` is in seconds when
    the provider said how long to wait.
    """

    status: Literal["sent", "delivered", "failed", "retry"]
    answer: str = ""
    provider_id: str = ""
    retry_after: float | None = None


class ChannelBase(abc.ABC):
    """A way to reach people. Subclasses set `name` (a messaging.models.Channel value)."""

    name: str = ""

    @abc.abstractmethod
    def configured(self) -> bool:
        """True when the environment configures this channel (a URL, a key …)."""

    @abc.abstractmethod
    def address_of_user(self, user) -> str:
        """The address this channel reaches an account at, or "" when it has none."""

    @abc.abstractmethod
    def address_of_contact(self, contact) -> str:
        """The address this channel reaches a messaging.models.UnitContact at, or ""."""

    @abc.abstractmethod
    def send(self, message: Message) -> Outcome:
        """One attempt to send `message`."""

    def check(self, provider_id: str) -> Outcome | None:
        """Ask the provider what became of a sent message (its send result); None where the
        provider has no such query or it says nothing yet."""
        return None
