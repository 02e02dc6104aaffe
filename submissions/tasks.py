"""Celery tasks: thin wrappers that take ids, set the association scope and call services."""

from __future__ import annotations

import logging

from celery import shared_task

from secor.models import Association

logger = logging.getLogger(__name__)


@shared_task(name="submissions.inspect", acks_late=True)
def inspect_submission(association_id: int, submission_id: int) -> str | None:
    """Inspect one upload (idempotent: one already past inspection is left alone)."""
    from . import services

    association = Association.objects.filter(pk=association_id).first()
    if association is None:
        return None
    submission = services.submission_inspect(submission_id=submission_id, association=association)
    return submission.status if submission is not None else None


@shared_task(name="submissions.sweep_pending_inspections")
def sweep_pending_inspections() -> int:
    """Re-enqueue uploads still waiting for inspection (the broker was down, a worker died)."""
    from . import services

    pending = services.sweep_pending()
    for association_id, submission_id in pending:
        inspect_submission.delay(association_id, submission_id)
    return len(pending)


@shared_task(name="submissions.expire_uploads")
def expire_uploads() -> int:
    """Drop the temporary files of uploads abandoned past their expiry."""
    from . import services

    return services.upload_expire()
