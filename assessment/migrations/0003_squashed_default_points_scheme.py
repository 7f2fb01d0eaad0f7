import datetime

from django.db import migrations


def load(apps, schema_editor):
    PointsScheme = apps.get_model("assessment", "PointsScheme")
    PointsScheme.objects.get_or_create(
        effective_from=datetime.date(2000, 1, 1),
        defaults={"note": "默认计分办法：文章 3 分，信息摘登 1 分，要闻速递加 2 分，领导批示加 5 分，约稿逾期扣 1 分、未报扣 2 分。"},
    )


class Migration(migrations.Migration):
    # The migrations of the layout before the apps were split by domain: a database
    # that has them all is already in this state (docs/developer/layers.md).
    replaces = [
        ("bulletin", "0005_points_instructions"),
        ("bulletin", "0006_default_points_scheme"),
        ("bulletin", "0008_quotas_higher_adoption_points"),
    ]
    dependencies = [("assessment", "0002_squashed_relations")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
