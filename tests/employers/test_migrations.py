"""The data migration that splits a worker's one "kind" into a role and a status.

docs/rules.md#reading-role-and-status. Every old kind maps to its pair; a size rule's
counted kinds become counted roles and statuses, seeded rules nobody edited get the new
seed, and every migration is applied again at the end.
"""

from __future__ import annotations

from datetime import date

import pytest

from ..factories import EmployerFactory
from ..migration_steps import migrate, migrate_to_latest
from .conftest import add_programs

BEFORE = [("employers", "0006_tenant_keys")]
AFTER = [("employers", "0007_worker_role_and_status")]

EXPECTED = {
    "owner": ("owner", "full_time_permanent"),
    "full_time_permanent": ("other", "full_time_permanent"),
    "part_time": ("other", "part_time"),
    "casual": ("other", "casual"),
    "temporary": ("other", "temporary"),
    "subcontractor": ("other", "subcontractor"),
    "consultant": ("other", "consultant"),
    "family_member": ("family_member", "volunteer"),
    "volunteer": ("other", "volunteer"),
    "manager": ("manager", "full_time_permanent"),
    "clerical": ("clerical", "full_time_permanent"),
}


@pytest.mark.django_db(transaction=True)
def test_each_old_kind_becomes_its_role_and_status_and_rules_follow(association, other_association):
    amta, scsa = add_programs(association), add_programs(other_association)
    employer = EmployerFactory(association=amta)
    apps = migrate(BEFORE)
    try:
        Worker = apps.get_model("employers", "Worker")
        Rule = apps.get_model("employers", "EligibilityRule")
        ids = {
            kind: Worker._base_manager.create(
                association_id=amta.pk,
                employer_id=employer.pk,
                full_name=kind,
                employment_type=kind,
                start_date=date(2020, 1, 1),
            ).pk
            for kind in EXPECTED
        }
        # SCSA's rule as seeded; AMTA's edited by its admin to count owners and managers.
        Rule._base_manager.filter(association_id=amta.pk).update(
            counted_types=["owner", "manager", "part_time"]
        )

        apps = migrate(AFTER)
        Worker = apps.get_model("employers", "Worker")
        Rule = apps.get_model("employers", "EligibilityRule")
        got = {
            kind: tuple(
                Worker._base_manager.filter(pk=pk).values_list("role", "employment_status").get()
            )
            for kind, pk in ids.items()
        }
        amta_rule = Rule._base_manager.get(association_id=amta.pk)
        scsa_rule = Rule._base_manager.get(association_id=scsa.pk)
    finally:
        migrate_to_latest()

    assert got == EXPECTED
    # An edited rule keeps its verdicts: owners, managers and part-time "other" workers.
    assert (amta_rule.counted_roles, amta_rule.counted_statuses) == (
        ["owner", "manager", "other"],
        ["full_time_permanent", "part_time"],
    )
    # A seeded rule nobody edited gets the new seed: every role, SCSA's statuses.
    assert scsa_rule.counted_roles == ["owner", "manager", "clerical", "family_member", "other"]
    assert scsa_rule.counted_statuses == [
        "full_time_permanent",
        "part_time",
        "casual",
        "temporary",
        "subcontractor",
    ]
    assert (amta_rule.count_unit, amta_rule.full_time_hours) == ("people", 40)
