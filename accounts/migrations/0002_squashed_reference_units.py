from django.db import migrations

from accounts.reference_data import committee_rows, district_rows


def load_units(apps, schema_editor):
    Unit = apps.get_model("accounts", "Unit")
    for row in district_rows() + committee_rows():
        Unit.objects.update_or_create(short_name=row["short_name"], defaults=row)


class Migration(migrations.Migration):
    # The migrations of the layout before the apps were split by domain: a database
    # that has them all is already in this state (docs/developer/layers.md).
    replaces = [
        ("accounts", "0001_initial"),
        ("accounts", "0002_reference_units"),
        ("accounts", "0003_auditor_role_password_change"),
        ("accounts", "0003_reviewer_role"),
        ("accounts", "0004_merge_reviewer_and_auditor_roles"),
        ("accounts", "0005_role_choices_reviewer_and_auditor"),
    ]
    dependencies = [("accounts", "0001_squashed_initial")]
    operations = [migrations.RunPython(load_units, migrations.RunPython.noop)]
