"""The one way to send a reminder (催报, 约稿/报送任务/修改期限 reminders): once per cause,
recipient and day (Reminder's unique constraints), as an in-app notice and each recipient's
channels on commit, and an answer per unit saying who was reached.

Who is told, for a unit: its active 报送员 accounts, each by 站内通知 and the channels they
chose for 催报与到期提醒. Only when the unit has **no** active account do its active contacts
(messaging.models.UnitContact) stand in, each by the channels of BULLETIN_CONTACT_CHANNELS it
has an address for. Contacts are not told beside accounts: the account is the person who
reports, and the same 催报 twice (in the app and again to the office phone) teaches people to
ignore both. A unit's answer is one of three named states (ReachState): 已发送 with the
channels, 今日已提醒, 无法送达：未登记联系方式.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, models, transaction

from accounts.models import Unit, User
from messaging import queries as messaging_queries
from messaging.actions.deliveries import Reached
from messaging.models import Channel, MessageKind, UnitContact
from submissions.models import Reminder
from submissions.notifications import notify
from submissions.queries import unit_recipients

# The short names a unit's answer shows, in the order channels are listed.
CHANNEL_SHORT = {
    Channel.INAPP: "站内",
    Channel.EMAIL: "邮件",
    Channel.ZZD: "浙政钉",
    Channel.SMS: "短信",
    Channel.WEBHOOK: "系统对接",
}


class ReachState(models.TextChoices):
    SENT = "sent", "已发送"
    ALREADY = "already", "今日已提醒"
    UNREACHABLE = "unreachable", "无法送达：未登记联系方式"


@dataclass
class Reminded:
    """What one reminder came to for one unit (or one list of people, `unit` None).

    state: a ReachState value — SENT when anyone was told now, else ALREADY when everyone who
    could be told was told today already, else UNREACHABLE (no account and no contact with an
    address on a configured channel). reached: who was told now, by which channels
    (messaging's Reached: name, unit id, channel values with 站内通知 first); already: the
    names told earlier today; by_contacts: True when contacts stood in for accounts.
    """

    unit: Unit | None
    state: str
    reached: list[Reached] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    by_contacts: bool = False

    @property
    def channels(self) -> list[str]:
        """The channels anyone was told by now, in CHANNEL_SHORT order."""
        used = {name for entry in self.reached for name in entry.channels}
        return [name for name in CHANNEL_SHORT if name in used]

    @property
    def label(self) -> str:
        """ "已发送（站内+短信）", "今日已提醒" or "无法送达：未登记联系方式"."""
        if self.state == ReachState.SENT:
            return f"{ReachState.SENT.label}（{'+'.join(CHANNEL_SHORT[name] for name in self.channels)}）"
        return ReachState(self.state).label

    def __len__(self) -> int:
        """How many recipients were told now (what the daily run counts)."""
        return len(self.reached)


def _claim(cause: str, today: datetime.date, **who) -> bool:
    try:
        with transaction.atomic():
            Reminder.objects.create(cause=cause[:100], date=today, **who)
    except IntegrityError:
        return False  # already told today (or by a run at the same moment)
    return True


def reachable_contacts(contacts: Iterable[UnitContact]) -> list[UnitContact]:
    """The active contacts with an address on at least one channel a contact is reached by
    (BULLETIN_CONTACT_CHANNELS, configured ones only)."""
    names = messaging_queries.contact_channels()
    return [contact for contact in contacts if messaging_queries.contact_is_reachable(contact, names)]


@transaction.atomic
def send_reminder(
    *,
    cause: str,
    recipients: Iterable[User],
    text: str,
    link: str,
    today: datetime.date,
    contacts: Iterable[UnitContact] = (),
    unit: Unit | None = None,
    kind: str = MessageKind.REMINDER,
) -> Reminded:
    """Send a reminder once per cause, recipient and day.

    `recipients` are the accounts to tell (a unit's active 报送员, or the editors …);
    `contacts` are the unit's contacts, used only when `recipients` is empty (see the module
    docstring); `unit` is whom the answer is about. For each recipient a Reminder row is
    claimed first (the unique constraints settle two runs at once); those claimed now get the
    notice and their channels (on commit). Returns a Reminded; raises nothing for a unit
    that cannot be reached — that is its state.
    """
    people = list(recipients)
    by_contacts = not people
    stand_ins = reachable_contacts(contacts) if by_contacts else []
    told_users, told_contacts, already = [], [], []
    for user in people:
        if _claim(cause, today, recipient=user):
            told_users.append(user)
        else:
            already.append(user.full_name or user.username)
    for contact in stand_ins:
        if _claim(cause, today, contact=contact):
            told_contacts.append(contact)
        else:
            already.append(contact.name)
    reminded = Reminded(unit=unit, state=ReachState.UNREACHABLE, already=already, by_contacts=by_contacts)
    if told_users or told_contacts:
        reach = notify(told_users, text=text, link=link, kind=kind, cause=cause, contacts=told_contacts)
        reminded.reached = reach.reached
    if reminded.reached:
        reminded.state = ReachState.SENT
    elif already:
        reminded.state = ReachState.ALREADY
    return reminded


def send_unit_reminders(
    *,
    cause: str,
    units: Iterable[Unit],
    text: str,
    link: str,
    today: datetime.date,
    accounts: dict[int, list[User]],
    contacts: dict[int, list[UnitContact]],
    kind: str = MessageKind.REMINDER,
) -> list[Reminded]:
    """send_reminder for each of `units` with its accounts and contacts ({unit id: […]}, as
    submissions.queries.unit_recipients reads them). Returns one Reminded per unit, in order."""
    return [
        send_reminder(
            cause=cause,
            recipients=accounts.get(unit.pk, []),
            contacts=contacts.get(unit.pk, []),
            unit=unit,
            text=text,
            link=link,
            today=today,
            kind=kind,
        )
        for unit in units
    ]


def tell_units(
    *,
    unit_ids: Iterable[int],
    text: str,
    link: str,
    kind: str,
    cause: str,
    actor: User | None = None,
) -> dict[int, Reminded]:
    """A notice (not a reminder: no once-a-day claim) to units — a new or changed 约稿, a
    piece 退回修改 — by the same rule as reminders: each unit's active 报送员 accounts (the
    actor left out), or its contacts when it has none. One notify for all units, on the
    caller's transaction. Returns {unit id: Reminded} (SENT or UNREACHABLE; `unit` left None)."""
    unit_ids = list(dict.fromkeys(unit_ids))
    accounts, contacts = unit_recipients(unit_ids)
    people, stand_ins = [], []
    for unit_id in unit_ids:
        mine = [user for user in accounts.get(unit_id, []) if actor is None or user.pk != actor.pk]
        people += mine
        if not accounts.get(unit_id):
            stand_ins += reachable_contacts(contacts.get(unit_id, []))
    reached: dict[int, list[Reached]] = {}
    if people or stand_ins:
        reach = notify(people, text=text, link=link, actor=actor, kind=kind, cause=cause, contacts=stand_ins)
        for entry in reach.reached:
            reached.setdefault(entry.unit_id, []).append(entry)
    return {
        unit_id: Reminded(
            unit=None,
            state=ReachState.SENT if reached.get(unit_id) else ReachState.UNREACHABLE,
            reached=reached.get(unit_id, []),
            by_contacts=not accounts.get(unit_id),
        )
        for unit_id in unit_ids
    }
