"""Facts: people, records and designations, and the date rules of a single record."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from secor.dates import add_months

from .rules import TRAINED_EMPLOYEE_STATUSES, VALID, CourseRule, PersonId, RequirementRule

# --- Facts ------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A worker on the roster; end_date is their last day with the employer.

    Two facts (docs/rules.md#reading-role-and-status): ``employment_status`` (what
    training rules mostly read) and ``role``.
    """

    id: PersonId
    name: str
    employment_status: str
    province: str = ""
    start_date: date | None = None
    end_date: date | None = None
    role: str = "other"

    @property
    def employment_type(self) -> str:
        """Compatibility: the single kind of before (the role, or the status for "other")."""
        return self.employment_status if self.role == "other" else self.role


def can_hold(requirement: RequirementRule, person: Person) -> bool:
    """Whether ``person``'s employment status and role let them hold ``requirement``.

    Province and dates are checked separately (they have their own reasons).
    """
    statuses, roles = requirement.holder_statuses, requirement.holder_roles
    return (statuses is None or person.employment_status in statuses) and (
        roles is None or person.role in roles
    )


def counts_as_full_time_permanent(person: Person) -> bool:
    """SCSA's "full time permanent ... employee" (docs/rules.md#scsa-trained-employee)."""
    return person.employment_status in TRAINED_EMPLOYEE_STATUSES


@dataclass(frozen=True)
class Record:
    """A verified training record. ``course_code`` "" is a course outside the catalogue,
    named by ``title`` (docs/rules.md#acsa-continuing-education)."""

    person_id: PersonId
    course_code: str
    completed_on: date
    certificate_number: str = ""
    hours: float | None = None
    proficiency_submitted_on: date | None = None
    proficiency_accepted_on: date | None = None
    maintenance_audit_on: date | None = None
    refresher_on: date | None = None
    title: str = ""


@dataclass(frozen=True)
class Designation:
    """Someone designated as the trained employee of a WCB account.

    Identified by person id, certificate number or both: the same human appears
    under different ids on two employers' rosters, their certificate does not.
    """

    wcb_account: str
    person_id: PersonId | None = None
    certificate_number: str = ""
    # The account is another employer's: a reason never names it (an employer
    # sees no other employer's data, not even in a message).
    other_employer: bool = False


# --- Dates and single records -----------------------------------------------


def _renewed(course: CourseRule, record: Record, until: date) -> bool:
    dates = (record.maintenance_audit_on, record.refresher_on)
    return course.maintenance is not None and all(
        d is not None and record.completed_on < d <= until for d in dates
    )


def _validity_window(course: CourseRule, record: Record) -> tuple[date, date] | None:
    """(first, last) day of the record's current validity; None if it never expires."""
    if course.validity_months is None:
        return None
    start = record.completed_on
    if _renewed(course, record, add_months(start, course.validity_months)):
        start = record.refresher_on or start
    return start, add_months(start, course.validity_months)


def record_valid_until(course: CourseRule, record: Record) -> date | None:
    """Last day the record is valid, None if it never expires.

    Valid through the day `validity_months` after completion (see the module
    docstring). With a maintenance rule (SCSA, docs/rules.md#scsa-auditor-maintenance: "submit
    one (1) personal maintenance audit and take classroom training every three
    (3) years ... during the three (3) year validity"), both done inside the
    window restart the validity from the classroom training date.
    """
    window = _validity_window(course, record)
    return window[1] if window else None


def proficiency_deadline(course: CourseRule, record: Record) -> date | None:
    """Last day the proficiency may be accepted, inclusive.

    SCSA, docs/rules.md#scsa-lse: LSE "proficiency is submitted and accepted
    within 8 months of training"; course 2025-01-10 → accepted by 2025-09-10.
    """
    if course.proficiency_months is None:
        return None
    return add_months(record.completed_on, course.proficiency_months)


def _proficiency_state(course: CourseRule, record: Record, as_of: date) -> str:
    deadline = proficiency_deadline(course, record)
    if deadline is None:
        return "ok"
    accepted = record.proficiency_accepted_on
    if accepted is not None and accepted <= as_of:
        return "ok" if accepted <= deadline else "missed"
    return "pending" if as_of <= deadline else "missed"


def _expired(course: CourseRule, record: Record, as_of: date) -> bool:
    until = record_valid_until(course, record)
    return until is not None and as_of > until


# First failing check wins: the ones no waiting can fix come first.
_RECORD_CHECKS: tuple[tuple[str, Callable[[CourseRule, Record, date], bool]], ...] = (
    ("not_accepted_after", lambda c, r, d: c.accepted_until is not None and d > c.accepted_until),
    ("too_few_hours", lambda c, r, d: c.min_hours is not None and (r.hours or 0) < c.min_hours),
    ("proficiency_missed", lambda c, r, d: _proficiency_state(c, r, d) == "missed"),
    ("expired", _expired),
    ("proficiency_pending", lambda c, r, d: _proficiency_state(c, r, d) == "pending"),
)


def record_status(course: CourseRule, record: Record, as_of: date) -> str:
    """ "valid" or the reason code why `record` does not count on `as_of`.

    Checks, from the seeds: accepted_until (AMTA, docs/rules.md#amta-tsb:
    "TSB is no longer accepted as of Dec. 31, 2019. No exceptions."), minimum
    hours (ACSA, docs/rules.md#acsa-continuing-education: "a four (4) hour minimum"),
    proficiency (SCSA, docs/rules.md#scsa-safety-auditor-training: "obtain SCSA Internal Auditor
    Certification within 8 months of training. Failure ... will result in the
    student repeating the two-day Safety Auditor Training course"; LSE "One time
    certification providing the proficiency is submitted and accepted within 8
    months"), then validity. A proficiency not yet due is "proficiency_pending":
    the status it earns ("SECOR audits will only be accepted from an individual
    with valid SCSA Internal Auditor status") does not exist yet. Prerequisites
    need the person's other records and are checked by `assess_compliance`.
    """
    return next((code for code, fails in _RECORD_CHECKS if fails(course, record, as_of)), VALID)


@dataclass(frozen=True)
class _Facts:
    courses: Mapping[str, CourseRule]
    people: Mapping[PersonId, Person]
    records: Mapping[PersonId, tuple[Record, ...]]
    as_of: date
    wcb_account: str
    designations: tuple[Designation, ...]


def _facts(
    courses: Iterable[CourseRule],
    people: Iterable[Person],
    records: Iterable[Record],
    as_of: date,
    wcb_account: str,
    designations: Iterable[Designation] = (),
) -> _Facts:
    by_person: dict[PersonId, list[Record]] = defaultdict(list)
    for record in records:
        by_person[record.person_id].append(record)
    return _Facts(
        courses={c.code: c for c in courses},
        people={p.id: p for p in people},
        records={k: tuple(v) for k, v in by_person.items()},
        as_of=as_of,
        wcb_account=wcb_account,
        designations=tuple(designations),
    )
