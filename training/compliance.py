"""Training compliance: who holds which required course, until when, and why not.

Pure rules (standard library only) for the training rules of docs/rules.md
(#amta-training, #acsa-prerequisites, #scsa-trained-employee …) and
docs/rules.md#compute-training.
The Django models mirror the rule dataclasses (`CourseRule`, `RequirementRule`)
and a data migration loads `SEEDED_RULES`; after that every number is the
association admin's to edit. The Django layer passes only staff-verified records.

Conventions, decided once here:

- **Validity** runs through the anniversary day itself and ends the day after:
  a course taken 2022-03-01 and valid 3 years is valid through 2025-03-01, so it
  does not cover an audit starting 2025-03-02 (AMTA, docs/rules.md#amta-training:
  "Self-Evaluator training is valid for three years"). This is the certificate
  convention of the same seed ("last day on site ... January 5, 2021 ... issued
  with January 5, 2024 as the expiration"). Month ends clamp: a course taken
  2024-02-29 and valid 12 months is valid through 2025-02-28.
- **Deadlines in months** after a course (proficiency "within 8 months") use the
  same rule: a course on 2025-01-10 must have its proficiency accepted by
  2025-09-10 inclusive.
- **as_of** is the day the training must be valid on, usually the audit's start
  date ("Training must be valid and up to date prior to conducting audit").
  Records completed after as_of are ignored.
- **Trained employees** are full-time permanent employees and owners. SCSA
  (docs/rules.md#scsa-trained-employee) excludes only "consultants, sub-contractors, part
  time, and casual employees" and counts owners among its employees; AMTA
  (docs/rules.md#amta-training) names "The owner or key employee". Roles such as
  "manager" or "clerical" say nothing about permanence or hours, so they do not
  count: the message asks the employer to record such a person as
  full-time permanent if that is what they are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

# Re-exported: `compliance.add_months` is this module's calendar arithmetic.
from secor.dates import add_months
from secor.reasons import Reason  # noqa: F401 (re-exported)

PersonId = int | str

# Employment types, in the order messages list them.
EMPLOYMENT_LABELS: Mapping[str, str] = {
    "owner": "an owner",
    "full_time_permanent": "a full-time permanent employee",
    "part_time": "a part-time worker",
    "casual": "a casual worker",
    "temporary": "a temporary worker",
    "subcontractor": "a subcontractor",
    "consultant": "a consultant",
    "family_member": "a family member",
    "volunteer": "a volunteer",
    "manager": "a manager",
    "clerical": "clerical staff",
}
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

    holder_types None means anyone (used for assessors). province restricts
    holders (SCSA: "full time permanent Saskatchewan employee").
    one_wcb_account_per_person: SCSA "A person can only be the 'trained
    employee' for one WCB account number".
    """

    code: str
    label: str
    kind: str
    course_codes: tuple[str, ...] = ()
    holder_types: frozenset[str] | None = TRAINED_EMPLOYEE_TYPES
    province: str | None = None
    every_months: int | None = None
    min_hours: float | None = None
    one_wcb_account_per_person: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Unknown requirement kind {self.kind!r}")
        if self.kind == CONTINUING_EDUCATION and self.every_months is None:
            raise ValueError("Continuing education needs every_months")


@dataclass(frozen=True)
class TrainingRules:
    association: str
    seed: str
    courses: tuple[CourseRule, ...]
    requirements: tuple[RequirementRule, ...]


# --- Facts ------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A worker on the roster; end_date is their last day with the employer."""

    id: PersonId
    name: str
    employment_type: str
    province: str = ""
    start_date: date | None = None
    end_date: date | None = None


@dataclass(frozen=True)
class Record:
    person_id: PersonId
    course_code: str
    completed_on: date
    certificate_number: str = ""
    hours: float | None = None
    proficiency_submitted_on: date | None = None
    proficiency_accepted_on: date | None = None
    maintenance_audit_on: date | None = None
    refresher_on: date | None = None


@dataclass(frozen=True)
class Designation:
    """Someone designated as the trained employee of a WCB account.

    Identified by person id, certificate number or both: the same human appears
    under different ids on two employers' rosters, their certificate does not.
    """

    wcb_account: str
    person_id: PersonId | None = None
    certificate_number: str = ""


# --- Results ----------------------------------------------------------------


@dataclass(frozen=True)
class Holder:
    person: Person
    record: Record
    valid_until: date | None  # None: no expiry


