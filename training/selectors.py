"""Reads: database rows turned into ``compliance.py`` facts, and the verdicts on them.

Every function takes its association from its arguments and queries with
``for_association``, so it works inside a view, a Celery task or a test alike.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date

from django.utils import timezone

from employers.models import Employer, Enrollment, EnrollmentStatus, WCBAccount, Worker
from secor.models import Program, ProgramKind

from . import compliance
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


def _hours(value) -> float | None:
    return None if value is None else float(value)


def course_rules(association) -> tuple[compliance.CourseRule, ...]:
    """The association's whole catalogue, inactive courses included (old records need them)."""
    courses = list(Course.objects.for_association(association))
    codes = {c.pk: c.code for c in courses}
    prerequisites = defaultdict(list)
    for link in CoursePrerequisite.objects.for_association(association).order_by("id"):
        prerequisites[link.course_id].append(codes[link.prerequisite_id])
    accepted = defaultdict(list)
    for link in CourseEquivalent.objects.for_association(association).order_by("id"):
        accepted[link.course_id].append(codes[link.accepted_id])
    return tuple(
        compliance.CourseRule(
            code=c.code,
            name=c.name,
            validity_months=c.validity_months,
            prerequisites=tuple(prerequisites[c.pk]),
            accepted_prior=tuple(accepted[c.pk]),
            proficiency_name=c.proficiency_name or None,
            proficiency_months=c.proficiency_months,
            accepted_until=c.accepted_until,
            min_hours=_hours(c.min_hours),
            maintenance=compliance.MaintenanceRule(
                name=c.maintenance_name or compliance.MaintenanceRule.name,
                submit_lead_months=c.maintenance_submit_lead_months,
            )
            if c.maintenance_required
            else None,
        )
        for c in courses
    )


def requirement_rules(program) -> tuple[compliance.RequirementRule, ...]:
    """The program's active requirements, in the admin's order."""
    association = program.association
    requirements = list(
        TrainingRequirement.objects.for_association(association).filter(
            program=program, is_active=True
        )
    )
    codes = defaultdict(list)
    for link in (
        RequirementCourse.objects.for_association(association)
        .filter(requirement__in=requirements)
        .select_related("course")
        .order_by("position", "id")
    ):
        codes[link.requirement_id].append(link.course.code)
    return tuple(
        compliance.RequirementRule(
            code=r.code,
            label=r.label,
            kind=r.kind,
            course_codes=tuple(codes[r.pk]),
            holder_statuses=frozenset(r.holder_statuses) if r.holder_statuses is not None else None,
            holder_roles=frozenset(r.holder_roles) if r.holder_roles is not None else None,
            province=r.province or None,
            every_months=r.every_months,
            min_hours=_hours(r.min_hours),
            one_wcb_account_per_person=r.one_wcb_account_per_person,
        )
        for r in requirements
    )


def person_of(worker: Worker) -> compliance.Person:
    return compliance.Person(
        id=worker.pk,
        name=worker.full_name,
        employment_status=worker.employment_status,
        role=worker.role,
        province=worker.province or "",
        start_date=worker.start_date,
        end_date=worker.end_date,
    )


def record_of(record: TrainingRecord) -> compliance.Record:
    return compliance.Record(
        person_id=record.worker_id,
        course_code=record.course.code,
        completed_on=record.completed_on,
        certificate_number=record.certificate_number,
        hours=_hours(record.hours),
        proficiency_submitted_on=record.proficiency_submitted_on,
        proficiency_accepted_on=record.proficiency_accepted_on,
        maintenance_audit_on=record.maintenance_audit_on,
        refresher_on=record.refresher_on,
    )


# The facts an employer's update cannot change, and those it can (services.UPDATE_FIELDS).
_FACT_FIELDS = (
    "completed_on",
    "certificate_number",
    "proficiency_submitted_on",
    "proficiency_accepted_on",
    "maintenance_audit_on",
    "refresher_on",
)


