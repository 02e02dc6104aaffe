"""Fill the stored report due date of the audits that existed before the column."""

from django.db import migrations


def fill(apps, schema_editor):
    # The pure rule modules, not the model: a migration sees the historical model only.
    from audits.schedule import submission_deadline
    from audits.snapshot import rules_from_snapshot

    Audit = apps.get_model("audits", "Audit")
    batch = []
    for audit in Audit._base_manager.only("pk", "data_gathering_end", "rules_snapshot").iterator(
        chunk_size=2000
    ):
        audit.submission_due_on = (
            submission_deadline(audit.data_gathering_end, rules_from_snapshot(audit.rules_snapshot))
            if audit.rules_snapshot
            else None
        )
        batch.append(audit)
        if len(batch) == 2000:
            Audit._base_manager.bulk_update(batch, ["submission_due_on"])
            batch = []
    if batch:
        Audit._base_manager.bulk_update(batch, ["submission_due_on"])


class Migration(migrations.Migration):
    dependencies = [("audits", "0006_audit_submission_due_on")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
