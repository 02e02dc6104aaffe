"""The pure planning rules (audits/planning.py, employers/standing.py): the issue's examples."""

from __future__ import annotations

from datetime import date

from audits import planning
from employers import standing
from training.compliance import TRAINED_EMPLOYEE_TYPES

# --- Registration ---------------------------------------------------------------------


def test_an_unconfirmed_registration_cannot_plan():
    (reason,) = planning.registration_reasons(confirmed=False, association="ACSA")
    assert reason.code == "registration_unconfirmed"
    assert "ACSA has not confirmed your registration yet" in reason.message
    assert planning.registration_reasons(confirmed=True, association="ACSA") == []


# --- Good standing --------------------------------------------------------------------


def test_membership_that_expired_last_month_is_not_good_standing():
    membership = planning.Membership(True, "ACSA-123", date(2024, 4, 30))
    (reason,) = planning.membership_reasons(membership, on=date(2024, 5, 20), association="ACSA")
    assert reason.code == "membership_expired"
    assert reason.message == (
        "Your ACSA membership expired on 2024-04-30; it must be current on 2024-05-20. "
        "Renew the membership first."
    )


def test_membership_current_on_the_day_that_matters_passes():
    membership = planning.Membership(True, "ACSA-123", date(2024, 5, 20))
    assert planning.membership_reasons(membership, on=date(2024, 5, 20), association="ACSA") == []


def test_membership_number_without_expiry_is_not_good_standing():
    membership = planning.Membership(True, "ACSA-123", None)
    (reason,) = planning.membership_reasons(membership, on=date(2024, 5, 20), association="ACSA")
    assert reason.code == "membership_missing"


def test_no_membership_needed_where_the_association_requires_none():
    membership = planning.Membership(False)
    assert planning.membership_reasons(membership, on=date(2024, 5, 20), association="AMTA") == []


# --- Size limit -----------------------------------------------------------------------


def test_over_the_size_limit_says_apply_for_cor():
    (reason,) = planning.size_limit_reasons(
        applies=True,
        eligible=False,
        why=["10 people worked for you in SK on 2024-03-01; SECOR allows no more than 9."],
        apply_instead="COR",
    )
    assert reason.code == "over_size_limit"
    assert reason.message.endswith("Apply for COR.")
    # COR is not judged by SECOR's size limit.
    assert (
        planning.size_limit_reasons(applies=False, eligible=False, why=[], apply_instead="") == []
    )


# --- Documentation --------------------------------------------------------------------


def test_amta_three_months_within_twelve_before_the_start():
    kwargs = {"months": 3, "window_months": 12, "audit_start": date(2024, 6, 1)}
    ok = planning.documentation_reasons(
        starts_on=date(2024, 3, 1), ends_on=date(2024, 5, 31), **kwargs
    )
    assert ok == []
    (short,) = planning.documentation_reasons(
        starts_on=date(2024, 3, 2), ends_on=date(2024, 5, 31), **kwargs
    )
    assert short.code == "documentation_too_short"
    assert "within the 12 months before the audit starts on 2024-06-01" in short.message
    # Documentation from long ago only counts inside the 12-month window.
    (old,) = planning.documentation_reasons(
        starts_on=date(2022, 1, 1), ends_on=date(2023, 7, 31), **kwargs
    )
    assert old.code == "documentation_too_short"


def test_scsa_six_months_of_documentation_before_the_audit():
    kwargs = {"months": 6, "window_months": None, "audit_start": date(2024, 7, 1)}
    assert (
        planning.documentation_reasons(
            starts_on=date(2024, 1, 1), ends_on=date(2024, 6, 30), **kwargs
        )
        == []
    )
    (reason,) = planning.documentation_reasons(
        starts_on=date(2024, 2, 1), ends_on=date(2024, 6, 30), **kwargs
    )
    assert reason.message == (
        "Documentation from 2024-02-01 to 2024-06-30 is not 6 months before the audit "
        "starts on 2024-07-01."
    )


def test_documentation_not_confirmed_is_refused():
    (reason,) = planning.documentation_reasons(
        months=3, window_months=12, starts_on=None, ends_on=None, audit_start=date(2024, 6, 1)
    )
    assert reason.code == "documentation_unconfirmed"


# --- Who conducts it ------------------------------------------------------------------


