import django.db.models.deletion
from django.db import migrations, models

from secor.tenant_keys import ensure_tenant_keys


class Migration(migrations.Migration):
    """The record's last verification is a plain key (earlier ones stay, pointed at by
    nothing); it was a one-to-one. The tenant key is made sure of again."""

    dependencies = [
        ("training", "0009_assessor_and_cor_requirements"),
    ]

    operations = [
        migrations.AlterField(
            model_name="trainingrecord",
            name="verification",
            field=models.ForeignKey(
                blank=True,
                help_text="The facts as staff last verified them; what compliance counts.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="training.recordverification",
            ),
        ),
        ensure_tenant_keys("training"),
    ]
