"""The pure schedule rules at the edges of the ranges forms and the database allow.

Dates from 1950-01-01 to 2100-12-31 (secor.validators) and every rule number at
its bound (audits.schedule.RULE_BOUNDS): no rule function may raise, whatever
the deadline kind. A notice of 99,999,999 days once broke whole pages; the
bounds keep every sum inside Python's dates, and these tests prove it.
"""

from __future__ import annotations

from datetime import date

import pytest

from audits.schedule import (
    MILESTONE_MONTH_BOUNDS,
    MILESTONES_MAX,
    RULE_BOUNDS,
    MaintenanceDeadline,
    MilestoneRule,
    ScheduleRules,
    check_data_gathering,
    corrections_deadline,
    cycle_schedule,
    deadline_instant,
    last_data_gathering_day,
    milestone_deadlines,
    reapply_date,
    submission_deadline,
)
from audits.transitions import EnrollmentSnapshot, MilestoneProgress, decide_transitions
from secor.validators import EARLIEST_DATE, LATEST_DATE

EDGES = (EARLIEST_DATE, date(1950, 12, 31), date(2000, 2, 29), date(2100, 1, 1), LATEST_DATE)


def rules_at(edge: int, kind: MaintenanceDeadline) -> ScheduleRules:
    """Every bounded rule at its low (edge=0) or high (edge=1) bound."""
    values = {name: bounds[edge] for name, bounds in RULE_BOUNDS.items()}
    low, high = MILESTONE_MONTH_BOUNDS
    month = (low, high)[edge]
    return ScheduleRules(
        validity_years=values["validity_years"],
        maintenance_deadline_kind=kind,
        maintenance_fixed_month=12 if edge else 2,
        maintenance_fixed_day=31 if edge else 29,
        data_gathering_max_days=values["data_gathering_max_days"],
        submission_within_days=values["submission_within_days"],
        corrections_within_days=values["corrections_within_days"],
        min_documentation_months=values["min_documentation_months"],
        min_documentation_window_months=values["min_documentation_window_months"],
        maintenance_notice_days=values["maintenance_notice_days"],
        milestones=tuple(
            MilestoneRule(f"m{n}", f"Milestone {n}", month, start_month=month)
            for n in range(MILESTONES_MAX)
        ),
        reapply_wait_months=values["reapply_wait_months"],
    )


def test_the_edge_rules_use_the_bounds_themselves():
    assert rules_at(1, MaintenanceDeadline.CALENDAR_YEAR_END).maintenance_notice_days == 730
    assert rules_at(1, MaintenanceDeadline.CALENDAR_YEAR_END).validity_years == 10


@pytest.mark.parametrize("kind", list(MaintenanceDeadline))
@pytest.mark.parametrize("edge", [0, 1], ids=["lowest", "highest"])
@pytest.mark.parametrize("day", EDGES, ids=str)
def test_no_schedule_rule_raises_at_the_range_edges(kind, edge, day):
    rules = rules_at(edge, kind)

    schedule = cycle_schedule(day, rules)
    assert schedule.expires_on > day
    assert len(schedule.years) == rules.validity_years
    for plan in schedule.years[1:]:
        assert plan.maintenance_opens <= plan.maintenance_due
        assert plan.notice_on <= plan.maintenance_due
    cycle_schedule(day, rules, recertification=True)

    last = last_data_gathering_day(day, rules)
    assert last >= day
    assert check_data_gathering(day, last, rules).ok
    assert not check_data_gathering(day, date(1949, 12, 31), rules).ok
    assert submission_deadline(day, rules) >= day
    assert corrections_deadline(day, rules) >= day
    deadlines = milestone_deadlines(day, rules)
    assert len(deadlines) == MILESTONES_MAX
    assert reapply_date(day, rules) >= day
    for tz in ("America/Edmonton", "America/Regina"):
        deadline_instant(LATEST_DATE, tz)
        deadline_instant(EARLIEST_DATE, tz)

    # The daily job's decisions, on the last day allowed and far past every deadline.
    for today in (day, LATEST_DATE):
        decide_transitions(
            EnrollmentSnapshot(
                program="SECOR",
                status="certified",
                today=today,
                certificate_status="valid",
                certificate_expires_on=schedule.expires_on,
                schedule=schedule,
            ),
            rules,
        )
        decide_transitions(
            EnrollmentSnapshot(
                program="SECOR",
                status="registered",
                today=today,
                milestones=tuple(MilestoneProgress(d) for d in deadlines),
            ),
            rules,
        )
