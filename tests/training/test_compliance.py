"""Training compliance rules, built from the seeds' own examples (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from training.compliance import (
    ACSA,
    AMTA,
    ASSESSOR,
    SCSA,
    CourseRule,
    Designation,
    Person,
    Record,
    RequirementRule,
    TrainingRules,
    add_months,
    assess_compliance,
    record_status,
    record_valid_until,
    training_chart,
)

D = date


def worker(pid: str, status: str = "full_time_permanent", role: str = "other", **kw) -> Person:
    kw.setdefault("province", "SK")
    kw.setdefault("start_date", D(2015, 1, 1))
    return Person(id=pid, name=pid.title(), employment_status=status, role=role, **kw)


def assess(rules: TrainingRules, people, records, as_of: date, **kw):
    kw.setdefault("wcb_account", "WCB-1")
    return assess_compliance(rules.requirements, rules.courses, people, records, as_of=as_of, **kw)


def codes(verdict) -> list[tuple[str, object]]:
    return [(r.code, r.person_id) for r in verdict.reasons]


def course(rules: TrainingRules, code: str) -> CourseRule:
    return next(c for c in rules.courses if c.code == code)


# --- Dates -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2022, 3, 1), 36, D(2025, 3, 1)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2023, 8, 31), 6, D(2024, 2, 29)),
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2026, 1, 10), -4, D(2025, 9, 10)),
    ],
)
def test_add_months_clamps_to_month_end(day, months, expected):
    assert add_months(day, months) == expected


# --- AMTA (docs/rules.md#amta-training) -------------------------------------


def amta_owner(**kw) -> Person:
    return worker("dana", role="owner", province="AB", **kw)


def test_tsb_from_2018_is_not_accepted_for_a_2020_audit():
    records = [Record("dana", "TSB", D(2018, 6, 1)), Record("dana", "SE", D(2019, 6, 1))]

    report = assess(AMTA, [amta_owner()], records, D(2020, 2, 3))

    basics = report.verdict("basics")
    assert not basics.met and not report.compliant
    assert codes(basics) == [("not_accepted_after", "dana")]
    assert basics.reasons[0].message == (
        "TSB of Dana (completed 2018-06-01) is not accepted after 2019-12-31. "
        "Take HSSB or HSPB before the audit starts."
    )
    assert report.verdict("self_evaluator").met


def test_tsb_is_still_accepted_for_an_audit_on_2019_12_31():
    records = [Record("dana", "TSB", D(2018, 6, 1)), Record("dana", "SE", D(2019, 6, 1))]

    report = assess(AMTA, [amta_owner()], records, D(2019, 12, 31))

    assert report.compliant
    assert report.verdict("basics").holders[0].valid_until is None


def test_self_evaluator_from_2022_03_01_is_not_valid_for_audit_starting_2025_03_02():
    records = [Record("dana", "HSSB", D(2021, 5, 1)), Record("dana", "SE", D(2022, 3, 1))]

    report = assess(AMTA, [amta_owner()], records, D(2025, 3, 2))

    verdict = report.verdict("self_evaluator")
    assert not verdict.met and verdict.holders == ()
    assert codes(verdict) == [("expired", "dana")]
    assert verdict.reasons[0].message == (
        "Self-Evaluator training of Dana was valid until 2025-03-01 (3 years from "
        "2022-03-01), so it is not valid on 2025-03-02. Retake it before the audit starts."
    )


def test_self_evaluator_from_2022_03_01_is_valid_through_2025_03_01():
    records = [Record("dana", "HSSB", D(2021, 5, 1)), Record("dana", "SE", D(2022, 3, 1))]

    report = assess(AMTA, [amta_owner()], records, D(2025, 3, 1))

    holder = report.verdict("self_evaluator").holders[0]
    assert report.compliant
    assert (holder.person.id, holder.valid_until) == ("dana", D(2025, 3, 1))


def test_trained_employee_left_in_may_without_replacement_blocks_next_audit():
    dana = worker("dana", province="AB", end_date=D(2024, 5, 17))
    sam = worker("sam", province="AB")
    records = [Record("dana", "HSSB", D(2023, 1, 9)), Record("dana", "SE", D(2023, 1, 10))]

    report = assess(AMTA, [dana, sam], records, D(2024, 11, 4))

    assert not report.compliant
    verdict = report.verdict("self_evaluator")
    assert codes(verdict) == [("left_employer", "dana")]
    assert verdict.reasons[0].message == (
        "Dana left on 2024-05-17, so their Self-Evaluator no longer counts. "
        "Have a replacement trained before the audit starts."
    )


def test_replacement_trained_before_next_audit_restores_compliance():
    dana = worker("dana", province="AB", end_date=D(2024, 5, 17))
    sam = worker("sam", province="AB")
    records = [
        Record("dana", "SE", D(2023, 1, 10)),
        Record("sam", "HSPB", D(2024, 9, 3)),
        Record("sam", "SE", D(2024, 10, 1)),
    ]

    report = assess(AMTA, [dana, sam], records, D(2024, 11, 4))

    assert report.compliant
    assert [h.person.id for h in report.verdict("self_evaluator").holders] == ["sam"]


@pytest.mark.parametrize(("as_of", "warned"), [(D(2024, 11, 30), False), (D(2024, 12, 1), True)])
def test_expiring_soon_warns_90_days_ahead(as_of, warned):
    records = [Record("dana", "HSSB", D(2021, 5, 1)), Record("dana", "SE", D(2022, 3, 1))]

    report = assess(AMTA, [amta_owner()], records, as_of)

    expected = [("expiring_soon", "dana", "SE", D(2025, 3, 1))] if warned else []
    assert [(w.code, w.person_id, w.course_code, w.due_on) for w in report.expiring_soon] == (
        expected
    )


# --- SCSA (docs/rules.md#scsa-trained-employee) -----------------------------


def scsa_trained(pid: str = "lee", cert: str = "SAT-1", **record_kw) -> list[Record]:
    return [
        Record(pid, "SM", D(2024, 11, 5), f"SM-{pid}"),
        Record(pid, "SAT", D(2025, 1, 10), cert, **record_kw),
        Record(pid, "LSE", D(2024, 12, 2), f"LSE-{pid}", proficiency_accepted_on=D(2025, 6, 2)),
        Record(pid, "SCOT", D(2024, 10, 1), f"SCOT-{pid}"),
    ]


def test_safety_auditor_training_without_accepted_self_audit_by_2025_09_10_must_be_repeated():
    records = scsa_trained(proficiency_submitted_on=D(2025, 9, 1))

    report = assess(SCSA, [worker("lee")], records, D(2025, 9, 11))

    verdict = report.verdict("SAT")
    assert codes(verdict) == [("proficiency_missed", "lee")]
    assert verdict.reasons[0].message == (
        "Lee took Safety Auditor Training on 2025-01-10, but the self-audit and Internal "
        "Auditor Certification was not accepted within 8 months (by 2025-09-10). "
        "Lee must repeat Safety Auditor Training."
    )


def test_self_audit_not_yet_accepted_on_2025_09_10_is_pending():
    records = scsa_trained(proficiency_submitted_on=D(2025, 9, 1))

    verdict = assess(SCSA, [worker("lee")], records, D(2025, 9, 10)).verdict("SAT")

    assert not verdict.met
    assert codes(verdict) == [("proficiency_pending", "lee")]
    assert "(submitted 2025-09-01)" in verdict.reasons[0].message
    assert "accepted by 2025-09-10" in verdict.reasons[0].message


@pytest.mark.parametrize(
    ("accepted_on", "status"),
    [(D(2024, 10, 15), "valid"), (D(2024, 10, 16), "proficiency_missed")],
    ids=["month_8_ok", "month_9_missed"],
)
def test_lse_proficiency_accepted_in_month_8_counts_month_9_is_missed(accepted_on, status):
    lse = course(SCSA, "LSE")
    record = Record("lee", "LSE", D(2024, 2, 15), proficiency_accepted_on=accepted_on)

    assert record_status(lse, record, D(2025, 1, 6)) == status


def test_lse_is_one_time_once_proficiency_accepted():
    records = [*scsa_trained()[:1], scsa_trained()[2]]

    verdict = assess(SCSA, [worker("lee")], records, D(2040, 1, 1)).verdict("LSE")

    assert verdict.met
    assert verdict.holders[0].valid_until is None


def test_safety_auditor_training_without_safety_management_is_prerequisite_missing():
    records = [
        r for r in scsa_trained(proficiency_accepted_on=D(2025, 6, 1)) if r.course_code != "SM"
    ]

    report = assess(SCSA, [worker("lee")], records, D(2025, 7, 2))

    assert codes(report.verdict("SAT")) == [("prerequisite_missing", "lee")]
    assert "without first completing Safety Management" in report.verdict("SAT").reasons[0].message
    assert codes(report.verdict("SM")) == [("no_record", None)]


def test_small_employer_safety_management_counts_as_safety_management_and_prerequisite():
    records = [
        Record("lee", "SESM", D(2017, 4, 3), "SESM-9"),
        *scsa_trained(proficiency_accepted_on=D(2025, 6, 1))[1:],
    ]

    report = assess(SCSA, [worker("lee")], records, D(2025, 7, 2))

    assert report.compliant
    assert report.verdict("SM").holders[0].record.course_code == "SESM"


def test_safety_auditor_status_is_kept_by_maintenance_audit_and_classroom_training():
    sat = course(SCSA, "SAT")
    base = Record("lee", "SAT", D(2022, 1, 10), proficiency_accepted_on=D(2022, 6, 1))
    maintained = Record(
        "lee",
        "SAT",
        D(2022, 1, 10),
        proficiency_accepted_on=D(2022, 6, 1),
        maintenance_audit_on=D(2024, 8, 1),
        refresher_on=D(2024, 11, 15),
    )
    audit_after_expiry = Record(
        "lee",
        "SAT",
        D(2022, 1, 10),
        proficiency_accepted_on=D(2022, 6, 1),
        maintenance_audit_on=D(2025, 2, 1),
        refresher_on=D(2024, 11, 15),
    )

    assert record_valid_until(sat, base) == D(2025, 1, 10)
    assert record_valid_until(sat, maintained) == D(2027, 11, 15)
    assert record_valid_until(sat, audit_after_expiry) == D(2025, 1, 10)
    assert record_status(sat, base, D(2025, 1, 11)) == "expired"
    assert record_status(sat, maintained, D(2025, 1, 11)) == "valid"


def test_safety_auditor_expiry_without_maintenance_means_repeating_the_course():
    records = [
        Record("lee", "SM", D(2021, 11, 5)),
        Record("lee", "SAT", D(2022, 1, 10), proficiency_accepted_on=D(2022, 6, 1)),
    ]

    verdict = assess(SCSA, [worker("lee")], records, D(2025, 1, 11)).verdict("SAT")

    assert codes(verdict) == [("expired", "lee")]
    assert verdict.reasons[0].message == (
        "Safety Auditor Training status of Lee was valid until 2025-01-10 (3 years from "
        "2022-01-10) and was not kept in that time by its maintenance: personal maintenance "
        "audit plus classroom training. Lee must repeat Safety Auditor Training."
    )


@pytest.mark.parametrize(("as_of", "warned"), [(D(2025, 6, 11), False), (D(2025, 6, 12), True)])
def test_auditor_maintenance_warning_four_months_before_expiry(as_of, warned):
    records = [
        Record("lee", "SM", D(2022, 11, 5)),
        Record("lee", "SAT", D(2023, 1, 10), proficiency_accepted_on=D(2023, 6, 1)),
    ]

    report = assess(SCSA, [worker("lee")], records, as_of)

    warnings = [(w.code, w.course_code, w.due_on) for w in report.expiring_soon]
    assert warnings == ([("maintenance_submit_by", "SAT", D(2025, 9, 10))] if warned else [])


def test_maintenance_warning_before_the_recommended_date_says_submit_by_it():
    records = [
        Record("lee", "SM", D(2022, 11, 5)),
        Record("lee", "SAT", D(2023, 1, 10), proficiency_accepted_on=D(2023, 6, 1)),
    ]

    [warning] = assess(SCSA, [worker("lee")], records, D(2025, 9, 10)).expiring_soon

    assert warning.message == (
        "Safety Auditor Training with Internal Auditor Certification: Safety Auditor Training "
        "status of Lee is valid until 2026-01-10. To keep it, complete and submit its "
        "maintenance by 2025-09-10: personal maintenance audit plus classroom training."
    )


def test_maintenance_warning_after_the_recommended_date_does_not_ask_for_a_past_date():
    records = [
        Record("lee", "SM", D(2022, 11, 5)),
        Record("lee", "SAT", D(2023, 1, 10), proficiency_accepted_on=D(2023, 6, 1)),
    ]

    [warning] = assess(SCSA, [worker("lee")], records, D(2025, 9, 11)).expiring_soon

    assert (warning.code, warning.due_on) == ("maintenance_submit_late", D(2025, 9, 10))
    assert "submitting it by" not in warning.message
    assert warning.message.endswith(
        "The recommended date to submit its maintenance (personal maintenance audit plus "
        "classroom training) was 2025-09-10: complete and submit it as soon as possible, "
        "before 2026-01-10, to keep the status."
    )


def test_a_submitted_proficiency_is_only_waiting_for_acceptance():
    records = [Record("lee", "LSE", D(2025, 1, 10), proficiency_submitted_on=D(2025, 4, 2))]

    [reason] = assess(SCSA, [worker("lee")], records, D(2025, 5, 1)).verdict("LSE").reasons

    assert reason.message == (
        "Lee took Leadership for Safety Excellence on 2025-01-10; the LSE proficiency is not "
        "accepted yet (submitted 2025-04-02). It must be accepted by 2025-09-10, or Leadership "
        "for Safety Excellence must be repeated."
    )


def test_a_sentence_about_the_external_assessor_starts_with_a_capital():
    rules = [RequirementRule("assessor", "Assessor", ASSESSOR, ("SAT",), holder_statuses=None)]
    records = [Record("ext", "SAT", D(2025, 1, 10), proficiency_accepted_on=D(2025, 2, 1))]

    report = assess_compliance(
        rules, SCSA.courses, [], records, as_of=D(2025, 5, 1), wcb_account="", assessor_id="ext"
    )

    [reason] = report.verdict("assessor").reasons
    assert reason.message == (
        "The external assessor took Safety Auditor Training on 2025-01-10 without first "
        "completing Safety Management. Take Safety Management, then retake Safety Auditor "
        "Training."
    )


def test_common_safety_orientation_is_accepted_instead_of_scot():
    records = [
        *scsa_trained(proficiency_accepted_on=D(2025, 6, 1)),
        Record("kim", "CSO", D(2024, 3, 4), "CSO-77"),
    ]

    report = assess(SCSA, [worker("lee"), worker("kim")], records, D(2025, 7, 2))

    scot = report.verdict("SCOT")
    assert scot.met and report.compliant
    assert {(h.person.id, h.record.course_code, h.valid_until) for h in scot.holders} == {
        ("lee", "SCOT", None),
        ("kim", "CSO", D(2027, 3, 4)),
    }


def test_scot_is_required_of_every_full_time_permanent_employee_only():
    records = scsa_trained(proficiency_accepted_on=D(2025, 6, 1))
    people = [worker("lee"), worker("kim"), worker("pat", "part_time")]

    scot = assess(SCSA, people, records, D(2025, 7, 2)).verdict("SCOT")

    assert not scot.met
    assert [h.person.id for h in scot.holders] == ["lee"]
    assert codes(scot) == [("no_record", "kim")]


@pytest.mark.parametrize(
    "designation",
    [
        Designation("WCB-2", person_id="lee"),
        Designation("WCB-2", certificate_number=" sat-1 "),
    ],
    ids=["same_person", "same_certificate_number"],
)
def test_trained_employee_of_another_wcb_account_does_not_count(designation):
    records = scsa_trained(proficiency_accepted_on=D(2025, 6, 1))

    report = assess(SCSA, [worker("lee")], records, D(2025, 7, 2), designations=[designation])

    for code in ("SM", "SAT", "LSE"):
        assert codes(report.verdict(code)) == [("trained_for_other_account", "lee")]
    assert report.verdict("SCOT").met
    assert "trained employee for WCB account WCB-2" in report.verdict("SAT").reasons[0].message


def test_another_employers_account_is_not_named_in_the_reason():
    records = scsa_trained(proficiency_accepted_on=D(2025, 6, 1))
    theirs = Designation("WCB-77", person_id="lee", other_employer=True)

    report = assess(SCSA, [worker("lee")], records, D(2025, 7, 2), designations=[theirs])

    reason = report.verdict("SAT").reasons[0]
    assert reason.code == "trained_for_other_account"
    assert "another employer's WCB account" in reason.message
    assert "WCB-77" not in reason.message and "WCB-77" not in dict(reason.params).values()


def test_designation_for_the_same_wcb_account_is_fine():
    records = scsa_trained(proficiency_accepted_on=D(2025, 6, 1))
    same = Designation("WCB-1", person_id="lee", certificate_number="SAT-1")

    assert assess(SCSA, [worker("lee")], records, D(2025, 7, 2), designations=[same]).compliant


@pytest.mark.parametrize(
    "status", ["part_time", "casual", "subcontractor", "consultant", "temporary", "volunteer"]
)
def test_non_full_time_permanent_holder_does_not_count(status):
    records = scsa_trained("pat", proficiency_accepted_on=D(2025, 6, 1))

    report = assess(SCSA, [worker("pat", status)], records, D(2025, 7, 2))

    assert codes(report.verdict("SM")) == [("not_full_time_permanent", "pat")]
    assert "must be held by a full-time permanent employee in SK" in (
        report.verdict("SM").reasons[0].message
    )


@pytest.mark.parametrize("role", ["manager", "clerical", "family_member", "owner"])
def test_a_full_time_manager_or_family_member_is_a_trained_employee_and_needs_scot(role):
    """docs/rules.md#reading-role-and-status: "full time permanent" is a status; any role
    holding it is a trained employee, and SCOT is for "All permanent full-time employees"."""
    records = scsa_trained("pat", proficiency_accepted_on=D(2025, 6, 1))
    people = [worker("pat", role=role), worker("max", role=role)]

    report = assess(SCSA, people, records, D(2025, 7, 2))

    assert report.verdict("SM").met
    scot = report.verdict("SCOT")
    assert codes(scot) == [("no_record", "max")]


def test_a_part_time_manager_is_named_by_status_and_role():
    records = scsa_trained("pat", proficiency_accepted_on=D(2025, 6, 1))

    report = assess(SCSA, [worker("pat", "part_time", role="manager")], records, D(2025, 7, 2))

    assert "recorded as a part-time worker (manager)" in report.verdict("SM").reasons[0].message


def test_owner_counts_as_trained_employee():
    records = scsa_trained("ada", proficiency_accepted_on=D(2025, 6, 1))

    assert assess(SCSA, [worker("ada", role="owner")], records, D(2025, 7, 2)).compliant


def test_employee_outside_saskatchewan_does_not_count():
    records = scsa_trained(proficiency_accepted_on=D(2025, 6, 1))

    report = assess(SCSA, [worker("lee", province="AB")], records, D(2025, 7, 2))

    assert codes(report.verdict("LSE")) == [("outside_province", "lee")]


def test_training_chart_lists_the_holders_and_scot_per_full_time_employee():
    records = [
        *scsa_trained(proficiency_accepted_on=D(2025, 6, 1)),
        Record("kim", "CSO", D(2024, 3, 4), "CSO-77"),
    ]
    people = [worker("lee"), worker("kim"), worker("max"), worker("pat", "part_time")]
    report = assess(SCSA, people, records, D(2025, 7, 2))

    rows = training_chart(report, SCSA.courses)

    def row(label):
        found = next(r for r in rows if r.label == label)
        return [(e.person.id, e.course_code, e.certificate_number, e.on) for e in found.entries]

    assert [r.label for r in rows] == [
        "Safety Management",
        "Safety Auditor Training",
        "Self-audit and Internal Auditor Certification",
        "Leadership for Safety Excellence",
        "LSE proficiency",
        "Safety Construction Orientation Training",
    ]
    assert row("Safety Auditor Training") == [("lee", "SAT", "SAT-1", D(2025, 1, 10))]
    assert row("Self-audit and Internal Auditor Certification") == [
        ("lee", "SAT", "", D(2025, 6, 1))
    ]
    # Max has no SCOT: not listed as if trained; the row says why, as the compliance page does.
    scot = next(r for r in rows if r.requirement_code == "SCOT")
    assert row(scot.label) == [
        ("lee", "SCOT", "SCOT-lee", D(2024, 10, 1)),
        ("kim", "CSO", "CSO-77", D(2024, 3, 4)),
    ]
    assert not scot.met and scot.problems == report.verdict("SCOT").reasons
    assert [(p.code, p.person_id) for p in scot.problems] == [("no_record", "max")]
    assert [r.slots for r in rows] == [2, 2, 2, 2, 2, 2]


def test_the_chart_lists_only_holders_and_shows_the_compliance_pages_problems():
    """Safety Auditor Training taken before Safety Management does not count: the chart
    does not list Lee as trained, and gives the compliance assessment's own reason."""
    records = [
        Record("lee", "SAT", D(2024, 6, 3), "SAT-1", proficiency_accepted_on=D(2024, 9, 1)),
        Record("lee", "SM", D(2024, 11, 5), "SM-lee"),
    ]
    report = assess(SCSA, [worker("lee")], records, D(2025, 1, 6))

    rows: dict = {}
    for r in training_chart(report, SCSA.courses):
        rows.setdefault(r.requirement_code, r)  # a course's own row, before its proficiency's

    sat = rows["SAT"]
    assert sat.entries == () and not sat.met
    assert sat.problems == report.verdict("SAT").reasons
    assert [p.code for p in sat.problems] == ["prerequisite_missing"]
    assert "without first completing Safety Management" in sat.problems[0].message
    assert [e.person.id for e in rows["SM"].entries] == ["lee"] and rows["SM"].problems == ()


