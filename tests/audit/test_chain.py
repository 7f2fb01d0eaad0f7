"""The audit log is append-only at the database and each row carries the previous row's hash:
`verify_audit` proves the chain and names the first row changed or removed; pruning keeps
only the retention period and the chain still verifies from its anchor."""

import datetime
import os
import subprocess
import sys
import threading

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from audit import chain
from audit.models import AuditEntry
from audit.records import record
from audit.retention import prune, retention_days
from audit.verification import verify
from tests.paths import ROOT

pytestmark = pytest.mark.django_db

POSTGRES = connection.vendor == "postgresql"


def rows(n: int, **fields) -> list[AuditEntry]:
    return [record("issue_created", actor_name=f"编辑{i}", message=f"第 {i} 条", **fields) for i in range(n)]


def verify_output() -> str:
    out = []

    class Sink:
        def write(self, text):
            out.append(text)

        def flush(self):
            pass

    call_command("verify_audit", stdout=Sink())
    return "".join(out)


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def tamper(statement: str, params=()) -> None:
    """Change the table as someone with the database's own rights would: around the trigger."""
    if POSTGRES:
        # A superuser's way past every trigger of the session.
        sql("SET LOCAL session_replication_role = replica")
        sql(statement, params)
        sql("SET LOCAL session_replication_role = origin")
    else:
        sql("DROP TRIGGER audit_auditentry_no_update")
        sql(statement, params)  # the test's transaction rolls the DROP back with the rest


def test_each_row_carries_the_previous_rows_hash_and_the_chain_verifies(editor):
    first, second, third = rows(3, actor=editor)
    assert AuditEntry.objects.order_by("id").first().prev_hash == chain.GENESIS  # the account's row
    assert second.prev_hash == first.row_hash and third.prev_hash == second.row_hash
    # Rows written together (the bulk path of publish_submissions) are chained too.
    AuditEntry.objects.bulk_create([AuditEntry(kind="login", actor_name=f"批量{i}") for i in range(3)])
    stored = list(AuditEntry.objects.order_by("id"))
    assert all(row.row_hash == chain.row_hash(row, row.prev_hash) for row in stored)
    assert verify().broken is None
    assert "审计日志散列链完好" in verify_output()


def test_the_database_refuses_update_and_delete():
    row = rows(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        sql("UPDATE audit_auditentry SET message = %s WHERE id = %s", ["改过", row.pk])
    if POSTGRES:
        with pytest.raises(DatabaseError, match="只能追加"), transaction.atomic():
            sql("DELETE FROM audit_auditentry WHERE id = %s", [row.pk])
        # The prune's own setting does not let a young row go either.
        with pytest.raises(DatabaseError), transaction.atomic():
            sql("SET LOCAL bulletin.audit_prune = 'on'")
            sql("DELETE FROM audit_auditentry WHERE id = %s", [row.pk])
    assert AuditEntry.objects.get(pk=row.pk).message == "第 0 条"


def test_a_changed_row_is_found_by_verify_audit():
    written = rows(5)
    tamper("UPDATE audit_auditentry SET message = %s WHERE id = %s", ["改过的说明", written[2].pk])
    verdict = verify()
    assert verdict.broken is not None and verdict.broken.id == written[2].pk
    with pytest.raises(CommandError, match=f"编号 {written[2].pk}.*被改动"):
        call_command("verify_audit")


def test_a_removed_row_is_found_by_verify_audit():
    written = rows(5)
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [written[1].pk])
    with pytest.raises(CommandError, match=f"编号 {written[2].pk}.*删除"):
        call_command("verify_audit")


def test_removing_the_oldest_rows_without_the_prune_is_found():
    written = rows(4)
    tamper("DELETE FROM audit_auditentry WHERE id <= %s", [written[1].pk])
    with pytest.raises(CommandError, match="锚点"):
        call_command("verify_audit")


def test_prune_keeps_the_retention_period_and_the_chain_verifies(settings):
    settings.BULLETIN_AUDIT_RETENTION_DAYS = 365
    now = timezone.now()
    old = [
        AuditEntry.objects.create(kind="login", actor_name=f"旧{i}", at=now - datetime.timedelta(days=days))
        for i, days in enumerate((500, 400, 366))
    ]
    kept = [
        AuditEntry.objects.create(kind="login", actor_name=f"近{i}", at=now - datetime.timedelta(days=days))
        for i, days in enumerate((200, 1))
    ]
    result = prune()
    assert result.rows == 3 and result.anchor == old[-1].row_hash
    assert not AuditEntry.objects.filter(pk__in=[r.pk for r in old]).exists()
    assert AuditEntry.objects.filter(pk__in=[r.pk for r in kept]).count() == 2
    pruned = AuditEntry.objects.get(kind="audit_pruned")
    assert pruned.after["anchor"] == old[-1].row_hash and pruned.after["rows"] == 3
    assert verify().broken is None
    # The next day nothing more is old enough; at the legal minimum the 200-day row goes.
    assert prune().rows == 0
    settings.BULLETIN_AUDIT_RETENTION_DAYS = 180
    assert prune().rows == 1
    assert list(AuditEntry.objects.values_list("actor_name", flat=True).order_by("id")) == [
        "近1",
        "系统",
        "系统",
    ]
    assert "审计日志散列链完好" in verify_output()


def test_prune_runs_as_a_daily_job(settings):
    assert "prune_audit" in settings.BULLETIN_DAILY_JOBS and "verify_audit" in settings.BULLETIN_DAILY_JOBS
    AuditEntry.objects.create(kind="login", actor_name="旧", at=timezone.now() - datetime.timedelta(days=800))
    rows(1)
    call_command("run_daily_job", "prune_audit")
    assert not AuditEntry.objects.filter(actor_name="旧").exists()
    assert verify().broken is None


@pytest.mark.parametrize("days", [0, 90, 179, "365", True])
def test_a_retention_below_six_months_is_refused(settings, days):
    settings.BULLETIN_AUDIT_RETENTION_DAYS = days
    with pytest.raises(ImproperlyConfigured, match="至少为 180 天"):
        retention_days()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_writers_do_not_fork_the_chain():
    errors = []

    def write(n: int) -> None:
        try:
            for i in range(8):
                with transaction.atomic():
                    record("login", actor_name=f"并发{n}-{i}")
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEntry.objects.filter(actor_name__startswith="并发").count() == 32
    verdict = verify()
    assert verdict.broken is None and verdict.rows == AuditEntry.objects.count()


def test_the_site_refuses_to_start_with_a_retention_below_six_months(tmp_path):
    env = {**os.environ, "BULLETIN_AUDIT_RETENTION_DAYS": "90", "DJANGO_DEBUG": "1"}
    env.pop("DATABASE_URL", None)
    env["BULLETIN_DATA_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "至少为 180 天" in result.stderr
    env["BULLETIN_AUDIT_RETENTION_DAYS"] = "180"
    ok = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