@dataclass(frozen=True)
class RequirementVerdict:
    requirement: RequirementRule
    met: bool
    holders: tuple[Holder, ...]
    reasons: tuple[Reason, ...]  # why not; empty when met


@dataclass(frozen=True)
class ComplianceReport:
    as_of: date
    wcb_account: str
    verdicts: tuple[RequirementVerdict, ...]
    expiring_soon: tuple[Reason, ...]

    @property
    def compliant(self) -> bool:
        return all(v.met for v in self.verdicts)

    def verdict(self, requirement_code: str) -> RequirementVerdict:
        return next(v for v in self.verdicts if v.requirement.code == requirement_code)


@dataclass(frozen=True)
class ChartEntry:
    person: Person
    course_code: str | None  # None: not trained yet
    certificate_number: str
    on: date | None  # completion, or proficiency acceptance on proficiency rows
    # With an as_of: "valid" or the reason code why the record does not count.
    status: str | None = None


@dataclass(frozen=True)
class ChartRow:
    requirement_code: str
    label: str
    entries: tuple[ChartEntry, ...]
    slots: int  # lines a printed chart shows: "#1", "#2", ...


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


# --- Messages ---------------------------------------------------------------

_MESSAGES = {
    "no_record": "Nobody eligible holds {courses}. Have {holders} complete it before the audit "
    "starts.",
    "no_record_person": "{Who} has not completed {courses}. Have {who} complete it before the "
    "audit starts.",
    "no_record_assessor": "The assessor, {who}, has no {courses}. The person conducting the "
    "audit must hold it.",
    "assessor_not_named": "Name the person who will conduct the audit; they must hold {courses}.",
    "expired": "{course} training of {who} was valid until {until} ({validity} from {since}), so "
    "it is not valid on {as_of}. Retake it before the audit starts.",
    "expired_maintained": "{course} status of {who} was valid until {until} ({validity} from "
    "{since}) and was not kept by a {maintenance} in that time. {Who} must repeat {course}.",
    "not_accepted_after": "{course} of {who} (completed {done}) is not accepted after "
    "{accepted_until}. Take {courses} before the audit starts.",
    "too_few_hours": "{course} of {who} on {done} {hours}; at least {min_hours} hours are needed. "
    "Take a course of {min_hours} hours or more.",
    "prerequisite_missing": "{Who} took {course} on {done} without first completing {prereq}. "
    "Take {prereq}, then retake {course}.",
    "proficiency_missed": "{Who} took {course} on {done}, but the {proficiency} was not accepted "
    "within {months} (by {deadline}). {Who} must repeat {course}.",
    "proficiency_pending": "{Who} took {course} on {done}; the {proficiency} is not accepted "
    "yet{submitted}. It must be {still_to_do} by {deadline}, or {course} must be repeated.",
    "not_full_time_permanent": "{Who} is recorded as {employment}, so their {course} does not "
    "count: it must be held by {holders}. Train one, or correct {who}'s employment type if it "
    "is wrong.",
    "left_employer": "{Who} left on {left_on}, so their {course} no longer counts. Have a "
    "replacement trained before the audit starts.",
    "not_yet_employed": "{Who} starts on {starts_on}, so their {course} does not count on {as_of}.",
    "outside_province": "{Who} is recorded in {person_province}; {course} must be held by an "
    "employee in {province}. Train an employee based in {province}.",
    "trained_for_other_account": "{Who} is already the trained employee for WCB account "
    "{other_account}, and a person can be the trained employee for only one WCB account. "
    "Train another employee for WCB account {wcb_account}.",
    "continuing_education_overdue": "{Who}'s last qualifying course, {course} on {done}, counted "
    "until {until}. Take a course of at least {min_hours} hours before the audit starts.",
    "continuing_education_headline": "Nobody eligible has completed a course of at least "
    "{min_hours} hours in the {every} up to {as_of}. Have {holders} take one before the audit "
    "starts.",
    "expiring_soon": "{label}: {course} of {who} is valid until {until}. Renew it before then.",
    "maintenance_submit_by": "{label}: {course} status of {who} is valid until {until}. Complete "
    "the {maintenance}, submitting it by {submit_by}, to keep it.",
    # The recommended date is past: never ask for something "by" a day gone by.
    "maintenance_submit_late": "{label}: {course} status of {who} is valid until {until}. The "
    "recommended date to submit the {maintenance}, {submit_by}, has passed: complete and submit "
    "it as soon as possible, before {until}, to keep the status.",
}