def counted_records(association, **filters) -> list[tuple[TrainingRecord, compliance.Record]]:
    """The records compliance counts, each with the facts it counts.

    Only what staff have verified counts. A verified record that an employer has
    since updated (``services.record_update``) waits in the verification queue
    again and meanwhile counts as it was last verified — its history row — so
    reporting progress never makes verified training disappear. A rejected
    record counts for nothing.
    """
    rows = list(
        TrainingRecord.objects.for_association(association)
        .filter(status__in=(RecordStatus.VERIFIED, RecordStatus.PENDING), **filters)
        .select_related("course")
    )
    waiting = [r.pk for r in rows if r.status == RecordStatus.PENDING]
    last_verified = {}
    if waiting:
        for version in TrainingRecord.history.filter(
            association=association, id__in=waiting, status=RecordStatus.VERIFIED
        ).order_by("history_date", "history_id"):
            last_verified[version.id] = version  # the latest wins
    counted = []
    for row in rows:
        if row.status == RecordStatus.VERIFIED:
            counted.append((row, record_of(row)))
        elif row.pk in last_verified:
            version = last_verified[row.pk]
            fact = replace(
                record_of(row),
                **{f: getattr(version, f) for f in _FACT_FIELDS},
                hours=_hours(version.hours),
            )
            counted.append((row, fact))
    return counted


def last_verified_version(record: TrainingRecord):
    """The record as staff last verified it (a history row), or None."""
    return (
        record.history.filter(status=RecordStatus.VERIFIED)
        .order_by("-history_date", "-history_id")
        .first()
    )


def program_for(employer: Employer) -> Program | None:
    """The employer's open SECOR enrollment's program, else the association's SECOR program."""
    association = employer.association
    enrollment = (
        Enrollment.objects.for_association(association)
        .filter(
            employer=employer,
            program__kind=ProgramKind.SECOR,
            status__in=EnrollmentStatus.open_statuses(),
        )
        .select_related("program")
        .first()
    )
    if enrollment is not None:
        return enrollment.program
    return Program.objects.for_association(association).filter(kind=ProgramKind.SECOR).first()


def default_wcb_account(employer: Employer) -> WCBAccount | None:
    """The employer's first active WCB account (by board and number)."""
    return (
        WCBAccount.objects.for_association(employer.association)
        .filter(employer=employer, is_active=True)
        .order_by("board", "account_number", "id")
        .first()
    )


def account_label(account: WCBAccount | None) -> str:
    return f"{account.board} {account.account_number}" if account is not None else ""


def designations(association) -> tuple[compliance.Designation, ...]:
    """Every trained-employee designation in the association, for the one-account rule.

    A designation is matched by worker id (the same roster row) and by each of
    that worker's verified certificate numbers (the same human on another
    employer's roster).
    """
    rows = list(
        TrainedEmployeeDesignation.objects.for_association(association).select_related(
            "wcb_account"
        )
    )
    certificates = defaultdict(set)
    for worker_id, number in (
        TrainingRecord.objects.for_association(association)
        .filter(worker_id__in=[d.worker_id for d in rows], status=RecordStatus.VERIFIED)
        .exclude(certificate_number="")
        .values_list("worker_id", "certificate_number")
    ):
        certificates[worker_id].add(number)
    found = []
    for d in rows:
        label = account_label(d.wcb_account)
        found.append(compliance.Designation(wcb_account=label, person_id=d.worker_id))
        found.extend(
            compliance.Designation(wcb_account=label, certificate_number=number)
            for number in sorted(certificates[d.worker_id])
        )
    return tuple(found)


@dataclass(frozen=True)
class EmployerFacts:
    """What the rules need about one employer, read once."""

    program: Program | None
    requirements: tuple[compliance.RequirementRule, ...]
    courses: tuple[compliance.CourseRule, ...]
    workers: tuple[Worker, ...]
    people: tuple[compliance.Person, ...]
    records: tuple[compliance.Record, ...]


def employer_facts(employer: Employer, program: Program | None = None) -> EmployerFacts:
    association = employer.association
    program = program or program_for(employer)
    workers = tuple(Worker.objects.for_association(association).filter(employer=employer))
    return EmployerFacts(
        program=program,
        requirements=requirement_rules(program) if program is not None else (),
        courses=course_rules(association),
        workers=workers,
        people=tuple(person_of(w) for w in workers),
        records=tuple(fact for _, fact in counted_records(association, employer=employer)),
    )


