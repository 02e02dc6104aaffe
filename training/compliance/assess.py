"""Evaluating each requirement: who holds it, until when, and why not."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

from secor.dates import add_months
from secor.reasons import Reason

from .messages import _or, _reason
from .records import (
    Designation,
    Person,
    Record,
    _Facts,
    _facts,
    can_hold,
    record_status,
    record_valid_until,
)
from .rules import (
    ALL_HOLDERS,
    ASSESSOR,
    AT_LEAST_ONE,
    CONTINUING_EDUCATION,
    VALID,
    CourseRule,
    PersonId,
    RequirementRule,
)

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


# --- Requirements -----------------------------------------------------------


def _course_for(
    req: RequirementRule, record: Record, courses: Mapping[str, CourseRule]
) -> CourseRule | None:
    """The rule judging `record` under `req`, or None if the record is irrelevant.

    A course outside the catalogue (course code "") counts only for continuing
    education that accepts any course: ACSA, docs/rules.md#acsa-continuing-education,
    "an ACSA course of at least four hours", judged on its hours and recency.
    """
    if not record.course_code:
        if req.kind != CONTINUING_EDUCATION or req.course_codes:
            return None
        return CourseRule(
            code="",
            name=record.title or "a course outside the catalogue",
            validity_months=req.every_months,
            min_hours=req.min_hours,
        )
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
    ("not_full_time_permanent", lambda p, req, d: not can_hold(req, p)),
    (
        "outside_province",
        lambda p, req, d: req.province is not None and p.province.upper() != req.province.upper(),
    ),
)


def _person_blockers(person: Person, req: RequirementRule, as_of: date | None) -> list[str]:
    return [code for code, fails in _PERSON_CHECKS if fails(person, req, as_of)]


def _norm(certificate_number: str) -> str:
    return "".join(certificate_number.split()).casefold()


def _other_account(person: Person, facts: _Facts) -> Designation | None:
    """SCSA, docs/rules.md#scsa-one-wcb-account: "A person can only be the 'trained
    employee' for one WCB account number." Matched by person or by any of
    their certificate numbers, against designations for other accounts."""
    certificates = {_norm(r.certificate_number) for r in facts.records.get(person.id, ())}
    certificates.discard("")
    return next(
        (
            d
            for d in facts.designations
            if d.wcb_account != facts.wcb_account
            and (d.person_id == person.id or _norm(d.certificate_number) in certificates)
        ),
        None,
    )


_Result = tuple[Holder | None, list[Reason]]


def _blocker(code, req, facts, person, latest, other: Designation | None) -> Reason:
    if code == "trained_for_other_account" and other is not None and other.other_employer:
        # Same code, but the other employer's account number stays out of the message.
        key = "trained_for_other_employers_account"
        return _reason(key, req, facts, person, *latest, code=code)
    account = other.wcb_account if other is not None else None
    return _reason(code, req, facts, person, *latest, other_account=account)


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
        return None, [_blocker(code, req, facts, person, latest, other) for code in blockers]
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
    if req.held_by_assessor and assessor_id is not None:
        # A second holder in the company does not make the named assessor trained.
        return _assessor(req, facts, assessor_id)
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
    person = facts.people.get(assessor_id)
    # The assessor's own record, valid on the first day; a requirement naming who may
    # hold it (AMTA: "the owner or key employee completing the audit") checks the person.
    check_person = person is not None and not req.anyone
    person = person or Person(assessor_id, "the external assessor", "")
    results = [_evaluate(req, person, facts, check_person=check_person)]
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


def trained_employee_refusal(
    person: Person, requirements: Iterable[RequirementRule], *, as_of: date, wcb_account: str = ""
) -> Reason | None:
    """Why ``person`` cannot be named the trained employee, or None if they can.

    SCSA, docs/rules.md#scsa-trained-employee: training is "completed and maintained by at
    least one full time permanent Saskatchewan employee ... Positions that are excluded
    from the definition of 'full time permanent Saskatchewan employee' include
    consultants, sub-contractors, part time, and casual employees." The requirements
    read are those naming a trained employee (one WCB account per person); the first
    that ``person`` cannot hold — by status, role, province or dates — gives the reason.
    """
    facts = _facts((), (person,), (), as_of, wcb_account)
    for req in requirements:
        if not req.one_wcb_account_per_person:
            continue
        if blockers := _person_blockers(person, req, as_of):
            return _reason(f"designation_{blockers[0]}", req, facts, person, code=blockers[0])
    return None
