"""URL keyword builders for the tenancy walk (tests/secor/test_tenancy.py)."""

from secor.tenancy import activate

from .factories import audit, seeded


def _audit_id(association, employer):
    return audit(association, employer).pk


def _rules_id(association, employer):
    from audits.models import ProgramRules

    program = seeded(association)
    with activate(association):
        return ProgramRules.objects.get(program=program).pk


def _tool_id(association, employer):
    from audits.models import AuditTool

    program = seeded(association)
    with activate(association):
        return AuditTool.objects.filter(program=program).order_by("-version")[0].pk


def _milestone_id(association, employer):
    from datetime import date

    from audits.models import Milestone

    from .factories import enrollment

    e = enrollment(association, employer=employer)
    with activate(association):
        return Milestone.objects.create(
            association=association,
            employer=e.employer,
            enrollment=e,
            code="manual",
            label="Manual submitted",
            opens_on=date(2021, 1, 1),
            due_on=date(2021, 6, 1),
        ).pk


BUILDERS = {
    "audit_id": _audit_id,
    "rules_id": _rules_id,
    "tool_id": _tool_id,
    "milestone_id": _milestone_id,
}


def _certificate(association, employer):
    from datetime import date

    from audits import certificates

    from .factories import certified

    e, cycle = certified(association, date(2021, 1, 5), certificate=False, employer=employer)
    with activate(association):
        return certificates.certificate_import(cycle=cycle, number=f"WALK-{cycle.pk}", actor=None)


def _certificate_id(association, employer):
    return _certificate(association, employer).pk


def _revision_id(association, employer):
    certificate = _certificate(association, employer)
    with activate(association):
        return certificate.revisions.get().pk


BUILDERS["certificate_id"] = _certificate_id
BUILDERS["revision_id"] = _revision_id
