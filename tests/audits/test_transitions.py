from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from audits.schedule import AMTA_SECOR, SCSA_SECOR, cycle_schedule, milestone_deadlines
from audits.transitions import (
    CertificateStatus,
    EnrollmentSnapshot,
    EnrollmentStatus,
    MilestoneProgress,
    Transition,
    TransitionKind,
    decide_transitions,
)

AMTA_CYCLE = cycle_schedule(date(2021, 1, 5), AMTA_SECOR)


def certified(today: date, *done: date, schedule=AMTA_CYCLE, **changes) -> EnrollmentSnapshot:
    snapshot = EnrollmentSnapshot(
        program="SECOR",
        status=EnrollmentStatus.CERTIFIED,
        today=today,
        certificate_status=CertificateStatus.VALID,
        certificate_expires_on=schedule.expires_on,
        schedule=schedule,
        maintenance_done_on=done,
    )
    return replace(snapshot, **changes)


# SCSA registrant of 2021-03-15: manual due 2022-01-15 (see test_schedule).
SCSA_DEADLINES = milestone_deadlines(date(2021, 3, 15), SCSA_SECOR)


def registrant(today: date, *met_on: date | None, **changes) -> EnrollmentSnapshot:
    progress = tuple(
        MilestoneProgress(deadline, met)
        for deadline, met in zip(SCSA_DEADLINES, met_on + (None,) * 5, strict=False)
    )
    snapshot = EnrollmentSnapshot(
        program="SECOR", status=EnrollmentStatus.IN_PROGRESS, today=today, milestones=progress
    )
    return replace(snapshot, **changes)


# --- Maintenance missed → cancelled (AMTA) ---


def test_maintenance_missed_by_dec_31_cancels_secor():
    transitions = decide_transitions(certified(date(2023, 1, 1)), AMTA_SECOR)

    assert transitions == [
        Transition(
            TransitionKind.CANCEL,
            date(2023, 1, 1),
            "No maintenance audit for year 2 between 2022-01-01 and 2022-12-31: "
            "the SECOR is cancelled.",
        )
    ]


def test_nothing_happens_on_dec_31_itself():
    assert decide_transitions(certified(date(2022, 12, 31)), AMTA_SECOR) == []


def test_maintenance_done_within_the_calendar_year_keeps_the_certificate():
    assert decide_transitions(certified(date(2023, 6, 1), date(2022, 12, 31)), AMTA_SECOR) == []


def test_maintenance_in_the_certification_year_does_not_count_for_year_2():
    [transition] = decide_transitions(certified(date(2023, 1, 1), date(2021, 11, 1)), AMTA_SECOR)

    assert (transition.kind, transition.effective_on) == (TransitionKind.CANCEL, date(2023, 1, 1))


def test_year_3_maintenance_missed_cancels_on_jan_1_2024():
    [transition] = decide_transitions(certified(date(2024, 1, 1), date(2022, 3, 1)), AMTA_SECOR)

    assert (transition.kind, transition.effective_on) == (TransitionKind.CANCEL, date(2024, 1, 1))
    assert "year 3" in transition.reason


def test_a_late_job_records_the_first_missed_deadline_not_the_run_date():
    [transition] = decide_transitions(certified(date(2025, 3, 1)), AMTA_SECOR)

    assert (transition.kind, transition.effective_on) == (TransitionKind.CANCEL, date(2023, 1, 1))


def test_scsa_maintenance_missed_by_the_anniversary_cancels_the_next_day():
    schedule = cycle_schedule(date(2021, 1, 5), SCSA_SECOR)

    on_time = certified(date(2022, 1, 6), date(2022, 1, 5), schedule=schedule)
    missed = certified(date(2022, 1, 6), schedule=schedule)

    assert decide_transitions(on_time, SCSA_SECOR) == []
    [transition] = decide_transitions(missed, SCSA_SECOR)
    assert (transition.kind, transition.effective_on) == (TransitionKind.CANCEL, date(2022, 1, 6))


# --- Certificate past expiry → expired ---


