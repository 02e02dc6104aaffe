"""A passed certification audit ready for its certificate, on real training data."""

from __future__ import annotations

from datetime import date

from audits import services
from secor.tenancy import activate

from .factories import audit as make_audit
from .factories import enrollment, seeded
from .training_setup import amta_trained_assessor


def passed_audit(association, *, start=date(2021, 1, 1), end=date(2021, 1, 5), employer=None):
    """An AMTA-style employer with a trained, full-time worker and an active WCB account,
    whose certification audit (data gathering `start`–`end`) passed at 85 %."""
    seeded(association)
    e = enrollment(association, employer=employer, status="in_progress")
    worker = amta_trained_assessor(e.employer, self_evaluator_on=date(2019, 3, 1))
    audit = make_audit(
        association,
        employer=e.employer,
        data_gathering_start=start,
        data_gathering_end=end,
    )
    with activate(association):
        services.scores_save(
            audit=audit, points=dict.fromkeys(range(1, 11), 85), actor=None, today=end
        )
        services.audit_record_outcome(audit=audit, decided_on=end, actor=None)
        audit.refresh_from_db()
    audit.worker = worker
    return audit
