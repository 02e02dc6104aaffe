"""The audits app's outcome services, called when a submission for an audit moves.

`audits` owns the audit's outcome (received → passed | failed); this module is
the one place `submissions` calls it from, so the services below stay
readable. Until `audits.services` provides a function, the call is skipped
with a log line (the submission's own state and events are still written).
"""

from __future__ import annotations

import logging
from datetime import date

logger = logging.getLogger(__name__)


def _service(name: str):
    from audits import services

    fn = getattr(services, name, None)
    if fn is None:
        logger.warning("audits.services.%s is not available; audit outcome not recorded", name)
    return fn


def mark_received(*, audit, received_on: date, actor):
    """The evaluation passed inspection and entered the review queue."""
    # A resubmission enters the queue again: the audit was received with version 1.
    if audit.received_on is not None:
        return audit
    fn = _service("audit_mark_received")
    return fn(audit=audit, received_on=received_on, actor=actor) if fn else audit


def record_outcome(*, audit, actor, decided_on: date):
    """The reviewer accepted the evaluation: the final scores decide passed or failed."""
    fn = _service("audit_record_outcome")
    return fn(audit=audit, actor=actor, decided_on=decided_on) if fn else audit


def record_rejection(*, audit, actor, decided_on: date, reason_code: str, note: str):
    """The reviewer rejected the evaluation: the audit fails with that reason."""
    fn = _service("audit_record_rejection")
    if fn is None:
        return audit
    return fn(audit=audit, actor=actor, decided_on=decided_on, reason_code=reason_code, note=note)
