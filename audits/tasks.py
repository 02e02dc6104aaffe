"""Celery tasks: thin wrappers that take ids, re-read state and call the code that works.

The daily transitions run through `secor.tasks.daily_fanout` (one task per
association) and the `daily_jobs` hook registered in `audits.apps`.
"""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="audits.build_certificate_pdf")
def build_certificate_pdf(revision_id: int) -> str:
    """Build the PDF of one certificate revision.

    The PDF builder lands with the PDF slice; until then the revision stays
    pending (the PDF sweep picks pending revisions up once it exists). Takes an
    id and re-reads the row, so enqueueing it twice is harmless.
    """
    from .models import CertificateRevision

    revision = CertificateRevision._base_manager.filter(pk=revision_id).first()
    if revision is None:
        return "missing"
    logger.info("certificate revision %s left pending: no PDF builder yet", revision_id)
    return str(revision.pdf_status)
