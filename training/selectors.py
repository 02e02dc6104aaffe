"""Reads: database rows turned into ``compliance.py`` facts, and the verdicts on them.

Every function takes its association from its arguments and queries with
``for_association``, so it works inside a view, a Celery task or a test alike.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy

from employers.models import Employer, Enrollment, EnrollmentStatus, WCBAccount, Worker
from secor.aggregates import related_values
from secor.evidence_files import lineage_of
from secor.models import EvidenceFile, Program, ProgramKind
from secor.request_memo import once

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


def course_rule_of(
    course: Course, prerequisites: tuple[str, ...] = (), accepted_prior: tuple[str, ...] = ()
) -> compliance.CourseRule:
    """One catalogue row as the rule's ``CourseRule``."""
    return compliance.CourseRule(
        code=course.code,
        name=course.name,
        validity_months=course.validity_months,
        prerequisites=prerequisites,
        accepted_prior=accepted_prior,
        proficiency_name=course.proficiency_name or None,
        proficiency_months=course.proficiency_months,
        accepted_until=course.accepted_until,
        min_hours=_hours(course.min_hours),
        maintenance=compliance.MaintenanceRule(
            name=course.maintenance_name or compliance.MaintenanceRule.name,
            submit_lead_months=course.maintenance_submit_lead_months,
        )
        if course.maintenance_required
        else None,
    )


def course_rules(association) -> tuple[compliance.CourseRule, ...]:
    """The association's whole catalogue, inactive courses included (old records need them).

    One query: each course with its prerequisites and accepted earlier courses.
    """
    courses = Course.objects.for_association(association).annotate(
        prerequisite_links=related_values(
            CoursePrerequisite.objects.for_association(association),
            "course",
            id="id",
            code="prerequisite__code",
        ),
        accepted_links=related_values(
            CourseEquivalent.objects.for_association(association),
            "course",
            id="id",
            code="accepted__code",
        ),
    )
    return tuple(
        course_rule_of(c, _codes(c.prerequisite_links), _codes(c.accepted_links)) for c in courses
    )


def _codes(links, *order: str) -> tuple[str, ...]:
    """The codes of ``related_values`` rows, in the admin's order (``order``, then id)."""
    rows = sorted(links or (), key=lambda link: (*(link[k] for k in order), link["id"]))
    return tuple(link["code"] for link in rows)


def offered_courses(association, today: date):
    """Catalogue courses a new record (or a correction) may name today.

    docs/rules.md#amta-tsb: a course past its "accepted until" day is not offered
    (old records keep it); inactive courses neither.
    """
    return (
        Course.objects.for_association(association)
        .filter(is_active=True)
        .filter(Q(accepted_until__isnull=True) | Q(accepted_until__gte=today))
        .order_by("name")
    )


def requirement_rules(program) -> tuple[compliance.RequirementRule, ...]:
    """The program's active requirements, in the admin's order."""
    association = program.association
    # One query: each requirement with its courses (``RequirementCourse``, in order).
    requirements = list(
        TrainingRequirement.objects.for_association(association)
        .filter(program=program, is_active=True)
        .annotate(
            course_links=related_values(
                RequirementCourse.objects.for_association(association),
                "requirement",
                id="id",
                position="position",
                code="course__code",
            )
        )
    )
    codes = {r.pk: _codes(r.course_links, "position") for r in requirements}
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
            held_by_assessor=r.held_by_assessor,
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


def record_of(record: TrainingRecord, facts=None) -> compliance.Record:
    """The rule's ``Record``: of ``facts`` (a ``RecordVerification``) or else the row itself.

    A course outside the catalogue has course code "" and its title.
    """
    facts = facts if facts is not None else record
    return compliance.Record(
        person_id=record.worker_id,
        course_code=facts.course.code if facts.course_id else "",
        completed_on=facts.completed_on,
        certificate_number=facts.certificate_number,
        hours=_hours(facts.hours),
        proficiency_submitted_on=facts.proficiency_submitted_on,
        proficiency_accepted_on=facts.proficiency_accepted_on,
        maintenance_audit_on=facts.maintenance_audit_on,
        refresher_on=facts.refresher_on,
        title=facts.other_course_title,
    )