# --- ACSA (docs/rules.md#acsa-prerequisites) --------------------------------


def acsa_people() -> list[Person]:
    return [worker("ann", province="AB"), worker("bo", province="AB")]


def test_courses_split_across_two_employees_meet_every_requirement():
    records = [
        Record("ann", "PHSM", D(2023, 4, 12), "PH-1", hours=7),
        Record("bo", "CSTS", D(2023, 5, 2), "CS-1", hours=8),
    ]

    report = assess(ACSA, acsa_people(), records, D(2025, 2, 3), assessor_id="ann")

    assert report.compliant
    assert [h.person.id for h in report.verdict("hsm").holders] == ["ann"]
    assert [h.person.id for h in report.verdict("csts").holders] == ["bo"]
    continuing = report.verdict("continuing_education").holders
    assert {(h.person.id, h.valid_until) for h in continuing} == {
        ("ann", D(2026, 4, 12)),
        ("bo", D(2026, 5, 2)),
    }


def test_external_assessor_with_the_course_but_no_trained_full_time_employee_is_not_compliant():
    records = [
        Record("ext", "SEHSM", D(2019, 9, 9), "SE-5"),
        Record("bo", "CSTS", D(2023, 5, 2), hours=8),
    ]

    report = assess(ACSA, acsa_people(), records, D(2025, 2, 3), assessor_id="ext")

    assert report.verdict("assessor").met
    assert report.verdict("assessor").holders[0].person.name == "the external assessor"
    assert codes(report.verdict("hsm")) == [("no_record", None)]
    assert not report.compliant


