"""A backup made by the layout before the apps were split by domain (tests/fixtures/legacy,
commit deca1c3) restores with the current code into an empty database, and `migrate` then
finds it already in the squashed migrations' state: no row or file is lost, the models that
moved from bulletin to assessment read their rows, their content types move with them, and
the schema is the one a new database gets.

The archive goes through the real restore (service.backup.restore, which the `restore`
command calls, with its manifest and restore checks) and the real `migrate`, into a second
database that no migration has touched: a temporary file on SQLite, a throwaway database on
PostgreSQL. The test database pytest-django migrated is the new-database schema it is
compared with.
"""

import copy
import hashlib
import io
import json
import re

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor

from assessment.models import HigherAdoption, Instruction, PointsScheme, Quota
from bulletin.models import IssuePdf
from service import backup
from tests.paths import FIXTURES

LEGACY = FIXTURES / "legacy"
ALIAS = "legacy_layout"
MOVED = {  # model -> its table, kept from the bulletin app
    PointsScheme: "bulletin_pointsscheme",
    Instruction: "bulletin_instruction",
    HigherAdoption: "bulletin_higheradoption",
    Quota: "bulletin_quota",
}
# SQLite FTS5 shadow tables whose row counts follow the index's segment history, not the data.
FTS_SEGMENTS = re.compile(r".*_fts_(data|idx)$")
# Tables a migration written after the old layout drops on purpose, each holding only what
# is derived from other rows and made again from them: the 查重 index's LSH bands (查重
# now reads samples of the fingerprints' stored shingles).
DROPPED_SINCE = {"proofreading_band"}
# Their models go with them: one content type each, and its four default permissions.
DROPPED_ROWS = {"django_content_type": len(DROPPED_SINCE), "auth_permission": 4 * len(DROPPED_SINCE)}
# Tables a later migration adds, empty after it: the login throttle's known addresses,
# refusal counts and alerts, the audit log's tally of refused requests, and the Word import
# jobs with the upload records the daily quota counts. Their models
# bring one content type each and its four default permissions.
ADDED_SINCE = {
    "accounts_knownaddress",
    "accounts_refusedlogins",
    "accounts_loginalert",
    "audit_refusaltally",
    "submissions_importjob",
    "submissions_uploadrecord",
    "messaging_contactdetails",
    "messaging_unitcontact",
    "messaging_channelchoice",
    "messaging_delivery",
    # The second factor (django-otp's authenticators and recovery codes).
    "otp_totp_totpdevice",
    "otp_static_staticdevice",
    "otp_static_statictoken",
}
ADDED_ROWS = {"django_content_type": len(ADDED_SINCE), "auth_permission": 4 * len(ADDED_SINCE)}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def empty_database(django_db_setup, django_db_blocker, tmp_path):
    """A second database alias on a database that exists but holds nothing: a new file on
    SQLite, a database created here (and dropped afterwards) on PostgreSQL.

    The test runs outside pytest-django's per-test transaction (which allows only the
    aliases it knew at start): it writes only to this database and the test's own media
    folder, and reads the migrated test database (`django_db_setup`) without changing it."""
    with django_db_blocker.unblock():
        settings_dict = copy.deepcopy(connection.settings_dict)
        if connection.vendor == "sqlite":
            settings_dict["NAME"] = str(tmp_path / "legacy.sqlite3")
        elif connection.vendor == "postgresql":
            settings_dict["NAME"] = f"{connection.settings_dict['NAME']}_legacy"
            # The maintenance-database connection Django's own test database creation uses.
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{settings_dict["NAME"]}" WITH (FORCE)')
                cursor.execute(f'CREATE DATABASE "{settings_dict["NAME"]}"')
        else:
            pytest.skip(f"no legacy archive for {connection.vendor}")
        connections.settings[ALIAS] = settings_dict
        try:
            yield ALIAS
        finally:
            ContentType.objects.clear_cache()  # it keeps this alias's rows by id
            connections[ALIAS].close()
            del connections[ALIAS]
            del connections.settings[ALIAS]
            if connection.vendor == "postgresql":
                with connection._nodb_cursor() as cursor:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{settings_dict["NAME"]}" WITH (FORCE)')


def table_counts(alias: str) -> dict[str, int]:
    """Rows of every table but the ones the archive's snapshot left out."""
    target = connections[alias]
    skipped = {"django_migrations", "django_session", "sqlite_sequence"}
    with target.cursor() as cursor:
        counts = {}
        for table in sorted(target.introspection.table_names(include_views=False)):
            if table not in skipped:
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
                counts[table] = cursor.fetchone()[0]
    return counts


def schema(alias: str) -> dict[str, dict]:
    """Per table: its columns (name, type, nullable) and its constraints and indexes, the
    names SQLite's introspection makes up for unnamed ones left out. Column order is left
    out too: a table that grew by migrations has its added columns at the end."""
    target = connections[alias]
    introspection = target.introspection
    tables = {}
    with target.cursor() as cursor:
        for table in sorted(introspection.table_names()):
            columns = sorted(
                (c.name, str(c.type_code), bool(c.null_ok))
                for c in introspection.get_table_description(cursor, table)
            )
            constraints = sorted(
                (
                    "" if name.startswith(("__unnamed", "fk_")) else name,
                    tuple(c["columns"] or ()),
                    bool(c["primary_key"]),
                    bool(c["unique"]),
                    tuple(c["foreign_key"] or ()),
                    bool(c["check"]),
                    bool(c["index"]),
                )
                for name, c in introspection.get_constraints(cursor, table).items()
            )
            tables[table] = {"columns": columns, "constraints": constraints}
    return tables


