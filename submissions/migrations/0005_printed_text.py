"""Search reads the text as printed: a plain-text column, its index, and its first fill.

The index: on PostgreSQL a pg_trgm GIN index on UPPER(printed_text) (what Django's
icontains compares); on SQLite an FTS5 table with the trigram tokenizer whose rowid is the
piece's id (bulletin/search.py keeps it). The fill: published pieces from their issue's
frozen snapshot, the others from their current fields, through the same functions the
actions use (bulletin.search), so the column reads exactly as the actions would write it.
"""

from django.db import migrations, models

FTS_TABLE = "submissions_printed_text_fts"
TRGM_INDEX = "submission_printed_text_trgm"


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {TRGM_INDEX} ON submissions_submission "
            "USING gin ((UPPER(printed_text::text)) gin_trgm_ops)"
        )
    elif vendor == "sqlite":
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(printed_text, tokenize='trigram')"
        )


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRGM_INDEX}")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def fill(apps, schema_editor):
    from bulletin.search import fill_printed_texts

    fill_printed_texts(
        Submission=apps.get_model("submissions", "Submission"),
        Placement=apps.get_model("bulletin", "Placement"),
        using=schema_editor.connection.alias,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("submissions", "0004_event_action_index"),
        ("bulletin", "0007_distribution_lists"),
    ]
    operations = [
        migrations.AddField(
            model_name="submission",
            name="printed_text",
            field=models.TextField(blank=True, editable=False, verbose_name="印刷文字"),
        ),
        migrations.RunPython(create_index, drop_index),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
