"""A database made before the assessment app existed keeps these models' content types under
the bulletin app; move them (and so their permissions and admin log entries) to assessment.
On a new database there is nothing to move."""

from django.db import migrations

MODELS = ["pointsscheme", "instruction", "higheradoption", "quota"]


def move(apps, schema_editor, source="bulletin", target="assessment"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        old = ContentType.objects.using(db).filter(app_label=source, model=model).first()
        if old is None:
            continue
        if ContentType.objects.using(db).filter(app_label=target, model=model).exists():
            continue  # both exist: leave them for remove_stale_contenttypes, lose nothing
        old.app_label = target
        old.save(using=db, update_fields=["app_label"])


def move_back(apps, schema_editor):
    move(apps, schema_editor, source="assessment", target="bulletin")


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0003_squashed_default_points_scheme"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(move, move_back)]