def test_certificate_expires_the_day_after_its_expiry_date():
    done = (date(2022, 3, 1), date(2023, 3, 1))

    assert decide_transitions(certified(date(2024, 1, 5), *done), AMTA_SECOR) == []
    assert decide_transitions(certified(date(2024, 1, 6), *done), AMTA_SECOR) == [
        Transition(
            TransitionKind.EXPIRE,
            date(2024, 1, 6),
            "The SECOR certificate expired on 2024-01-05.",
        )
    ]


def test_a_suspended_certificate_still_expires():
    snapshot = certified(
        date(2024, 2, 1),
        date(2022, 3, 1),
        date(2023, 3, 1),
        certificate_status=CertificateStatus.SUSPENDED,
    )

    assert [t.kind for t in decide_transitions(snapshot, AMTA_SECOR)] == [TransitionKind.EXPIRE]


def test_cancellation_wins_over_a_later_expiry():
    [transition] = decide_transitions(certified(date(2024, 2, 1), date(2022, 3, 1)), AMTA_SECOR)

    assert transition.kind == TransitionKind.CANCEL


def test_leap_day_certificate_expires_on_mar_1_2023():
    schedule = cycle_schedule(date(2020, 2, 29), AMTA_SECOR)
    done = (date(2021, 6, 1), date(2022, 6, 1))

    [transition] = decide_transitions(
        certified(date(2023, 3, 1), *done, schedule=schedule), AMTA_SECOR
    )
    assert (transition.kind, transition.effective_on) == (TransitionKind.EXPIRE, date(2023, 3, 1))


# --- Milestone missed → de-rolled (SCSA) ---


def test_scsa_registrant_missing_the_manual_milestone_is_derolled_and_may_reapply_6_months_later():
    snapshot = registrant(date(2022, 1, 16), date(2021, 8, 1), date(2021, 11, 1))

    assert decide_transitions(snapshot, SCSA_SECOR) == [
        Transition(
            TransitionKind.DEROLL,
            date(2022, 1, 16),
            "Milestone 'Health and Safety Manual submitted' was due 2022-01-15 and not met: "
            "de-rolled from the SECOR program; may re-apply from 2022-07-16.",
            reapply_on=date(2022, 7, 16),
        )
    ]


def test_registrant_is_not_derolled_on_the_milestone_due_date():
    snapshot = registrant(date(2022, 1, 15), date(2021, 8, 1), date(2021, 11, 1))

    assert decide_transitions(snapshot, SCSA_SECOR) == []


def test_a_milestone_met_after_its_deadline_still_derolls():
    snapshot = registrant(date(2021, 10, 1), date(2021, 9, 20))

    [transition] = decide_transitions(snapshot, SCSA_SECOR)
    assert transition.effective_on == date(2021, 9, 16)
    assert transition.reapply_on == date(2022, 3, 16)


def test_registrant_meeting_every_milestone_on_time_stays_enrolled():
    snapshot = registrant(
        date(2022, 8, 1),
        date(2021, 8, 1),
        date(2021, 11, 1),
        date(2022, 1, 10),
        date(2022, 4, 1),
        date(2022, 7, 15),
        status=EnrollmentStatus.REGISTERED,
    )

    assert decide_transitions(snapshot, SCSA_SECOR) == []


# --- Idempotence ---


@pytest.mark.parametrize(
    "status",
    [
        EnrollmentStatus.CANCELLED,
        EnrollmentStatus.LAPSED,
        EnrollmentStatus.DEROLLED,
        EnrollmentStatus.MOVED_TO_COR,
    ],
)
def test_an_enrollment_already_ended_yields_nothing(status):
    assert decide_transitions(certified(date(2025, 1, 1), status=status), AMTA_SECOR) == []
    assert decide_transitions(registrant(date(2025, 1, 1), status=status), SCSA_SECOR) == []


@pytest.mark.parametrize("cert_status", [CertificateStatus.CANCELLED, CertificateStatus.EXPIRED])
def test_a_certificate_already_ended_yields_nothing(cert_status):
    snapshot = certified(date(2025, 1, 1), certificate_status=cert_status)

    assert decide_transitions(snapshot, AMTA_SECOR) == []


def test_plain_string_statuses_from_the_database_are_understood():
    snapshot = certified(date(2023, 1, 1), status="certified", certificate_status="valid")

    assert [t.kind for t in decide_transitions(snapshot, AMTA_SECOR)] == ["cancel"]
