"""Reads of the messaging app: which channels reach a person for a kind of message, what a
person's 通知方式 page shows, and what waits for the daily digest."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, QuerySet

from accounts.models import Role, Unit, User
from messaging.channels import channel, configured_channels
from messaging.models import Channel, ChannelChoice, ContactDetails, Delivery, MessageKind, UnitContact

# The kinds a person chooses channels for on the 通知方式 page: the digest goes by e-mail
# when the person asks for it (ContactDetails.daily_digest), not by a choice of its own.
CHOSEN_KINDS = [kind for kind in MessageKind if kind != MessageKind.DIGEST]
RECENT_DELIVERIES = 20


def office_default(kind: str) -> list[str]:
    """The office's channels for `kind` (BULLETIN_CHANNEL_DEFAULTS), without 站内通知. The
    daily digest is a long text meant for a mailbox: "*" does not reach it, only a "digest="
    part of its own does; without one it goes by e-mail."""
    defaults = settings.BULLETIN_CHANNEL_DEFAULTS
    fallback = [Channel.EMAIL.value] if kind == MessageKind.DIGEST else defaults.get("*", [])
    return [name for name in defaults.get(kind, fallback) if name != Channel.INAPP]


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


def contact_is_reachable(contact: UnitContact, names: list[str] | None = None) -> bool:
    """Whether an active contact has an address on a channel contacts are reached by
    (`names`, default contact_channels(): configured ones only) — the rule 催报 uses."""
    names = contact_channels() if names is None else names
    return contact.active and any(channel(name).address_of_contact(contact) for name in names)


def contact_details(user) -> ContactDetails:
    """The person's ContactDetails, or an unsaved empty one (nothing is written by a read)."""
    return ContactDetails.objects.filter(user=user).first() or ContactDetails(user=user)


@dataclass
class ChannelOffer:
    """One channel this installation has configured, as the 通知方式 page offers it."""

    name: str  # Channel value
    label: str
    address: str  # where it reaches this person; "" when they have none yet
    hint: str = ""  # what the person lacks for it, for the page to say (set by the view)


@dataclass
class KindRow:
    """One kind of message on the 通知方式 page: its channels now, and the office's default."""

    kind: str
    label: str
    chosen: list[str]  # channels beyond 站内通知 that reach the person now
    default: list[str]  # the office default, configured channels only
    own_choice: bool  # the person chose (a ChannelChoice row) rather than follows the default


def channel_offers(user) -> list[ChannelOffer]:
    """Every configured channel with this person's address on it ("" when they have none),
    in CHANNEL_CLASSES order. The user's contact_details must be current (it is read)."""
    labels = dict(Channel.choices)
    return [
        ChannelOffer(name=name, label=labels[name], address=channel(name).address_of_user(user))
        for name in configured_channels()
    ]


def kind_rows(user) -> list[KindRow]:
    """Per kind (CHOSEN_KINDS): the channels that reach `user` now and the office default.
    One query."""
    configured = set(configured_channels())
    own = dict(ChannelChoice.objects.filter(user=user).values_list("kind", "channels"))
    rows = []
    for kind in CHOSEN_KINDS:
        default = [name for name in office_default(kind) if name in configured]
        chosen = [name for name in own.get(kind.value, default) if name in configured]
        rows.append(
            KindRow(
                kind=kind.value,
                label=kind.label,
                chosen=chosen,
                default=default,
                own_choice=kind.value in own,
            )
        )
    return rows


def recent_deliveries(user, limit: int = RECENT_DELIVERIES) -> QuerySet[Delivery]:
    """The person's last `limit` deliveries, newest first (one query, the delivery_by_user index)."""
    return (
        Delivery.objects.filter(user=user)
        .only(
            "pk",
            "kind",
            "channel",
            "status",
            "text",
            "answer",
            "attempts",
            "created_at",
            "sent_at",
            "address",
        )
        .order_by("-created_at", "-id")[:limit]
    )


def held_back(user) -> list[Delivery]:
    """The e-mails held for `user`'s next daily digest (status "held"), oldest first."""
    return list(
        Delivery.objects.filter(user=user, status=Delivery.Status.HELD)
        .only("pk", "kind", "text", "link", "created_at")
        .order_by("created_at", "id")
    )


def people_with_digest():
    """Ids of the people a daily digest may be for: those who chose it, and any with held
    e-mails (someone who turned 每日汇总 off still gets what was held for them)."""
    chose = set(ContactDetails.objects.filter(daily_digest=True).values_list("user_id", flat=True))
    held = set(
        Delivery.objects.filter(status=Delivery.Status.HELD, user__isnull=False).values_list(
            "user_id", flat=True
        )
    )
    return sorted(chose | held)


@dataclass
class UnitContactsRow:
    """One unit on the 单位联系人 page: its contacts (active first) and its active 报送员 accounts."""

    unit: Unit
    contacts: list[UnitContact]
    accounts: int

    @property
    def relies_on_contacts(self) -> bool:
        """No active account: reminders reach this unit only through its contacts."""
        return self.accounts == 0

    @property
    def has_contact_address(self) -> bool:
        """An active contact with some address, reachable or not."""
        return any(c.active and (c.mobile or c.email or c.zzd_account_id) for c in self.contacts)

    @property
    def reachable(self) -> bool:
        """An account, or a contact 催报 would reach (an address on a configured channel)."""
        names = contact_channels()
        return self.accounts > 0 or any(contact_is_reachable(c, names) for c in self.contacts)


def unit_contact_table(include_inactive_units: bool = False) -> list[UnitContactsRow]:
    """Every unit (the active ones unless asked) with its contacts and how many active 报送员
    accounts it has, in the units' order. Three queries, whatever the number of units."""
    units = Unit.objects.all() if include_inactive_units else Unit.objects.filter(active=True)
    units = list(units.order_by("kind", "position", "id"))
    contacts: dict[int, list[UnitContact]] = {}
    for contact in UnitContact.objects.filter(unit__in=units).order_by("-active", "id"):
        contacts.setdefault(contact.unit_id, []).append(contact)
    accounts = dict(
        User.objects.filter(role=Role.CONTRIBUTOR, is_active=True, unit__in=units)
        .values("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
    )
    return [UnitContactsRow(unit, contacts.get(unit.pk, []), accounts.get(unit.pk, 0)) for unit in units]
