"""The data migration that moves certificate state off `AuditCycle` keeps every row."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from .factories import enrollment

BEFORE = [("audits", "0003_certificate_models")]
AFTER = [("audits", "0005_cycle_keeps_its_dates")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _migrate_to_latest():
    """Leave the database as every later test expects it: all migrations applied."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_each_cycle_gets_a_marked_certificate_and_review_states_become_received(association):
    e = enrollment(association, status="certified")
    apps = _migrate(BEFORE)
    try:
        Cycle = apps.get_model("audits", "AuditCycle")
        Audit = apps.get_model("audits", "Audit")
        Tool = apps.get_model("audits", "AuditTool")
        cycle = Cycle._base_manager.create(
            association_id=association.pk,
            employer_id=e.employer_id,
            enrollment_id=e.pk,
            certification_date=date(2021, 1, 5),
            expires_on=date(2024, 1, 5),
            certificate_status="suspended",
            status_changed_on=date(2022, 5, 1),
        )
        tool = Tool._base_manager.filter(association_id=association.pk).first()
        common = {
            "association_id": association.pk,
            "employer_id": e.employer_id,
            "enrollment_id": e.pk,
            "conducted_by": "external_assessor",
            "tool_id": tool.pk,
            "rules_snapshot": {},
        }
        in_review = Audit._base_manager.create(
            **common,
            audit_type="maintenance",
            cycle_id=cycle.pk,
            year=2,
            data_gathering_start=date(2022, 3, 1),
            data_gathering_end=date(2022, 3, 5),
            status="in_review",
        )
        apps = _migrate(AFTER)
    finally:
        _migrate_to_latest()
    Certificate = apps.get_model("audits", "Certificate")
    certificate = Certificate._base_manager.get(cycle_id=cycle.pk)
    assert certificate.number == f"{association.short_name.upper()}-SECOR-2021-00001"
    assert (certificate.issued_on, certificate.expires_on) == (date(2021, 1, 5), date(2024, 1, 5))
    assert (certificate.status, certificate.status_changed_on) == ("suspended", date(2022, 5, 1))
    assert certificate.imported is True
    revision = apps.get_model("audits", "CertificateRevision")._base_manager.get(
        certificate_id=certificate.pk
    )
    assert "assigned by the migration" in revision.reason
    assert apps.get_model("audits", "Audit")._base_manager.get(pk=in_review.pk).status == (
        "received"
    )
    counter = apps.get_model("audits", "CertificateCounter")._base_manager.get(
        association_id=association.pk, year=2021
    )
    assert counter.last_seq == 1
    assert apps.get_model("audits", "AuditCycle")._base_manager.get(pk=cycle.pk).ends_on == date(
        2024, 1, 5
    )


@pytest.mark.django_db(transaction=True)
def test_range_migration_refuses_out_of_range_rules_and_names_them(association):
    """Decided: refuse, never clamp (secor.migration_checks); the operator fixes the row."""
    from secor.migration_checks import RowsOutOfRange

    from .factories import seeded

    seeded(association)
    apps = _migrate([("audits", "0007_fill_submission_due_on")])
    try:
        Rules = apps.get_model("audits", "ProgramRules")
        rules = Rules._base_manager.filter(association_id=association.pk).first()
        Rules._base_manager.filter(pk=rules.pk).update(maintenance_notice_days=30000)
        with pytest.raises(RowsOutOfRange) as refused:
            _migrate([("audits", "0008_rules_and_dates_in_sane_ranges")])
        assert f"audits.ProgramRules id {rules.pk}" in str(refused.value)
        assert "programrules_maintenance_notice_days_range" in str(refused.value)
        Rules._base_manager.filter(pk=rules.pk).update(maintenance_notice_days=90)
    finally:
        _migrate_to_latest()
