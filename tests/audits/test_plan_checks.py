"""Planning refuses what would void the audit: the rules issue's examples, with real data.

docs/rules.md#reading-planning-checks. Training is the real compliance check (seeded
catalogues, staff-verified records), eligibility the real size rule.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from audits import selectors, services
from employers import services as employer_services
from employers.selectors import employer_page
from secor.tenancy import activate
from training import services as training_services

from ..factories import AssociationFactory, WCBAccountFactory, WorkerFactory
from ..training.helpers import verified
from .factories import certified, enrollment, seeded

pytestmark = pytest.mark.django_db


def check(e, start, end, today, **kwargs):
    with activate(e.association):
        return selectors.plan_check(enrollment=e, start=start, end=end, today=today, **kwargs)


def codes(result) -> list[str]:
    return [r.code for r in result.blockers]


def text(result) -> str:
    return " | ".join(r.message for r in result.blockers)


@pytest.fixture
def acsa(db):
    association = AssociationFactory(
        name="Alberta Construction Safety Association", short_name="ACSA", slug="acsa"
    )
    seeded(association, "acsa")
    employer_services.rules_ensure(association=association)
    training_services.catalogue_seed(association=association, seed_key="ACSA")
    return association


def acsa_employer(acsa, *, membership_expires_on):
    """A confirmed ACSA registrant whose full-time owner holds the SECOR courses."""
    e = enrollment(acsa, status="in_progress")
    e.membership_number = "ACSA-1001"
    e.membership_expires_on = membership_expires_on
    e.save()
    WCBAccountFactory(employer=e.employer, association=acsa)
    owner = WorkerFactory(
        employer=e.employer, association=acsa, full_name="Owen Owner", employment_type="owner"
    )
    verified(owner, "PHSM", date(2020, 3, 1))
    verified(owner, "CSTS", date(2020, 3, 1))
    verified(owner, "PHSM", date(2023, 3, 1), hours=8)  # continuing education
    return e, owner


def external_assessor(e, *, phsm_on=date(2019, 5, 1)):
    pat = WorkerFactory(
        employer=e.employer,
        association=e.association,
        full_name="Pat External",
        employment_type="consultant",
    )
    verified(pat, "PHSM", phsm_on)
    return pat


DOCS = {"documentation_from": date(2023, 9, 1), "documentation_to": date(2024, 4, 30)}


# --- Good standing --------------------------------------------------------------------


def test_acsa_membership_expired_last_month_refuses_and_renewed_plans(acsa):
    e, _ = acsa_employer(acsa, membership_expires_on=date(2024, 4, 30))
    pat = external_assessor(e)
    args = (e, date(2024, 6, 3), date(2024, 6, 14), date(2024, 5, 20))
    kw = {"conducted_by": "external_assessor", "assessor_worker": pat, **DOCS}
    refused = check(*args, **kw)
    assert codes(refused) == ["membership_expired"], text(refused)
    assert "membership expired on 2024-04-30; it must be current on 2024-06-03" in text(refused)
    with activate(acsa):
        employer_services.enrollment_membership_renew(
            enrollment=e,
            actor=None,
            membership_number="ACSA-1001",
            membership_expires_on=date(2099, 4, 30),
        )
    e.refresh_from_db()
    assert check(*args, **kw).ok, text(check(*args, **kw))


def test_expired_membership_is_not_done_on_the_checklist(acsa, settings):
    e, _ = acsa_employer(acsa, membership_expires_on=date(2000, 1, 31))
    with activate(acsa):
        items = {i.text: i for i in employer_page(e.employer)["checklist"]}
    item = items["Hold a current ACSA membership"]
    assert not item.done
    assert "expired on 2000-01-31: renew it" in item.detail
    assert item.url.endswith(f"/employers/{e.employer_id}/membership/")


def test_membership_renewed_with_a_past_expiry_is_refused(acsa):
    e, _ = acsa_employer(acsa, membership_expires_on=date(2000, 1, 31))
    with activate(acsa), pytest.raises(ValidationError, match="is not current"):
        employer_services.enrollment_membership_renew(
            enrollment=e,
            actor=None,
            membership_number="ACSA-1001",
            membership_expires_on=date(2000, 12, 31),
        )


# --- External assessor ----------------------------------------------------------------


def test_external_assessor_without_a_full_time_holder_is_refused(acsa):
    e = enrollment(acsa, status="in_progress")
    e.membership_number, e.membership_expires_on = "ACSA-1", date(2030, 1, 1)
    e.save()
    WCBAccountFactory(employer=e.employer, association=acsa)
    pat = external_assessor(e)
    verified(pat, "CSTS", date(2019, 5, 1))
    result = check(
        e,
        date(2024, 6, 3),
        date(2024, 6, 14),
        date(2024, 5, 20),
        conducted_by="external_assessor",
        assessor_worker=pat,
        **DOCS,
    )
    # The assessor's own PHSM counts for the assessor; the company still needs a
    # full-time employee with the training (docs/rules.md#acsa-assessor).
    assert not any(c == "training:no_record_assessor" for c in codes(result))
    assert any(c.startswith("training:") for c in codes(result)), text(result)


def test_external_assessor_without_the_course_is_refused(acsa):
    e, _ = acsa_employer(acsa, membership_expires_on=date(2030, 1, 1))
    pat = WorkerFactory(
        employer=e.employer, association=acsa, full_name="Pat", employment_type="consultant"
    )
    result = check(
        e,
        date(2024, 6, 3),
        date(2024, 6, 14),
        date(2024, 5, 20),
        conducted_by="external_assessor",
        assessor_worker=pat,
        **DOCS,
    )
    assert codes(result) == ["training:no_record"], text(result)


# --- The assessor's own training ------------------------------------------------------


def test_amta_assessor_trained_after_day_one_is_refused_even_with_a_second_holder(association):
    e, _ = certified(association)
    training_services.catalogue_seed(association=association, seed_key="AMTA")
    WCBAccountFactory(employer=e.employer, association=association)
    holder = WorkerFactory(employer=e.employer, association=association, full_name="Holly")
    verified(holder, "HSSB", date(2015, 1, 1))
    verified(holder, "SE", date(2021, 6, 1))
    late = WorkerFactory(employer=e.employer, association=association, full_name="Lee Late")
    verified(late, "SE", date(2022, 3, 2))  # the day after data gathering starts
    kwargs = {"conducted_by": "trained_assessor", "today": date(2022, 2, 1)}
    refused = check(e, date(2022, 3, 1), date(2022, 3, 10), assessor_worker=late, **kwargs)
    assert codes(refused) == ["training:no_record"], text(refused)
    assert check(e, date(2022, 3, 1), date(2022, 3, 10), assessor_worker=holder, **kwargs).ok


def test_former_workers_and_subcontractors_are_not_offered_as_assessors(association):
    e, _ = certified(association)
    make = lambda name, **kw: WorkerFactory(  # noqa: E731
        employer=e.employer, association=association, full_name=name, **kw
    )
    make("Ada Current")
    make("Ben Gone", end_date=date(2021, 12, 31))
    make("Cy Sub", employment_type="subcontractor")
    make("Di Part", employment_type="part_time")
    make("Ed Consultant", employment_type="consultant")
    with activate(association):
        offered = selectors.assessor_choices(e.employer, e.program, date(2022, 2, 1))
        external = selectors.external_assessor_choices(e.employer, date(2022, 2, 1))
        assert [w.full_name for w in offered] == ["Ada Current"]
        assert [w.full_name for w in external] == ["Ed Consultant"]


def test_subcontractor_named_as_trained_assessor_is_refused(association):
    e, _ = certified(association)
    sub = WorkerFactory(
        employer=e.employer,
        association=association,
        full_name="Cy Sub",
        employment_type="subcontractor",
    )
    result = check(
        e,
        date(2022, 3, 1),
        date(2022, 3, 10),
        date(2022, 2, 1),
        conducted_by="trained_assessor",
        assessor_worker=sub,
    )
    assert "assessor_cannot_hold_course" in codes(result)


# --- Eligibility ----------------------------------------------------------------------


def test_scsa_registrant_with_10_saskatchewan_workers_cannot_plan_secor(other_association):
    e = enrollment(other_association, status="in_progress")
    employer_services.rules_ensure(association=other_association)
    for _ in range(10):
        WorkerFactory(
            employer=e.employer,
            association=other_association,
            province="SK",
            start_date=date(2023, 1, 1),
        )
    result = check(
        e,
        date(2024, 7, 2),
        date(2024, 7, 3),
        date(2024, 5, 1),
        conducted_by="program_auditor",
        by_staff=True,
        documentation_from=date(2023, 6, 1),
        documentation_to=date(2024, 6, 30),
    )
    assert "over_size_limit" in codes(result), text(result)
    assert "SECOR allows no more than 9 in SK" in text(result)
    assert "Apply for COR." in text(result)


# --- COR ------------------------------------------------------------------------------


def test_amta_cor_audit_is_refused_without_hssb_and_a_certified_cor_auditor(association):
    seeded(association, "amta")
    training_services.catalogue_seed(association=association, seed_key="AMTA")
    with activate(association):
        from secor.models import Program

        cor = Program.objects.get(kind="cor")
    from employers.models import Enrollment

    from ..factories import EmployerFactory

    employer = EmployerFactory(association=association)
    e = Enrollment.objects.create(
        association=association,
        employer=employer,
        program=cor,
        status="in_progress",
        registered_on=date(2023, 1, 1),
    )
    WCBAccountFactory(employer=employer, association=association)
    auditor = WorkerFactory(employer=employer, association=association, full_name="Cora")
    result = check(
        e,
        date(2024, 6, 3),
        date(2024, 6, 20),
        date(2024, 5, 1),
        conducted_by="trained_assessor",
        assessor_worker=auditor,
        documentation_from=date(2023, 9, 1),
        documentation_to=date(2024, 5, 31),
    )
    assert [c for c in codes(result) if c.startswith("training:")] == [
        "training:no_record",
        "training:no_record",
    ], text(result)
    # The COR registrant is not judged by SECOR's size limit.
    assert "over_size_limit" not in codes(result)
    with activate(association):
        page = employer_page(employer)
    assert page["not_secor"] and page["verdict"] is None
    assert not any("size limit" in i.text for i in page["checklist"])


# --- Registration ---------------------------------------------------------------------


def test_planning_does_not_confirm_a_registration(association):
    e = enrollment(association)  # registered, waiting for staff
    result = check(
        e,
        date(2024, 6, 3),
        date(2024, 6, 10),
        date(2024, 5, 1),
        conducted_by="trained_assessor",
    )
    assert "registration_unconfirmed" in codes(result)
    with activate(association):
        items = {i.text: i.done for i in employer_page(e.employer)["checklist"]}
    assert items["AMTA confirms your registration"] is False


# --- A past audit ---------------------------------------------------------------------


def test_a_2021_certification_is_refused_for_good_not_yet(association):
    e = enrollment(association, status="in_progress")
    result = check(
        e,
        date(2021, 1, 1),
        date(2021, 1, 5),
        date(2024, 5, 1),
        conducted_by="trained_assessor",
    )
    (reason,) = [r for r in result.blockers if r.code == "submission_window_passed"]
    assert "it can no longer be planned" in reason.message
    assert "ask the association to record it" in reason.message


# --- No scores carried over -----------------------------------------------------------


def test_maintenance_audit_planned_has_no_scores(association):
    from .factories import plannable

    e, _ = certified(association)
    with activate(association):
        audit = services.audit_plan(
            enrollment=e,
            data_gathering_start=date(2022, 3, 1),
            data_gathering_end=date(2022, 3, 10),
            actor=None,
            today=date(2022, 2, 1),
            **plannable(e),
        )
        assert selectors.audit_points(audit) == {}
        assert selectors.score_audit_of(audit).overall_percent in (None, 0)


# --- Milestones -----------------------------------------------------------------------


def test_staff_record_a_missed_milestone_after_the_fact(other_association):
    e = enrollment(other_association, registered_on=date(2021, 1, 4))
    with activate(other_association):
        services.milestones_schedule(enrollment=e, actor=None)
        courses = e.milestones.get(code="courses")
        services.milestone_record(
            milestone=courses,
            outcome="not_accepted",
            due_on=date(2021, 7, 4),  # long past: recorded after the fact
            notes="Courses not completed by the letter's deadline.",
            actor=None,
        )
        courses.refresh_from_db()
        assert (courses.outcome, courses.due_on) == ("not_accepted", date(2021, 7, 4))
        (row,) = selectors.milestone_board(other_association, date(2024, 1, 1))
    assert row.deroll_candidate