def compliance_for(
    *,
    employer: Employer,
    as_of: date,
    wcb_account: WCBAccount | None = None,
    assessor_worker: Worker | None = None,
    program: Program | None = None,
    lead_days: int = 90,
) -> compliance.ComplianceReport:
    """Each training requirement of ``employer`` met or not on ``as_of`` (an audit's start).

    ``program`` None: the employer's open SECOR enrollment's program, else the
    association's SECOR program (no program: a report with no verdicts).
    ``wcb_account`` None: the employer's first active account. ``assessor_worker``
    is the person conducting the audit: on this employer's roster or another
    employer's in the association (an external assessor); their verified records
    count for "assessor" requirements only. Only staff-verified records count.
    Designations for other WCB accounts come from the whole association.
    """
    association = employer.association
    if wcb_account is not None and wcb_account.employer_id != employer.pk:
        raise ValueError("The WCB account belongs to another employer.")
    if assessor_worker is not None and assessor_worker.association_id != association.pk:
        raise ValueError("The assessor belongs to another association.")
    facts = employer_facts(employer, program)
    account = wcb_account or default_wcb_account(employer)
    records = list(facts.records)
    if assessor_worker is not None and assessor_worker.employer_id != employer.pk:
        records += [fact for _, fact in counted_records(association, worker=assessor_worker)]
    return compliance.assess_compliance(
        facts.requirements,
        facts.courses,
        facts.people,
        records,
        as_of=as_of,
        wcb_account=account_label(account),
        designations=designations(association),
        assessor_id=assessor_worker.pk if assessor_worker is not None else None,
        lead_days=lead_days,
    )


def chart_for(employer: Employer, *, as_of: date | None = None) -> tuple[compliance.ChartRow, ...]:
    """The SCSA-style training chart of ``employer`` (verified records)."""
    facts = employer_facts(employer)
    return compliance.training_chart(
        facts.requirements, facts.courses, facts.people, facts.records, as_of=as_of
    )


def pending_records(association):
    """The verification queue, oldest first."""
    return (
        TrainingRecord.objects.for_association(association)
        .filter(status=RecordStatus.PENDING)
        .select_related("association", "employer", "worker", "course")
        .order_by("created_at", "id")
    )


# --- The employer's training matrix ---------------------------------------------


CELL_CSS = {
    "valid": "table-success",
    "expiring": "table-warning",
    "expired": "table-danger",
    "problem": "table-danger",
    "pending": "table-info",
    "rejected": "table-secondary",
    "missing": "",
}


@dataclass(frozen=True)
class MatrixCell:
    state: str  # valid, expiring, expired, problem, pending, rejected, missing
    text: str
    record: TrainingRecord | None = None

    @property
    def css(self) -> str:
        return CELL_CSS[self.state]


@dataclass(frozen=True)
class MatrixRow:
    worker: Worker
    cells: tuple[MatrixCell, ...]


@dataclass(frozen=True)
class Matrix:
    courses: tuple[compliance.CourseRule, ...]
    rows: tuple[MatrixRow, ...]


STATE_TEXT = {
    "not_accepted_after": "No longer accepted",
    "too_few_hours": "Too few hours",
    "proficiency_missed": "Proficiency missed",
    "proficiency_pending": "Proficiency due",
}


def required_course_codes(requirements) -> list[str]:
    """The courses named by the program's requirements, in order, each once."""
    return list(dict.fromkeys(code for r in requirements for code in r.course_codes))


