"""The audits demo: cycles in different states, built idempotently after the other apps'."""

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from audits.models import Audit, AuditCycle, Milestone, MilestoneLetter, ProgramRules
from employers.models import Enrollment

pytestmark = pytest.mark.django_db


def counts():
    with scopes_disabled():
        return [
            m.objects.count()
            for m in (ProgramRules, AuditCycle, Audit, Milestone, MilestoneLetter, Enrollment)
        ]


def test_demo_builds_certified_cancelled_and_milestone_states_idempotently(settings):
    settings.DEBUG = True
    call_command("demo_data")
    first = counts()
    call_command("demo_data")
    assert counts() == first
    with scopes_disabled():
        status = {
            e.association.slug: (e.status, e.audit_cycles.first())
            for e in Enrollment.objects.select_related("association").filter(program__kind="secor")
            if e.audit_cycles.exists() or e.milestones.exists()
        }
        amta_status, amta_cycle = status["amta"]
        assert amta_status == "certified" and amta_cycle.certificates.get().status == "valid"
        assert status["acsa"][0] == "cancelled"
        assert status["acsa"][1].certificates.get().status == "cancelled"
        assert status["scsa"][0] in ("registered", "in_progress")
        scsa_milestones = Milestone.objects.filter(association__slug="scsa")
        assert scsa_milestones.get(code="courses").outcome == "accepted"
        assert scsa_milestones.get(code="self_audit_lse").outcome == "submitted"
        assert ProgramRules.objects.filter(association__slug="scsa").count() == 1
