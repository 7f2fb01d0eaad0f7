"""Notification settings (通知方式): a person's contact details (mobile, 浙政钉 accountId), the
channels they choose per kind of message, and 每日汇总.

A person changes their own on the 通知方式 page; a 管理员 may set a person's mobile number and
浙政钉 accountId in the admin site (from the office's directory), never their choices. Every
change is one audit row (Kind.NOTIFICATION_SETTINGS) with what differs before and after, the
mobile number masked (138****5678).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import User
from audit.records import Kind, changes, record
from messaging import queries
from messaging.channels import CHANNEL_CLASSES, channel, configured_channels
from messaging.models import Channel, ChannelChoice, ContactDetails, MessageKind
from messaging.permissions import can_change_contact_details, can_choose_channels
from messaging.validation import masked_mobile, normalize_account_id, normalize_mobile


def _state(details: ContactDetails, choices: dict[str, list[str]]) -> dict:
    state = {
        "mobile": masked_mobile(details.mobile),
        "zzd_account_id": details.zzd_account_id,
        "daily_digest": details.daily_digest,
    }
    for kind in queries.CHOSEN_KINDS:
        if kind.value in choices:
            state[f"channels.{kind.value}"] = ",".join(choices[kind.value])
        else:
            state[f"channels.{kind.value}"] = "单位默认"
    return state


def _own_choices(user: User) -> dict[str, list[str]]:
    return dict(ChannelChoice.objects.filter(user=user).values_list("kind", "channels"))


def _locked_details(user: User) -> ContactDetails:
    details, _ = ContactDetails.objects.select_for_update().get_or_create(user=user)
    return details


def _audit(actor: User, user: User, before: dict, after: dict, message: str = "") -> None:
    old, new = changes(before, after)
    if old or new:
        record(Kind.NOTIFICATION_SETTINGS, actor=actor, obj=user, before=old, after=new, message=message)


@transaction.atomic
def change_contact_details(*, actor: User, user: User, mobile: str, zzd_account_id: str) -> ContactDetails:
    """Set `user`'s mobile number and 浙政钉 accountId (the admin site's path). PermissionDenied
    unless `actor` is the person or a 管理员; ValidationError (Chinese, codes "mobile" and
    "zzd_account_id") for a number or id of the wrong shape. Returns the details."""
    if not can_change_contact_details(actor, user):
        raise PermissionDenied("只有本人或管理员可以修改联系方式。")
    mobile = normalize_mobile(mobile)
    zzd_account_id = normalize_account_id(zzd_account_id)
    details = _locked_details(user)
    choices = _own_choices(user)
    before = _state(details, choices)
    details.mobile = mobile
    details.zzd_account_id = zzd_account_id
    details.save(update_fields=["mobile", "zzd_account_id"])
    _audit(actor, user, before, _state(details, choices), message="" if actor.pk == user.pk else "管理员修改")
    return details


@transaction.atomic
def change_notification_settings(
    *,
    actor: User,
    user: User,
    mobile: str,
    zzd_account_id: str,
    daily_digest: bool,
    choices: dict[str, list[str]],
) -> ContactDetails:
    """Save what the 通知方式 page posts: the contact details, 每日汇总, and `choices` —
    {MessageKind value: [Channel value, …]} beyond 站内通知 for each kind of
    queries.CHOSEN_KINDS (a kind left out keeps what it had).

    A channel may be chosen only where the installation has configured it and the person has
    an address on it (given the details saved here); a choice equal to the office default is
    stored as "follow the default" (no row), so a later change of the default reaches them;
    a channel the installation no longer configures stays in the choice as it was (it comes
    back with its configuration). PermissionDenied unless `actor` is `user`; ValidationError
    (Chinese) for a bad number or id, an unknown kind or channel, or a channel not offered.
    Returns the details."""
    if not can_choose_channels(actor, user):
        raise PermissionDenied("只能修改自己的通知方式。")
    mobile = normalize_mobile(mobile)
    zzd_account_id = normalize_account_id(zzd_account_id)
    unknown_kinds = set(choices) - {kind.value for kind in queries.CHOSEN_KINDS}
    if unknown_kinds:
        raise ValidationError(f"没有这类消息：{'、'.join(sorted(unknown_kinds))}。", code="kind")
    details = _locked_details(user)
    own = _own_choices(user)
    before = _state(details, own)
    # What the page offered when it was drawn: a box for a channel without an address was
    # not there to tick, so a first mobile number must not turn "the default" into "the
    # default without 短信".
    user.contact_details = details
    offered_before = {offer.name for offer in queries.channel_offers(user) if offer.address}
    details.mobile = mobile
    details.zzd_account_id = zzd_account_id
    details.daily_digest = bool(daily_digest)
    details.save(update_fields=["mobile", "zzd_account_id", "daily_digest"])
    # The channels read the person's addresses from here (ContactDetails of `user`).
    user.contact_details = details
    if details.daily_digest and not any(
        channel(name).address_of_user(user)
        for name in queries.chosen_channels([user], MessageKind.DIGEST).get(user.pk, [])
    ):
        # Held mails would go nowhere: the digest itself must be able to reach the person.
        raise ValidationError(
            "每日汇总无法送达您：本单位用于每日汇总的渠道（默认为电子邮件）上没有您的地址。"
            "请先请管理员登记邮箱，或不选“邮件改为每日汇总”。",
            code="digest_unreachable",
        )

    configured = set(configured_channels())
    offered = {offer.name for offer in queries.channel_offers(user) if offer.address}
    order = list(CHANNEL_CLASSES)
    after_choices = dict(own)
    for kind, requested in choices.items():
        requested = list(dict.fromkeys(requested))
        for name in requested:
            if name not in order:
                raise ValidationError(f"没有“{name}”这种通知方式。", code="channel")
            if name not in offered:
                raise ValidationError(
                    f"“{dict(Channel.choices)[name]}”现在不能选：本单位未开通，或您还没有填写它的地址。",
                    code="channel_unavailable",
                )
        kept = [name for name in own.get(kind, []) if name not in configured]
        wanted = sorted(set(requested) | set(kept), key=order.index)
        default = [name for name in queries.office_default(kind) if name in offered_before]
        if not kept and sorted(requested, key=order.index) == sorted(default, key=order.index):
            ChannelChoice.objects.filter(user=user, kind=kind).delete()
            after_choices.pop(kind, None)
        else:
            ChannelChoice.objects.update_or_create(user=user, kind=kind, defaults={"channels": wanted})
            after_choices[kind] = wanted
    _audit(actor, user, before, _state(details, after_choices))
    return details