def _cell(
    course: compliance.CourseRule,
    rules: dict[str, compliance.CourseRule],
    records: list[TrainingRecord],
    counted: dict[int, compliance.Record],
    as_of: date,
    lead_days: int,
) -> MatrixCell:
    matching = [
        r for r in records if r.course.code == course.code or r.course.code in course.accepted_prior
    ]
    if not matching:
        return MatrixCell("missing", "Not trained")
    judged = []
    for record in (r for r in matching if r.pk in counted):
        rule = rules.get(record.course.code, course)
        fact = counted[record.pk]
        judged.append((record, compliance.record_status(rule, fact, as_of), rule, fact))
    valid = [j for j in judged if j[1] == compliance.VALID]
    if valid:

        def expiry(item):
            until = compliance.record_valid_until(item[2], item[3])
            return date.max if until is None else until

        record, _, rule, fact = max(valid, key=expiry)
        until = compliance.record_valid_until(rule, fact)
        # Counted as last verified while an employer's update waits (counted_records).
        waiting = "; update waiting for verification" if record.status == "pending" else ""
        if until is None:
            text = f"Valid (completed {record.completed_on:%Y-%m-%d}){waiting}"
            return MatrixCell("valid", text, record)
        days = (until - as_of).days
        state = "expiring" if days <= lead_days else "valid"
        label = "Expiring" if state == "expiring" else "Valid"
        return MatrixCell(state, f"{label} until {until:%Y-%m-%d}{waiting}", record)
    pending = [r for r in matching if r.status == RecordStatus.PENDING]
    if pending:
        return MatrixCell("pending", "Waiting for verification", pending[0])
    if judged:
        record, status, rule, fact = max(judged, key=lambda j: j[0].completed_on)
        if status == "expired":
            until = compliance.record_valid_until(rule, fact)
            return MatrixCell("expired", f"Expired {until:%Y-%m-%d}", record)
        return MatrixCell("problem", STATE_TEXT.get(status, status), record)
    return MatrixCell("rejected", "Rejected", matching[0])


def training_matrix(employer: Employer, *, as_of: date, lead_days: int = 90) -> Matrix:
    """Current workers × the program's required courses, each cell the best record's state."""
    facts = employer_facts(employer)
    rules = {c.code: c for c in facts.courses}
    columns = tuple(rules[code] for code in required_course_codes(facts.requirements))
    records = defaultdict(list)
    for record in (
        TrainingRecord.objects.for_association(employer.association)
        .filter(employer=employer)
        .select_related("course")
        .order_by("-completed_on", "-id")
    ):
        records[record.worker_id].append(record)
    counted = {
        row.pk: fact for row, fact in counted_records(employer.association, employer=employer)
    }
    current = [w for w in facts.workers if w.end_date is None or w.end_date >= as_of]
    return Matrix(
        courses=columns,
        rows=tuple(
            MatrixRow(
                w, tuple(_cell(c, rules, records[w.pk], counted, as_of, lead_days) for c in columns)
            )
            for w in current
        ),
    )


# --- A record's history: what changed since staff verified it, earlier files ------


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


_CHANGE_LABELS = {
    "proficiency_submitted_on": "Proficiency submitted",
    "proficiency_accepted_on": "Proficiency accepted",
    "maintenance_audit_on": "Maintenance audit submitted",
    "refresher_on": "Classroom training completed",
}


def _shown(value) -> str:
    return f"{value:%Y-%m-%d}" if value else "—"


def changes_since_verified(record: TrainingRecord) -> tuple[object | None, tuple[Change, ...]]:
    """For a record back in the queue: its last verified version and what differs now.

    (None, ()) for a record staff never verified.
    """
    version = last_verified_version(record)
    if version is None:
        return None, ()
    changes = [
        Change(label, _shown(getattr(version, f)), _shown(getattr(record, f)))
        for f, label in _CHANGE_LABELS.items()
        if getattr(version, f) != getattr(record, f)
    ]
    if version.evidence != record.evidence.name:
        changes.append(Change("Certificate file", version.evidence_name, record.evidence_name))
    return version, tuple(changes)


@dataclass(frozen=True)
class EvidenceVersion:
    history_id: int
    name: str
    size: int
    replaced_on: date


def earlier_evidence(record: TrainingRecord) -> tuple[EvidenceVersion, ...]:
    """The record's earlier certificate files, newest first: replaced, never overwritten."""
    versions = list(record.history.order_by("history_date", "history_id"))
    return tuple(
        EvidenceVersion(
            previous.history_id,
            previous.evidence_name or "certificate",
            previous.evidence_size,
            timezone.localdate(version.history_date),
        )
        for previous, version in reversed(list(zip(versions, versions[1:], strict=False)))
        if version.evidence != previous.evidence
    )