def _duration(months: int | None) -> str:
    if months is None:
        return "no limit"
    years, rest = divmod(months, 12)
    if rest:
        return f"{months} months"
    return f"{years} year" if years == 1 else f"{years} years"


def _or(names: Iterable[str]) -> str:
    names = list(names)
    return ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else "".join(names)


def _holders(req: RequirementRule) -> str:
    if req.holder_types is None:
        return "someone"
    kinds = _or(label for code, label in EMPLOYMENT_LABELS.items() if code in req.holder_types)
    return f"{kinds} in {req.province}" if req.province else kinds


def _accepted_names(req: RequirementRule, facts: _Facts) -> str:
    """The courses that still satisfy `req` on as_of, accepted equivalents included."""
    codes = dict.fromkeys(
        c for code in req.course_codes for c in (code, *facts.courses[code].accepted_prior)
    )
    return (
        _or(
            course.name
            for c in codes
            if (course := facts.courses.get(c))
            and (course.accepted_until or date.max) >= facts.as_of
        )
        or "an accepted course"
    )


@dataclass(frozen=True)
class _Facts:
    courses: Mapping[str, CourseRule]
    people: Mapping[PersonId, Person]
    records: Mapping[PersonId, tuple[Record, ...]]
    as_of: date
    wcb_account: str
    designations: tuple[Designation, ...]


def _reason(
    key: str,
    req: RequirementRule,
    facts: _Facts,
    person: Person | None = None,
    record: Record | None = None,
    course: CourseRule | None = None,
    code: str | None = None,
    due_on: date | None = None,
    **extra: object,
) -> Reason:
    fields: dict[str, object] = {
        "as_of": facts.as_of,
        "wcb_account": facts.wcb_account,
        "label": req.label,
        "courses": _accepted_names(req, facts),
        "holders": _holders(req),
        "province": req.province,
        "min_hours": f"{req.min_hours:g}" if req.min_hours is not None else "",
        "every": _duration(req.every_months),
        "submit_by": due_on,
        **extra,
    }
    if person is not None:
        fields |= {
            "who": person.name,
            "Who": person.name[:1].upper() + person.name[1:],  # to start a sentence
            "employment": EMPLOYMENT_LABELS.get(person.employment_type, person.employment_type),
            "person_province": person.province or "no province",
            "left_on": person.end_date,
            "starts_on": person.start_date,
        }
    if record is not None and course is not None:
        since, until = _validity_window(course, record) or (record.completed_on, None)
        fields |= {
            "course": course.name,
            "done": record.completed_on,
            "until": until,
            "since": since,
            "validity": _duration(course.validity_months),
            "deadline": proficiency_deadline(course, record),
            "proficiency": course.proficiency_name,
            "months": _duration(course.proficiency_months),
            "accepted_until": course.accepted_until,
            "maintenance": course.maintenance.name if course.maintenance else "",
            "hours": f"lasted {record.hours:g} hours" if record.hours else "has no hours recorded",
            "submitted": f" (submitted {record.proficiency_submitted_on})"
            if record.proficiency_submitted_on
            else "",
            "still_to_do": "accepted"
            if record.proficiency_submitted_on
            else "submitted and accepted",
        }
        if course.min_hours is not None:
            fields["min_hours"] = f"{course.min_hours:g}"
    else:
        fields["course"] = fields["courses"]
    return Reason(
        code=code or key,
        message=_MESSAGES[key].format(**fields),
        person_id=person.id if person else None,
        course_code=record.course_code if record else None,
        due_on=due_on,
    )


# --- Requirements -----------------------------------------------------------


def _course_for(
    req: RequirementRule, record: Record, courses: Mapping[str, CourseRule]
) -> CourseRule | None:
    """The rule judging `record` under `req`, or None if the record is irrelevant."""
    for code in req.course_codes or tuple(courses):
        target = courses[code]
        if record.course_code == code or record.course_code in target.accepted_prior:
            course = courses.get(record.course_code, target)
            if req.kind != CONTINUING_EDUCATION:
                return course
            # Continuing education counts hours and recency, not the course's own terms.
            hours = [h for h in (req.min_hours, course.min_hours) if h is not None]
            return replace(
                course,
                validity_months=req.every_months,
                min_hours=max(hours, default=None),
                prerequisites=(),
                proficiency_months=None,
                maintenance=None,
            )
    return None


