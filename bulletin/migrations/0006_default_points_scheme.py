import datetime

from django.db import migrations


def load(apps, schema_editor):
    PointsScheme = apps.get_model("bulletin", "PointsScheme")
    PointsScheme.objects.get_or_create(
        effective_from=datetime.date(2000, 1, 1),
        defaults={"note": "默认计分办法：文章 3 分，信息摘登 1 分，要闻速递加 2 分，领导批示加 5 分，约稿逾期扣 1 分、未报扣 2 分。"},
    )


class Migration(migrations.Migration):
    dependencies = [("bulletin", "0005_points_instructions")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