def test_employer_cannot_conduct_its_own_scsa_baseline_audit():
    (reason,) = planning.conductor_reasons(
        conducted_by="trained_assessor",
        certification=True,
        program_auditor_only=True,
        by_staff=False,
        association="SCSA",
    )
    assert reason.code == "baseline_by_program_auditor"
    assert "conducted by an SCSA program auditor" in reason.message


def test_only_staff_book_a_program_auditor():
    (reason,) = planning.conductor_reasons(
        conducted_by="program_auditor",
        certification=True,
        program_auditor_only=True,
        by_staff=False,
        association="SCSA",
    )
    assert reason.code == "program_auditor_booked_by_staff"
    assert (
        planning.conductor_reasons(
            conducted_by="program_auditor",
            certification=True,
            program_auditor_only=True,
            by_staff=True,
            association="SCSA",
        )
        == []
    )


def test_baseline_waits_for_the_manual_review():
    (reason,) = planning.baseline_milestone_reasons(
        milestone_label="Health and Safety Manual submitted",
        accepted_on=None,
        audit_start=date(2024, 7, 1),
    )
    assert reason.code == "baseline_before_manual_review"
    assert (
        planning.baseline_milestone_reasons(
            milestone_label="m", accepted_on=date(2024, 5, 1), audit_start=date(2024, 7, 1)
        )
        == []
    )


def person(kind="full_time_permanent", end=None, province="SK"):
    return planning.Candidate("Robin", kind, province, date(2020, 1, 1), end)


def test_former_worker_subcontractor_and_part_time_cannot_be_the_assessor():
    on = date(2024, 7, 1)
    rule = {"holder_types": TRAINED_EMPLOYEE_TYPES, "province": "SK"}
    assert planning.can_be_assessor(person(), on=on, **rule)
    assert not planning.can_be_assessor(person(end=date(2024, 6, 30)), on=on, **rule)
    assert not planning.can_be_assessor(person("subcontractor"), on=on, **rule)
    assert not planning.can_be_assessor(person("part_time"), on=on, **rule)
    assert not planning.can_be_assessor(person(province="AB"), on=on, **rule)
    (left,) = planning.assessor_reasons(person(end=date(2024, 6, 30)), on=on, **rule)
    assert left.message.startswith("Robin left on 2024-06-30, before the audit starts")


# --- A past audit ---------------------------------------------------------------------


def test_a_2021_certification_can_never_be_planned_and_says_what_to_do():
    (employer,) = planning.past_audit_reasons(
        end=date(2021, 1, 5),
        submission_due=date(2021, 1, 26),
        today=date(2024, 5, 1),
        by_staff=False,
    )
    assert "can no longer be planned" in employer.message
    assert "yet" not in employer.message
    assert "ask the association to record it" in employer.message
    (staff,) = planning.past_audit_reasons(
        end=date(2021, 1, 5),
        submission_due=date(2021, 1, 26),
        today=date(2024, 5, 1),
        by_staff=True,
    )
    assert "enter it as a historic audit" in staff.message
    # No submission deadline (SCSA): an audit that ended before today is history too.
    assert planning.past_audit_reasons(
        end=date(2021, 1, 5), submission_due=None, today=date(2024, 5, 1), by_staff=False
    )


# --- De-roll --------------------------------------------------------------------------


def test_reapply_date_defaults_to_six_months_and_is_never_earlier():
    assert standing.earliest_reapply(date(2024, 8, 31), 6) == date(2025, 2, 28)
    (reason,) = standing.reapply_date_reasons(
        derolled_on=date(2024, 3, 1), wait_months=6, reapply_on=date(2024, 8, 31)
    )
    assert reason.message == (
        "A company de-rolled on 2024-03-01 waits 6 months: it may apply again from "
        "2024-09-01, not 2024-08-31."
    )
    assert (
        standing.reapply_date_reasons(
            derolled_on=date(2024, 3, 1), wait_months=6, reapply_on=date(2024, 10, 1)
        )
        == []
    )


def test_a_derolled_employer_waits_for_its_reapply_date():
    (reason,) = standing.reenroll_reasons(
        reapply_on=date(2024, 9, 1), today=date(2024, 8, 31), what="register again"
    )
    assert "may apply again from 2024-09-01" in reason.message
    assert (
        standing.reenroll_reasons(reapply_on=date(2024, 9, 1), today=date(2024, 9, 1), what="x")
        == []
    )
