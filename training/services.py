"""Actions on training data: one function per action.

Each is keyword-only, runs in a transaction, validates with ``full_clean()``
before anything is written, and leaves an audit-trail row.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePosixPath
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from secor import audit
from secor.dates import association_today
from secor.models import Membership, Program, ProgramKind, Role
from secor.tenancy import scoped_service

from . import evidence as evidence_files
from . import seeding
from .models import (
    Course,
    CourseEquivalent,
    CoursePrerequisite,
    RecordStatus,
    RequirementCourse,
    TrainedEmployeeDesignation,
    TrainingRecord,
    TrainingRequirement,
)

RECORD_DATE_FIELDS = {
    "completed_on": "completion date",
    "proficiency_submitted_on": "proficiency submission date",
    "proficiency_accepted_on": "proficiency acceptance date",
    "maintenance_audit_on": "maintenance audit date",
    "refresher_on": "classroom refresher date",
}


# --- Training records ---------------------------------------------------------


@scoped_service(lambda kw: kw["employer"].association)
@transaction.atomic
def record_add(
    *,
    employer,
    worker,
    course: Course,
    completed_on: date,
    evidence,
    actor,
    certificate_number: str = "",
    hours: Decimal | None = None,
    proficiency_submitted_on: date | None = None,
    proficiency_accepted_on: date | None = None,
    maintenance_audit_on: date | None = None,
    refresher_on: date | None = None,
    today: date | None = None,
) -> TrainingRecord:
    """An employer (or staff) records a worker's course with its certificate file.

    The record waits for staff verification before it counts. Every problem is
    reported at once; nothing is written (row or file) unless all is well.
    """
    association = employer.association
    today = today or association_today(association)
    record = TrainingRecord(
        association=association,
        employer=employer,
        worker=worker,
        course=course,
        completed_on=completed_on,
        certificate_number=(certificate_number or "").strip(),
        hours=hours,
        proficiency_submitted_on=proficiency_submitted_on,
        proficiency_accepted_on=proficiency_accepted_on,
        maintenance_audit_on=maintenance_audit_on,
        refresher_on=refresher_on,
        added_by=audit.actor_or_none(actor),
        status=RecordStatus.PENDING,
    )
    errors: dict[str, list] = {}
    _check_not_future(record, RECORD_DATE_FIELDS, today, errors)
    if evidence is None:
        errors.setdefault("evidence", []).append("Attach the certificate file (PDF or image).")
        attached = False
    else:
        attached = _attach_evidence(record, evidence, errors)
    _full_clean_into(record, errors, exclude=None if attached else ["evidence"])
    if errors:
        raise ValidationError(errors)
    _save_with_file(record)
    audit.record(
        association=association,
        actor=actor,
        action="training.record_add",
        obj=record,
        summary=f"{course.code} of {worker} ({record.completed_on:%Y-%m-%d}) added",
        employer_id=employer.pk,
    )
    return record


def _check_not_future(record, fields, today: date, errors: dict[str, list]) -> None:
    for field in fields:
        value = getattr(record, field)
        if value is not None and value > today:
            errors.setdefault(field, []).append(
                f"The {RECORD_DATE_FIELDS[field]} {value:%Y-%m-%d} is in the future (today is "
                f"{today:%Y-%m-%d}). Enter the date printed on the certificate."
            )


def _attach_evidence(record: TrainingRecord, evidence, errors: dict[str, list]) -> bool:
    """Put an uploaded file on ``record`` if its content is a PDF or image; else note why not.

    The file is written (under a new random name) only when the row is saved.
    """
    try:
        kind = evidence_files.inspect(evidence)
    except ValidationError as error:
        errors.setdefault("evidence", []).extend(error.messages)
        return False
    record.evidence_name = PurePosixPath(evidence.name or "").name[:200]
    # The stored name gets the extension of what the file *is*, not what it was called.
    evidence.name = f"certificate{kind.extension}"
    record.evidence = evidence
    record.evidence_content_type = kind.content_type
    record.evidence_size = evidence.size
    return True


def _full_clean_into(record: TrainingRecord, errors: dict[str, list], exclude=None) -> None:
    """Model validation, its messages merged into ``errors`` (so all are reported at once)."""
    try:
        record.full_clean(exclude=exclude)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            known = errors.setdefault(field, [])
            known.extend(m for m in messages if m not in known)


def _save_with_file(record: TrainingRecord, *, new_file: bool = True) -> None:
    """Save the row; if the database refuses it, remove the file just written (if any)."""
    try:
        record.save()
    except Exception:
        if new_file and record.evidence.name and record.evidence._committed:
            record.evidence.storage.delete(record.evidence.name)
        raise


# What an employer (or staff) records after the course, as the dates arrive.
UPDATE_FIELDS = (
    "proficiency_submitted_on",
    "proficiency_accepted_on",
    "maintenance_audit_on",
    "refresher_on",
)
PROFICIENCY_FIELDS = frozenset({"proficiency_submitted_on", "proficiency_accepted_on"})
MAINTENANCE_FIELDS = frozenset({"maintenance_audit_on", "refresher_on"})
# No rule counts the submission date (compliance judges the acceptance), so an
# employer may record it without staff checking the record again.
UNCHECKED_FIELDS = frozenset({"proficiency_submitted_on"})


def is_staff(association, user) -> bool:
    """Whether ``user`` is an active staff member (reviewer, auditor, admin) of ``association``."""
    if user is None or not user.is_authenticated:
        return False
    return (
        Membership.objects.for_association(association)
        .filter(user=user, is_active=True, role__in=Role.staff_roles())
        .exists()
    )


def _update_refusals(course: Course, changed: dict) -> dict[str, list]:
    errors: dict[str, list] = {}
    for field, value in changed.items():
        if value is None:
            continue
        if field in PROFICIENCY_FIELDS and not course.proficiency_name:
            errors[field] = [f"{course.name} has no proficiency to submit or accept."]
        if field in MAINTENANCE_FIELDS and not course.maintenance_required:
            errors[field] = [f"{course.name} is not a status kept by maintenance."]
    return errors


@scoped_service(lambda kw: kw["record"].association)
@transaction.atomic
def record_update(
    *, record: TrainingRecord, actor, evidence=None, today: date | None = None, **changes
) -> TrainingRecord:
    """Record what happened after the course: proficiency submitted or accepted, the
    maintenance audit, the classroom refresher, or a new certificate file.

    ``changes`` are any of ``UPDATE_FIELDS`` (None clears a date); ``evidence``
    is a new file version: it is stored under a new name and the old file stays
    in storage and in the record's history, never overwritten.

    Who checks what (what a program admin expects: only what staff have seen
    counts). Staff — the people who accept proficiencies — change the record
    and its status stays as it is. An employer's change to anything compliance
    counts (acceptance, maintenance audit, refresher) or a new file sends the
    record back to the verification queue; until staff verify it, it counts as
    it was last verified (``selectors.counted_records``), so reporting progress
    never makes verified training disappear. The proficiency submission date
    alone counts for nothing and needs no check. A rejected record an employer
    corrects goes back to the queue too.

    All problems are reported at once; nothing (row or file) is written unless
    all is well.
    """
    unknown = set(changes) - set(UPDATE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown record fields: {sorted(unknown)}")
    association = record.association
    today = today or association_today(association)
    record = (
        TrainingRecord.objects.for_association(association)
        .select_for_update()
        .select_related("course", "worker")
        .get(pk=record.pk)
    )
    changed = {f: v for f, v in changes.items() if getattr(record, f) != v}
    if not changed and evidence is None:
        raise ValidationError(
            gettext("Nothing was changed: enter a new date or choose a new file.")
        )
    errors = _update_refusals(record.course, changed)
    before = {f: getattr(record, f) for f in changed}
    for field, value in changed.items():
        setattr(record, field, value)
    _check_not_future(record, changed, today, errors)
    attached = evidence is not None and _attach_evidence(record, evidence, errors)
    by_staff = is_staff(association, actor)
    back_to_queue = not by_staff and (
        attached or record.status == RecordStatus.REJECTED or bool(set(changed) - UNCHECKED_FIELDS)
    )
    if back_to_queue:
        record.status = RecordStatus.PENDING
        record.rejection_reason = ""
        record.verified_by = None
        record.verified_at = None
    _full_clean_into(record, errors, exclude=None if attached else ["evidence"])
    if errors:
        raise ValidationError(errors)
    _save_with_file(record, new_file=attached)
    described = [
        f"{RECORD_DATE_FIELDS[f]} {_iso(before[f])} → {_iso(v)}" for f, v in changed.items()
    ]
    if attached:
        described.append("new certificate file")
    audit.record(
        association=association,
        actor=actor,
        action="training.record_update",
        obj=record,
        summary=f"{record.course.code} of {record.worker} updated: {'; '.join(described)}"
        + ("; back to verification" if back_to_queue else ""),
        employer_id=record.employer_id,
        changes={f: _iso(v) for f, v in changed.items()},
        new_file=attached,
        back_to_queue=back_to_queue,
    )
    return record


def _iso(day: date | None) -> str:
    return f"{day:%Y-%m-%d}" if day else "—"


def _locked_pending(record: TrainingRecord) -> TrainingRecord:
    locked = (
        TrainingRecord.objects.for_association(record.association)
        .select_for_update()
        .get(pk=record.pk)
    )
    if locked.status != RecordStatus.PENDING:
        who = locked.verified_by or "someone"
        when = timezone.localtime(locked.verified_at).strftime("%Y-%m-%d %H:%M")
        raise ValidationError(
            gettext("This record was already %(status)s by %(who)s on %(when)s.")
            % {"status": locked.get_status_display().lower(), "who": who, "when": when}
        )
    return locked


def _decide(record, *, actor, status, reason, now, verb, done, log):
    """Record a staff decision on a pending record (verify or reject) and log it."""
    record = _locked_pending(record)
    record.status = status
    record.rejection_reason = reason
    record.verified_by = actor
    record.verified_at = now or timezone.now()
    record.full_clean()
    record.save(update_fields=["status", "rejection_reason", "verified_by", "verified_at"])
    audit.record(
        association=record.association,
        actor=actor,
        action=f"training.record_{verb}",
        obj=record,
        summary=f"{record.course.code} of {record.worker} {done}",
        employer_id=record.employer_id,
        **log,
    )
    return record


@scoped_service(lambda kw: kw["record"].association)
@transaction.atomic
def record_verify(*, record: TrainingRecord, actor, now: datetime | None = None) -> TrainingRecord:
    """Staff confirm the certificate file matches the record; from now on it counts."""
    return _decide(
        record,
        actor=actor,
        status=RecordStatus.VERIFIED,
        reason="",
        now=now,
        verb="verify",
        done="verified",
        log={},
    )


@scoped_service(lambda kw: kw["record"].association)
@transaction.atomic
def record_reject(
    *, record: TrainingRecord, actor, reason: str, now: datetime | None = None
) -> TrainingRecord:
    """Staff refuse a record, saying why; the employer sees the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": gettext("Say why the record is rejected; the employer sees it.")}
        )
    return _decide(
        record,
        actor=actor,
        status=RecordStatus.REJECTED,
        reason=reason,
        now=now,
        verb="reject",
        done="rejected",
        log={"reason": reason},
    )


