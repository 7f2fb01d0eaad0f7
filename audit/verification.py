"""Proof of the audit log's hash chain (``manage.py verify_audit``): walk every row in id
order from the anchor and name the first one that does not fit."""

from dataclasses import dataclass

from audit.chain import GENESIS, PRUNED_KIND, row_hash
from audit.models import AuditEntry


@dataclass
class Break:
    """The first row that does not fit the chain."""

    id: int
    at: object
    reason: str


@dataclass
class Verdict:
    rows: int
    head: str
    anchor: str
    broken: Break | None


def anchor(using: str = "default") -> str:
    """What the first row must point to: the hash of the last row pruned, or GENESIS."""
    pruned = AuditEntry.objects.using(using).filter(kind=PRUNED_KIND).order_by("-id").first()
    return (pruned.after or {}).get("anchor", GENESIS) if pruned else GENESIS


def verify(using: str = "default", chunk: int = 2000) -> Verdict:
    """Walk every row in id order; the first break (changed, removed or inserted rows)."""
    start = anchor(using)
    expected = start
    count = 0
    rows = AuditEntry.objects.using(using).order_by("id")
    for row in rows.iterator(chunk_size=chunk):
        count += 1
        if row.prev_hash != expected:
            reason = (
                "与保留期清理留下的锚点不符（最早的记录被删除或改动）"
                if count == 1
                else "与上一条记录的散列不符（其前有记录被删除、插入或改动）"
            )
            return Verdict(count, expected, start, Break(row.pk, row.at, reason))
        if row.row_hash != row_hash(row, row.prev_hash):
            return Verdict(
                count, expected, start, Break(row.pk, row.at, "内容与其散列不符（这条记录被改动）")
            )
        expected = row.row_hash
    return Verdict(count, expected, start, None)
