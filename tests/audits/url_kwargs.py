"""URL keyword builders for the tenancy walk (tests/secor/test_tenancy.py)."""

from secor import hooks
from secor.tenancy import activate

from .factories import audit, seeded


def _audit_id(association, employer):
    return audit(association, employer).pk


def _rules_id(association, employer):
    from audits.models import ProgramRules

    program = seeded(association)
    with activate(association):
        return ProgramRules.objects.get(program=program).pk


def _program_id(association, employer):
    return seeded(association).pk


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


def _certificate_id(association, employer):
    from .certificate_setup import make_certificate

    return make_certificate(association, employer=employer).pk


BUILDERS = {
    "kind": lambda association, employer: "registration",
    "certificate_id": _certificate_id,
    # A revision number only means something with its certificate, whose id
    # already decides the 404.
    "revision": lambda association, employer: 1,
    "audit_id": _audit_id,
    "rules_id": _rules_id,
    "program_id": _program_id,
    "tool_id": _tool_id,
    "milestone_id": _milestone_id,
}


@hooks.url_walk_builders.register
def builders() -> dict:
    return BUILDERS
