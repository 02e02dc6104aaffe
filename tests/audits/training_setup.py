"""Real training data for plan checks: AMTA's seeded catalogue and verified records."""

from __future__ import annotations

from datetime import date

from training import services as training_services

from ..factories import WCBAccountFactory, WorkerFactory
from ..training.helpers import verified


def amta_trained_assessor(employer, *, self_evaluator_on: date, full_name="Sam Lee"):
    """A full-time worker with HSSB and Self-Evaluator training (valid 3 years from the date).

    Call after the SECOR program exists (tests.audits.factories.seeded).
    """
    training_services.catalogue_seed(association=employer.association, seed_key="AMTA")
    WCBAccountFactory(employer=employer, association=employer.association)
    worker = WorkerFactory(
        employer=employer,
        association=employer.association,
        full_name=full_name,
        start_date=date(2010, 1, 1),
    )
    verified(worker, "HSSB", date(2012, 5, 1))
    verified(worker, "SE", self_evaluator_on)
    return worker