def _relevant(
    req: RequirementRule, person_id: PersonId, facts: _Facts
) -> list[tuple[Record, CourseRule]]:
    return [
        (record, course)
        for record in facts.records.get(person_id, ())
        if record.completed_on <= facts.as_of
        and (course := _course_for(req, record, facts.courses)) is not None
    ]


def _satisfies(code: str, record: Record, courses: Mapping[str, CourseRule]) -> bool:
    prior = courses[code].accepted_prior if code in courses else ()
    return record.course_code == code or record.course_code in prior


def _missing_prerequisites(course: CourseRule, record: Record, facts: _Facts) -> list[str]:
    """SCSA, docs/rules.md#scsa-safety-management: Safety Management "Must be taken prior to
    Safety Auditor Training" — the prerequisite must be completed on or before."""
    own = facts.records.get(record.person_id, ())
    return [
        code
        for code in course.prerequisites
        if not any(
            _satisfies(code, r, facts.courses) and r.completed_on <= record.completed_on
            for r in own
        )
    ]


_PERSON_CHECKS: tuple[tuple[str, Callable[[Person, RequirementRule, date | None], bool]], ...] = (
    (
        "left_employer",
        lambda p, req, d: d is not None and p.end_date is not None and p.end_date < d,
    ),
    (
        "not_yet_employed",
        lambda p, req, d: d is not None and p.start_date is not None and p.start_date > d,
    ),
    (
        "not_full_time_permanent",
        lambda p, req, d: (
            req.holder_types is not None and p.employment_type not in req.holder_types
        ),
    ),
    (
        "outside_province",
        lambda p, req, d: req.province is not None and p.province.upper() != req.province.upper(),
    ),
)


def _person_blockers(person: Person, req: RequirementRule, as_of: date | None) -> list[str]:
    return [code for code, fails in _PERSON_CHECKS if fails(person, req, as_of)]


def _norm(certificate_number: str) -> str:
    return "".join(certificate_number.split()).casefold()


def _other_account(person: Person, facts: _Facts) -> str | None:
    """SCSA, docs/rules.md#scsa-one-wcb-account: "A person can only be the 'trained
    employee' for one WCB account number." Matched by person or by any of
    their certificate numbers, against designations for other accounts."""
    certificates = {_norm(r.certificate_number) for r in facts.records.get(person.id, ())}
    certificates.discard("")
    return next(
        (
            d.wcb_account
            for d in facts.designations
            if d.wcb_account != facts.wcb_account
            and (d.person_id == person.id or _norm(d.certificate_number) in certificates)
        ),
        None,
    )


_Result = tuple[Holder | None, list[Reason]]


def _latest_expiry_first(item: tuple[Record, CourseRule]) -> tuple[bool, date]:
    until = record_valid_until(item[1], item[0])
    return (until is None, until or date.min)


def _evaluate(
    req: RequirementRule, person: Person, facts: _Facts, *, check_person: bool = True
) -> _Result:
    relevant = _relevant(req, person.id, facts)
    blockers = _person_blockers(person, req, facts.as_of) if check_person else []
    other = (
        _other_account(person, facts) if check_person and req.one_wcb_account_per_person else None
    )
    if other:
        blockers.append("trained_for_other_account")
    latest = max(relevant, key=lambda rc: rc[0].completed_on, default=(None, None))
    if blockers:
        return None, [
            _reason(code, req, facts, person, *latest, other_account=other) for code in blockers
        ]
    if not relevant:
        key = "no_record_assessor" if req.kind == ASSESSOR else "no_record_person"
        return None, [_reason(key, req, facts, person, code="no_record")]

    statuses = []
    for record, course in relevant:
        missing = _missing_prerequisites(course, record, facts)
        status = "prerequisite_missing" if missing else record_status(course, record, facts.as_of)
        statuses.append((record, course, status, missing))
    valid = [(r, c) for r, c, status, _ in statuses if status == VALID]
    if valid:
        record, course = max(valid, key=_latest_expiry_first)
        return Holder(person, record, record_valid_until(course, record)), []

    record, course, status, missing = max(statuses, key=lambda s: s[0].completed_on)
    key, code = status, status
    if status == "expired" and req.kind == CONTINUING_EDUCATION:
        key = code = "continuing_education_overdue"
    elif status == "expired" and course.maintenance is not None:
        key = "expired_maintained"
    return None, [
        _reason(
            key,
            req,
            facts,
            person,
            record,
            course,
            code=code,
            prereq=_or(facts.courses[c].name if c in facts.courses else c for c in missing),
        )
    ]


