"""Indexes for the keyset-paged lists: the last page costs what the first does.

The review queue is ordered by 报送时间 newest first with the pieces that have none (back
issues) last, then by id. SQLite keeps NULLs lowest, so (submitted_at DESC, id DESC) is
that order; PostgreSQL needs NULLS LAST said in the index. Django's Index cannot say it for
one database and not the other, hence the SQL here.
"""

from django.conf import settings
from django.db import migrations, models

QUEUE_INDEX = "submission_queue_order"


def create_queue_index(apps, schema_editor):
    nulls_last = " NULLS LAST" if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {QUEUE_INDEX} ON submissions_submission "
        f"(submitted_at DESC{nulls_last}, id DESC)"
    )


def drop_queue_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {QUEUE_INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_reference_units'),
        ('bulletin', '0007_distribution_lists'),
        ('submissions', '0005_printed_text'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(fields=['recipient', '-created_at', '-id'], name='notification_list'),
        ),
        migrations.AddIndex(
            model_name='submission',
            index=models.Index(fields=['unit', '-updated_at', '-id'], name='submission_unit_list'),
        ),
        migrations.RunPython(create_queue_index, drop_queue_index),
    ]
