from django.db import migrations

from bulletin.reference_data import PUBLICATION, SECTIONS


def load(apps, schema_editor):
    Section = apps.get_model("bulletin", "Section")
    Publication = apps.get_model("bulletin", "Publication")
    for position, (name, kind) in enumerate(SECTIONS, start=1):
        Section.objects.update_or_create(name=name, defaults={"position": position, "kind": kind})
    Publication.objects.get_or_create(name=PUBLICATION["name"], defaults=PUBLICATION)


class Migration(migrations.Migration):
    # The migrations of the layout before the apps were split by domain: a database
    # that has them all is already in this state (docs/developer/layers.md).
    replaces = [
        ("bulletin", "0001_initial"),
        ("bulletin", "0002_reference_sections_publication"),
        ("bulletin", "0003_placements_pdfs"),
        ("bulletin", "0004_issue_origin"),
        ("bulletin", "0005_points_instructions"),
        ("bulletin", "0006_default_points_scheme"),
        ("bulletin", "0007_distribution_lists"),
        ("bulletin", "0008_draft_renders_publish_jobs"),
        ("bulletin", "0008_publication_first_year"),
        ("bulletin", "0008_quotas_higher_adoption_points"),
        ("bulletin", "0009_merge_quotas_and_draft_renders"),
        ("bulletin", "0010_merge_first_year_and_quotas_renders"),
    ]
    dependencies = [("bulletin", "0002_squashed_relations")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
