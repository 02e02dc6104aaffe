"""`manage.py seed_scale`: volume on the demo associations, tenancy kept, rerunnable."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from audits.schedule import submission_deadline
from audits.snapshot import rules_from_snapshot
from employers.models import Employer
from secor.models import Association, TenantModel
from secor.scale import PREFIX
from secor.tenancy import scopes_disabled

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")

SCALE_MODELS = [
    "employers.Employer",
    "employers.Enrollment",
    "employers.Worker",
    "training.TrainingRecord",
    "training.RecordVerification",
    "audits.AuditCycle",
    "audits.Audit",
    "audits.Certificate",
    "audits.CertificateRevision",
    "audits.Milestone",
    "submissions.Submission",
    "submissions.SubmissionEntry",
    "secor.Reminder",
    "secor.Notification",
]


def counts() -> dict[str, int]:
    with scopes_disabled():
        return {label: apps.get_model(label).objects.count() for label in SCALE_MODELS}


def cross_tenant_links() -> list[str]:
    """Every foreign key between tenant rows whose two ends are in different associations."""
    q = connection.ops.quote_name
    found = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if not issubclass(model, TenantModel):
                continue
            for f in model._meta.concrete_fields:
                target = f.related_model
                if not f.is_relation or f.name == "association" or target is None:
                    continue
                if not issubclass(target, TenantModel):
                    continue
                cursor.execute(
                    f"SELECT count(*) FROM {q(model._meta.db_table)} t "
                    f"JOIN {q(target._meta.db_table)} r ON t.{q(f.column)} = r.id "
                    "WHERE t.association_id <> r.association_id"
                )
                if n := cursor.fetchone()[0]:
                    found.append(f"{model._meta.label}.{f.name}: {n}")
    return found


@pytest.mark.django_db
def test_seed_scale_builds_realistic_volume_per_employer_across_the_demo_associations():
    call_command("seed_scale", employers=50, verbosity=0)
    with scopes_disabled():
        assert sorted(Association.objects.values_list("slug", flat=True)) == [
            "acsa",
            "amta",
            "scsa",
        ]
        per_association = {
            a.slug: Employer.objects.filter(association=a, legal_name__startswith=PREFIX).count()
            for a in Association.objects.all()
        }
    assert per_association == {"amta": 17, "acsa": 17, "scsa": 16}
    n = counts()
    assert n["employers.Employer"] == 50
    assert 4 * 50 <= n["employers.Worker"] <= 6 * 50
    assert 8 * 50 <= n["training.TrainingRecord"] <= 12 * 50
    # 70 % certified: a cycle, a certificate and its revision each; audits over three years.
    assert n["audits.AuditCycle"] == n["audits.Certificate"] == n["audits.CertificateRevision"]
    assert 30 <= n["audits.AuditCycle"] <= 45
    assert n["audits.Audit"] > n["audits.AuditCycle"]
    assert n["submissions.Submission"] > 0
    assert n["submissions.SubmissionEntry"] >= 8 * n["submissions.Submission"]
    assert n["audits.Milestone"] > 0
    assert n["secor.Reminder"] == n["secor.Notification"] > 0
    with scopes_disabled():
        Audit = apps.get_model("audits.Audit")
        years = {a.year for a in Audit.objects.all()}
        # Stored deadline copies are written as save() writes them: the pure schedule's.
        for a in Audit.objects.all():
            rules = rules_from_snapshot(a.rules_snapshot)
            assert a.submission_due_on == submission_deadline(a.data_gathering_end, rules)
    assert {1, 2, 3} <= years


@pytest.mark.django_db
def test_seed_scale_rows_only_point_within_their_association():
    call_command("seed_scale", employers=50, verbosity=0)
    assert cross_tenant_links() == []


@pytest.mark.django_db
def test_a_rerun_leaves_the_same_rows_and_never_touches_other_data():
    call_command("seed_scale", employers=50, verbosity=0)
    with scopes_disabled():
        amta = Association.objects.get(slug="amta")
        own = Employer.objects.create(association=amta, legal_name="Real Employer Ltd.")
    first = counts()
    call_command("seed_scale", employers=50, verbosity=0)
    assert counts() == first
    with scopes_disabled():
        assert Employer.objects.filter(pk=own.pk).exists()
    evidence = apps.get_model("secor.EvidenceFile")
    with scopes_disabled():
        stored = evidence.objects.count()
    call_command("seed_scale", employers=50, verbosity=0)
    with scopes_disabled():
        # Immutable evidence files are reused, never deleted nor added twice.
        assert evidence.objects.count() == stored
    call_command("seed_scale", employers=0, verbosity=0, wipe_only=True)
    with scopes_disabled():
        assert list(Employer.objects.all()) == [own]