def counted_records(association, **filters) -> list[tuple[TrainingRecord, compliance.Record]]:
    """The records compliance counts, each with the facts it counts.

    Only what staff have verified counts: each record's ``verification``, the
    facts staff last verified, in explicit columns (docs/rules.md#training-records).
    A record an employer has since corrected waits in the queue and meanwhile
    counts as last verified, so reporting progress never makes verified training
    disappear; a correction staff reject leaves it so too. A record never
    verified, or withdrawn, counts for nothing.
    """
    rows = (
        TrainingRecord.objects.for_association(association)
        .filter(verification__isnull=False, **filters)
        .exclude(status=RecordStatus.WITHDRAWN)
        .select_related("course", "verification", "verification__course")
    )
    return [(row, record_of(row, row.verification)) for row in rows]


def program_for(employer: Employer, enrollments: list[Enrollment] | None = None) -> Program | None:
    """The employer's open SECOR enrollment's program, else the association's SECOR program.

    ``enrollments``: the employer's enrollments with their programs, when read already.
    """
    association = employer.association
    if enrollments is None:
        enrollment = (
            Enrollment.objects.for_association(association)
            .filter(
                employer=employer,
                program__kind=ProgramKind.SECOR,
                status__in=EnrollmentStatus.open_statuses(),
            )
            .select_related("program", "program__association")
            .first()
        )
    else:
        enrollment = next(
            (
                e
                for e in enrollments
                if e.program.kind == ProgramKind.SECOR
                and e.status in EnrollmentStatus.open_statuses()
            ),
            None,
        )
    if enrollment is not None:
        return enrollment.program
    return Program.objects.for_association(association).filter(kind=ProgramKind.SECOR).first()


def default_wcb_account(employer: Employer, accounts: list[WCBAccount] | None = None):
    """The employer's first active WCB account (by board and number).

    ``accounts``: the employer's accounts, when read already.
    """
    if accounts is not None:
        active = [a for a in accounts if a.is_active]
        return min(active, key=lambda a: (a.board, a.account_number, a.pk), default=None)
    return (
        WCBAccount.objects.for_association(employer.association)
        .filter(employer=employer, is_active=True)
        .order_by("board", "account_number", "id")
        .first()
    )


def account_label(account: WCBAccount | None) -> str:
    return f"{account.board} {account.account_number}" if account is not None else ""