# --- Trained-employee designations (one WCB account per person) --------------


class DesignationMoveNeeded(Exception):
    """The worker is the trained employee of another WCB account: ask before moving them.

    SCSA, docs/rules.md#scsa-one-wcb-account: "A person can only be the 'trained
    employee' for one WCB account number." Naming them for a second account moves
    them, and the first account loses its trained employee, so the employer confirms.
    """

    def __init__(self, designation: TrainedEmployeeDesignation):
        super().__init__(
            f"{designation.worker} is the trained employee for {designation.wcb_account}"
        )
        self.designation = designation


@scoped_service(lambda kw: kw["employer"].association)
@transaction.atomic
def designation_set(
    *, employer, worker, wcb_account, actor, move: bool = False
) -> TrainedEmployeeDesignation:
    """Name ``worker`` the trained employee of ``wcb_account``.

    Refused (``ValidationError`` on ``worker``) when the program's trained-employee
    requirements do not let this worker hold them — SCSA: "full time permanent
    Saskatchewan employee", so never a subcontractor or part-timer
    (docs/rules.md#scsa-trained-employee). A worker already named for another account
    raises ``DesignationMoveNeeded`` unless ``move`` is True (the employer confirmed).
    """
    from . import selectors
    from .compliance import trained_employee_refusal

    association = employer.association
    program = selectors.program_for(employer)
    requirements = selectors.requirement_rules(program) if program is not None else ()
    refusal = trained_employee_refusal(
        selectors.person_of(worker),
        requirements,
        as_of=association_today(association),
        wcb_account=selectors.account_label(wcb_account),
    )
    if refusal is not None:
        raise ValidationError({"worker": refusal.localized})
    designation = (
        TrainedEmployeeDesignation.objects.for_association(association)
        .select_related("wcb_account", "worker")
        .filter(worker=worker)
        .first()
    )
    if designation is not None and designation.wcb_account_id == wcb_account.pk:
        return designation
    if designation is not None and not move:
        raise DesignationMoveNeeded(designation)
    designation = designation or TrainedEmployeeDesignation(
        association=association, employer=employer, worker=worker
    )
    designation.wcb_account = wcb_account
    designation.full_clean()
    designation.save()
    audit.record(
        association=association,
        actor=actor,
        action="training.designation_set",
        obj=designation,
        summary=f"{worker} named trained employee for {wcb_account}",
        employer_id=employer.pk,
    )
    return designation


