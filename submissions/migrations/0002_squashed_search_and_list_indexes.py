"""Indexes Django's model cannot state: substring search and the review queue's order.

- PostgreSQL: pg_trgm GIN indexes on UPPER(title/subtitle/body) (Django's icontains compares
  UPPER(column::text); Chinese has no spaces, so word indexes do not apply); on the printed
  text a pg_trgm GIN index (words of three characters or more) and a GIN full-text index on
  its character bigrams for two-character words: a stored generated column
  ``printed_bigrams`` = to_tsvector('simple', bulletin_bigrams(printed_text)), stored because
  recomputing the vector per row took 11 s at ten years of data (docs/developer/search.md).
  The model does not know the column; only archive/search.py's query names it.
- SQLite: two FTS5 tables whose rowid is the piece's id, kept by bulletin/printed_text.py:
  one with the trigram tokenizer, one holding the text's bigrams (unicode61 tokenizer).
- Both: the review queue's keyset order (submitted_at DESC, id DESC) with NULLs last, which
  PostgreSQL must be told and SQLite does by itself.
"""

from django.db import migrations

TITLE_INDEXES = [
    ("submission_title_trgm", "title"),
    ("submission_subtitle_trgm", "subtitle"),
    ("submission_body_trgm", "body"),
]
FTS_TABLE = "submissions_printed_text_fts"
BIGRAM_TABLE = "submissions_printed_bigram_fts"
TRGM_INDEX = "submission_printed_text_trgm"
BIGRAM_INDEX = "submission_printed_text_bigram"
QUEUE_INDEX = "submission_queue_order"
# "建强阵地" → "建强 强阵 阵地": every character doubled, the first dropped, then a space
# after every pair (bulletin.printed_text.bigrams() gives the same in Python).
BIGRAMS_FUNCTION = r"""
CREATE OR REPLACE FUNCTION bulletin_bigrams(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT regexp_replace(substr(regexp_replace(t, '(.)', '\1\1', 'g'), 2), '(..)', '\1 ', 'g')
$$
"""


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, column in TITLE_INDEXES:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON submissions_submission "
                f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
            )
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {TRGM_INDEX} ON submissions_submission "
            "USING gin (printed_text gin_trgm_ops)"
        )
        schema_editor.execute(BIGRAMS_FUNCTION)
        schema_editor.execute(
            "ALTER TABLE submissions_submission ADD COLUMN IF NOT EXISTS printed_bigrams tsvector "
            "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, bulletin_bigrams(printed_text))) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {BIGRAM_INDEX} ON submissions_submission USING gin (printed_bigrams)"
        )
    elif vendor == "sqlite":
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(printed_text, tokenize='trigram')"
        )
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {BIGRAM_TABLE} USING fts5(bigrams, tokenize='unicode61')"
        )
    nulls_last = " NULLS LAST" if vendor == "postgresql" else ""
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {QUEUE_INDEX} ON submissions_submission "
        f"(submitted_at DESC{nulls_last}, id DESC)"
    )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    schema_editor.execute(f"DROP INDEX IF EXISTS {QUEUE_INDEX}")
    if vendor == "postgresql":
        for name, _ in TITLE_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRGM_INDEX}")
        schema_editor.execute(f"DROP INDEX IF EXISTS {BIGRAM_INDEX}")
        schema_editor.execute("ALTER TABLE submissions_submission DROP COLUMN IF EXISTS printed_bigrams")
        schema_editor.execute("DROP FUNCTION IF EXISTS bulletin_bigrams(text)")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {BIGRAM_TABLE}")


class Migration(migrations.Migration):
    # The migrations of the layout before the apps were split by domain: a database
    # that has them all is already in this state (docs/developer/layers.md).
    replaces = [
        ("submissions", "0001_initial"),
        ("submissions", "0002_workflow"),
        ("submissions", "0003_trigram_search"),
        ("submissions", "0004_event_action_index"),
        ("submissions", "0005_deleted_status_conflict_base_undone"),
        ("submissions", "0005_printed_text"),
        ("submissions", "0005_signoff_reminders_commission_cancel"),
        ("submissions", "0006_list_indexes"),
        ("submissions", "0006_merge_signoff_and_undo"),
        ("submissions", "0007_status_choices_signoff_and_deleted"),
        ("submissions", "0008_merge_printed_text"),
    ]
    dependencies = [("submissions", "0001_squashed_initial")]
    operations = [migrations.RunPython(create, drop)]
