"""Factories for the audits app: seeded rules and tools, enrollments, cycles, audits."""

from __future__ import annotations

from datetime import date

from django.apps import apps

from audits import certificates, services
from audits.models import Audit, AuditCycle, AuditTool
from audits.seeds import seed_association
from audits.snapshot import rules_snapshot
from employers.models import Enrollment
from secor.models import Program
from secor.tenancy import activate

from ..factories import EmployerFactory, WorkerFactory


def seeded(association, seed_key: str = "amta"):
    """Seed `association` with the rules and tools of `seed_key`; returns its SECOR program."""
    with activate(association):
        seed_association(apps.get_model, association, seed_key)
        return Program.objects.get(association=association, kind="secor")


def seed_key_for(association) -> str:
    return association.slug if association.slug in ("amta", "acsa", "scsa") else "amta"


def enrollment(association, *, employer=None, status="registered", registered_on=None, seed=None):
    """An open enrollment of `employer` (reused if it has one) in the seeded SECOR program."""
    program = seeded(association, seed or seed_key_for(association))
    employer = employer or EmployerFactory(association=association)
    with activate(association):
        existing = Enrollment.objects.filter(
            employer=employer,
            program=program,
            status__in=["registered", "in_progress", "certified"],
        ).first()
    if existing is not None:
        return existing
    return Enrollment.objects.create(
        association=association,
        employer=employer,
        program=program,
        status=status,
        registered_on=registered_on or date(2020, 6, 1),
    )


def certified(association, certification_date=date(2021, 1, 5), *, certificate=True, **kwargs):
    """An enrollment certified on `certification_date`, with its cycle and certificate."""
    e = enrollment(association, status="in_progress", **kwargs)
    with activate(association):
        cycle = services.cycle_start(
            enrollment=e, certification_date=certification_date, actor=None
        )
        if certificate:
            certificates.certificate_import(
                cycle=cycle, number=f"T-{association.slug}-{cycle.pk}", actor=None
            )
    e.refresh_from_db()
    return e, cycle


def audit(association, employer=None, **fields) -> Audit:
    """A planned audit, written directly (no plan check): for URL walks and scoring tests."""
    e = enrollment(association, employer=employer)
    with activate(association):
        program = e.program
        rules = services.selectors.program_rules(program)
        tool = AuditTool.objects.filter(program=program, status="published").order_by("-version")[0]
        values = {
            "association": association,
            "employer": e.employer,
            "enrollment": e,
            "audit_type": "certification",
            "conducted_by": "external_assessor",
            "assessor_name": "Pat Assessor",
            "data_gathering_start": date(2021, 1, 1),
            "data_gathering_end": date(2021, 1, 5),
            "tool": tool,
            "rules_snapshot": rules_snapshot(rules),
            "year": 1,
        }
        values.update(fields)
        return Audit.objects.create(**values)


__all__ = ["AuditCycle", "audit", "certified", "enrollment", "seeded"]


def plannable(e):
    """Make ``e`` plannable: confirmed by staff, AMTA training seeded and a trained assessor.

    Returns the keyword arguments naming who conducts the audit.
    """
    from .training_setup import amta_trained_assessor

    if e.status == "registered":
        Enrollment.objects.filter(pk=e.pk).update(status="in_progress")
        e.refresh_from_db()
    worker = amta_trained_assessor(e.employer, self_evaluator_on=date(2020, 6, 1))
    return {"conducted_by": "trained_assessor", "assessor_worker": worker}


def seeded_with_training(association):
    """AMTA's rules, tools and training catalogue in ``association`` (for ``busy_employer``)."""
    from training import services as training_services

    seeded(association)
    training_services.catalogue_seed(association=association, seed_key="AMTA")


def busy_employer(association, *, workers: int, cycles: int):
    """A certified AMTA employer with as many of each thing its pages read as asked.

    ``workers`` workers, each with a verified and a pending training record;
    ``cycles`` (at most 10) earlier cycles, each with its certificate and a passed
    audit, before the current cycle (certified 2021-01-05). The employer's pages
    must read it in the same number of queries whatever its size. Call
    ``seeded_with_training`` first.
    """
    from ..training.factories import TrainingRecordFactory
    from ..training.helpers import course, verified
    from .training_setup import amta_trained_assessor

    employer = EmployerFactory(association=association)
    e = enrollment(association, employer=employer, status="in_progress")
    amta_trained_assessor(employer, self_evaluator_on=date(2020, 6, 1))
    for n in range(workers):
        other = WorkerFactory(employer=employer, association=association, full_name=f"Worker {n}")
        verified(other, "HSSB", date(2019, 1, 1))
        TrainingRecordFactory(employer=employer, worker=other, course=course(association, "SE"))
    with activate(association):
        for n in range(cycles):
            cycle = services.cycle_start(
                enrollment=e, certification_date=date(1990 + 3 * n, 1, 5), actor=None
            )
            certificates.certificate_import(
                cycle=cycle, number=f"T-{association.slug}-{cycle.pk}", actor=None
            )
            audit(
                association,
                employer=employer,
                cycle=cycle,
                status="passed",
                data_gathering_start=date(1990 + 3 * n, 1, 1),
                data_gathering_end=date(1990 + 3 * n, 1, 5),
            )
        cycle = services.cycle_start(enrollment=e, certification_date=date(2021, 1, 5), actor=None)
        certificates.certificate_import(
            cycle=cycle, number=f"T-{association.slug}-{cycle.pk}", actor=None
        )
    return employer
