"""Pure rules of what an employer may do to a training record (docs/rules.md#training-records)."""

from datetime import date

import pytest

from training.compliance import (
    ACSA,
    AMTA,
    CONTINUING_EDUCATION,
    Person,
    Record,
    RequirementRule,
    assess_compliance,
)
from training.compliance.changes import (
    change_refusal,
    course_offer_refusal,
    status_after_change,
    withdraw_refusal,
)

D = date
TSB = next(c for c in AMTA.courses if c.code == "TSB")
SE = next(c for c in AMTA.courses if c.code == "SE")


def test_tsb_is_offered_through_31_december_2019_and_not_after():
    """docs/rules.md#amta-tsb: "TSB is not accepted after 31 December 2019"."""
    assert course_offer_refusal(TSB, is_active=True, today=D(2019, 12, 31)) is None
    refusal = course_offer_refusal(TSB, is_active=True, today=D(2020, 1, 1))
    assert refusal.code == "course_not_offered"
    assert refusal.message == (
        "TSB is not accepted after 2019-12-31, so it cannot be recorded any more. "
        "Choose the course that replaced it."
    )


def test_a_course_the_admin_stopped_offering_is_refused_and_others_are_offered():
    assert course_offer_refusal(SE, is_active=True, today=D(2025, 6, 1)) is None
    assert course_offer_refusal(SE, is_active=False, today=D(2025, 6, 1)).code == "course_inactive"


@pytest.mark.parametrize(
    "status,refused",
    [("pending", None), ("rejected", None), ("verified", None), ("withdrawn", "withdrawn")],
)
def test_only_a_withdrawn_record_is_closed_to_corrections(status, refused):
    reason = change_refusal(status)
    assert (reason.code if reason else None) == refused


@pytest.mark.parametrize(
    "status,refused",
    [
        ("pending", None),  # never verified, or a correction waiting
        ("rejected", None),
        ("verified", "verified_cannot_withdraw"),
        ("withdrawn", "already_withdrawn"),
    ],
)
def test_a_record_is_withdrawn_until_it_is_verified(status, refused):
    reason = withdraw_refusal(status)
    assert (reason.code if reason else None) == refused


@pytest.mark.parametrize(
    "status,by_staff,counted,new_file,after",
    [
        ("verified", False, True, False, "pending"),  # correction: verified again
        ("verified", False, False, False, "verified"),  # submission date alone
        ("verified", False, False, True, "pending"),  # new file
        ("rejected", False, False, False, "pending"),  # any correction of a rejected record
        ("pending", False, True, False, "pending"),
        ("verified", True, True, True, "verified"),  # staff verify by changing
        ("pending", True, True, False, "pending"),
    ],
)
def test_status_after_a_change(status, by_staff, counted, new_file, after):
    assert (
        status_after_change(status, by_staff=by_staff, counted_change=counted, new_file=new_file)
        == after
    )


# --- A course outside the catalogue (ACSA continuing education) -------------------

CE = next(r for r in ACSA.requirements if r.kind == CONTINUING_EDUCATION)
ANA = Person(1, "Ana", "full_time_permanent")


MAY_2024 = D(2024, 5, 1)


def _ce(hours, completed_on=MAY_2024, rules=(CE,)):
    record = Record(1, "", completed_on, hours=hours, title="Fall Protection (ACSA)")
    return assess_compliance(
        rules, ACSA.courses, [ANA], [record], as_of=D(2025, 6, 1), wcb_account="1"
    )


def test_an_outside_course_of_four_hours_counts_for_continuing_education():
    """docs/rules.md#acsa-continuing-education: "an ACSA course of at least four hours"."""
    verdict = _ce(4).verdict("continuing_education")
    assert verdict.met
    assert verdict.holders[0].valid_until == D(2027, 5, 1)


def test_an_outside_course_of_three_hours_does_not_and_says_why():
    verdict = _ce(3.5).verdict("continuing_education")
    assert not verdict.met
    assert [r.code for r in verdict.reasons][-1] == "too_few_hours"
    assert "Fall Protection (ACSA)" in verdict.reasons[-1].message


def test_an_outside_course_older_than_the_period_no_longer_counts():
    assert not _ce(8, completed_on=D(2022, 5, 1)).verdict("continuing_education").met


def test_an_outside_course_never_meets_a_named_course_requirement():
    hsm = next(r for r in ACSA.requirements if r.code == "hsm")
    named_ce = RequirementRule(
        "ce_named", "CE of CSTS", CONTINUING_EDUCATION, ("CSTS",), every_months=36, min_hours=4
    )
    report = _ce(8, rules=(hsm, named_ce))
    assert not report.verdict("hsm").met
    assert not report.verdict("ce_named").met
