"""SECOR eligibility, from the seeds' own words (ACSA 001_…, SCSA 003_…, AMTA 000_…)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from employers.eligibility import (
    ACSA_RULES,
    AMTA_RULES,
    EMPLOYMENT_STATUSES,
    EMPLOYMENT_TYPE_LABELS,
    EMPLOYMENT_TYPES,
    ROLES,
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
    # A headcount category ("owner", "part_time"): its role and employment status.
    return [
        RosterEntry.of_kind(f"{prefix} {i}", employment_type, province, start, end)
        for i in range(count)
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
        "On 2024-07-02, 11 people worked for you: 11 people named on your roster (owner 1,"
        " full-time permanent 5, part-time 1, temporary 1, family member 1, volunteer 1,"
        " clerical or administrative 1); SECOR allows no more than 10 at any time in the"
        " past 12 months."
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
        "On 2024-11-04, 10 people worked for you in SK: 10 people named on your roster"
        " (owner 1, full-time permanent 4, part-time 1, casual 1, subcontractor 3); SECOR"
        " allows no more than 9 in SK at any time in the past 12 months."
    )
    assert verdict.next_steps == ["Apply for COR instead."]


def test_scsa_does_not_count_consultants_and_says_so():
    roster = scsa_nine() + people(2, "consultant", province="SK")

    verdict = assess_eligibility(SCSA_RULES, AS_OF, roster, [])

    assert (verdict.eligible, verdict.peak_count) == (True, 9)
    assert "consultant" in verdict.excluded_statuses
    assert verdict.excluded_at_peak == {"consultant": 2}
    assert verdict.reason_codes == ["within_limit", "not_counted"]
    assert verdict.reasons[1].message == "Not counted on 2024-03-04: consultant 2."


def test_acsa_counts_everyone_on_the_wcb_account_but_not_consultants():
    assert ACSA_RULES.counted_roles == frozenset(ROLES)
    assert ACSA_RULES.counted_statuses == frozenset(EMPLOYMENT_STATUSES) - {
        "subcontractor",
        "consultant",
    }


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
        "counted_roles": ["owner", "manager", "clerical", "family_member", "other"],
        "counted_statuses": [
            "full_time_permanent",
            "part_time",
            "casual",
            "temporary",
            "volunteer",
        ],
        "window_months": 12,
        "province": None,
        "over_limit_program": "COR",
        "general_contractor_rule": False,
        "count_unit": "people",
        "full_time_hours": 40,
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


def test_a_declaration_alone_is_the_count_when_nobody_is_named():
    busy_quarter = HeadcountPeriod(
        date(2024, 6, 1),
        date(2024, 8, 31),
        {"owner": 1, "full_time_permanent": 7, "temporary": 4, "consultant": 1},
    )

    verdict = assess_eligibility(ACSA_RULES, AS_OF, [], [busy_quarter])

    assert verdict.eligible is False
    assert (verdict.peak_count, verdict.peak_date) == (12, date(2024, 6, 1))
    assert verdict.peak_source == "declaration"
    assert verdict.peak_breakdown == {"owner": 1, "full_time_permanent": 7, "temporary": 4}
    assert verdict.excluded_at_peak == {"consultant": 1}
    assert verdict.reasons[0].message.startswith(
        "On 2024-06-01, 12 people worked for you: 12 people declared for 2024-06-01 to"
        " 2024-08-31 (owner 1,"
    )


def test_acsa_six_named_plus_five_declared_is_eleven_not_the_larger_six():
    """docs/rules.md#reading-headcount: a declaration covers people the roster does not
    name, so a day's count is named plus declared — never the larger of the two."""
    named = people(1, "owner") + people(5, "full_time_permanent")
    seasonal_crew = HeadcountPeriod(date(2024, 6, 1), date(2024, 8, 31), {"temporary": 5})

    verdict = assess_eligibility(ACSA_RULES, AS_OF, named, [seasonal_crew])

    assert verdict.eligible is False
    assert (verdict.peak_count, verdict.peak_date) == (11, date(2024, 6, 1))
    assert (verdict.peak_named, verdict.peak_declared) == (6, 5)
    assert verdict.peak_source == "roster_and_declaration"
    assert verdict.peak_breakdown == {"owner": 1, "full_time_permanent": 5, "temporary": 5}
    assert verdict.reasons[0].message == (
        "On 2024-06-01, 11 people worked for you: 6 people named on your roster (owner 1,"
        " full-time permanent 5) and 5 people declared for 2024-06-01 to 2024-08-31"
        " (temporary 5); SECOR allows no more than 10 at any time in the past 12 months."
    )
    assert verdict.headline.message == (
        "Not eligible for SECOR: 11 people worked for you at one time in the period"
        " checked; the limit is 10."
    )


