"""Seeded submission rules: per association, idempotent, admin edits kept."""

import pytest

from secor.models import Program
from secor.tenancy import activate
from submissions import services
from submissions.models import SubmissionRule


@pytest.mark.django_db
def test_scsa_gets_manual_package_baseline_and_proficiency_rules(other_association):
    Program.objects.create(association=other_association, kind="secor")
    services.rules_seed(association=other_association, seed_key="scsa")
    with activate(other_association):
        rules = {r.kind: r for r in SubmissionRule.objects.all()}
    assert set(rules) == {
        "evaluation",
        "safety_manual",
        "maintenance_package",
        "baseline_request",
        "proficiency",
    }
    assert rules["maintenance_package"].required_documents == [
        ["Safe Work Practice|SWP", 2],
        ["Safe Job Procedure|SJP", 2],
    ]
    assert rules["safety_manual"].use_tool_elements
    assert not rules["baseline_request"].use_tool_elements


@pytest.mark.django_db
def test_amta_refuses_late_evaluations_and_acsa_takes_links(association):
    from tests.factories import AssociationFactory

    acsa = AssociationFactory(slug="acsa", short_name="ACSA")
    for a in (association, acsa):
        Program.objects.create(association=a, kind="secor")
    services.rules_seed(association=association, seed_key="amta")
    services.rules_seed(association=acsa, seed_key="acsa")
    amta_rule = SubmissionRule.objects.for_association(association).get(kind="evaluation")
    acsa_rule = SubmissionRule.objects.for_association(acsa).get(kind="evaluation")
    assert not amta_rule.accept_late and not amta_rule.allow_link
    assert acsa_rule.allow_link and acsa_rule.accept_late
    assert amta_rule.max_bytes == acsa_rule.max_bytes == 1024**3
    assert amta_rule.corrections_days == 15


@pytest.mark.django_db
def test_seeding_again_keeps_the_admins_edits(association):
    Program.objects.create(association=association, kind="secor")
    services.rules_seed(association=association, seed_key="amta")
    SubmissionRule.objects.for_association(association).update(corrections_days=20)
    assert services.rules_seed(association=association, seed_key="amta") == []
    assert SubmissionRule.objects.for_association(association).get().corrections_days == 20
