from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from audits.schedule import (
    ACSA_SECOR,
    AMTA_COR,
    AMTA_SECOR,
    SCSA_SECOR,
    SEEDED_RULES,
    AuditType,
    MaintenanceDeadline,
    ScheduleRules,
    add_months,
    add_years,
    check_data_gathering,
    corrections_deadline,
    cycle_schedule,
    deadline_instant,
    is_late,
    is_submission_late,
    last_data_gathering_day,
    local_date,
    milestone_deadlines,
    reapply_date,
    submission_deadline,
)

EDMONTON = "America/Edmonton"
REGINA = "America/Regina"


def maintenance_windows(certified: date, rules: ScheduleRules) -> list[tuple[date, date]]:
    years = cycle_schedule(certified, rules).years[1:]
    return [(y.maintenance_opens, y.maintenance_due) for y in years]


# --- Calendar arithmetic ---


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2021, 1, 31), 1, date(2021, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2021, 3, 31), -1, date(2021, 2, 28)),
        (date(2021, 11, 15), 3, date(2022, 2, 15)),
        (date(2021, 1, 15), -13, date(2019, 12, 15)),
    ],
)
def test_add_months_clamps_to_the_month_end(start, months, expected):
    assert add_months(start, months) == expected


def test_add_years_turns_feb_29_into_feb_28_only_in_common_years():
    assert add_years(date(2020, 2, 29), 1) == date(2021, 2, 28)
    assert add_years(date(2020, 2, 29), 4) == date(2024, 2, 29)


# --- Cycle schedule: the AMTA bulletin's worked example ---


def test_last_day_on_site_2021_01_05_expires_2024_01_05_with_january_5_anniversary():
    schedule = cycle_schedule(date(2021, 1, 5), AMTA_SECOR)

    assert schedule.expires_on == date(2024, 1, 5)
    assert (schedule.anniversary_month, schedule.anniversary_day) == (1, 5)
    assert schedule.anniversary_in(2023) == date(2023, 1, 5)


def test_cycle_is_certification_then_two_maintenance_years():
    schedule = cycle_schedule(date(2021, 1, 5), AMTA_SECOR)

    assert [(y.year, y.audit_type) for y in schedule.years] == [
        (1, AuditType.CERTIFICATION),
        (2, AuditType.MAINTENANCE),
        (3, AuditType.MAINTENANCE),
    ]
    assert [(y.period_start, y.period_end) for y in schedule.years] == [
        (date(2021, 1, 5), date(2022, 1, 4)),
        (date(2022, 1, 5), date(2023, 1, 4)),
        (date(2023, 1, 5), date(2024, 1, 4)),
    ]
    assert schedule.years[0].maintenance_due is None


def test_recertification_cycle_starts_with_a_recertification():
    schedule = cycle_schedule(date(2024, 1, 5), AMTA_SECOR, recertification=True)

    assert schedule.years[0].audit_type == AuditType.RECERTIFICATION


def test_amta_maintenance_is_due_dec_31_of_each_following_calendar_year():
    assert maintenance_windows(date(2021, 1, 5), AMTA_SECOR) == [
        (date(2022, 1, 1), date(2022, 12, 31)),
        (date(2023, 1, 1), date(2023, 12, 31)),
    ]


def test_amta_certified_in_late_december_still_gets_whole_calendar_years():
    assert maintenance_windows(date(2021, 12, 20), AMTA_SECOR) == [
        (date(2022, 1, 1), date(2022, 12, 31)),
        (date(2023, 1, 1), date(2023, 12, 31)),
    ]


def test_scsa_maintenance_is_due_on_each_anniversary_before_expiry_with_90_day_notice():
    schedule = cycle_schedule(date(2021, 1, 5), SCSA_SECOR)

    assert [(y.maintenance_opens, y.maintenance_due, y.notice_on) for y in schedule.years[1:]] == [
        (date(2021, 1, 6), date(2022, 1, 5), date(2021, 10, 7)),
        (date(2022, 1, 6), date(2023, 1, 5), date(2022, 10, 7)),
    ]
    assert schedule.expires_on == date(2024, 1, 5)


