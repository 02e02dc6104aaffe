"""The named assessor's own training; AMTA's COR requirements.

docs/rules.md#amta-training: "Who can take it? The owner or key employee completing the
audit", valid before the audit starts — the named assessor's own Self-Evaluator record,
not anyone's in the company; SCSA accepts SECOR audits "only from someone with valid
Internal Auditor status" (docs/rules.md#scsa-safety-auditor-training). "HSSB or HSPB
required for all COR/SECOR", and a COR is audited by a Certified COR Auditor.
"""

from types import SimpleNamespace

from django.db import migrations, models


def forwards(apps, schema_editor):
    from training.seeding import seed_by_key

    models_ = SimpleNamespace(
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
    requirements = models_.TrainingRequirement._base_manager
    requirements.filter(association__seed="amta", code="self_evaluator").update(
        held_by_assessor=True
    )
    requirements.filter(association__seed="scsa", code="SAT").update(held_by_assessor=True)
    Association = apps.get_model("secor", "Association")
    Program = apps.get_model("secor", "Program")
    for association in Association.objects.filter(seed="amta"):
        cor = Program._base_manager.filter(association=association, kind="cor").first()
        if cor is not None:
            seed_by_key(models_, association, "amta", None, cor)


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0008_tenant_keys"),
        ("secor", "0007_membership_employer_admin_and_history"),
    ]

    operations = [
        *(
            migrations.AddField(
                model_name=model_name,
                name="held_by_assessor",
                field=models.BooleanField(
                    default=False,
                    help_text=(
                        "AMTA: the Self-Evaluator training of the owner or key employee "
                        "completing the audit, valid on its first day. When an audit names "
                        "its assessor, only their own record counts."
                    ),
                    verbose_name="the person conducting the audit must hold it personally",
                ),
            )
            for model_name in ("trainingrequirement", "historicaltrainingrequirement")
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
