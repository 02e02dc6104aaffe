"""SECOR eligibility, from the seeds' own words (ACSA 001_…, SCSA 003_…, AMTA 000_…)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

import pytest

from employers.eligibility import (
    ACSA_RULES,
    AMTA_RULES,
    EMPLOYMENT_TYPE_LABELS,
    EMPLOYMENT_TYPES,
    SCSA_RULES,
    SEEDED_RULES,
    EligibilityRules,
    HeadcountPeriod,
    RosterEntry,
    assess_eligibility,
)

AS_OF = date(2025, 3, 4)
LONG_AGO = date(2020, 1, 1)


def people(count, employment_type, start=LONG_AGO, end=None, province="AB", prefix=None):
    prefix = prefix or employment_type
    return [
        RosterEntry(f"{prefix} {i}", employment_type, province, start, end) for i in range(count)
    ]


def acsa_ten():
    # ACSA: "owners, managers, clerical or administrative staff, part-time workers,
    # temporary staff, family members, and volunteers"
    return (
        people(1, "owner")
        + people(5, "full_time_permanent")
        + people(1, "clerical")
        + people(1, "part_time")
        + people(1, "family_member")
        + people(1, "volunteer")
    )


def scsa_nine():
    # SCSA: "owners, full time, part time, casual, and sub-contractors"
    return (
        people(1, "owner", province="SK")
        + people(4, "full_time_permanent", province="SK")
        + people(1, "part_time", province="SK")
        + people(1, "casual", province="SK")
        + people(2, "subcontractor", province="SK")
    )


def test_employment_types_all_have_labels():
    assert len(EMPLOYMENT_TYPES) == 11
    assert set(EMPLOYMENT_TYPE_LABELS) == set(EMPLOYMENT_TYPES)


def test_acsa_ten_people_including_a_volunteer_and_a_family_member_is_eligible():
    verdict = assess_eligibility(ACSA_RULES, AS_OF, acsa_ten(), [])

    assert verdict.eligible is True
    assert verdict.peak_count == 10
    assert verdict.peak_date == date(2024, 3, 4)
    assert verdict.peak_source == "roster"
    assert verdict.peak_breakdown == {
        "owner": 1,
        "full_time_permanent": 5,
        "part_time": 1,
        "family_member": 1,
        "volunteer": 1,
        "clerical": 1,
    }
    assert verdict.reason_codes == ["within_limit"]
    assert verdict.next_steps == []


def test_acsa_eleven_people_at_any_point_in_the_past_12_months_is_not_eligible():
    summer_hire = people(1, "temporary", date(2024, 7, 2), date(2024, 7, 12))
    roster = acsa_ten() + summer_hire

    verdict = assess_eligibility(ACSA_RULES, AS_OF, roster, [])

    assert verdict.eligible is False
    assert (verdict.peak_count, verdict.peak_date) == (11, date(2024, 7, 2))
    assert verdict.peak_breakdown["temporary"] == 1
    assert verdict.reason_codes == ["over_limit"]
    assert verdict.reasons[0].blocking is True
    assert verdict.reasons[0].message == (
        "11 people worked for you on 2024-07-02 (owner 1, full-time permanent 5, part-time 1,"
        " temporary 1, family member 1, volunteer 1, clerical or administrative 1);"
        " SECOR allows no more than 10 at any time in the past 12 months."
    )
    assert verdict.next_steps == ["Apply for COR instead."]


def test_acsa_eleven_people_thirteen_months_ago_is_eligible():
    roster = acsa_ten() + people(1, "temporary", date(2024, 1, 15), date(2024, 2, 3))

    verdict = assess_eligibility(ACSA_RULES, AS_OF, roster, [])

    assert verdict.eligible is True
    assert verdict.peak_count == 10


def test_window_includes_the_day_exactly_12_months_before():
    roster = acsa_ten() + people(1, "casual", date(2023, 6, 1), date(2024, 3, 4))

    verdict = assess_eligibility(ACSA_RULES, AS_OF, roster, [])

    assert (verdict.window_start, verdict.window_end) == (date(2024, 3, 4), AS_OF)
    assert (verdict.eligible, verdict.peak_count, verdict.peak_date) == (
        False,
        11,
        date(2024, 3, 4),
    )


def test_window_excludes_the_day_before_12_months_ago():
    roster = acsa_ten() + people(1, "casual", date(2023, 6, 1), date(2024, 3, 3))

    verdict = assess_eligibility(ACSA_RULES, AS_OF, roster, [])

    assert (verdict.eligible, verdict.peak_count) == (True, 10)


def test_people_starting_after_the_as_of_date_are_not_counted():
    roster = acsa_ten() + people(1, "casual", AS_OF + timedelta(days=1))

    assert assess_eligibility(ACSA_RULES, AS_OF, roster, []).peak_count == 10


def test_end_date_is_the_last_day_worked_so_leaver_and_joiner_overlap_that_day():
    leaver = people(1, "full_time_permanent", end=date(2024, 9, 30), prefix="leaver")
    joiner = people(1, "full_time_permanent", start=date(2024, 9, 30), prefix="joiner")
    roster = acsa_ten()[1:] + leaver + joiner

    verdict = assess_eligibility(ACSA_RULES, AS_OF, roster, [])

    assert (verdict.eligible, verdict.peak_count, verdict.peak_date) == (
        False,
        11,
        date(2024, 9, 30),
    )


def test_joiner_starting_the_day_after_a_leaver_keeps_the_count():
    leaver = people(1, "full_time_permanent", end=date(2024, 9, 30), prefix="leaver")
    joiner = people(1, "full_time_permanent", start=date(2024, 10, 1), prefix="joiner")
    roster = acsa_ten()[1:] + leaver + joiner

    verdict = assess_eligibility(ACSA_RULES, AS_OF, roster, [])

    assert (verdict.eligible, verdict.peak_count) == (True, 10)


def test_peak_date_is_the_first_day_the_peak_was_reached():
    roster = (
        acsa_ten()
        + people(1, "casual", date(2024, 5, 1), date(2024, 5, 3), prefix="may")
        + people(1, "casual", date(2024, 8, 1), date(2024, 8, 3), prefix="august")
    )

    verdict = assess_eligibility(ACSA_RULES, AS_OF, roster, [])

    assert (verdict.peak_count, verdict.peak_date) == (11, date(2024, 5, 1))


def test_scsa_nine_saskatchewan_people_with_subcontractors_counted_is_eligible():
    verdict = assess_eligibility(SCSA_RULES, AS_OF, scsa_nine(), [])

    assert verdict.eligible is True
    assert verdict.peak_count == 9
    assert verdict.peak_breakdown == {
        "owner": 1,
        "full_time_permanent": 4,
        "part_time": 1,
        "casual": 1,
        "subcontractor": 2,
    }


def test_scsa_ten_saskatchewan_people_is_not_eligible():
    roster = scsa_nine() + people(1, "subcontractor", date(2024, 11, 4), province="SK", prefix="x")

    verdict = assess_eligibility(SCSA_RULES, AS_OF, roster, [])

    assert verdict.eligible is False
    assert (verdict.peak_count, verdict.peak_date) == (10, date(2024, 11, 4))
    assert verdict.peak_breakdown["subcontractor"] == 3
    assert verdict.reasons[0].message == (
        "10 people worked for you in SK on 2024-11-04 (owner 1, full-time permanent 4,"
        " part-time 1, casual 1, subcontractor 3); SECOR allows no more than 9 in SK at any"
        " time in the past 12 months."
    )
    assert verdict.next_steps == ["Apply for COR instead."]


def test_scsa_does_not_count_consultants_and_says_so():
    roster = scsa_nine() + people(2, "consultant", province="SK")

    verdict = assess_eligibility(SCSA_RULES, AS_OF, roster, [])

    assert (verdict.eligible, verdict.peak_count) == (True, 9)
    assert "consultant" in verdict.excluded_types
    assert verdict.excluded_at_peak == {"consultant": 2}
    assert verdict.reason_codes == ["within_limit", "not_counted"]
    assert verdict.reasons[1].message == "Not counted on 2024-03-04: consultant 2."


def test_acsa_counts_everyone_on_the_wcb_account_but_not_consultants():
    assert ACSA_RULES.counted_types == frozenset(EMPLOYMENT_TYPES) - {"subcontractor", "consultant"}


def test_scsa_does_not_count_people_working_outside_saskatchewan():
    roster = scsa_nine() + people(3, "full_time_permanent", province="AB", prefix="alberta")

    verdict = assess_eligibility(SCSA_RULES, AS_OF, roster, [])

    assert (verdict.eligible, verdict.peak_count) == (True, 9)
    assert verdict.outside_province_at_peak == 3
    assert verdict.reasons[1].message == "Not counted on 2024-03-04: 3 people working outside SK."


def test_scsa_counts_people_without_a_province_and_warns():
    roster = scsa_nine() + people(1, "casual", province=None, prefix="unknown")

    verdict = assess_eligibility(SCSA_RULES, AS_OF, roster, [])

    assert (verdict.eligible, verdict.peak_count) == (False, 10)
    assert verdict.reason_codes == ["over_limit", "province_unknown"]


def test_acsa_counts_people_in_every_province_on_the_wcb_account():
    roster = acsa_ten() + people(1, "manager", province="BC")

    assert assess_eligibility(ACSA_RULES, AS_OF, roster, []).peak_count == 11


def test_scsa_general_contractor_expecting_ten_workers_including_subcontractors_is_not_eligible():
    verdict = assess_eligibility(
        SCSA_RULES, AS_OF, scsa_nine()[:3], [], is_general_contractor=True, expected_workers=10
    )

    assert verdict.eligible is False
    assert verdict.peak_count == 3
    assert verdict.reason_codes == ["within_limit", "general_contractor_over_limit"]
    assert verdict.next_steps == [
        "Tell your association that you no longer qualify for SECOR.",
        "Apply for COR instead.",
    ]


def test_scsa_general_contractor_expecting_nine_workers_is_eligible():
    verdict = assess_eligibility(
        SCSA_RULES, AS_OF, scsa_nine(), [], is_general_contractor=True, expected_workers=9
    )

    assert (verdict.eligible, verdict.reason_codes) == (True, ["within_limit"])


def test_scsa_general_contractor_without_an_expectation_is_asked_for_one():
    verdict = assess_eligibility(SCSA_RULES, AS_OF, scsa_nine(), [], is_general_contractor=True)

    assert verdict.eligible is True
    assert verdict.reason_codes == ["within_limit", "general_contractor_expectation_missing"]


def test_general_contractor_rule_only_applies_where_the_association_has_it():
    verdict = assess_eligibility(
        ACSA_RULES, AS_OF, acsa_ten(), [], is_general_contractor=True, expected_workers=25
    )

    assert (verdict.eligible, verdict.reason_codes) == (True, ["within_limit"])


def test_amta_follows_its_rule_data():
    assert AMTA_RULES.as_dict() == {
        "limit": 10,
        "counted_types": [
            "owner",
            "full_time_permanent",
            "part_time",
            "casual",
            "temporary",
            "family_member",
            "volunteer",
            "manager",
            "clerical",
        ],
        "window_months": 12,
        "province": None,
        "over_limit_program": "COR",
        "general_contractor_rule": False,
    }
    roster = acsa_ten() + people(1, "manager", date(2025, 1, 6))
    assert assess_eligibility(AMTA_RULES, AS_OF, roster, []).eligible is False

    edited = EligibilityRules.from_dict({**AMTA_RULES.as_dict(), "limit": 11})
    assert assess_eligibility(edited, AS_OF, roster, []).eligible is True


def test_seeded_rules_round_trip_through_plain_data():
    assert set(SEEDED_RULES) == {"amta", "acsa", "scsa"}
    for rules in SEEDED_RULES.values():
        assert EligibilityRules.from_dict(rules.as_dict()) == rules
    assert (SCSA_RULES.limit, SCSA_RULES.province, SCSA_RULES.general_contractor_rule) == (
        9,
        "SK",
        True,
    )


def test_a_declaration_raises_the_peak_above_the_roster():
    roster = acsa_ten()[:8]
    busy_quarter = HeadcountPeriod(
        date(2024, 6, 1),
        date(2024, 8, 31),
        {"owner": 1, "full_time_permanent": 7, "temporary": 4, "consultant": 1},
    )

    verdict = assess_eligibility(ACSA_RULES, AS_OF, roster, [busy_quarter])

    assert verdict.eligible is False
    assert (verdict.peak_count, verdict.peak_date) == (12, date(2024, 6, 1))
    assert verdict.peak_source == "declaration"
    assert verdict.peak_breakdown == {"owner": 1, "full_time_permanent": 7, "temporary": 4}
    assert verdict.excluded_at_peak == {"consultant": 1}
    assert verdict.reasons[0].message.startswith(
        "You declared 12 people for 2024-06-01 to 2024-08-31 (owner 1,"
    )


def test_a_smaller_declaration_does_not_lower_the_roster_count():
    quiet = HeadcountPeriod(date(2024, 1, 1), date(2024, 12, 31), {"owner": 1, "volunteer": 4})

    verdict = assess_eligibility(ACSA_RULES, AS_OF, acsa_ten(), [quiet])

    assert (verdict.peak_count, verdict.peak_source) == (10, "roster")


def test_overlapping_declarations_take_the_larger_not_the_sum():
    first = HeadcountPeriod(date(2024, 4, 1), date(2024, 6, 30), {"full_time_permanent": 7})
    second = HeadcountPeriod(date(2024, 6, 1), date(2024, 9, 30), {"full_time_permanent": 8})

    verdict = assess_eligibility(ACSA_RULES, AS_OF, [], [first, second])

    assert (verdict.peak_count, verdict.peak_date) == (8, date(2024, 6, 1))


def test_leap_day_as_of_clamps_the_window_start_to_february_28():
    roster = acsa_ten() + people(1, "casual", date(2022, 6, 1), date(2023, 2, 28))

    verdict = assess_eligibility(ACSA_RULES, date(2024, 2, 29), roster, [])

    assert verdict.window_start == date(2023, 2, 28)
    assert (verdict.peak_count, verdict.peak_date) == (11, date(2023, 2, 28))


def test_leap_day_as_of_excludes_february_27():
    roster = acsa_ten() + people(1, "casual", date(2022, 6, 1), date(2023, 2, 27))

    verdict = assess_eligibility(ACSA_RULES, date(2024, 2, 29), roster, [])

    assert verdict.peak_count == 10


def test_window_ending_the_year_after_a_leap_day_starts_on_the_same_date():
    verdict = assess_eligibility(ACSA_RULES, date(2025, 2, 28), acsa_ten(), [])

    assert verdict.window_start == date(2024, 2, 28)


@pytest.mark.parametrize(
    ("as_of", "months", "window_start"),
    [
        (date(2025, 3, 31), 12, date(2024, 3, 31)),
        (date(2025, 3, 31), 1, date(2025, 2, 28)),
        (date(2024, 3, 31), 1, date(2024, 2, 29)),
        (date(2025, 1, 15), 13, date(2023, 12, 15)),
    ],
)
def test_window_months_clamp_to_the_end_of_a_shorter_month(as_of, months, window_start):
    rules = replace(ACSA_RULES, window_months=months)

    assert assess_eligibility(rules, as_of, [], []).window_start == window_start


def test_nothing_entered_for_the_window_is_a_warning_not_a_failure():
    old = people(3, "owner", date(2019, 1, 1), date(2023, 12, 31))

    verdict = assess_eligibility(ACSA_RULES, AS_OF, old, [])

    assert verdict.eligible is True
    assert (verdict.peak_count, verdict.peak_date) == (0, None)
    assert verdict.reason_codes == ["no_headcount_data"]
    assert verdict.reasons[0].blocking is False
    assert verdict.next_steps == [
        "Add everyone who worked for you from 2024-03-04 to 2025-03-04 to your roster,"
        " or declare your headcount for that period."
    ]


@pytest.mark.parametrize(
    "build",
    [
        lambda: RosterEntry("A", "contractor", "AB", LONG_AGO),
        lambda: RosterEntry("A", "owner", "AB", AS_OF, AS_OF - timedelta(days=1)),
        lambda: HeadcountPeriod(LONG_AGO, AS_OF, {"owner": -1}),
        lambda: HeadcountPeriod(LONG_AGO, AS_OF, {"staff": 3}),
        lambda: EligibilityRules(limit=10, counted_types=frozenset({"employee"})),
    ],
)
def test_invalid_inputs_are_rejected(build):
    with pytest.raises(ValueError):
        build()


@pytest.mark.parametrize("with_declarations", [False, True])
def test_sweep_matches_a_day_by_day_count_on_a_random_roster(with_declarations):
    rng = random.Random(20250304)
    roster = []
    for i in range(400):
        start = date(2023, 1, 1) + timedelta(days=rng.randrange(900))
        end = start + timedelta(days=rng.randrange(120)) if rng.random() < 0.8 else None
        province = rng.choice(["SK", "SK", "AB"])
        roster.append(RosterEntry(f"p{i}", rng.choice(EMPLOYMENT_TYPES), province, start, end))
    declarations = [
        HeadcountPeriod(date(2024, 5, 1), date(2024, 5, 20), {"casual": 150, "owner": 2}),
        HeadcountPeriod(date(2024, 5, 10), date(2024, 6, 30), {"part_time": 160}),
    ][: 2 * with_declarations]

    verdict = assess_eligibility(SCSA_RULES, AS_OF, roster, declarations)

    def counted_on(day):
        on_roster = sum(
            1
            for e in roster
            if e.start_date <= day <= (e.end_date or day)
            and e.province == "SK"
            and e.employment_type in SCSA_RULES.counted_types
        )
        declared = [
            sum(n for t, n in d.counts.items() if t in SCSA_RULES.counted_types)
            for d in declarations
            if d.start <= day <= d.end
        ]
        return max([on_roster, *declared])

    days = [verdict.window_start + timedelta(days=n) for n in range(367)]
    daily = [(counted_on(day), day) for day in days if day <= AS_OF]
    best = max(count for count, _ in daily)
    assert verdict.peak_count == best
    assert verdict.peak_date == next(day for count, day in daily if count == best)
    assert sum(verdict.peak_breakdown.values()) == best
