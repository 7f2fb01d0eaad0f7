"""The office's channel settings, checked when the app starts.

config/settings.py reads BULLETIN_CHANNELS ("kind=channel,channel;…", "*" for every kind not
named) into BULLETIN_CHANNEL_DEFAULTS and BULLETIN_CONTACT_CHANNELS from a list; it cannot
know the names, which live in messaging.models. MessagingConfig.ready() calls
check_channel_settings(), so a misspelt channel or kind stops the site, the worker and every
command at start with its name (ImproperlyConfigured, in Chinese and English) instead of
quietly reaching nobody.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from messaging.models import Channel, MessageKind

EVERY_KIND = "*"


def check_channel_settings() -> None:
    """ImproperlyConfigured for an unknown kind or channel in BULLETIN_CHANNELS or
    BULLETIN_CONTACT_CHANNELS, or for fewer than one delivery attempt."""
    kinds = set(MessageKind.values) | {EVERY_KIND}
    channels = set(Channel.values)
    for kind, names in settings.BULLETIN_CHANNEL_DEFAULTS.items():
        if kind not in kinds:
            raise ImproperlyConfigured(
                f"BULLETIN_CHANNELS 中的消息类别“{kind}”不存在，可用：{_names(kinds)}。"
                f" (BULLETIN_CHANNELS: unknown message kind “{kind}”; known: {_names(kinds)}.)"
            )
        for name in names:
            if name not in channels:
                raise ImproperlyConfigured(
                    f"BULLETIN_CHANNELS 中“{kind}”的渠道“{name}”不存在，可用：{_names(channels)}。"
                    f" (BULLETIN_CHANNELS: unknown channel “{name}” for “{kind}”; known: {_names(channels)}.)"
                )
    for name in settings.BULLETIN_CONTACT_CHANNELS:
        if name not in channels:
            raise ImproperlyConfigured(
                f"BULLETIN_CONTACT_CHANNELS 中的渠道“{name}”不存在，可用：{_names(channels)}。"
                f" (BULLETIN_CONTACT_CHANNELS: unknown channel “{name}”; known: {_names(channels)}.)"
            )
    if settings.BULLETIN_DELIVERY_ATTEMPTS < 1:
        raise ImproperlyConfigured(
            "BULLETIN_DELIVERY_ATTEMPTS 至少为 1。 (BULLETIN_DELIVERY_ATTEMPTS must be at least 1.)"
        )


def _names(values) -> str:
    return ", ".join(sorted(values))
