"""The words of every training reason: templates and how they are filled."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from secor.reasons import Reason, gettext_noop

from .records import Person, Record, _Facts, _validity_window, proficiency_deadline
from .rules import EMPLOYMENT_LABELS, ROLE_NAMES, CourseRule, RequirementRule

# --- Messages ---------------------------------------------------------------

_MESSAGES = {
    "no_record": gettext_noop(
        "Nobody eligible holds {courses}. Have {holders} complete it before the audit starts."
    ),
    "no_record_person": gettext_noop(
        "{Who} has not completed {courses}. Have {who} complete it before the audit starts."
    ),
    "no_record_assessor": gettext_noop(
        "The assessor, {who}, has no {courses}. The person conducting the audit must hold it."
    ),
    "assessor_not_named": gettext_noop(
        "Name the person who will conduct the audit; they must hold {courses}."
    ),
    "expired": gettext_noop(
        "{course} training of {who} was valid until {until} ({validity} from {since}), so "
        "it is not valid on {as_of}. Retake it before the audit starts."
    ),
    # {maintenance} is the name an admin gave the course's maintenance: no article
    # or agreement in the sentence may depend on it ("a ESC"), so it stands alone.
    "expired_maintained": gettext_noop(
        "{course} status of {who} was valid until {until} ({validity} from "
        "{since}) and was not kept in that time by its maintenance: {maintenance}. "
        "{Who} must repeat {course}."
    ),
    "not_accepted_after": gettext_noop(
        "{course} of {who} (completed {done}) is not accepted after "
        "{accepted_until}. Take {courses} before the audit starts."
    ),
    "too_few_hours": gettext_noop(
        "{course} of {who} on {done} {hours}; at least {min_hours} hours are needed. "
        "Take a course of {min_hours} hours or more."
    ),
    "prerequisite_missing": gettext_noop(
        "{Who} took {course} on {done} without first completing {prereq}. "
        "Take {prereq}, then retake {course}."
    ),
    "proficiency_missed": gettext_noop(
        "{Who} took {course} on {done}, but the {proficiency} was not accepted "
        "within {months} (by {deadline}). {Who} must repeat {course}."
    ),
    "proficiency_pending": gettext_noop(
        "{Who} took {course} on {done}; the {proficiency} is not accepted "
        "yet{submitted}. It must be {still_to_do} by {deadline}, or {course} must be repeated."
    ),
    "not_full_time_permanent": gettext_noop(
        "{Who} is recorded as {employment}, so their {course} does not "
        "count: it must be held by {holders}. Train one, or correct {who}'s employment status "
        "if it is wrong."
    ),
    "designation_not_full_time_permanent": gettext_noop(
        "{Who} is recorded as {employment}, so {who} cannot be the trained employee: the "
        "trained employee must be {holders}. Choose another worker, or correct {who}'s "
        "employment status on the roster if it is wrong."
    ),
    "designation_outside_province": gettext_noop(
        "{Who} is recorded in {person_province}, so {who} cannot be the trained employee: "
        "the trained employee must be {holders}."
    ),
    "designation_left_employer": gettext_noop(
        "{Who} left on {left_on}, so {who} cannot be the trained employee."
    ),
    "designation_not_yet_employed": gettext_noop(
        "{Who} starts on {starts_on}, so {who} cannot be the trained employee yet."
    ),
    "left_employer": gettext_noop(
        "{Who} left on {left_on}, so their {course} no longer counts. Have a "
        "replacement trained before the audit starts."
    ),
    "not_yet_employed": gettext_noop(
        "{Who} starts on {starts_on}, so their {course} does not count on {as_of}."
    ),
    "outside_province": gettext_noop(
        "{Who} is recorded in {person_province}; {course} must be held by an "
        "employee in {province}. Train an employee based in {province}."
    ),
    "trained_for_other_account": gettext_noop(
        "{Who} is already the trained employee for WCB account "
        "{other_account}, and a person can be the trained employee for only one WCB account. "
        "Train another employee for WCB account {wcb_account}."
    ),
    "trained_for_other_employers_account": gettext_noop(
        "{Who} is already the trained employee for another employer's WCB account, and a "
        "person can be the trained employee for only one WCB account. "
        "Train another employee for WCB account {wcb_account}."
    ),
    "continuing_education_overdue": gettext_noop(
        "{Who}'s last qualifying course, {course} on {done}, counted "
        "until {until}. Take a course of at least {min_hours} hours before the audit starts."
    ),
    "continuing_education_headline": gettext_noop(
        "Nobody eligible has completed a course of at least "
        "{min_hours} hours in the {every} up to {as_of}. Have {holders} take one before the audit "
        "starts."
    ),
    "expiring_soon": gettext_noop(
        "{label}: {course} of {who} is valid until {until}. Renew it before then."
    ),
    "maintenance_submit_by": gettext_noop(
        "{label}: {course} status of {who} is valid until {until}. To keep it, complete "
        "and submit its maintenance by {submit_by}: {maintenance}."
    ),
    # The recommended date is past: never ask for something "by" a day gone by.
    "maintenance_submit_late": gettext_noop(
        "{label}: {course} status of {who} is valid until {until}. The recommended date "
        "to submit its maintenance ({maintenance}) was {submit_by}: complete and submit it "
        "as soon as possible, before {until}, to keep the status."
    ),
}


def _employment(person: Person) -> str:
    """ "a part-time worker", "a part-time worker (manager)"."""
    status = EMPLOYMENT_LABELS.get(person.employment_status, "someone with no status recorded")
    role = ROLE_NAMES.get(person.role)
    return f"{status} ({role})" if person.role != "other" and role else status


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
    if req.anyone:
        return "someone"
    statuses = req.holder_statuses
    kinds = (
        _or(label for code, label in EMPLOYMENT_LABELS.items() if code in statuses)
        if statuses is not None
        else "someone"
    )
    if req.holder_roles is not None:
        roles = _or(name for code, name in ROLE_NAMES.items() if code in req.holder_roles)
        kinds = f"{kinds} (role: {roles})"
    return f"{kinds} in {req.province}" if req.province else kinds


def _accepted_names(req: RequirementRule, facts: _Facts) -> str:
    """The courses that still satisfy `req` on as_of, accepted equivalents included."""
    codes = dict.fromkeys(
        c
        for code in req.course_codes
        for c in (code, *(facts.courses[code].accepted_prior if code in facts.courses else ()))
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
            "employment": _employment(person),
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
    return Reason.from_template(
        code or key,
        _MESSAGES[key],
        fields,
        person_id=person.id if person else None,
        course_code=record.course_code if record else None,
        due_on=due_on,
    )
