from django.db import migrations

from bulletin.reference_data import PUBLICATION, SECTIONS


def load(apps, schema_editor):
    Section = apps.get_model("bulletin", "Section")
    Publication = apps.get_model("bulletin", "Publication")
    for position, (name, kind) in enumerate(SECTIONS, start=1):
        Section.objects.update_or_create(name=name, defaults={"position": position, "kind": kind})
    Publication.objects.get_or_create(name=PUBLICATION["name"], defaults=PUBLICATION)


class Migration(migrations.Migration):
    dependencies = [("bulletin", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
