"""Seed program rules and version-1 audit tools for AMTA, ACSA and SCSA, if they exist."""

from django.db import migrations

from audits.seeds import SEEDS, seed_association


def seed(apps, schema_editor):
    Association = apps.get_model("secor", "Association")
    for association in Association.objects.filter(slug__in=list(SEEDS)):
        seed_association(apps.get_model, association, association.slug)


class Migration(migrations.Migration):
    dependencies = [("audits", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
