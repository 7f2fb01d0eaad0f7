"""On PostgreSQL, trigram indexes make substring search of Chinese titles and bodies fast
(Chinese has no spaces, so word indexes do not apply). SQLite scans, which is fine there."""

from django.db import migrations

INDEXES = [
    ("submission_title_trgm", "title"),
    ("submission_subtitle_trgm", "subtitle"),
    ("submission_body_trgm", "body"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES:
        schema_editor.execute(
            # Django's icontains compares UPPER(column::text): index that very expression.
            f"CREATE INDEX IF NOT EXISTS {name} ON submissions_submission "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("submissions", "0002_workflow")]
    operations = [migrations.RunPython(create, drop)]