@scoped_service(lambda kw: kw["designation"].association)
@transaction.atomic
def designation_remove(*, designation: TrainedEmployeeDesignation, actor) -> None:
    audit.record(
        association=designation.association,
        actor=actor,
        action="training.designation_remove",
        obj=designation,
        summary=f"{designation.worker} no longer trained employee for {designation.wcb_account}",
        employer_id=designation.employer_id,
    )
    designation.delete()


# --- Catalogue -----------------------------------------------------------------


def _check_same_association(association, courses, field: str) -> None:
    if any(c.association_id != association.pk for c in courses):
        raise ValidationError({field: gettext("Choose courses of this association's catalogue.")})


def _prerequisite_cycle(course: Course, prerequisites) -> Course | None:
    """A prerequisite that (through its own prerequisites) requires ``course``."""
    if course.pk is None:
        return None
    links = {}
    for link in CoursePrerequisite.objects.for_association(course.association):
        links.setdefault(link.course_id, set()).add(link.prerequisite_id)
    for start in prerequisites:
        seen, todo = set(), [start.pk]
        while todo:
            current = todo.pop()
            if current == course.pk:
                return start
            if current not in seen:
                seen.add(current)
                todo.extend(links.get(current, ()))
    return None


COURSE_FIELDS = (
    "code",
    "name",
    "validity_months",
    "proficiency_name",
    "proficiency_months",
    "accepted_until",
    "min_hours",
    "maintenance_required",
    "maintenance_name",
    "maintenance_submit_lead_months",
    "is_active",
)