def test_bc_forestry_fixed_nov_30_window_opens_after_the_previous_nov_30():
    rules = replace(
        AMTA_SECOR,
        maintenance_deadline_kind=MaintenanceDeadline.FIXED_MONTH_DAY,
        maintenance_fixed_month=11,
        maintenance_fixed_day=30,
    )

    assert maintenance_windows(date(2021, 1, 5), rules) == [
        (date(2021, 12, 1), date(2022, 11, 30)),
        (date(2022, 12, 1), date(2023, 11, 30)),
    ]
    # Certified after Nov 30: the first window opens after the certification.
    assert maintenance_windows(date(2021, 12, 20), rules)[0] == (
        date(2021, 12, 21),
        date(2022, 11, 30),
    )


@pytest.mark.parametrize(
    "kind", [MaintenanceDeadline.ANNIVERSARY_MONTH, MaintenanceDeadline.EXPIRY_MONTH]
)
def test_energy_safety_canada_maintenance_falls_in_the_anniversary_or_expiry_month(kind):
    rules = replace(AMTA_SECOR, maintenance_deadline_kind=kind)

    assert maintenance_windows(date(2021, 4, 14), rules) == [
        (date(2022, 4, 1), date(2022, 4, 30)),
        (date(2023, 4, 1), date(2023, 4, 30)),
    ]


def test_unknown_deadline_kind_or_zero_validity_is_refused():
    with pytest.raises(ValueError):
        ScheduleRules(3, "weekly")
    with pytest.raises(ValueError, match="validity_years"):
        ScheduleRules(0, MaintenanceDeadline.CALENDAR_YEAR_END)


def test_fixed_month_day_without_a_date_is_refused():
    with pytest.raises(ValueError, match="month and a day"):
        ScheduleRules(3, MaintenanceDeadline.FIXED_MONTH_DAY)
    with pytest.raises(ValueError):
        ScheduleRules(3, MaintenanceDeadline.FIXED_MONTH_DAY, 2, 30)


# --- Leap years ---


def test_certified_on_feb_29_expires_feb_28_and_keeps_feb_29_in_leap_years():
    schedule = cycle_schedule(date(2020, 2, 29), AMTA_SECOR)

    assert schedule.expires_on == date(2023, 2, 28)
    assert schedule.anniversary_in(2021) == date(2021, 2, 28)
    assert schedule.anniversary_in(2024) == date(2024, 2, 29)
    assert [y.maintenance_due for y in schedule.years[1:]] == [
        date(2021, 12, 31),
        date(2022, 12, 31),
    ]
    assert schedule.years[0].period_end == date(2021, 2, 27)


def test_scsa_certified_on_feb_29_is_due_feb_28_with_notice_90_days_before():
    schedule = cycle_schedule(date(2020, 2, 29), SCSA_SECOR)

    assert [(y.maintenance_opens, y.maintenance_due, y.notice_on) for y in schedule.years[1:]] == [
        (date(2020, 3, 1), date(2021, 2, 28), date(2020, 11, 30)),
        (date(2021, 3, 1), date(2022, 2, 28), date(2021, 11, 30)),
    ]


def test_feb_29_counts_as_a_data_gathering_day():
    assert check_data_gathering(date(2024, 2, 20), date(2024, 3, 5), AMTA_SECOR).days == 15
    assert not check_data_gathering(date(2024, 2, 20), date(2024, 3, 6), AMTA_SECOR).ok
    assert check_data_gathering(date(2023, 2, 20), date(2023, 3, 6), AMTA_SECOR).ok


def test_submission_deadline_crosses_feb_29():
    assert submission_deadline(date(2024, 2, 10), AMTA_SECOR) == date(2024, 3, 2)


# --- Data gathering, submission, corrections ---


