"""WCB account numbers unique per board whatever the case (ADR 0006).

Before the constraint goes in, existing accounts that differ only in case (or
in a board's case) stop the migration with the list of them: which account to
keep, and what to do with the designations and certificates that point at the
other, is a program admin's decision, not a migration's.
"""

import django.db.models.functions.text
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import Upper


def refuse_duplicates(apps, schema_editor):
    WCBAccount = apps.get_model("employers", "WCBAccount")
    groups = (
        WCBAccount._base_manager.using(schema_editor.connection.alias)
        .annotate(board_key=Upper("board"), number_key=Upper("account_number"))
        .values("association_id", "board_key", "number_key")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("association_id", "board_key", "number_key")
    )
    lines = []
    for group in groups:
        ids = list(
            WCBAccount._base_manager.using(schema_editor.connection.alias)
            .annotate(board_key=Upper("board"), number_key=Upper("account_number"))
            .filter(
                association_id=group["association_id"],
                board_key=group["board_key"],
                number_key=group["number_key"],
            )
            .order_by("id")
            .values_list("id", flat=True)
        )
        lines.append(
            f"association {group['association_id']}, {group['board_key']} "
            f"{group['number_key']}: WCB account ids {', '.join(map(str, ids))}"
        )
    if lines:
        raise RuntimeError(
            "WCB account numbers must be unique per board regardless of case; these "
            "accounts differ only in case. Merge or correct them, then migrate again:\n  "
            + "\n  ".join(lines)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("employers", "0004_wcb_number_and_name_search_indexes"),
        ("secor", "0007_membership_employer_admin_and_history"),
    ]

    operations = [
        migrations.RunPython(refuse_duplicates, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="wcbaccount",
            name="wcbaccount_unique_number",
        ),
        migrations.AddConstraint(
            model_name="wcbaccount",
            constraint=models.UniqueConstraint(
                models.F("association"),
                django.db.models.functions.text.Upper("board"),
                django.db.models.functions.text.Upper("account_number"),
                name="wcbaccount_unique_number_any_case",
                violation_error_message=(
                    "This WCB account number is already registered with this association."
                ),
            ),
        ),
    ]
