"""Celery tasks: thin wrappers that take ids, re-read state and call the code that works.

The daily transitions run through `secor.tasks.daily_fanout` (one task per
association) and the `daily_jobs` hook registered in `audits.apps`.
"""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="audits.build_certificate_pdf", acks_late=True)
def build_certificate_pdf(revision_id: int) -> str:
    """Render, sign and store one certificate revision's PDF (idempotent; see certificate_pdf)."""
    from .certificate_pdf import build

    return build(revision_id)


@shared_task(name="audits.sweep_certificate_pdfs")
def sweep_certificate_pdfs() -> int:
    """Re-enqueue certificate PDFs still pending (the broker may have been down)."""
    from .certificate_pdf import sweep

    return sweep()
