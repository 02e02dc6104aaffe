"""Checks a migration runs before it adds a CheckConstraint to existing rows.

Decided: a migration that adds range constraints **refuses** to run while a row
breaks one, and names the rows; it never clamps. A clamped rule or date would
silently change an association's deadlines (a notice of 99,999,999 days is a
typing mistake, but only its admin knows the value meant). The operator fixes
the rows (in the admin or the shell), then runs the migration again.
"""

from __future__ import annotations

from django.db import migrations, models

SHOWN_IDS = 20


class RowsOutOfRange(RuntimeError):
    pass


def refuse_rows_breaking(app_label: str, operations) -> migrations.RunPython:
    """A RunPython, placed before ``operations``, that fails on rows their checks would reject."""
    checks = [
        (op.model_name, op.constraint)
        for op in operations
        if isinstance(op, migrations.AddConstraint)
        and isinstance(op.constraint, models.CheckConstraint)
    ]

    def check(apps, schema_editor):
        problems = []
        for model_name, constraint in checks:
            model = apps.get_model(app_label, model_name)
            bad = model._base_manager.exclude(constraint.condition).order_by("pk")
            ids = list(bad.values_list("pk", flat=True)[: SHOWN_IDS + 1])
            if ids:
                shown = ", ".join(map(str, ids[:SHOWN_IDS])) + (
                    " …" if len(ids) > SHOWN_IDS else ""
                )
                problems.append(f"{model._meta.label} id {shown}: {constraint.name}")
        if problems:
            raise RowsOutOfRange(
                "These rows hold values outside the ranges this migration enforces "
                "(dates 1950-01-01..2100-12-31, rule numbers within their maxima). "
                "Correct them, then migrate again; nothing was changed:\n  " + "\n  ".join(problems)
            )

    return migrations.RunPython(check, migrations.RunPython.noop, elidable=False)
