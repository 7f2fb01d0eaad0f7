"""Reads of the messaging app: which channels reach a person for a kind of message."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count

from accounts.models import Role, Unit, User
from messaging.channels import configured_channels
from messaging.models import Channel, ChannelChoice, UnitContact


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
    def reachable(self) -> bool:
        return self.accounts > 0 or any(
            c.active and (c.mobile or c.email or c.zzd_account_id) for c in self.contacts
        )


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