def test_a_backup_of_the_old_layout_restores_and_migrates_without_loss(media, empty_database):
    alias = empty_database
    vendor = connections[alias].vendor
    archive = LEGACY / f"{vendor}.tar"
    expected = json.loads((LEGACY / "expected.json").read_text())[vendor]
    assert backup.database_is_empty(alias)
    assert connections[alias].introspection.table_names() == []

    # The restore's own checks: the manifest's counts and file hashes, then the apps' checks
    # (bulletin: every issue PDF against its row).
    result = backup.restore(archive, alias=alias)
    assert result["files"] == len(expected["files"])
    assert table_counts(alias) == expected["counts"]  # the old code's restore found the same

    # The old migrations are recorded; the squashed ones replace them, so migrate only
    # records those and runs what is new since (the content types' move).
    # Migrations written after the old layout (new fields) run too, and nothing else.
    before = MigrationExecutor(connections[alias])
    planned = [f"{m.app_label}.{m.name}" for m, _ in before.migration_plan(before.loader.graph.leaf_nodes())]
    migrate_output = io.StringIO()
    call_command("migrate", database=alias, interactive=False, stdout=migrate_output)
    assert "Applying assessment.0004_content_types_from_bulletin... OK" in migrate_output.getvalue()
    applied = re.findall(r"Applying (\S+)\.\.\.", migrate_output.getvalue())
    assert applied == planned
    assert not any("_squashed_" in name for name in applied)

    # Nothing left to apply, by the executor and by showmigrations.
    executor = MigrationExecutor(connections[alias])
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    listing = io.StringIO()
    call_command("showmigrations", database=alias, stdout=listing)
    assert "[X]" in listing.getvalue()
    assert "[ ]" not in listing.getvalue() and "[-]" not in listing.getvalue()

    # Every row is still there; FTS5's segment tables may be laid out anew.
    counts = table_counts(alias)
    kept = {
        t: n - DROPPED_ROWS.get(t, 0) + ADDED_ROWS.get(t, 0)
        for t, n in expected["counts"].items()
        if t not in DROPPED_SINCE
    } | dict.fromkeys(ADDED_SINCE, 0)
    assert set(counts) == set(kept)
    assert {t: n for t, n in counts.items() if not FTS_SEGMENTS.match(t)} == {
        t: n for t, n in kept.items() if not FTS_SEGMENTS.match(t)
    }
    if vendor == "sqlite":
        for index in ("submissions_printed_text_fts", "submissions_printed_bigram_fts"):
            assert counts[index] == expected["counts"]["submissions_submission"]

    # Every stored file, byte for byte.
    stored = {}
    for name in backup.stored_files(default_storage):
        with default_storage.open(name, "rb") as handle:
            stored[name] = backup.sha256_of(handle)
    assert stored == expected["files"]

    # The models that moved read their rows through the new app.
    for model, table in MOVED.items():
        assert model._meta.app_label == "assessment"
        assert model._meta.db_table == table
        assert model.objects.using(alias).count() == expected["counts"][table] > 0
        assert len(list(model.objects.using(alias).all())) == expected["counts"][table]

    # Their content types (and so their permissions) moved to assessment; none was added.
    content_types = ContentType.objects.db_manager(alias)
    names = [m._meta.model_name for m in MOVED]
    assert sorted(content_types.filter(model__in=names).values_list("app_label", "model")) == sorted(
        ("assessment", n) for n in names
    )
    assert not content_types.filter(app_label="bulletin", model__in=names).exists()
    for model in MOVED:
        content_type = content_types.get_for_model(model)
        assert content_type.app_label == "assessment"
        codenames = set(
            Permission.objects.using(alias)
            .filter(content_type=content_type)
            .values_list("codename", flat=True)
        )
        assert codenames == {
            f"{action}_{model._meta.model_name}" for action in model._meta.default_permissions
        }
    # One content type for every model the code has, none for a model it no longer has.
    assert set(content_types.values_list("app_label", "model")) == {
        (m._meta.app_label, m._meta.model_name) for m in apps.get_models()
    }

    # Every issue PDF reads back with the SHA-256 its row records.
    pdfs = list(IssuePdf.objects.using(alias).select_related("issue"))
    assert len(pdfs) == expected["counts"]["bulletin_issuepdf"] > 0
    for pdf in pdfs:
        with pdf.file.open("rb") as handle:
            content = handle.read()
        assert content.startswith(b"%PDF")
        assert hashlib.sha256(content).hexdigest() == pdf.sha256
        assert len(content) == pdf.size

    # The schema is the one `migrate` gives a new database (pytest-django's test database):
    # the same tables, and per table the same columns, constraints and indexes.
    legacy, fresh = schema(alias), schema("default")
    assert sorted(legacy) == sorted(fresh)
    for table in fresh:
        assert legacy[table]["columns"] == fresh[table]["columns"], table
        assert legacy[table]["constraints"] == fresh[table]["constraints"], table
    if vendor == "postgresql":
        # The search column PostgreSQL's migration adds outside the models is on both.
        assert any(c[0] == "printed_bigrams" for c in legacy["submissions_submission"]["columns"])


@pytest.mark.django_db
def test_the_models_and_the_migrations_agree():
    """makemigrations finds nothing to write: the squashed migrations end in the models' state."""
    output = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=output)
    assert "No changes detected" in output.getvalue()
