"""单位联系人: the one way to add, change, stop and restart a unit's contact.

A contact is how a unit without a 报送员 account is reached (submissions.actions.reminders):
a name and at least one address — a mobile number for 短信, an e-mail address, a 浙政钉
accountId. A contact is never deleted, only stopped (active False): the delivery records
that name it stay readable.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import Unit, User
from audit.records import Kind, changes, record
from messaging.mobile import normalise_mobile
from messaging.models import UnitContact
from messaging.permissions import can_manage_unit_contacts

FIELDS = ("name", "mobile", "email", "zzd_account_id", "note")


def _require(actor: User) -> None:
    if not can_manage_unit_contacts(actor):
        raise PermissionDenied("只有编辑和管理员可以管理单位联系人。")


def _snapshot(contact: UnitContact) -> dict:
    return {name: getattr(contact, name) for name in (*FIELDS, "active")}


def _check(contact: UnitContact) -> None:
    contact.mobile = normalise_mobile(contact.mobile)
    contact.email = contact.email.strip()
    contact.zzd_account_id = contact.zzd_account_id.strip()
    contact.full_clean()
    if not (contact.mobile or contact.email or contact.zzd_account_id):
        raise ValidationError("请至少填写手机号码、电子邮件或浙政钉账号 ID 中的一项。", code="no_address")


@transaction.atomic
def create_unit_contact(
    *,
    actor: User,
    unit: Unit,
    name: str,
    mobile: str = "",
    email: str = "",
    zzd_account_id: str = "",
    note: str = "",
) -> UnitContact:
    """Add a contact to `unit`. The mobile number is kept as 11 digits (messaging.mobile).
    Raises PermissionDenied (not an editor or admin) or ValidationError (bad number or
    address, no address at all). Returns the new contact."""
    _require(actor)
    contact = UnitContact(
        unit=unit, name=name, mobile=mobile, email=email, zzd_account_id=zzd_account_id, note=note
    )
    _check(contact)
    contact.save()
    record(
        Kind.UNIT_CONTACT_CHANGED,
        actor=actor,
        obj=contact,
        after=_snapshot(contact),
        message=f"添加单位联系人：{unit.short_name} {contact.name}",
    )
    return contact


@transaction.atomic
def update_unit_contact(*, actor: User, contact: UnitContact, **fields: str) -> UnitContact:
    """Change a contact's name, mobile, email, zzd_account_id or note (keyword arguments,
    others refused with TypeError). Same checks and errors as create_unit_contact. Returns the
    contact; nothing is written (and no audit row) when nothing changed."""
    _require(actor)
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    contact = UnitContact.objects.select_for_update().select_related("unit").get(pk=contact.pk)
    old = _snapshot(contact)
    for name, value in fields.items():
        setattr(contact, name, value)
    _check(contact)
    before, after = changes(old, _snapshot(contact))
    if not after:
        return contact
    contact.save()
    record(
        Kind.UNIT_CONTACT_CHANGED,
        actor=actor,
        obj=contact,
        before=before,
        after=after,
        message=f"修改单位联系人：{contact.unit.short_name} {contact.name}",
    )
    return contact


@transaction.atomic
def set_unit_contact_active(*, actor: User, contact: UnitContact, active: bool) -> UnitContact:
    """Stop (active False: no more reminders; the records stay) or restart a contact.
    Returns the contact; a contact already in that state is returned unchanged, with no
    audit row (a double click)."""
    _require(actor)
    contact = UnitContact.objects.select_for_update().select_related("unit").get(pk=contact.pk)
    if contact.active == active:
        return contact
    contact.active = active
    contact.save(update_fields=["active"])
    record(
        Kind.UNIT_CONTACT_CHANGED,
        actor=actor,
        obj=contact,
        before={"active": not active},
        after={"active": active},
        message=f"{'启用' if active else '停用'}单位联系人：{contact.unit.short_name} {contact.name}",
    )
    return contact