def test_a_declaration_adds_to_the_roster_on_the_days_it_covers():
    quiet = HeadcountPeriod(date(2024, 1, 1), date(2024, 12, 31), {"owner": 1, "volunteer": 4})

    verdict = assess_eligibility(ACSA_RULES, AS_OF, acsa_ten()[:5], [quiet])

    assert (verdict.peak_count, verdict.peak_date) == (10, date(2024, 3, 4))
    assert verdict.peak_source == "roster_and_declaration"


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
        lambda: RosterEntry("A", "contractor", "full_time_permanent", "AB", LONG_AGO),
        lambda: RosterEntry("A", "owner", "owner", "AB", LONG_AGO),
        lambda: RosterEntry("A", "owner", "part_time", "AB", AS_OF, AS_OF - timedelta(days=1)),
        lambda: RosterEntry.of_kind("A", "contractor", "AB", LONG_AGO),
        lambda: HeadcountPeriod(LONG_AGO, AS_OF, {"owner": -1}),
        lambda: HeadcountPeriod(LONG_AGO, AS_OF, {"staff": 3}),
        lambda: EligibilityRules(10, frozenset({"employee"}), frozenset()),
        lambda: EligibilityRules(10, frozenset(), frozenset({"manager"})),
        lambda: EligibilityRules(10, frozenset(), frozenset(), count_unit="hours"),
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
        roster.append(
            RosterEntry(
                f"p{i}", rng.choice(ROLES), rng.choice(EMPLOYMENT_STATUSES), province, start, end
            )
        )
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
            and SCSA_RULES.counts(e.role, e.employment_status)
        )
        declared = [
            sum(n for t, n in d.counts.items() if SCSA_RULES.counts_category(t))
            for d in declarations
            if d.start <= day <= d.end
        ]
        # Named plus the larger of the declarations covering the day.
        return on_roster + max(declared, default=0)

    days = [verdict.window_start + timedelta(days=n) for n in range(367)]
    daily = [(counted_on(day), day) for day in days if day <= AS_OF]
    best = max(count for count, _ in daily)
    assert verdict.peak_count == best
    assert verdict.peak_date == next(day for count, day in daily if count == best)
    assert sum(verdict.peak_breakdown.values()) == best


# --- Role and status are two facts ---------------------------------------------------


def test_a_full_time_family_member_counts_for_scsa_but_an_unpaid_one_does_not():
    full_time = RosterEntry("Kim", "family_member", "full_time_permanent", "SK", LONG_AGO)
    helping = RosterEntry("Lou", "family_member", "volunteer", "SK", LONG_AGO)

    verdict = assess_eligibility(SCSA_RULES, AS_OF, [full_time, helping], [])

    assert verdict.peak_count == 1
    assert verdict.excluded_at_peak == {"family_member": 1}


def test_every_old_kind_maps_to_a_role_and_a_status():
    from employers.eligibility import category_of, role_and_status

    for kind in EMPLOYMENT_TYPES:
        role, status = role_and_status(kind)
        assert (role in ROLES, status in EMPLOYMENT_STATUSES) == (True, True)
        assert category_of(role, status) == kind
    assert role_and_status("manager") == ("manager", "full_time_permanent")
    assert role_and_status("family_member") == ("family_member", "volunteer")


def test_old_counted_kinds_convert_to_roles_and_statuses_keeping_the_verdicts():
    from employers.eligibility import counted_from_kinds

    old_scsa = [
        t for t in EMPLOYMENT_TYPES if t not in {"consultant", "volunteer", "family_member"}
    ]
    roles, statuses = counted_from_kinds(old_scsa)
    assert roles == ["owner", "manager", "clerical", "other"]
    assert statuses == ["full_time_permanent", "part_time", "casual", "temporary", "subcontractor"]


# --- Full-time equivalents (BC construction: "up to 19 full-time equivalents") -------

BC_RULES = EligibilityRules(
    limit=19,
    counted_roles=frozenset(ROLES),
    counted_statuses=frozenset(EMPLOYMENT_STATUSES) - {"subcontractor", "consultant"},
    count_unit="fte",
    full_time_hours=40,
)


