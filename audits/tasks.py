"""Celery tasks: thin wrappers that set the association scope and call the job."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from secor.models import Association

from .jobs import apply_daily_transitions
from .schedule import local_date


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
