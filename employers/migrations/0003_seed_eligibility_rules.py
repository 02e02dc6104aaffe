"""Seed the SECOR size rule for the seeds' associations, if they exist already.

Values are copied here (not imported) so this migration keeps meaning what it meant
when written; associations created later get theirs from services.rules_ensure.
Sources: docs/rules.md#acsa-size-limit, #scsa-size-limit; AMTA's bulletin states no
size rule, so AMTA gets Alberta's SECOR standard (docs/rules.md#amta-size-limit).
"""

from django.db import migrations

ALL = [
    "owner",
    "full_time_permanent",
    "part_time",
    "casual",
    "temporary",
    "subcontractor",
    "consultant",
    "family_member",
    "volunteer",
    "manager",
    "clerical",
]
ALBERTA = {
    "limit": 10,
    "counted_types": [t for t in ALL if t not in {"subcontractor", "consultant"}],
    "window_months": 12,
    "province": "",
    "over_limit_program": "COR",
    "general_contractor_rule": False,
}
SEEDS = {
    "amta": {**ALBERTA, "requires_membership": False},
    "acsa": {**ALBERTA, "requires_membership": True},
    "scsa": {
        "limit": 9,
        "counted_types": [
            t for t in ALL if t not in {"consultant", "volunteer", "family_member"}
        ],
        "window_months": 12,
        "province": "SK",
        "over_limit_program": "COR",
        "general_contractor_rule": True,
        "requires_membership": False,
    },
}


def seed(apps, schema_editor):
    Association = apps.get_model("secor", "Association")
    Program = apps.get_model("secor", "Program")
    EligibilityRule = apps.get_model("employers", "EligibilityRule")
    for association in Association.objects.filter(slug__in=SEEDS):
        for program in Program.objects.filter(association=association, kind="secor"):
            EligibilityRule.objects.get_or_create(
                association=association, program=program, defaults=SEEDS[association.slug]
            )


class Migration(migrations.Migration):
    dependencies = [("employers", "0002_eligibility_rule_and_cached_verdict")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
