"""Who may hold a requirement: the old kinds of worker become employment statuses.

A worker now has a role and an employment status (docs/rules.md#reading-role-and-status);
training rules read the status ("full time permanent ... employee"). Each old kind maps
to its status (owner, manager and clerical to full-time permanent, family member to
volunteer), so ``["owner", "full_time_permanent"]`` becomes ``["full_time_permanent"]``
and a full-time manager can now hold the training. Values are copied here, not imported.
"""

import training.models
from django.db import migrations, models

STATUS_OF_KIND = {
    "owner": "full_time_permanent",
    "manager": "full_time_permanent",
    "clerical": "full_time_permanent",
    "family_member": "volunteer",
    "full_time_permanent": "full_time_permanent",
    "part_time": "part_time",
    "casual": "casual",
    "temporary": "temporary",
    "subcontractor": "subcontractor",
    "consultant": "consultant",
    "volunteer": "volunteer",
}
STATUSES = list(dict.fromkeys(STATUS_OF_KIND.values()))


MODELS = ("TrainingRequirement", "HistoricalTrainingRequirement")


def forwards(apps, schema_editor):
    for name in MODELS:
        Requirement = apps.get_model("training", name)
        for requirement in Requirement._base_manager.filter(holder_statuses__isnull=False):
            kinds = requirement.holder_statuses or []
            statuses = {STATUS_OF_KIND[k] for k in kinds if k in STATUS_OF_KIND}
            requirement.holder_statuses = sorted(statuses) or None
            requirement.save(update_fields=["holder_statuses"])


def backwards(apps, schema_editor):
    """A status is also an old kind; full-time permanent brings the owners back."""
    for name in MODELS:
        Requirement = apps.get_model("training", name)
        for requirement in Requirement._base_manager.filter(holder_statuses__isnull=False):
            kinds = set(requirement.holder_statuses or [])
            if "full_time_permanent" in kinds:
                kinds.add("owner")
            requirement.holder_statuses = sorted(kinds)
            requirement.save(update_fields=["holder_statuses"])


class Migration(migrations.Migration):
    dependencies = [("training", "0010_last_verification_plain_key")]

    operations = [
        *(
            operation
            for model_name in ("trainingrequirement", "historicaltrainingrequirement")
            for operation in (
                migrations.RenameField(
                    model_name=model_name, old_name="holder_types", new_name="holder_statuses"
                ),
                migrations.AlterField(
                    model_name=model_name,
                    name="holder_statuses",
                    field=models.JSONField(
                        blank=True,
                        default=training.models.default_holder_types,
                        null=True,
                        verbose_name="employment statuses that may hold it",
                    ),
                ),
                migrations.AddField(
                    model_name=model_name,
                    name="holder_roles",
                    field=models.JSONField(
                        blank=True, default=None, null=True, verbose_name="roles that may hold it"
                    ),
                ),
            )
        ),
        migrations.RunPython(forwards, backwards),
    ]