def _verdict(
    req: RequirementRule, results: list[_Result], met: bool, headline: list[Reason]
) -> RequirementVerdict:
    holders = tuple(h for h, _ in results if h is not None)
    reasons = () if met else (*headline, *(r for _, rs in results for r in rs))
    return RequirementVerdict(req, met, holders, tuple(reasons))


def _any_holder(
    req: RequirementRule, facts: _Facts, assessor_id: PersonId | None
) -> RequirementVerdict:
    # Only the roster counts: an external assessor's courses do not put a trained
    # employee on the payroll (ACSA, docs/rules.md#acsa-assessor).
    results = [
        _evaluate(req, p, facts) for p in facts.people.values() if _relevant(req, p.id, facts)
    ]
    met = any(h is not None for h, _ in results)
    headline = []
    if req.kind == CONTINUING_EDUCATION:
        code = "continuing_education_overdue"
        headline = [_reason("continuing_education_headline", req, facts, code=code)]
    elif not results:
        headline = [_reason("no_record", req, facts)]
    return _verdict(req, results, met, headline)


def _all_holders(
    req: RequirementRule, facts: _Facts, assessor_id: PersonId | None
) -> RequirementVerdict:
    eligible = [p for p in facts.people.values() if not _person_blockers(p, req, facts.as_of)]
    results = [_evaluate(req, p, facts) for p in eligible]
    met = bool(eligible) and all(h is not None for h, _ in results)
    return _verdict(req, results, met, [] if eligible else [_reason("no_record", req, facts)])


def _assessor(
    req: RequirementRule, facts: _Facts, assessor_id: PersonId | None
) -> RequirementVerdict:
    if assessor_id is None:
        return _verdict(req, [], False, [_reason("assessor_not_named", req, facts)])
    person = facts.people.get(assessor_id) or Person(assessor_id, "the external assessor", "")
    results = [_evaluate(req, person, facts, check_person=False)]
    return _verdict(req, results, results[0][0] is not None, [])


_BY_KIND = {
    AT_LEAST_ONE: _any_holder,
    CONTINUING_EDUCATION: _any_holder,
    ALL_HOLDERS: _all_holders,
    ASSESSOR: _assessor,
}


def _expiring_soon(
    verdicts: Iterable[RequirementVerdict], facts: _Facts, lead_days: int
) -> tuple[Reason, ...]:
    horizon = facts.as_of + timedelta(days=lead_days)
    found: dict[tuple[PersonId, Record], Reason] = {}
    for verdict in verdicts:
        for holder in verdict.holders:
            course = _course_for(verdict.requirement, holder.record, facts.courses)
            if (
                holder.valid_until is None
                or course is None
                or (holder.person.id, holder.record) in found
            ):
                continue
            key, due = "expiring_soon", holder.valid_until
            if course.maintenance is not None:
                # SCSA asks for the maintenance audit "no later than four months prior" to expiry.
                due = add_months(holder.valid_until, -course.maintenance.submit_lead_months)
                key = "maintenance_submit_by" if due >= facts.as_of else "maintenance_submit_late"
            if due <= horizon:
                found[holder.person.id, holder.record] = _reason(
                    key,
                    verdict.requirement,
                    facts,
                    holder.person,
                    holder.record,
                    course,
                    due_on=due,
                )
    return tuple(found.values())


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


def assess_compliance(
    rules: Iterable[RequirementRule],
    courses: Iterable[CourseRule],
    people: Iterable[Person],
    records: Iterable[Record],
    *,
    as_of: date,
    wcb_account: str,
    designations: Iterable[Designation] = (),
    assessor_id: PersonId | None = None,
    lead_days: int = 90,
) -> ComplianceReport:
    """Each training requirement of an employer's WCB account, met or not on `as_of`.

    Seeds: AMTA (docs/rules.md#amta-trained-employee-leaves) "Training must be valid and up to
    date prior to conducting audit. If the employee who took the SECOR training
    leaves the organization, the employer must have a replacement trained before
    the start of the next audit." ACSA (docs/rules.md#acsa-continuing-education) "It is the
    company's responsibility to be up to date with the SECOR training
    requirements at the time of evaluation"; "If an external assessor is chosen,
    the company will still need to have on the payroll a full-time employee
    holding the required training." SCSA (docs/rules.md#scsa-training-maintained) "certificates
    will be deemed invalid or expired if these training standards are not
    maintained."

    `records` may include the external assessor's own records (assessor_id not
    on the roster); they count only for "assessor" requirements. `designations`
    are the trained-employee designations of all accounts; those for
    `wcb_account` itself are ignored. `expiring_soon` warns about holders whose
    training (or SCSA maintenance submit-by date) falls within `lead_days`.
    """
    facts = _facts(courses, people, records, as_of, wcb_account, designations)
    verdicts = tuple(_BY_KIND[req.kind](req, facts, assessor_id) for req in rules)
    return ComplianceReport(
        as_of, wcb_account, verdicts, _expiring_soon(verdicts, facts, lead_days)
    )


