"""Seed AMTA's, ACSA's and SCSA's course catalogues and SECOR training requirements.

Only for associations with those slugs that already exist; a new association gets
its catalogue from ``training.services.catalogue_seed`` (the demo, or its admin).
"""

from types import SimpleNamespace

from django.db import migrations


def seed(apps, schema_editor):
    from training.seeding import seed_by_key

    models = SimpleNamespace(
        **{
            name: apps.get_model("training", name)
            for name in (
                "Course",
                "CoursePrerequisite",
                "CourseEquivalent",
                "TrainingRequirement",
                "RequirementCourse",
            )
        }
    )
    Association = apps.get_model("secor", "Association")
    Program = apps.get_model("secor", "Program")
    # Written before associations stored their seed: the seeded ones by slug.
    for association in Association.objects.filter(slug__in=("amta", "acsa", "scsa")):
        program = Program._base_manager.filter(association=association, kind="secor").first()
        seed_by_key(models, association, association.slug, program)


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
