"""Celery tasks: thin wrappers that set the association scope and call the job."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from secor.models import Association

from .jobs import apply_daily_transitions
from .schedule import local_date

logger = logging.getLogger(__name__)


@shared_task(name="audits.daily_transitions")
def daily_transitions() -> dict[str, int]:
    """Apply the day's transitions in every active association, at its local date."""
    counts = {}
    now = timezone.now()
    for association in Association.objects.filter(is_active=True).order_by("pk"):
        today = local_date(now, association.time_zone)
        counts[association.slug] = len(
            apply_daily_transitions(association=association, today=today)
        )
    return counts


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
