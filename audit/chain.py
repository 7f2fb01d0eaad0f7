"""The hash chain of the audit log: each row carries the hash of the row before it.

A row's hash is SHA-256 over the previous row's hash and a canonical serialisation of the
row's own fields (ISO time in UTC, the address as bytes, JSON with sorted keys), so changing,
removing or reordering any row breaks every hash after it. audit.verification walks the
table in id order and names the first row that does not fit (``manage.py verify_audit``).

Rows are sealed inside the writer's transaction with a lock held until it commits (a
PostgreSQL advisory lock; SQLite serialises writers itself, BEGIN IMMEDIATE), so two writers
never both take the same row as their predecessor and fork the chain. A writer that rolls
back leaves no row, and the next one takes the last committed row as its predecessor.

Pruning (audit.retention) removes the oldest rows and records the hash of the last one it
removed in its own row (``after["anchor"]``): the first row left must point to that anchor.
docs/adr/ explains the choice.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import json
from collections.abc import Iterable

from django.db import connections
from django.db.models import Model
from django.utils import timezone

GENESIS = "0" * 64
# pg_advisory_xact_lock's key: any constant no other part of the system uses.
ADVISORY_LOCK_KEY = 0x6175646974  # "audit"
PRUNED_KIND = "audit_pruned"


def _address(value: str | None) -> str:
    # As bytes, so neither PostgreSQL's inet output nor Python's spelling of IPv6 matters.
    if not value:
        return ""
    try:
        return ipaddress.ip_address(value).packed.hex()
    except ValueError:
        return value


def _json(value) -> object:
    # What the JSON column gives back: tuples become lists, keys become text.
    return None if value is None else json.loads(json.dumps(value, ensure_ascii=False))


def canonical(row: Model) -> str:
    """The row's fields (not its id or its own hashes) as one text, the same before and
    after a round trip through either database."""
    at = row.at
    if at and timezone.is_naive(at):
        at = timezone.make_aware(at)  # as the database stores it (USE_TZ: the default zone)
    fields = [
        at.astimezone(datetime.UTC).isoformat(timespec="microseconds") if at else "",
        row.actor_id,
        row.actor_name or "",
        _address(row.address),
        row.kind or "",
        row.object_type or "",
        row.object_id or "",
        row.object_label or "",
        _json(row.before),
        _json(row.after),
        row.message or "",
    ]
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def row_hash(row: Model, previous: str) -> str:
    return hashlib.sha256(f"{previous}\n{canonical(row)}".encode()).hexdigest()


def lock(using: str) -> None:
    """Hold the chain until the current transaction ends (a no-op where writes are serial)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])


def head(using: str) -> str:
    """The hash of the last row (GENESIS for an empty log)."""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT row_hash FROM audit_auditentry ORDER BY id DESC LIMIT 1")
        found = cursor.fetchone()
    return found[0] if found else GENESIS


def seal(rows: Iterable[Model], using: str) -> None:
    """Give unsaved rows their place in the chain. Call inside a transaction, right before
    inserting them, in the order they will be inserted."""
    lock(using)
    previous = head(using)
    for row in rows:
        row.prev_hash = previous
        row.row_hash = row_hash(row, previous)
        previous = row.row_hash
