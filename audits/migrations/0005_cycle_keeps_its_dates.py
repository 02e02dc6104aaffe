from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0004_certificates_from_cycles"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="auditcycle", name="auditcycle_live_idx"),
        migrations.RemoveConstraint(
            model_name="auditcycle", name="auditcycle_expiry_after_certification"
        ),
        migrations.RemoveField(model_name="auditcycle", name="certificate_status"),
        migrations.RemoveField(model_name="auditcycle", name="status_changed_on"),
        migrations.RemoveField(model_name="historicalauditcycle", name="certificate_status"),
        migrations.RemoveField(model_name="historicalauditcycle", name="status_changed_on"),
        migrations.RenameField(model_name="auditcycle", old_name="expires_on", new_name="ends_on"),
        migrations.RenameField(
            model_name="historicalauditcycle", old_name="expires_on", new_name="ends_on"
        ),
        migrations.AlterField(
            model_name="auditcycle",
            name="ends_on",
            field=models.DateField(help_text="The certification date plus the validity years."),
        ),
        migrations.AlterField(
            model_name="historicalauditcycle",
            name="ends_on",
            field=models.DateField(help_text="The certification date plus the validity years."),
        ),
        migrations.AddConstraint(
            model_name="auditcycle",
            constraint=models.CheckConstraint(
                condition=models.Q(("ends_on__gt", models.F("certification_date"))),
                name="auditcycle_end_after_certification",
                violation_error_message="The cycle must end after the certification date.",
            ),
        ),
    ]