def training_chart(
    rules: Iterable[RequirementRule],
    courses: Iterable[CourseRule],
    people: Iterable[Person],
    records: Iterable[Record],
    *,
    as_of: date | None = None,
) -> tuple[ChartRow, ...]:
    """The data of SCSA's training chart (docs/rules.md#scsa-training-chart).

    "Please use the below chart to track who currently has the required
    training for your company, along with their certificate numbers and
    certification dates." One row per required course and one per proficiency
    (Internal Safety Auditor Certificate, LSE Proficiency) with trained
    employees "#1", "#2"; for an all-holders course (SCOT) one entry per
    eligible employee, blank when untrained. Entries show each person's latest
    record, valid or not; `assess_compliance` judges them. Without `as_of`,
    employment dates are not checked.
    """
    facts = _facts(courses, people, records, as_of or date.max, "")
    rows: list[ChartRow] = []
    for req in rules:
        if req.kind not in (AT_LEAST_ONE, ALL_HOLDERS):
            continue
        eligible = [p for p in facts.people.values() if not _person_blockers(p, req, as_of)]
        for code in req.course_codes:
            course = facts.courses[code]
            latest = {p.id: _latest_record(code, p, facts) for p in eligible}
            shown = [p for p in eligible if req.kind == ALL_HOLDERS or latest[p.id]]
            status = {
                pid: record_status(facts.courses[r.course_code], r, as_of)
                for pid, r in latest.items()
                if r and as_of and r.course_code in facts.courses
            }
            rows.append(_chart_row(req, course.name, shown, latest, status, _completion))
            if course.proficiency_name:
                label = course.proficiency_name[:1].upper() + course.proficiency_name[1:]
                rows.append(_chart_row(req, label, shown, latest, status, _proficiency))
    return tuple(rows)


def _latest_record(code: str, person: Person, facts: _Facts) -> Record | None:
    matching = [r for r in facts.records.get(person.id, ()) if _satisfies(code, r, facts.courses)]
    return max(matching, key=lambda r: r.completed_on, default=None)


def _completion(record: Record) -> tuple[str, date | None]:
    return record.certificate_number, record.completed_on


def _proficiency(record: Record) -> tuple[str, date | None]:
    return "", record.proficiency_accepted_on


def _chart_row(
    req: RequirementRule,
    label: str,
    people: list[Person],
    latest: Mapping[PersonId, Record | None],
    status: Mapping[PersonId, str],
    view: Callable[[Record], tuple[str, date | None]],
) -> ChartRow:
    entries = []
    for person in people:
        record = latest[person.id]
        certificate, on = view(record) if record else ("", None)
        code = record.course_code if record else None
        entries.append(ChartEntry(person, code, certificate, on, status.get(person.id)))
    # The seed's chart prints "#1" and "#2" for each trained-employee course.
    slots = len(entries) if req.kind == ALL_HOLDERS else max(2, len(entries))
    return ChartRow(req.code, label, tuple(entries), slots)


# --- Seeded rule sets -------------------------------------------------------

AMTA = TrainingRules(
    association="AMTA",
    seed="docs/rules.md#amta-training",
    courses=(
        CourseRule("HSSB", "HSSB"),
        CourseRule("HSPB", "HSPB"),
        CourseRule("TSB", "TSB", accepted_until=date(2019, 12, 31)),
        CourseRule("SE", "Self-Evaluator", validity_months=36),
        CourseRule("CCA", "Certified COR Auditor", validity_months=36),
    ),
    requirements=(
        RequirementRule("basics", "HSSB or HSPB", AT_LEAST_ONE, ("HSSB", "HSPB", "TSB")),
        RequirementRule("self_evaluator", "Self-Evaluator training", AT_LEAST_ONE, ("SE",)),
    ),
)
"""AMTA SECOR: "HSSB or HSPB required for all COR/SECOR"; "Self-Evaluator (3 years)";
"Certified COR Auditor (3 years)" (kept in the catalogue for COR programs); "TSB is no
longer accepted as of Dec. 31, 2019"; "Who can take it? The owner or key employee
completing the audit." The seed spells out no course names beyond the acronyms."""

