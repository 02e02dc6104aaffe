"""The data migration that turns "who may hold it" kinds into employment statuses."""

from __future__ import annotations

import pytest

from ..employers.conftest import add_programs
from ..migration_steps import migrate, migrate_to_latest

BEFORE = [("training", "0010_last_verification_plain_key")]
AFTER = [("training", "0011_requirement_holder_status_and_role")]


@pytest.mark.django_db(transaction=True)
def test_holder_kinds_become_statuses_so_a_full_time_manager_can_hold_training(association):
    amta = add_programs(association)
    apps = migrate(BEFORE)
    try:
        Requirement = apps.get_model("training", "TrainingRequirement")
        program_id = (
            apps.get_model("secor", "Program")
            ._base_manager.get(association_id=amta.pk, kind="secor")
            .pk
        )
        common = {"association_id": amta.pk, "program_id": program_id, "kind": "at_least_one"}
        old_default = Requirement._base_manager.create(
            **common, code="a", label="A", holder_types=["full_time_permanent", "owner"]
        )
        edited = Requirement._base_manager.create(
            **common, code="b", label="B", holder_types=["manager", "part_time", "family_member"]
        )
        anyone = Requirement._base_manager.create(**common, code="c", label="C", holder_types=None)

        apps = migrate(AFTER)
        Requirement = apps.get_model("training", "TrainingRequirement")
        got = {
            r.code: (r.holder_statuses, r.holder_roles)
            for r in Requirement._base_manager.filter(pk__in=[old_default.pk, edited.pk, anyone.pk])
        }
    finally:
        migrate_to_latest()

    assert got == {
        "a": (["full_time_permanent"], None),
        "b": (["full_time_permanent", "part_time", "volunteer"], None),
        "c": (None, None),
    }
