"""The channels the product knows, by messaging.models.Channel value.

站内通知 (inapp) is not here: the notice is a row the app writes in the same transaction
(submissions.notifications); its delivery is recorded as delivered at once.
"""

from django.utils.module_loading import import_string

from messaging.channels.base import ChannelBase

CHANNEL_CLASSES = {
    "email": "messaging.channels.email.EmailChannel",
    "zzd": "messaging.channels.zhengding.WorkNoticeChannel",
    "sms": "messaging.channels.sms.SmsChannel",
    "webhook": "messaging.channels.webhook.WebhookChannel",
}


def channel(name: str) -> ChannelBase:
    """The channel called `name`; KeyError for a name not in CHANNEL_CLASSES."""
    return import_string(CHANNEL_CLASSES[name])()


def configured_channels() -> list[str]:
    """The names of the channels this installation has configured, in CHANNEL_CLASSES order."""
    names = []
    for name in CHANNEL_CLASSES:
        try:
            if channel(name).configured():
                names.append(name)
        except ImportError:
            continue
    return names