def test_assessor_must_be_named():
    verdict = assess(ACSA, acsa_people(), [], D(2025, 2, 3)).verdict("assessor")

    assert codes(verdict) == [("assessor_not_named", None)]


def test_continuing_education_of_3_5_hours_is_not_enough():
    records = [
        Record("ann", "PHSM", D(2019, 4, 12), hours=7),
        Record("bo", "CSTS", D(2024, 5, 2), hours=3.5),
    ]

    verdict = assess(ACSA, acsa_people(), records, D(2025, 2, 3)).verdict("continuing_education")

    assert not verdict.met
    assert codes(verdict) == [
        ("continuing_education_overdue", None),
        ("continuing_education_overdue", "ann"),
        ("too_few_hours", "bo"),
    ]
    assert verdict.reasons[2].message == (
        "Construction Safety Training System of Bo on 2024-05-02 lasted 3.5 hours; at least 4 "
        "hours are needed. Take a course of 4 hours or more."
    )


@pytest.mark.parametrize(("as_of", "met"), [(D(2024, 5, 1), True), (D(2024, 5, 2), False)])
def test_continuing_education_counts_for_three_years(as_of, met):
    records = [Record("ann", "PHSM", D(2021, 5, 1), hours=7)]

    verdict = assess(ACSA, acsa_people(), records, as_of).verdict("continuing_education")

    assert verdict.met is met