def test_fifteen_inclusive_days_of_data_gathering_are_accepted_for_secor():
    check = check_data_gathering(date(2021, 1, 1), date(2021, 1, 15), AMTA_SECOR)

    assert check.ok
    assert check.days == 15
    assert check.last_allowed_day == date(2021, 1, 15)


def test_sixteen_days_of_data_gathering_are_refused_for_secor():
    check = check_data_gathering(date(2021, 1, 1), date(2021, 1, 16), AMTA_SECOR)

    assert not check.ok
    assert check.days == 16
    assert [r.code for r in check.reasons] == ["data_gathering_too_long"]
    assert "by 2021-01-15" in check.reasons[0].message


def test_forty_five_days_of_data_gathering_are_accepted_for_cor_but_not_forty_six():
    assert check_data_gathering(date(2021, 1, 1), date(2021, 2, 14), AMTA_COR).ok
    assert not check_data_gathering(date(2021, 1, 1), date(2021, 2, 15), AMTA_COR).ok


def test_one_day_on_site_is_one_day_of_data_gathering():
    assert check_data_gathering(date(2021, 1, 1), date(2021, 1, 1), AMTA_SECOR).days == 1


def test_data_gathering_ending_before_it_starts_is_refused():
    check = check_data_gathering(date(2021, 1, 10), date(2021, 1, 9), AMTA_SECOR)

    assert [r.code for r in check.reasons] == ["end_before_start"]


def test_data_gathering_has_no_limit_when_the_program_sets_none():
    assert last_data_gathering_day(date(2021, 1, 1), SCSA_SECOR) is None
    assert check_data_gathering(date(2021, 1, 1), date(2021, 6, 1), SCSA_SECOR).ok


def test_audit_received_21_days_after_the_end_is_on_time_and_22_is_late():
    end = date(2021, 3, 1)

    assert submission_deadline(end, AMTA_SECOR) == date(2021, 3, 22)
    assert not is_submission_late(date(2021, 3, 22), end, AMTA_SECOR)
    assert is_submission_late(date(2021, 3, 23), end, AMTA_SECOR)


def test_submission_is_never_late_without_a_submission_limit():
    assert submission_deadline(date(2021, 3, 1), SCSA_SECOR) is None
    assert not is_submission_late(date(2022, 3, 1), date(2021, 3, 1), SCSA_SECOR)


def test_corrections_are_due_15_days_after_the_request():
    assert corrections_deadline(date(2021, 4, 1), AMTA_SECOR) == date(2021, 4, 16)
    assert corrections_deadline(date(2021, 4, 1), SCSA_SECOR) is None


# --- Milestones and re-applying (SCSA) ---


def test_scsa_milestones_follow_the_suggested_timeline_from_registration():
    deadlines = milestone_deadlines(date(2021, 3, 15), SCSA_SECOR)

    assert [(d.code, d.opens_on, d.due_on) for d in deadlines] == [
        ("courses", date(2021, 3, 15), date(2021, 9, 15)),
        ("self_audit_lse", date(2021, 8, 15), date(2021, 11, 15)),
        ("manual", date(2021, 11, 15), date(2022, 1, 15)),
        ("audit_booked", date(2022, 2, 15), date(2022, 4, 15)),
        ("audit_conducted", date(2022, 4, 15), date(2022, 7, 15)),
    ]


def test_milestone_due_at_month_end_clamps_in_february():
    deadlines = milestone_deadlines(date(2023, 8, 31), SCSA_SECOR)

    assert deadlines[0].due_on == date(2024, 2, 29)


def test_programs_without_milestones_have_none():
    assert milestone_deadlines(date(2021, 3, 15), AMTA_SECOR) == ()


def test_de_rolled_scsa_registrant_may_reapply_six_months_later():
    assert reapply_date(date(2022, 1, 16), SCSA_SECOR) == date(2022, 7, 16)
    assert reapply_date(date(2023, 8, 31), SCSA_SECOR) == date(2024, 2, 29)


