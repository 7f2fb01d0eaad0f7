"""查重 by containment: the threshold becomes a share of the shorter piece's text (0.2–0.5,
default 0.5); candidates come from samples of the stored shingles kept in memory (read
again from the rows written since, hence ``indexed_at``), so the LSH band table and the
MinHash signatures go."""

import django.core.validators
import django.utils.timezone
from django.db import migrations, models


def threshold_as_containment(apps, schema_editor):
    """A threshold saved on the old scale (Jaccard similarity, 0.05–1) is brought into the
    new range: above 0.5 a copy sharing most of the text would not be warned of."""
    options = apps.get_model("proofreading", "ProofreadingOptions")
    options.objects.filter(similarity_threshold__gt=0.5).update(similarity_threshold=0.5)
    options.objects.filter(similarity_threshold__lt=0.2).update(similarity_threshold=0.2)


def forget_band_content_type(apps, schema_editor):
    """The band table is gone: its content type (and with it its permissions) goes too, so
    the admin's permission lists name no model the code no longer has."""
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.using(schema_editor.connection.alias).filter(
        app_label="proofreading", model="band"
    ).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('proofreading', '0003_term_source_traditional_names'),
    ]

    operations = [
        migrations.AddField(
            model_name="fingerprint",
            name="indexed_at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.RemoveField(
            model_name='fingerprint',
            name='signature',
        ),
        migrations.AlterField(
            model_name='proofreadingoptions',
            name='similarity_threshold',
            field=models.FloatField(default=0.5, help_text='两篇稿件中较短一篇的文字有这么大比例（0.2～0.5）见于另一篇时，在审稿页、审稿列表和校对面板中提醒。整篇重发、半篇重发、两篇合并、压缩成摘登的稿件一般在0.8以上，同一主题的不同稿件一般不超过0.4。', validators=[django.core.validators.MinValueValidator(0.2), django.core.validators.MaxValueValidator(0.5)], verbose_name='查重提醒阈值'),
        ),
        migrations.DeleteModel(
            name='Band',
        ),
        migrations.RunPython(threshold_as_containment, migrations.RunPython.noop),
        migrations.RunPython(forget_band_content_type, migrations.RunPython.noop),
    ]
