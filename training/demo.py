"""Demo data: each association's seeded catalogue and training records for demo workers.

Runs after ``employers.demo`` (``hooks.demo_builders`` run in ``INSTALLED_APPS``
order) and works with whatever workers exist; an association without workers gets
its catalogue only. Idempotent: records are made once per association (their
certificate numbers start "DEMO-").
"""

from __future__ import annotations

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from employers.models import Worker
from secor.dates import association_today
from secor.models import Membership, Role
from secor.tenancy import activate

from . import services
from .compliance import TRAINED_EMPLOYEE_STATUSES, add_months
from .models import Course, TrainingRecord
from .selectors import offered_courses, program_for, required_course_codes, requirement_rules

_PDF: list[bytes] = []


def _certificate(text: str) -> SimpleUploadedFile:
    if not _PDF:
        import weasyprint

        _PDF.append(
            weasyprint.HTML(
                string="<h1>Certificate of completion</h1><p>Demo certificate</p>"
            ).write_pdf()
        )
    return SimpleUploadedFile(f"{text}.pdf", _PDF[0], content_type="application/pdf")


def build(associations) -> None:
    for association in associations:
        if association.seed:
            services.catalogue_seed(association=association, seed_key=association.seed)
        with activate(association):
            _records(association)


def _records(association) -> None:
    if TrainingRecord.objects.filter(certificate_number__startswith="DEMO-").exists():
        return
    # Trained-employee types first, so the valid records count for compliance.
    workers = sorted(
        Worker.objects.select_related("employer").filter(end_date__isnull=True),
        key=lambda w: (w.employment_status not in TRAINED_EMPLOYEE_STATUSES, w.pk),
    )
    if not workers:
        return
    staff = (
        Membership.objects.filter(role=Role.PROGRAM_ADMIN, is_active=True)
        .select_related("user")
        .first()
    )
    today = association_today(association)
    courses = {c.code: c for c in Course.objects.all()}
    program = program_for(workers[0].employer)
    codes = required_course_codes(requirement_rules(program)) if program else []
    # Only courses still offered (docs/rules.md#amta-tsb: TSB cannot be recorded any more).
    offered = set(offered_courses(association, today).values_list("code", flat=True))
    codes = [c for c in codes if c in offered] or [c for c in courses if c in offered][:2]
    counter = iter(range(1, 1000))

    def add(worker, code, completed_on, *, verify=True):
        course = courses[code]
        proficiency = min(add_months(completed_on, 2), today) if course.proficiency_months else None
        record = services.record_add(
            employer=worker.employer,
            worker=worker,
            course=course,
            completed_on=completed_on,
            certificate_number=f"DEMO-{code}-{next(counter):03d}",
            hours=8,
            proficiency_submitted_on=proficiency,
            proficiency_accepted_on=proficiency,
            evidence=_certificate(f"{worker.full_name} {code}"),
            actor=None,
            today=today,
        )
        if verify and staff is not None:
            services.record_verify(record=record, actor=staff.user)
        return record

    first = workers[0]
    # Valid: every required course, prerequisites first (catalogue order puts SM before SAT).
    for code in _prerequisites_first(codes, courses):
        add(first, code, add_months(today, -12))
    expiring = next((c for c in codes if courses[c].validity_months), None)
    if expiring is not None:
        months = courses[expiring].validity_months
        second = workers[1] if len(workers) > 1 else first
        # Valid for about one more month: shows as expiring.
        _ensure_prerequisites(add, second, expiring, courses, add_months(today, 1 - months))
        add(second, expiring, add_months(today, 1 - months))
        third = workers[2] if len(workers) > 2 else second
        # Expired two months ago.
        _ensure_prerequisites(add, third, expiring, courses, add_months(today, -2 - months))
        add(third, expiring, add_months(today, -2 - months))
    # One record waiting in the staff verification queue.
    add(workers[-1], codes[0], add_months(today, -1), verify=False)


def _prerequisites_first(codes: list[str], courses) -> list[str]:
    ordered: list[str] = []

    def visit(code: str) -> None:
        if code in ordered:
            return
        for prerequisite in courses[code].prerequisites.all():
            if prerequisite.code in codes:
                visit(prerequisite.code)
        ordered.append(code)

    for code in codes:
        visit(code)
    return ordered


def _ensure_prerequisites(add, worker, code: str, courses, before: date) -> None:
    for prerequisite in courses[code].prerequisites.all():
        add(worker, prerequisite.code, add_months(before, -1))
