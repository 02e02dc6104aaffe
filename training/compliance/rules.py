"""Rule data: who may hold training, requirement kinds, courses and requirements (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

PersonId = int | str

# Employment statuses, in the order messages list them (docs/rules.md#reading-role-and-status).
EMPLOYMENT_LABELS: Mapping[str, str] = {
    "full_time_permanent": "a full-time permanent employee",
    "part_time": "a part-time worker",
    "casual": "a casual worker",
    "temporary": "a temporary worker",
    "subcontractor": "a subcontractor",
    "consultant": "a consultant",
    "volunteer": "a volunteer",
}
ROLE_NAMES: Mapping[str, str] = {
    "owner": "owner",
    "manager": "manager",
    "clerical": "clerical or administrative staff",
    "family_member": "family member",
    "other": "other role",
}
# Who may be a trained employee: the employment status SCSA names ("full time permanent
# Saskatchewan employee"); ACSA's "full-time employee" and AMTA's "owner or key
# employee" read the same way. Any role: a full-time manager or owner qualifies.
TRAINED_EMPLOYEE_STATUSES = frozenset({"full_time_permanent"})
# Compatibility with the single "kind" of worker (before role and status were split):
# the old kinds that were trained-employee types. New code reads
# ``TRAINED_EMPLOYEE_STATUSES`` or calls ``can_hold`` / ``counts_as_full_time_permanent``.
TRAINED_EMPLOYEE_TYPES = frozenset({"owner", "full_time_permanent"})

AT_LEAST_ONE = "at_least_one"
ALL_HOLDERS = "all_holders"
ASSESSOR = "assessor"
CONTINUING_EDUCATION = "continuing_education"
KINDS = frozenset({AT_LEAST_ONE, ALL_HOLDERS, ASSESSOR, CONTINUING_EDUCATION})

VALID = "valid"


# --- Rule data --------------------------------------------------------------


@dataclass(frozen=True)
class MaintenanceRule:
    """How a status outlives its validity by being maintained.

    SCSA, docs/rules.md#scsa-auditor-maintenance: "To maintain your auditor status you are
    required to submit one (1) personal maintenance audit and take classroom
    training every three (3) years. This personal maintenance audit must be
    submitted during the three (3) year validity ... no later than four months
    prior to your SCSA Safety Auditor Training expiry date".

    Both must fall inside the validity window; the renewed status then runs the
    course's validity again from the classroom training date. A record holds one
    renewal; the next one is entered as a new record of the course dated at the
    classroom training, its proficiency dates carried over.
    """

    name: str = "personal maintenance audit plus classroom training"
    submit_lead_months: int = 4


@dataclass(frozen=True)
class CourseRule:
    """A course in an association's catalogue.

    validity_months None means no expiry. accepted_prior lists course codes
    that count as this course, both for requirements and as a prerequisite
    (SCSA: "Previous completion of SCSA Small Employer Safety Management will be
    accepted"; SCOT: "the SCSA may accept a valid Common Safety Orientation or
    Petroleum Safety Training course certificate"). An accepted course is judged
    by its own catalogue entry when it has one. accepted_until: records are not
    accepted on any later day (AMTA: "TSB is no longer accepted as of Dec. 31,
    2019"). min_hours: a record with fewer hours does not count.
    """

    code: str
    name: str
    validity_months: int | None = None
    prerequisites: tuple[str, ...] = ()
    accepted_prior: tuple[str, ...] = ()
    proficiency_name: str | None = None
    proficiency_months: int | None = None
    accepted_until: date | None = None
    min_hours: float | None = None
    maintenance: MaintenanceRule | None = None


@dataclass(frozen=True)
class RequirementRule:
    """Who must hold what, for one association program.

    kind:
    - "at_least_one": some eligible holder has a valid course; different
      requirements may be met by different people (ACSA: "each course can be
      divided among different employees").
    - "all_holders": every eligible holder has it (SCSA: "All permanent
      full-time employees must complete" SCOT).
    - "assessor": the person conducting the audit has it, on the roster or not
      (ACSA: "This person can be internal or external to the company").
    - "continuing_education": an eligible holder completed any course_codes
      course (empty: any catalogue course) of at least min_hours within the last
      every_months (ACSA: "Every three years, at least one full-time employee
      ... must complete an ACSA course"; "a four (4) hour minimum").

    held_by_assessor: with an assessor named, only that person's own record counts.

    holder_statuses and holder_roles: the employment statuses and roles that may
    hold it; None means any (both None: anyone, used for assessors). province
    restricts holders (SCSA: "full time permanent Saskatchewan employee").
    one_wcb_account_per_person: SCSA "A person can only be the 'trained
    employee' for one WCB account number".
    """

    code: str
    label: str
    kind: str
    course_codes: tuple[str, ...] = ()
    holder_statuses: frozenset[str] | None = TRAINED_EMPLOYEE_STATUSES
    holder_roles: frozenset[str] | None = None
    province: str | None = None
    every_months: int | None = None
    min_hours: float | None = None
    one_wcb_account_per_person: bool = False
    # The audit's named assessor must hold it personally, valid on the first day (AMTA:
    # "Who can take it? The owner or key employee completing the audit"). Without a
    # named assessor (the compliance page), any eligible holder shows it is held.
    held_by_assessor: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Unknown requirement kind {self.kind!r}")
        if self.kind == CONTINUING_EDUCATION and self.every_months is None:
            raise ValueError("Continuing education needs every_months")
        unknown = set(self.holder_statuses or ()) - set(EMPLOYMENT_LABELS)
        unknown |= set(self.holder_roles or ()) - set(ROLE_NAMES)
        if unknown:
            raise ValueError(f"Unknown roles or statuses: {sorted(unknown)}")

    @property
    def anyone(self) -> bool:
        return self.holder_statuses is None and self.holder_roles is None


@dataclass(frozen=True)
class TrainingRules:
    association: str
    seed: str
    courses: tuple[CourseRule, ...]
    requirements: tuple[RequirementRule, ...]
    # The COR program's requirements, where the association runs one.
    cor_requirements: tuple[RequirementRule, ...] = ()
