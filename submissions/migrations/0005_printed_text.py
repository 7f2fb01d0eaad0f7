"""Search reads the text as printed: a plain-text column, its index, and its first fill.

The indexes (chosen by measurement at ten years of data, see bulletin/search.py):
- PostgreSQL: a pg_trgm GIN index on printed_text (words of three characters or more,
  LIKE/ILIKE), and a GIN full-text index on the text's character bigrams for two-character
  words, which trigrams cannot serve: a stored generated column `printed_bigrams`
  (tsvector of to_tsvector('simple', bulletin_bigrams(printed_text)), an immutable SQL
  function) with a GIN index. Stored, not an expression index: for a word in most pieces
  the planner prefers a sequential scan, and recomputing the vector for every row took
  11 s at ten years of data; reading the stored one takes milliseconds. Django's model
  does not know the column; only bulletin/search.py's query names it;
- SQLite: two FTS5 tables whose rowid is the piece's id, kept by bulletin/search.py: one
  with the trigram tokenizer, one holding the text's bigrams (unicode61 tokenizer). The fill: published pieces from their issue's
frozen snapshot, the others from their current fields, through the same functions the
actions use (bulletin.search), so the column reads exactly as the actions would write it.
"""

from django.db import migrations, models

FTS_TABLE = "submissions_printed_text_fts"
BIGRAM_TABLE = "submissions_printed_bigram_fts"
TRGM_INDEX = "submission_printed_text_trgm"
BIGRAM_INDEX = "submission_printed_text_bigram"
# "建强阵地" → "建强 强阵 阵地": every character doubled, the first dropped, then a space
# after every pair. Two regular-expression passes (0.2 ms for a piece of 700 characters);
# bulletin.search.bigrams() gives the same in Python.
BIGRAMS_FUNCTION = r"""
CREATE OR REPLACE FUNCTION bulletin_bigrams(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT regexp_replace(substr(regexp_replace(t, '(.)', '\1\1', 'g'), 2), '(..)', '\1 ', 'g')
$$
"""


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
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


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRGM_INDEX}")
        schema_editor.execute(f"DROP INDEX IF EXISTS {BIGRAM_INDEX}")
        schema_editor.execute("ALTER TABLE submissions_submission DROP COLUMN IF EXISTS printed_bigrams")
        schema_editor.execute("DROP FUNCTION IF EXISTS bulletin_bigrams(text)")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {BIGRAM_TABLE}")


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
