"""Lead times of every reminder kind for the associations that exist (AMTA, ACSA, SCSA).

Associations created later get theirs from `notifications.reminder_settings_ensure`.
SCSA's anniversary notice follows its program rules ("notified approx. 90 days in
advance of their anniversary date"); the other leads are the kinds' defaults.
"""

from django.db import migrations


def seed(apps, schema_editor):
    from secor.notifications import KINDS

    Association = apps.get_model("secor", "Association")
    ReminderSetting = apps.get_model("secor", "ReminderSetting")
    ProgramRules = apps.get_model("audits", "ProgramRules")
    for association in Association.objects.all():
        notice = (
            ProgramRules.objects.filter(association=association, maintenance_notice_days__isnull=False)
            .values_list("maintenance_notice_days", flat=True)
            .first()
        )
        for code, kind in KINDS.items():
            lead_days = list(kind.default_leads)
            if code == "anniversary_approaching" and notice:
                lead_days = [notice]
            ReminderSetting.objects.get_or_create(
                association=association, kind=code, defaults={"lead_days": lead_days}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("secor", "0003_reminders"),
        ("audits", "0002_seed_program_rules_and_tools"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