# --- Seeded rules ---


def test_seeded_rules_carry_the_seed_numbers():
    amta = SEEDED_RULES[("AMTA", "SECOR")]
    assert (
        amta.data_gathering_max_days,
        amta.submission_within_days,
        amta.corrections_within_days,
    ) == (15, 21, 15)
    assert (amta.min_documentation_months, amta.min_documentation_window_months) == (3, 12)
    assert SEEDED_RULES[("AMTA", "COR")].data_gathering_max_days == 45
    assert ACSA_SECOR.validity_years == 3
    assert SCSA_SECOR.min_documentation_months == 6
    assert SCSA_SECOR.maintenance_package == (
        ("Small Employer Certificate of Recognition Audit Tool", 1),
        ("Safe Work Practices", 2),
        ("Safe Job Procedures", 2),
    )
    assert SCSA_SECOR.reapply_wait_months == 6


# --- Time zones ---


def test_upload_at_23_30_edmonton_on_the_due_date_is_on_time_though_utc_says_tomorrow():
    due = date(2022, 12, 31)
    instant = datetime(2023, 1, 1, 6, 30, tzinfo=UTC)  # 23:30 MST on Dec 31

    assert local_date(instant, EDMONTON) == due
    assert not is_late(instant, due, EDMONTON)


def test_upload_at_00_30_next_day_edmonton_is_late():
    instant = datetime(2023, 1, 1, 7, 30, tzinfo=UTC)  # 00:30 MST on Jan 1

    assert local_date(instant, EDMONTON) == date(2023, 1, 1)
    assert is_late(instant, date(2022, 12, 31), EDMONTON)


def test_same_winter_instant_is_on_time_in_edmonton_and_late_in_regina():
    instant = datetime(2023, 1, 1, 6, 30, tzinfo=UTC)  # 23:30 MST, 00:30 CST

    assert local_date(instant, REGINA) == date(2023, 1, 1)
    assert is_late(instant, date(2022, 12, 31), REGINA)
    assert not is_late(instant, date(2022, 12, 31), EDMONTON)


def test_in_summer_edmonton_and_regina_share_the_same_local_date():
    instant = datetime(2022, 7, 1, 5, 30, tzinfo=UTC)  # 23:30 MDT and 23:30 CST

    assert local_date(instant, EDMONTON) == local_date(instant, REGINA) == date(2022, 6, 30)


@pytest.mark.parametrize(
    ("due", "tz_name", "utc_end"),
    [
        (date(2022, 12, 31), EDMONTON, datetime(2023, 1, 1, 6, 59, 59, 999999, tzinfo=UTC)),
        (date(2022, 12, 31), REGINA, datetime(2023, 1, 1, 5, 59, 59, 999999, tzinfo=UTC)),
        (date(2022, 7, 15), EDMONTON, datetime(2022, 7, 16, 5, 59, 59, 999999, tzinfo=UTC)),
        (date(2022, 7, 15), REGINA, datetime(2022, 7, 16, 5, 59, 59, 999999, tzinfo=UTC)),
        # DST starts (Mar 13) and ends (Nov 6) in Edmonton: the evening offset counts.
        (date(2022, 3, 13), EDMONTON, datetime(2022, 3, 14, 5, 59, 59, 999999, tzinfo=UTC)),
        (date(2022, 11, 6), EDMONTON, datetime(2022, 11, 7, 6, 59, 59, 999999, tzinfo=UTC)),
    ],
)
def test_deadline_instant_is_the_end_of_the_local_due_date(due, tz_name, utc_end):
    deadline = deadline_instant(due, tz_name)

    assert deadline == utc_end
    assert local_date(deadline, tz_name) == due
    assert not is_late(deadline, due, tz_name)


def test_local_date_refuses_a_naive_datetime():
    with pytest.raises(ValueError, match="aware"):
        local_date(datetime(2022, 12, 31, 23, 30), EDMONTON)