def test_the_chart_drops_a_trained_employee_whose_course_no_longer_counts():
    courses = {c.code: c for c in SCSA.courses}
    auditor = next(c for c in SCSA.courses if c.proficiency_months and c.validity_months)
    person = Person("p1", "Casey", "full_time_permanent", "SK", date(2015, 1, 1))
    records = [
        Record("p1", "SM", date(2019, 6, 1), "SM-1"),
        Record(
            "p1", auditor.code, date(2020, 1, 10), "SAT-1", proficiency_accepted_on=date(2020, 5, 1)
        ),
    ]

    def auditor_row(as_of):
        report = assess(SCSA, [person], records, as_of)
        return next(r for r in training_chart(report, courses.values()) if r.label == auditor.name)

    expired = auditor_row(date(2025, 6, 1))
    assert expired.entries == () and [p.code for p in expired.problems] == ["expired"]
    fresh = auditor_row(date(2021, 6, 1))
    assert [(e.person.name, e.valid_until) for e in fresh.entries] == [("Casey", date(2023, 1, 10))]
    assert fresh.problems == ()


# --- Naming the trained employee --------------------------------------------------


@pytest.mark.parametrize(
    ("person", "phrase"),
    [
        (worker("pat", "subcontractor"), "recorded as a subcontractor"),
        (worker("pat", "part_time"), "recorded as a part-time worker"),
        (worker("pat", "casual", role="manager"), "recorded as a casual worker (manager)"),
        (worker("pat", province="AB"), "recorded in AB"),
    ],
)
def test_scsa_refuses_to_name_anyone_but_a_full_time_permanent_sk_employee(person, phrase):
    from training.compliance import trained_employee_refusal

    refusal = trained_employee_refusal(person, SCSA.requirements, as_of=D(2025, 7, 2))

    assert refusal is not None and phrase in refusal.message
    assert "cannot be the trained employee" in refusal.message


def test_a_full_time_permanent_sk_manager_can_be_named():
    from training.compliance import trained_employee_refusal

    manager = worker("pat", role="manager")

    assert trained_employee_refusal(manager, SCSA.requirements, as_of=D(2025, 7, 2)) is None
    # Associations without a trained-employee rule refuse nobody.
    part_timer = worker("pat", "part_time")
    assert trained_employee_refusal(part_timer, AMTA.requirements, as_of=D(2025, 7, 2)) is None


def test_compatibility_helpers_read_the_status():
    from training.compliance import can_hold, counts_as_full_time_permanent

    manager = worker("pat", role="manager")
    assert counts_as_full_time_permanent(manager) and manager.employment_type == "manager"
    assert not counts_as_full_time_permanent(worker("lee", "casual"))
    assert can_hold(SCSA.requirements[0], manager)
