"""Demo data for ``make run``: rules and tools, and audit cycles in different states.

Runs after the employers and training demos and works with whatever employers
exist (it skips an association that has none). Idempotent: an enrollment that
already has a cycle, audits or milestones is left alone.

* AMTA: the first employer is certified (last day on site Jan 5 last year), its
  year-2 maintenance audit due by Dec 31 this year.
* ACSA: the first employer was certified two years before last and did no
  maintenance audit last year: the daily job cancels its SECOR.
* SCSA: the first employer registered seven months ago and is at milestone 2
  (courses accepted; self-audit and LSE proficiency due), letter #1 issued.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError

from employers.models import Employer, Enrollment, EnrollmentStatus
from secor.dates import association_today
from secor.models import Program
from secor.tenancy import activate

from . import certificates, selectors, services
from .jobs import apply_daily_transitions
from .models import Audit, AuditCycle, Milestone
from .schedule import add_months
from .snapshot import rules_snapshot


def _enrollment(association, employer, *, registered_on: date) -> Enrollment | None:
    program = Program.objects.filter(kind="secor").first()
    if program is None:
        return None
    enrollment = Enrollment.objects.filter(
        employer=employer, program=program, status__in=EnrollmentStatus.open_statuses()
    ).first()
    if enrollment is None:
        enrollment = Enrollment.objects.create(
            association=association,
            employer=employer,
            program=program,
            registered_on=registered_on,
        )
    return enrollment


def _untouched(employer) -> bool:
    """No cycle, audit or milestone yet: a second run (or a cancelled demo) stays as it is."""
    return not (
        AuditCycle.objects.filter(employer=employer).exists()
        or Audit.objects.filter(employer=employer).exists()
        or Milestone.objects.filter(employer=employer).exists()
    )


def _certified(association, employer, certified_on: date) -> Enrollment | None:
    if not _untouched(employer):
        return None
    enrollment = _enrollment(
        association, employer, registered_on=certified_on - timedelta(days=400)
    )
    if enrollment is None:
        return None
    tool = selectors.current_tool(enrollment.program)
    rules = selectors.program_rules(enrollment.program)
    if tool is None or rules is None:
        return None
    audit = Audit.objects.create(
        association=association,
        employer=employer,
        enrollment=enrollment,
        audit_type="certification",
        conducted_by="external_assessor",
        assessor_name="Jordan Demo-Assessor",
        data_gathering_start=certified_on - timedelta(days=10),
        data_gathering_end=certified_on,
        received_on=certified_on + timedelta(days=14),
        status="received",
        tool=tool,
        rules_snapshot=rules_snapshot(rules),
        year=1,
    )
    specs = selectors.tool_specs(tool)
    points = {s.number: Decimal(s.max_points) * Decimal("0.85") for s in specs}
    services.scores_save(audit=audit, points=points, actor=None)
    decided_on = certified_on + timedelta(days=30)
    services.audit_record_outcome(audit=audit, decided_on=decided_on, actor=None)
    try:
        certificates.certificate_issue(audit=audit, actor=None, today=decided_on)
    except ValidationError:
        # The training demo's records are recent, so they postdate this old audit:
        # the certificate comes in as the association's own record instead.
        audit.refresh_from_db()
        certificates.certificate_import(
            cycle=audit.cycle,
            number=certificates.next_number(
                enrollment.program, audit.cycle.certification_date.year
            ),
            actor=None,
        )
    enrollment.refresh_from_db()
    return enrollment


def _registrant_at_milestone_2(association, employer, today: date) -> None:
    if not _untouched(employer):
        return
    registered_on = add_months(today, -7)
    enrollment = _enrollment(association, employer, registered_on=registered_on)
    if enrollment is None:
        return
    if enrollment.registered_on != registered_on:
        enrollment.registered_on = registered_on
        enrollment.save(update_fields=["registered_on"])
    services.milestones_schedule(enrollment=enrollment, actor=None)
    courses = Milestone.objects.get(enrollment=enrollment, code="courses")
    services.milestone_record(
        milestone=courses, outcome="accepted", met_on=add_months(registered_on, 4), actor=None
    )
    manual = Milestone.objects.filter(enrollment=enrollment, code="self_audit_lse").first()
    if manual is not None:
        services.milestone_record(
            milestone=manual, outcome="submitted", actor=None, notes="Self-audit in review."
        )
    services.milestone_letter_record(
        enrollment=enrollment,
        number=1,
        issued_on=registered_on,
        expires_on=add_months(registered_on, 10),
        actor=None,
    )


def build(associations) -> None:
    for association in associations:
        if association.seed:
            services.program_setup_seed(association=association, seed_key=association.seed)
        today = association_today(association)
        with activate(association):
            employer = Employer.objects.order_by("pk").first()
            if employer is None:
                continue
            if association.slug == "amta":
                _certified(association, employer, date(today.year - 1, 1, 5))
            elif association.slug == "acsa":
                if _certified(association, employer, date(today.year - 2, 3, 1)) is not None:
                    apply_daily_transitions(association=association, today=today)
            elif association.slug == "scsa":
                _registrant_at_milestone_2(association, employer, today)