@scoped_service(lambda kw: kw["association"])
@transaction.atomic
def course_save(
    *,
    association,
    actor,
    course: Course | None = None,
    prerequisites=(),
    accepted_prior=(),
    **fields,
) -> Course:
    """Add a course to the catalogue or change one, with its prerequisites and equivalents."""
    unknown = set(fields) - set(COURSE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown course fields: {sorted(unknown)}")
    creating = course is None
    course = course or Course(association=association)
    for name, value in fields.items():
        setattr(course, name, value)
    prerequisites, accepted_prior = list(prerequisites), list(accepted_prior)
    _check_same_association(association, prerequisites, "prerequisites")
    _check_same_association(association, accepted_prior, "accepted_prior")
    if course.pk and any(c.pk == course.pk for c in prerequisites):
        raise ValidationError(
            {"prerequisites": gettext("A course cannot be its own prerequisite.")}
        )
    if course.pk and any(c.pk == course.pk for c in accepted_prior):
        raise ValidationError({"accepted_prior": gettext("A course cannot be its own equivalent.")})
    cycle = _prerequisite_cycle(course, prerequisites)
    if cycle is not None:
        raise ValidationError(
            {
                "prerequisites": gettext(
                    "%(cycle)s already requires this course; that would be a loop."
                )
                % {"cycle": cycle}
            }
        )
    course.full_clean()
    course.save()
    _replace_links(CoursePrerequisite, course, "prerequisite", prerequisites)
    _replace_links(CourseEquivalent, course, "accepted", accepted_prior)
    audit.record(
        association=association,
        actor=actor,
        action="training.course_add" if creating else "training.course_change",
        obj=course,
        summary=f"Course {course.code} {'added' if creating else 'changed'}",
    )
    return course


def _replace_links(model, course: Course, field: str, targets) -> None:
    existing = model.objects.for_association(course.association).filter(course=course)
    wanted = {t.pk for t in targets}
    existing.exclude(**{f"{field}_id__in": wanted}).delete()
    have = set(existing.values_list(f"{field}_id", flat=True))
    for target in targets:
        if target.pk not in have:
            model.objects.create(association=course.association, course=course, **{field: target})


REQUIREMENT_FIELDS = (
    "code",
    "label",
    "kind",
    "holder_statuses",
    "holder_roles",
    "province",
    "every_months",
    "min_hours",
    "one_wcb_account_per_person",
    "position",
    "is_active",
)


@scoped_service(lambda kw: kw["program"].association)
@transaction.atomic
def requirement_save(
    *,
    program: Program,
    actor,
    requirement: TrainingRequirement | None = None,
    courses=(),
    **fields,
) -> TrainingRequirement:
    """Add or change a program's training requirement; ``courses`` in the admin's order."""
    unknown = set(fields) - set(REQUIREMENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown requirement fields: {sorted(unknown)}")
    association = program.association
    creating = requirement is None
    requirement = requirement or TrainingRequirement(association=association, program=program)
    for name, value in fields.items():
        setattr(requirement, name, value)
    courses = list(courses)
    _check_same_association(association, courses, "courses")
    if requirement.kind != "continuing_education" and not courses:
        raise ValidationError({"courses": gettext("Choose the course (or courses) that meet it.")})
    requirement.full_clean()
    requirement.save()
    links = RequirementCourse.objects.for_association(association).filter(requirement=requirement)
    links.delete()
    for position, course in enumerate(courses):
        RequirementCourse.objects.create(
            association=association, requirement=requirement, course=course, position=position
        )
    audit.record(
        association=association,
        actor=actor,
        action="training.requirement_add" if creating else "training.requirement_change",
        obj=requirement,
        summary=f"Training requirement {requirement.label} {'added' if creating else 'changed'}",
    )
    return requirement


_SEED_MODELS = SimpleNamespace(
    Course=Course,
    CoursePrerequisite=CoursePrerequisite,
    CourseEquivalent=CourseEquivalent,
    TrainingRequirement=TrainingRequirement,
    RequirementCourse=RequirementCourse,
)


@scoped_service(lambda kw: kw["association"])
@transaction.atomic
def catalogue_seed(*, association, seed_key: str, actor=None) -> dict[str, int]:
    """Load a seeded catalogue ("AMTA", "ACSA", "SCSA") and its SECOR requirements.

    Idempotent: a second run creates nothing and changes nothing an admin edited.
    """
    program = Program.objects.for_association(association).filter(kind=ProgramKind.SECOR).first()
    created = seeding.seed_by_key(_SEED_MODELS, association, seed_key, program)
    if any(created.values()):
        audit.record(
            association=association,
            actor=actor,
            action="training.catalogue_seed",
            obj=association,
            summary=f"{seed_key} training catalogue loaded",
            **created,
        )
    return created
