"""Status transitions decided by the daily job: pure, no Django.

The job builds an `EnrollmentSnapshot` from the database, asks
`decide_transitions`, and applies what it gets in one transaction. Idempotent
by construction: every transition moves the enrollment to a status this module
ignores (cancelled, lapsed, de-rolled), so a second run, a retry or a
duplicated task finds nothing to do.

`effective_on` is the day after the missed date, not the day the job ran, so a
job that was down for a week still records the same dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from audits.schedule import (
    ONE_DAY,
    CycleSchedule,
    MilestoneDeadline,
    ScheduleRules,
    reapply_date,
)
from employers.enrollment import EnrollmentStatus  # the one enum (re-exported)


class CertificateStatus(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"
    SUPERSEDED = "superseded"


class TransitionKind(StrEnum):
    CANCEL = "cancel"  # certificate cancelled, enrollment cancelled
    EXPIRE = "expire"  # certificate expired, enrollment lapsed
    DEROLL = "deroll"  # enrollment de-rolled


_REGISTRANT = (EnrollmentStatus.REGISTERED, EnrollmentStatus.IN_PROGRESS)
# A suspended certificate still runs out and can still be cancelled.
_LIVE_CERTIFICATE = (CertificateStatus.VALID, CertificateStatus.SUSPENDED)


@dataclass(frozen=True)
class MilestoneProgress:
    deadline: MilestoneDeadline  # from the registration letter, or `milestone_deadlines`
    met_on: date | None = None

    @property
    def met(self) -> bool:
        return self.met_on is not None and self.met_on <= self.deadline.due_on


@dataclass(frozen=True)
class EnrollmentSnapshot:
    """What the daily job knows about one enrollment.

    `today` is the local date in the association's time zone (`local_date`).
    `maintenance_done_on` holds the dates of accepted maintenance audits, dated
    as the association's rule reads them (AMTA: conducted; SCSA: package
    received).
    """

    program: str  # "SECOR", "COR": used in messages
    status: EnrollmentStatus | str
    today: date
    certificate_status: CertificateStatus | str | None = None
    certificate_expires_on: date | None = None
    schedule: CycleSchedule | None = None
    maintenance_done_on: tuple[date, ...] = ()
    # The years the one maintenance reader (`selectors.maintenance_years_done`)
    # counts as done; the job fills this, tests of the pure rule may give dates.
    maintenance_done_years: frozenset[int] = frozenset()
    milestones: tuple[MilestoneProgress, ...] = ()


@dataclass(frozen=True)
class Transition:
    kind: TransitionKind
    effective_on: date
    reason: str
    reapply_on: date | None = None


def _missed_maintenance(snapshot: EnrollmentSnapshot) -> Transition | None:
    """docs/rules.md § AMTA — missed maintenance cancels the SECOR: no maintenance
    audit within the calendar year and the SECOR is cancelled."""
    if snapshot.schedule is None:
        return None
    for plan in snapshot.schedule.years:
        opens, due = plan.maintenance_opens, plan.maintenance_due
        if opens is None or due is None or due >= snapshot.today:
            continue
        if plan.year in snapshot.maintenance_done_years:
            continue
        if not any(opens <= done <= due for done in snapshot.maintenance_done_on):
            return Transition(
                TransitionKind.CANCEL,
                due + ONE_DAY,
                f"No maintenance audit for year {plan.year} between {opens} and {due}: "
                f"the {snapshot.program} is cancelled.",
            )
    return None


def _expired(snapshot: EnrollmentSnapshot) -> Transition | None:
    """A certificate past its expiry expires. The expiry date printed on the
    certificate (docs/rules.md § AMTA — certificate validity: January 5, 2024) is
    its last valid day."""
    expires_on = snapshot.certificate_expires_on
    if expires_on is None or expires_on >= snapshot.today:
        return None
    return Transition(
        TransitionKind.EXPIRE,
        expires_on + ONE_DAY,
        f"The {snapshot.program} certificate expired on {expires_on}.",
    )


def _missed_milestone(snapshot: EnrollmentSnapshot, rules: ScheduleRules) -> Transition | None:
    """docs/rules.md § SCSA — de-roll: a missed milestone deadline of the
    registration letter de-rolls the company, which may re-apply after a 6-month
    wait."""
    missed = [
        m.deadline for m in snapshot.milestones if not m.met and m.deadline.due_on < snapshot.today
    ]
    if not missed:
        return None
    first = min(missed, key=lambda d: d.due_on)
    derolled_on = first.due_on + ONE_DAY
    reapply_on = reapply_date(derolled_on, rules)
    return Transition(
        TransitionKind.DEROLL,
        derolled_on,
        f"Milestone '{first.label}' was due {first.due_on} and not met: de-rolled from "
        f"the {snapshot.program} program; may re-apply from {reapply_on}.",
        reapply_on,
    )


def decide_transitions(snapshot: EnrollmentSnapshot, rules: ScheduleRules) -> list[Transition]:
    """The transitions due for one enrollment today: an empty list or one item.

    Registrants are de-rolled on their first missed milestone. A certified
    enrollment is cancelled on its first missed maintenance, or its certificate
    expires; only the earlier applies, since a cancelled certificate cannot
    also expire. Any other status (already cancelled, lapsed, de-rolled, moved
    to COR) yields nothing.
    """
    if snapshot.status in _REGISTRANT:
        candidates = [_missed_milestone(snapshot, rules)]
    elif (
        snapshot.status == EnrollmentStatus.CERTIFIED
        and snapshot.certificate_status in _LIVE_CERTIFICATE
    ):
        candidates = [_missed_maintenance(snapshot), _expired(snapshot)]
    else:
        return []
    due = [t for t in candidates if t is not None]
    return [min(due, key=lambda t: t.effective_on)] if due else []
