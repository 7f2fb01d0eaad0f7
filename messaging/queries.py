"""Reads of the messaging app: which channels reach a person for a kind of message."""

from django.conf import settings

from messaging.channels import configured_channels
from messaging.models import Channel, ChannelChoice


def office_default(kind: str) -> list[str]:
    """The office's channels for `kind` (BULLETIN_CHANNEL_DEFAULTS), without 站内通知."""
    defaults = settings.BULLETIN_CHANNEL_DEFAULTS
    return [name for name in defaults.get(kind, defaults.get("*", [])) if name != Channel.INAPP]


def chosen_channels(users, kind: str) -> dict[int, list[str]]:
    """{user id: channels beyond 站内通知} for `kind`: the person's choice, else the office
    default; only channels this installation has configured. One query."""
    configured = set(configured_channels())
    choices = dict(ChannelChoice.objects.filter(user__in=users, kind=kind).values_list("user_id", "channels"))
    default = office_default(kind)
    return {user.pk: [name for name in choices.get(user.pk, default) if name in configured] for user in users}


def contact_channels() -> list[str]:
    """The channels a unit contact is reached by (BULLETIN_CONTACT_CHANNELS), configured ones only."""
    configured = set(configured_channels())
    return [name for name in settings.BULLETIN_CONTACT_CHANNELS if name in configured]
