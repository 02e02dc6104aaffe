"""Seed submission rules for every existing association (AMTA, ACSA, SCSA get theirs)."""

from django.db import migrations

from submissions.seeds import seed_rules


def seed(apps, schema_editor):
    Association = apps.get_model("secor", "Association")
    for association in Association.objects.all():
        seed_rules(apps.get_model, association, association.slug)


class Migration(migrations.Migration):
    dependencies = [("submissions", "0001_initial"), ("audits", "0002_seed_program_rules_and_tools")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