ACSA = TrainingRules(
    association="ACSA",
    seed="docs/rules.md#acsa-prerequisites",
    courses=(
        CourseRule("PHSM", "Principles of Health and Safety Management", accepted_prior=("SEHSM",)),
        CourseRule("SEHSM", "Small Employer Health and Safety Management"),
        CourseRule("CSTS", "Construction Safety Training System"),
    ),
    requirements=(
        RequirementRule(
            "hsm", "Health and Safety Management (SECOR course)", AT_LEAST_ONE, ("PHSM",)
        ),
        RequirementRule("csts", "CSTS (SECOR course)", AT_LEAST_ONE, ("CSTS",)),
        RequirementRule(
            "assessor",
            "Assessor training",
            ASSESSOR,
            ("PHSM",),
            holder_types=None,
        ),
        RequirementRule(
            "continuing_education",
            "Continuing education",
            CONTINUING_EDUCATION,
            every_months=36,
            min_hours=4,
        ),
    ),
)
"""ACSA SECOR: "A full-time employee at your company must complete the following SECOR
courses ... each course can be divided among different employees"; the assessor "must
have a certificate in Small Employer (or Principles of) Health and Safety Management";
"Every three years, at least one full-time employee ... must complete an ACSA course";
"a four (4) hour minimum". The seed lost its list of SECOR courses: PHSM and CSTS are
from ACSA's public training-requirements page and are for ACSA's admin to confirm."""

SCSA = TrainingRules(
    association="SCSA",
    seed="docs/rules.md#scsa-trained-employee",
    courses=(
        CourseRule("SM", "Safety Management", accepted_prior=("SESM",)),
        CourseRule("SESM", "Small Employer Safety Management"),
        CourseRule(
            "SAT",
            "Safety Auditor Training",
            validity_months=36,
            prerequisites=("SM",),
            proficiency_name="self-audit and Internal Auditor Certification",
            proficiency_months=8,
            maintenance=MaintenanceRule(),
        ),
        CourseRule(
            "LSE",
            "Leadership for Safety Excellence",
            proficiency_name="LSE proficiency",
            proficiency_months=8,
        ),
        CourseRule(
            "SCOT", "Safety Construction Orientation Training", accepted_prior=("CSO", "PST")
        ),
        # The seed only asks for "a valid ... certificate"; 3 years is Energy Safety
        # Canada's usual term and is for SCSA's admin to confirm.
        CourseRule("CSO", "Common Safety Orientation", validity_months=36),
        CourseRule("PST", "Petroleum Safety Training", validity_months=36),
    ),
    requirements=(
        *(
            RequirementRule(
                code, label, AT_LEAST_ONE, (code,), province="SK", one_wcb_account_per_person=True
            )
            for code, label in (
                ("SM", "Safety Management"),
                ("SAT", "Safety Auditor Training with Internal Auditor Certification"),
                ("LSE", "Leadership for Safety Excellence with proficiency"),
            )
        ),
        RequirementRule(
            "SCOT",
            "SCOT for all full-time permanent employees",
            ALL_HOLDERS,
            ("SCOT",),
            province="SK",
        ),
    ),
)
"""SCSA SECOR: "Training courses and proficiencies shall be completed and maintained by at
least one full time permanent Saskatchewan employee, or a combination of full time
Saskatchewan employees. ... A person can only be the 'trained employee' for one WCB
account number." Safety Management "(No recertification ...)"; Safety Auditor Training
"(Pre-requisite of Safety Management or Small Employer Safety Management)", proficiency
"within 8 months", status valid three years and kept by maintenance; LSE "One time
certification providing the proficiency is submitted and accepted within 8 months";
SCOT: "All permanent full-time employees must complete" it, CSO or PST accepted."""

# Keyed by ``Association.seed``.
SEEDED_RULES: Mapping[str, TrainingRules] = {r.association.lower(): r for r in (AMTA, ACSA, SCSA)}