def designations(association, employer=None) -> tuple[compliance.Designation, ...]:
    """Every trained-employee designation in the association, for the one-account rule.

    A designation is matched by worker id (the same roster row) and by each of
    that worker's verified certificate numbers (the same human on another
    employer's roster). Those of employers other than ``employer`` are marked
    ``other_employer``: the reasons shown to ``employer`` do not name them.
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
        other = employer is not None and d.employer_id != employer.pk
        found.append(
            compliance.Designation(wcb_account=label, person_id=d.worker_id, other_employer=other)
        )
        found.extend(
            compliance.Designation(
                wcb_account=label, certificate_number=number, other_employer=other
            )
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
    # Every record but the withdrawn, newest first (the matrix), each with the
    # facts compliance counts for it when staff verified it (``counted_records``).
    rows: tuple[TrainingRecord, ...] = ()
    counted: dict[int, compliance.Record] = field(default_factory=dict)
    # The employer's WCB accounts, when the caller had read them (None: read when needed).
    wcb_accounts: tuple[WCBAccount, ...] | None = None


def employer_facts(
    employer: Employer, program: Program | None = None, *, page: dict | None = None
) -> EmployerFacts:
    """The employer's facts in a fixed number of queries, whatever its rows.

    ``page``: what the employer home has read already (``employers.selectors.employer_page``:
    its workers, enrollments and WCB accounts are not read again).
    """
    association = employer.association
    program = program or program_for(employer, page["enrollments"] if page else None)
    if program is not None and program.association_id == association.pk:
        program.association = association  # the same row: no query for it
    workers = tuple(
        page["workers"]
        if page
        else Worker.objects.for_association(association).filter(employer=employer)
    )
    rows = tuple(
        TrainingRecord.objects.for_association(association)
        .filter(employer=employer)
        .exclude(status=RecordStatus.WITHDRAWN)
        .select_related("course", "verification", "verification__course")
        .order_by("-completed_on", "-id")
    )
    # As `counted_records`: only what staff verified counts, as they verified it.
    counted = {r.pk: record_of(r, r.verification) for r in rows if r.verification is not None}
    return EmployerFacts(
        program=program,
        requirements=requirement_rules(program) if program is not None else (),
        courses=course_rules(association),
        workers=workers,
        people=tuple(person_of(w) for w in workers),
        records=tuple(counted.values()),
        rows=rows,
        counted=counted,
        wcb_accounts=tuple(page["wcb_accounts"]) if page else None,
    )


def employer_facts_today(employer: Employer, *, page: dict | None = None) -> EmployerFacts:
    """``employer_facts`` read once per request (``secor.request_memo``)."""
    return once(
        ("training.employer_facts", employer.pk), lambda: employer_facts(employer, page=page)
    )


def compliance_today(
    employer: Employer, today: date, *, page: dict | None = None
) -> compliance.ComplianceReport:
    """Today's report of ``employer``, assessed once per request: the employer home's
    checklist and its training panel, and the training page, show this one."""
    return once(
        ("training.compliance_today", employer.pk, today),
        lambda: compliance_for(
            employer=employer, as_of=today, facts=employer_facts_today(employer, page=page)
        ),
    )


def compliance_for(
    *,
    employer: Employer,
    as_of: date,
    wcb_account: WCBAccount | None = None,
    assessor_worker: Worker | None = None,
    program: Program | None = None,
    lead_days: int = 90,
    facts: EmployerFacts | None = None,
) -> compliance.ComplianceReport:
    """Each training requirement of ``employer`` met or not on ``as_of`` (an audit's start).

    ``program`` None: the employer's open SECOR enrollment's program, else the
    association's SECOR program (no program: a report with no verdicts).
    ``wcb_account`` None: the employer's first active account. ``assessor_worker``
    is the person conducting the audit: on this employer's roster or another
    employer's in the association (an external assessor); their verified records
    count for "assessor" requirements only. Only staff-verified records count.
    Designations for other WCB accounts come from the whole association.
    ``facts``: the employer's facts when the caller has read them already.
    """
    association = employer.association
    if wcb_account is not None and wcb_account.employer_id != employer.pk:
        raise ValueError("The WCB account belongs to another employer.")
    if assessor_worker is not None and assessor_worker.association_id != association.pk:
        raise ValueError("The assessor belongs to another association.")
    facts = facts or employer_facts(employer, program)
    account = wcb_account or default_wcb_account(employer, facts.wcb_accounts)
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
        # Only the one-account rule reads them (docs/rules.md#scsa-one-wcb-account).
        designations=designations(association, employer)
        if any(r.one_wcb_account_per_person for r in facts.requirements)
        else (),
        assessor_id=assessor_worker.pk if assessor_worker is not None else None,
        lead_days=lead_days,
    )


@dataclass(frozen=True)
class TrainingChart:
    rows: tuple[compliance.ChartRow, ...]
    report: compliance.ComplianceReport  # the assessment the rows are read from


def chart_for(employer: Employer, *, as_of: date) -> TrainingChart:
    """The SCSA-style training chart of ``employer`` on ``as_of``: who holds each
    required course, read from the compliance assessment of that day."""
    facts = employer_facts(employer)
    report = compliance_for(employer=employer, as_of=as_of, facts=facts)
    return TrainingChart(compliance.training_chart(report, facts.courses), report)


def pending_records(association):
    """The verification queue, oldest first."""
    return (
        TrainingRecord.objects.for_association(association)
        .filter(status=RecordStatus.PENDING)
        .select_related("association", "employer", "worker", "course")
        .order_by("created_at", "id")
    )


PENDING_AGE_BUCKETS = ((0, 7), (8, 30), (31, None))  # days waiting: a week, a month, longer


def pending_by_age(association, *, today: date) -> list[tuple[tuple[int, int | None], int]]:
    """Training records waiting for verification, by days waiting (one query)."""
    from datetime import datetime, time, timedelta
    from zoneinfo import ZoneInfo

    from django.db.models import Count, Q
    from django.utils import timezone

    zone = ZoneInfo(association.time_zone)

    def since(days: int):  # the start of the day `days` days ago, local time
        return timezone.make_aware(datetime.combine(today - timedelta(days=days), time.min), zone)

    counts = {}
    for low, high in PENDING_AGE_BUCKETS:
        # Waiting `low` days or more: received before the end of the day `low` days ago.
        window = Q(created_at__lt=since(low - 1))
        if high is not None:
            window &= Q(created_at__gte=since(high))
        counts[f"b{low}"] = Count("pk", filter=window)
    found = pending_records(association).order_by().aggregate(**counts)
    return [((low, high), found[f"b{low}"]) for low, high in PENDING_AGE_BUCKETS]


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
    "not_accepted_after": gettext_lazy("No longer accepted"),
    "too_few_hours": gettext_lazy("Too few hours"),
    "proficiency_missed": gettext_lazy("Proficiency missed"),
    "proficiency_pending": gettext_lazy("Proficiency due"),
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
    def code_of(record: TrainingRecord) -> str:
        # A counted record is judged as verified (its course may since be corrected).
        return counted[record.pk].course_code if record.pk in counted else record.course_code

    matching = [
        r for r in records if code_of(r) and code_of(r) in (course.code, *course.accepted_prior)
    ]
    if not matching:
        return MatrixCell("missing", gettext("Not trained"))
    judged = []
    for record in (r for r in matching if r.pk in counted):
        rule = rules.get(code_of(record), course)
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
        if until is None:
            text = gettext("Valid (completed %(date)s)") % {"date": f"{fact.completed_on:%Y-%m-%d}"}
            state = "valid"
        else:
            state = "expiring" if (until - as_of).days <= lead_days else "valid"
            text = (
                gettext("Expiring until %(date)s")
                if state == "expiring"
                else gettext("Valid until %(date)s")
            ) % {"date": f"{until:%Y-%m-%d}"}
        if record.status == "pending":
            text = gettext("%(state)s; update waiting for verification") % {"state": text}
        return MatrixCell(state, text, record)
    pending = [r for r in matching if r.status == RecordStatus.PENDING]
    if pending:
        return MatrixCell("pending", gettext("Waiting for verification"), pending[0])
    if judged:
        record, status, rule, fact = max(judged, key=lambda j: j[3].completed_on)
        if status == "expired":
            until = compliance.record_valid_until(rule, fact)
            return MatrixCell(
                "expired", gettext("Expired %(date)s") % {"date": f"{until:%Y-%m-%d}"}, record
            )
        return MatrixCell("problem", str(STATE_TEXT.get(status, status)), record)
    return MatrixCell("rejected", gettext("Rejected"), matching[0])


def training_matrix(
    employer: Employer, *, as_of: date, lead_days: int = 90, facts: EmployerFacts | None = None
) -> Matrix:
    """Current workers × the program's required courses, each cell the best record's state.

    ``facts``: the employer's facts when the caller has read them already (no query then).
    """
    facts = facts or employer_facts(employer)
    rules = {c.code: c for c in facts.courses}
    columns = tuple(rules[code] for code in required_course_codes(facts.requirements))
    records = defaultdict(list)
    for record in facts.rows:
        records[record.worker_id].append(record)
    current = [w for w in facts.workers if w.end_date is None or w.end_date >= as_of]
    return Matrix(
        courses=columns,
        rows=tuple(
            MatrixRow(
                w,
                tuple(
                    _cell(c, rules, records[w.pk], facts.counted, as_of, lead_days) for c in columns
                ),
            )
            for w in current
        ),
    )


# --- A record's versions: what changed since staff verified it, earlier files ------


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


_CHANGE_LABELS = {
    "completed_on": "Completion date",
    "certificate_number": "Certificate number",
    "hours": "Hours",
    "other_course_title": "Course title",
    "other_course_provider": "Course provider",
    "proficiency_submitted_on": "Proficiency submitted",
    "proficiency_accepted_on": "Proficiency accepted",
    "maintenance_audit_on": "Maintenance audit submitted",
    "refresher_on": "Classroom training completed",
}


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    return f"{value:%Y-%m-%d}" if isinstance(value, date) else str(value)


def changes_since_verified(record: TrainingRecord) -> tuple[object | None, tuple[Change, ...]]:
    """For a record back in the queue: its last verified version and what differs now.

    (None, ()) for a record staff never verified. Read from the verification's
    own columns, never from history.
    """
    version = record.verification
    if version is None:
        return None, ()
    changes = []
    if version.course_id != record.course_id:
        changes.append(Change("Course", version.course_name, record.course_name))
    changes += [
        Change(label, _shown(getattr(version, f)), _shown(getattr(record, f)))
        for f, label in _CHANGE_LABELS.items()
        if getattr(version, f) != getattr(record, f)
    ]
    if version.evidence_file_id != record.evidence_file_id:
        changes.append(
            Change(
                "Certificate file",
                version.evidence_file.original_name if version.evidence_file_id else "—",
                record.evidence_file.original_name,
            )
        )
    return version, tuple(changes)


def earlier_evidence(record: TrainingRecord) -> tuple[EvidenceFile, ...]:
    """The record's earlier certificate files, newest first: replaced, never overwritten."""
    return tuple(lineage_of(record.evidence_file).exclude(pk=record.evidence_file_id))


def evidence_version(record: TrainingRecord, version: int) -> EvidenceFile | None:
    """Version ``version`` of the record's certificate file (its own lineage only), or None."""
    return lineage_of(record.evidence_file).filter(version=version).first()
