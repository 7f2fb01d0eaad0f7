"""audit.record(): the one way to write the audit log."""

from typing import Any

from django.db import models

from audit.addresses import client_address
from audit.context import current_request
from audit.models import AuditEntry

Kind = AuditEntry.Kind


def _describe(obj: models.Model | None) -> tuple[str, str, str]:
    if obj is None:
        return "", "", ""
    return obj._meta.label_lower, str(obj.pk or ""), str(obj)[:200]


def entry(
    kind: str,
    *,
    actor=None,
    obj: models.Model | None = None,
    label: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    message: str = "",
    actor_name: str | None = None,
    address: str | None = None,
    request=None,
    object_type: str | None = None,
    object_id: str | None = None,
) -> AuditEntry:
    """One row, unsaved: who (`actor`, or the request's user), from where (`address`, or
    the request's), what (`kind`, an AuditEntry.Kind), on which object (`obj`, or
    `label` for an object that no longer exists), `before`/`after` as JSON-able dicts.

    Unsaved: record() saves it at once; a bulk action (submissions.actions.publish_submissions)
    saves its rows with one AuditEntry.objects.bulk_create.
    """
    request = request or current_request()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
    if address is None and request is not None:
        address = client_address(request)
    default_type, default_id, object_label = _describe(obj)
    return AuditEntry(
        actor=actor,
        actor_name=(actor_name if actor_name is not None else getattr(actor, "username", ""))[:150],
        address=address,
        kind=kind,
        object_type=(object_type if object_type is not None else default_type)[:64],
        object_id=str(object_id if object_id is not None else default_id)[:64],
        object_label=(label if label is not None else object_label)[:200],
        before=before,
        after=after,
        message=message,
    )


def record(kind: str, **fields) -> AuditEntry:
    """Append one row (the fields as for entry()). Called inside the action's transaction,
    so a rolled-back action leaves no row."""
    row = entry(kind, **fields)
    row.save()
    return row


def changes(old: dict[str, Any], new: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The fields that differ, as (before, after) with JSON-able values."""
    changed = [name for name in new if old.get(name) != new[name]]
    as_json = lambda value: value if isinstance(value, (str, int, float, bool, type(None))) else str(value)  # noqa: E731
    return {n: as_json(old.get(n)) for n in changed}, {n: as_json(new[n]) for n in changed}