def test_fte_rule_counts_thirty_half_time_people_as_fifteen_and_eligible():
    """docs/rules.md#other-bc-construction: small employer up to 19 FTE. Thirty people
    working 20 hours a week are 15 FTE: eligible, though 30 people exceed 19."""
    roster = [
        RosterEntry(f"p{i}", "other", "part_time", "BC", LONG_AGO, weekly_hours=Decimal(20))
        for i in range(30)
    ]

    verdict = assess_eligibility(BC_RULES, AS_OF, roster, [])

    assert verdict.eligible is True
    assert verdict.peak_count == Decimal("15.00")
    assert verdict.count_unit == "fte"
    assert verdict.reasons[0].message.startswith(
        "The most full-time equivalents who worked for you on one day in the past 12 months"
        " was 15, first on 2024-03-04: 15 full-time equivalents named on your roster (part-time 30)"
    )
    assert verdict.headline.message == (
        "Eligible for SECOR: at most 15 full-time equivalents at one time in the period"
        " checked; the limit is 19 full-time equivalents."
    )


def test_fte_rule_adds_fractions_and_declared_fte_and_goes_over_19():
    roster = [
        RosterEntry(f"f{i}", "other", "full_time_permanent", "BC", LONG_AGO, fte=Decimal(1))
        for i in range(12)
    ] + [RosterEntry("Half", "owner", "full_time_permanent", "BC", LONG_AGO, fte=Decimal("0.5"))]
    crew = HeadcountPeriod(date(2024, 7, 1), date(2024, 7, 31), {"temporary": 9}, Decimal("6.75"))

    verdict = assess_eligibility(BC_RULES, AS_OF, roster, [crew])

    assert verdict.eligible is False
    assert (verdict.peak_count, verdict.peak_date) == (Decimal("19.25"), date(2024, 7, 1))
    assert verdict.peak_cache == 20
    assert verdict.headline.code == "headline_over_limit"
    assert verdict.headline.message.startswith(
        "Not eligible for SECOR: 19.25 full-time equivalents worked for you at one time"
    )


def test_fte_rule_counts_a_person_without_hours_as_one_and_says_so():
    roster = [RosterEntry("Sam", "other", "full_time_permanent", "BC", LONG_AGO)]

    verdict = assess_eligibility(BC_RULES, AS_OF, roster, [])

    assert verdict.peak_count == 1
    assert "fte_unknown" in verdict.reason_codes


def test_the_same_roster_under_a_people_rule_counts_heads():
    roster = [
        RosterEntry(f"p{i}", "other", "part_time", "BC", LONG_AGO, weekly_hours=Decimal(20))
        for i in range(30)
    ]
    people_rule = replace(BC_RULES, count_unit="people")

    assert assess_eligibility(people_rule, AS_OF, roster, []).peak_count == 30


# --- The headline agrees with the explanation ---------------------------------------


def test_general_contractor_headline_names_the_expected_workers_not_the_peak():
    """SCSA: a general contractor expecting more than 9 workers no longer qualifies. With
    4 people on the roster and 12 expected, the headline says 12, as the reason does."""
    verdict = assess_eligibility(
        SCSA_RULES, AS_OF, scsa_nine()[:4], [], is_general_contractor=True, expected_workers=12
    )

    assert verdict.eligible is False
    assert verdict.headline.code == "headline_general_contractor_over_limit"
    assert verdict.headline.message == (
        "Not eligible for SECOR: as a general contractor you expect to engage 12 workers,"
        " subcontractors included; the limit is 9."
    )
    assert "at most 4" not in verdict.headline.message
    assert "12 workers" in verdict.reasons[1].message


def test_headline_when_both_the_peak_and_the_expectation_are_over():
    roster = scsa_nine() + people(1, "casual", province="SK", prefix="x")
    verdict = assess_eligibility(
        SCSA_RULES, AS_OF, roster, [], is_general_contractor=True, expected_workers=12
    )

    assert verdict.headline.code == "headline_both_over_limit"
    assert "10 people" in verdict.headline.message and "12 workers" in verdict.headline.message


@pytest.mark.parametrize(
    ("roster", "code"),
    [
        (lambda: acsa_ten(), "headline_eligible"),
        (lambda: acsa_ten() + people(1, "casual"), "headline_over_limit"),
        (lambda: [], "headline_unknown"),
    ],
)
def test_headline_follows_the_verdict(roster, code):
    verdict = assess_eligibility(ACSA_RULES, AS_OF, roster(), [])

    assert verdict.headline.code == code
