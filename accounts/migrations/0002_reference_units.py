from django.db import migrations

from accounts.reference_data import committee_rows, district_rows


def load_units(apps, schema_editor):
    Unit = apps.get_model("accounts", "Unit")
    for row in district_rows() + committee_rows():
        Unit.objects.update_or_create(short_name=row["short_name"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(load_units, migrations.RunPython.noop)]
