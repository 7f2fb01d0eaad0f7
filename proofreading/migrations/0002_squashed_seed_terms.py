"""The terms list every installation starts with (the admin edits it) and the options row."""

from django.db import migrations

TERMS = [
    # (preferred, variants, exceptions, note)
    ("“十四五”", "十四五", "‘十四五’", "规划名称加引号"),
    ("“十五五”", "十五五", "‘十五五’", "规划名称加引号"),
    ("人大代表", "人民代表", "人民代表大会", "本刊语境"),
    ("全过程人民民主", "全过程民主", "", ""),
]


def seed(apps, schema_editor):
    Term = apps.get_model("proofreading", "Term")
    Options = apps.get_model("proofreading", "ProofreadingOptions")
    for preferred, variants, exceptions, note in TERMS:
        Term.objects.get_or_create(
            preferred=preferred, defaults={"variants": variants, "exceptions": exceptions, "note": note}
        )
    if not Options.objects.exists():
        Options.objects.create()


class Migration(migrations.Migration):
    # The migrations of the layout before the apps were split by domain: a database
    # that has them all is already in this state (docs/developer/layers.md).
    replaces = [
        ("proofreading", "0001_initial"),
        ("proofreading", "0002_seed_terms"),
    ]
    dependencies = [("proofreading", "0001_squashed_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
