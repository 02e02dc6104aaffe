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
from secor.evidence_files import discard_bytes, evidence_file_store
from secor.models import EvidenceFile, Membership, Program, ProgramKind
from secor.permissions import STAFF
from secor.tenancy import scoped_service

from . import evidence as evidence_files
from . import seeding, selectors
from .compliance import changes as changes_rules
from .models import (
    VERIFIED_FACTS,
    Course,
    CourseEquivalent,
    CoursePrerequisite,
    RecordStatus,
    RecordVerification,
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
EVIDENCE_KIND = "training.certificate"


# --- Training records ---------------------------------------------------------


def _offer_refusal(course: Course, today: date) -> str | None:
    """docs/rules.md#amta-tsb: a course no longer accepted is not offered for new records."""
    reason = changes_rules.course_offer_refusal(
        selectors.course_rule_of(course), is_active=course.is_active, today=today
    )
    return reason.localized if reason is not None else None


@scoped_service(lambda kw: kw["employer"].association)
@transaction.atomic
def record_add(
    *,
    employer,
    worker,
    completed_on: date,
    evidence,
    actor,
    course: Course | None = None,
    other_course_title: str = "",
    other_course_provider: str = "",
    certificate_number: str = "",
    hours: Decimal | None = None,
    proficiency_submitted_on: date | None = None,
    proficiency_accepted_on: date | None = None,
    maintenance_audit_on: date | None = None,
    refresher_on: date | None = None,
    today: date | None = None,
) -> TrainingRecord:
    """An employer (or staff) records a worker's course with its certificate file.

    The course is a catalogue course still offered, or (ACSA continuing
    education, docs/rules.md#acsa-continuing-education) a course outside the
    catalogue with its title and provider. The record waits for staff
    verification before it counts. Every problem is reported at once; nothing
    is written (row or file) unless all is well.
    """
    association = employer.association
    today = today or association_today(association)
    record = TrainingRecord(
        association=association,
        employer=employer,
        worker=worker,
        course=course,
        other_course_title=other_course_title or "",
        other_course_provider=other_course_provider or "",
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
    if course is not None and (refusal := _offer_refusal(course, today)):
        errors.setdefault("course", []).append(refusal)
    _check_not_future(record, RECORD_DATE_FIELDS, today, errors)
    if evidence is None:
        errors.setdefault("evidence", []).append(
            gettext("Attach the certificate file (PDF or image).")
        )
        kind = None
    else:
        kind = _inspect_evidence(evidence, errors)
    _full_clean_into(record, errors)
    if errors:
        raise ValidationError(errors)
    record.evidence_file = _store_evidence(association, evidence, kind, actor)
    _save_with_file(record, record.evidence_file)
    audit.record(
        association=association,
        actor=actor,
        action="training.record_add",
        obj=record,
        summary=f"{record.course_code or record.course_name} of {worker} "
        f"({record.completed_on:%Y-%m-%d}) added",
        employer_id=employer.pk,
        evidence_file_id=record.evidence_file_id,
        sha256=record.evidence_file.sha256,
    )
    return record


def _check_not_future(record, fields, today: date, errors: dict[str, list]) -> None:
    for field in fields:
        value = getattr(record, field, None)
        if field in RECORD_DATE_FIELDS and value is not None and value > today:
            errors.setdefault(field, []).append(
                gettext(
                    "The %(what)s %(value)s is in the future (today is %(today)s). "
                    "Enter the date printed on the certificate."
                )
                % {
                    "what": RECORD_DATE_FIELDS[field],
                    "value": f"{value:%Y-%m-%d}",
                    "today": f"{today:%Y-%m-%d}",
                }
            )


def _inspect_evidence(evidence, errors: dict[str, list]):
    """The kind of an uploaded file if its content is a PDF or image; else note why not."""
    try:
        return evidence_files.inspect(evidence)
    except ValidationError as error:
        errors.setdefault("evidence", []).extend(error.messages)
        return None


def _store_evidence(association, evidence, kind, actor, replaces=None) -> EvidenceFile:
    """A new immutable evidence file (the next version after ``replaces``), named by its kind."""
    return evidence_file_store(
        association=association,
        kind=EVIDENCE_KIND,
        upload=evidence,
        content_type=kind.content_type,
        original_name=PurePosixPath(evidence.name or "").name,
        # The stored name gets the extension of what the file *is*, not what it was called.
        stored_name=f"certificate{kind.extension}",
        actor=actor,
        replaces=replaces,
    )


def _full_clean_into(record: TrainingRecord, errors: dict[str, list]) -> None:
    """Model validation, its messages merged into ``errors`` (so all are reported at once)."""
    try:
        record.full_clean(exclude=["evidence_file", "verification"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            known = errors.setdefault(field, [])
            known.extend(m for m in messages if m not in known)


def _save_with_file(record: TrainingRecord, new_file: EvidenceFile | None) -> None:
    """Save the row; if the database refuses it, remove the bytes just stored (if any)."""
    try:
        with transaction.atomic():
            record.save()
    except Exception:
        if new_file is not None:
            discard_bytes(new_file)
        raise


def _verify_now(record: TrainingRecord, actor, now: datetime | None = None) -> RecordVerification:
    """Copy the record's facts into a new immutable verification, which now counts."""
    number = (
        RecordVerification.objects.for_association(record.association).filter(record=record).count()
    )
    verification = RecordVerification.objects.create(
        association=record.association,
        record=record,
        number=number + 1,
        **{f: getattr(record, f) for f in VERIFIED_FACTS},
        verified_by=audit.actor_or_none(actor),
        verified_by_label=audit.actor_label(actor),
        verified_at=now or timezone.now(),
    )
    record.verification = verification
    return verification


# What an employer (or staff) records after the course, as the dates arrive.
UPDATE_FIELDS = (
    "proficiency_submitted_on",
    "proficiency_accepted_on",
    "maintenance_audit_on",
    "refresher_on",
)
# Corrections of what was entered (docs/rules.md#training-records).
CORRECTION_FIELDS = (
    "course",
    "other_course_title",
    "other_course_provider",
    "completed_on",
    "certificate_number",
    "hours",
)
PROFICIENCY_FIELDS = frozenset({"proficiency_submitted_on", "proficiency_accepted_on"})
MAINTENANCE_FIELDS = frozenset({"maintenance_audit_on", "refresher_on"})
# No rule counts the submission date (compliance judges the acceptance), so an
# employer may record it without staff checking the record again.
UNCHECKED_FIELDS = frozenset({"proficiency_submitted_on"})
FIELD_LABELS = {
    **RECORD_DATE_FIELDS,
    "course": "course",
    "other_course_title": "course title",
    "other_course_provider": "course provider",
    "certificate_number": "certificate number",
    "hours": "hours",
}


def is_staff(association, user) -> bool:
    """Whether ``user`` is an active staff member (reviewer, auditor, admin) of ``association``."""
    if user is None or not user.is_authenticated:
        return False
    return (
        Membership.objects.for_association(association)
        .filter(user=user, is_active=True, role__in=STAFF)
        .exists()
    )


def _update_refusals(course: Course | None, changed: dict) -> dict[str, list]:
    errors: dict[str, list] = {}
    for field, value in changed.items():
        if value is None or field not in UPDATE_FIELDS:
            continue
        if field in PROFICIENCY_FIELDS and not (course and course.proficiency_name):
            errors[field] = [
                gettext("%(course)s has no proficiency to submit or accept.")
                % {"course": course.name if course else gettext("This course")}
            ]
        if field in MAINTENANCE_FIELDS and not (course and course.maintenance_required):
            errors[field] = [
                gettext("%(course)s is not a status kept by maintenance.")
                % {"course": course.name if course else gettext("This course")}
            ]
    return errors


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return str(value)


@scoped_service(lambda kw: kw["record"].association)
@transaction.atomic
def record_update(
    *, record: TrainingRecord, actor, evidence=None, today: date | None = None, **changes
) -> TrainingRecord:
    """Correct a record or record what happened after the course.

    ``changes`` are any of ``UPDATE_FIELDS`` (proficiency, maintenance,
    refresher; None clears a date) and ``CORRECTION_FIELDS`` (course or
    outside-catalogue title and provider, completion date, certificate number,
    hours). ``evidence`` is a new file version: a new immutable evidence file of
    the same lineage; the earlier one stays, never overwritten.

    docs/rules.md#training-records — who checks what (only what staff have seen
    counts). Staff — the people who verify — change the record and its status
    stays as it is; a verified record's change is verified by it (a new
    verification version). An employer's change to anything compliance counts
    or a new file sends the record back to the verification queue; until staff
    verify it, the last verified version (``record.verification``) is what
    counts, so a correction never makes verified training disappear. A
    withdrawn record cannot change.

    All problems are reported at once; nothing (row or file) is written unless
    all is well.
    """
    unknown = set(changes) - set(UPDATE_FIELDS) - set(CORRECTION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown record fields: {sorted(unknown)}")
    association = record.association
    today = today or association_today(association)
    record = (
        TrainingRecord.objects.for_association(association)
        .select_for_update(of=("self",))
        .select_related("course", "worker", "evidence_file")
        .get(pk=record.pk)
    )
    if refusal := changes_rules.change_refusal(record.status):
        raise ValidationError(refusal.localized)
    if "certificate_number" in changes:
        changes["certificate_number"] = (changes["certificate_number"] or "").strip()
    for text in ("other_course_title", "other_course_provider"):
        if text in changes:
            changes[text] = (changes[text] or "").strip()
    changed = {f: v for f, v in changes.items() if getattr(record, f) != v}
    if not changed and evidence is None:
        raise ValidationError(
            gettext("Nothing was changed: enter a new date or choose a new file.")
        )
    errors: dict[str, list] = {}
    new_course = changed.get("course")
    if new_course is not None and (refusal := _offer_refusal(new_course, today)):
        errors.setdefault("course", []).append(refusal)
    if new_course is not None:
        for text in ("other_course_title", "other_course_provider"):
            if getattr(record, text):
                changed.setdefault(text, "")
    errors.update(_update_refusals(changed.get("course", record.course), changed))
    before = {f: getattr(record, f) for f in changed}
    for field, value in changed.items():
        setattr(record, field, value)
    if changed.get("other_course_title"):
        record.course = None
    _check_not_future(record, changed, today, errors)
    kind = _inspect_evidence(evidence, errors) if evidence is not None else None
    by_staff = is_staff(association, actor)
    previous_status = record.status
    record.status = changes_rules.status_after_change(
        record.status,
        by_staff=by_staff,
        counted_change=bool(set(changed) - UNCHECKED_FIELDS),
        new_file=evidence is not None,
    )
    back_to_queue = (
        record.status == RecordStatus.PENDING and previous_status != RecordStatus.PENDING
    )
    if record.status == RecordStatus.PENDING:
        record.rejection_reason = ""
        record.verified_by = None
        record.verified_at = None
    _full_clean_into(record, errors)
    if errors:
        raise ValidationError(errors)
    new_file = None
    if kind is not None:
        new_file = _store_evidence(
            association, evidence, kind, actor, replaces=record.evidence_file
        )
        record.evidence_file = new_file
    if by_staff and record.status == RecordStatus.VERIFIED:
        _verify_now(record, actor)
        record.verified_by = audit.actor_or_none(actor)
        record.verified_at = record.verification.verified_at
    _save_with_file(record, new_file)
    described = [f"{FIELD_LABELS[f]} {_shown(before[f])} → {_shown(v)}" for f, v in changed.items()]
    if new_file is not None:
        described.append(f"new certificate file (version {new_file.version})")
    audit.record(
        association=association,
        actor=actor,
        action="training.record_update",
        obj=record,
        summary=f"{record.course_code or record.course_name} of {record.worker} updated: "
        f"{'; '.join(described)}" + ("; back to verification" if back_to_queue else ""),
        employer_id=record.employer_id,
        changes={f: _shown(getattr(v, "pk", v)) for f, v in changed.items()},
        new_file=new_file is not None,
        evidence_file_id=record.evidence_file_id,
        back_to_queue=back_to_queue,
    )
    return record


@scoped_service(lambda kw: kw["record"].association)
@transaction.atomic
def record_withdraw(*, record: TrainingRecord, actor) -> TrainingRecord:
    """The employer withdraws a record, or the correction waiting on a verified one.

    docs/rules.md#training-records. A record staff never verified is withdrawn
    (it never counted; it stays readable, closed). A verified record whose
    correction waits goes back to its verified version: the facts and file staff
    verified, status verified. A verified record with nothing waiting is refused:
    it counts, so it is corrected instead.
    """
    record = (
        TrainingRecord.objects.for_association(record.association)
        .select_for_update(of=("self",))
        .select_related("course", "worker", "verification")
        .get(pk=record.pk)
    )
    if refusal := changes_rules.withdraw_refusal(record.status):
        raise ValidationError(refusal.localized)
    verification = record.verification
    if verification is not None:
        for field in VERIFIED_FACTS:
            setattr(record, field, getattr(verification, field))
        record.status = RecordStatus.VERIFIED
        record.rejection_reason = ""
        record.verified_by = verification.verified_by
        record.verified_at = verification.verified_at
        action, done = "training.record_correction_withdraw", "correction withdrawn"
    else:
        record.status = RecordStatus.WITHDRAWN
        record.rejection_reason = ""
        record.verified_by = None
        record.verified_at = None
        action, done = "training.record_withdraw", "withdrawn"
    record.full_clean(exclude=["evidence_file", "verification"])
    record.save()
    audit.record(
        association=record.association,
        actor=actor,
        action=action,
        obj=record,
        summary=f"{record.course_code or record.course_name} of {record.worker} {done}",
        employer_id=record.employer_id,
    )
    return record


def _locked_pending(record: TrainingRecord) -> TrainingRecord:
    locked = (
        TrainingRecord.objects.for_association(record.association)
        .select_for_update(of=("self",))
        .select_related("course", "worker")
        .get(pk=record.pk)
    )
    if locked.status != RecordStatus.PENDING:
        if locked.status == RecordStatus.WITHDRAWN:
            raise ValidationError(gettext("The employer withdrew this record."))
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
    now = now or timezone.now()
    record.status = status
    record.rejection_reason = reason
    record.verified_by = audit.actor_or_none(actor)
    record.verified_at = now
    fields = ["status", "rejection_reason", "verified_by", "verified_at"]
    if status == RecordStatus.VERIFIED:
        verification = _verify_now(record, actor, now)
        fields.append("verification")
        log = {**log, "version": verification.number}
    record.full_clean(exclude=["evidence_file", "verification"])
    record.save(update_fields=fields)
    audit.record(
        association=record.association,
        actor=actor,
        action=f"training.record_{verb}",
        obj=record,
        summary=f"{record.course_code or record.course_name} of {record.worker} {done}",
        employer_id=record.employer_id,
        **log,
    )
    return record


@scoped_service(lambda kw: kw["record"].association)
@transaction.atomic
def record_verify(*, record: TrainingRecord, actor, now: datetime | None = None) -> TrainingRecord:
    """Staff confirm the certificate file matches the record: a new verified version counts."""
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
    """Staff refuse a record (or the correction waiting on it), saying why.

    The employer sees the reason. A rejected correction of a verified record
    leaves its last verified version counting (docs/rules.md#training-records).
    """
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
    "held_by_assessor",
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
    programs = Program.objects.for_association(association)
    program = programs.filter(kind=ProgramKind.SECOR).first()
    cor_program = programs.filter(kind=ProgramKind.COR).first()
    created = seeding.seed_by_key(_SEED_MODELS, association, seed_key, program, cor_program)
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
