"""Celery tasks: thin wrappers that call services."""

from celery import shared_task
from django_scopes import scopes_disabled

from secor.models import Association

from . import services


@shared_task(name="employers.refresh_eligibility")
def refresh_eligibility(association_id: int | None = None) -> int:
    """Redo the cached SECOR verdicts that are older than today (idempotent).

    The nightly run is `employers.jobs.refresh_eligibility` in the per-association
    daily fan-out; this task is for a manual rerun (all associations, or one).
    """
    with scopes_disabled():
        associations = Association.objects.filter(is_active=True)
        if association_id is not None:
            associations = associations.filter(pk=association_id)
        associations = list(associations)
    return sum(services.eligibility_refresh(association=a, stale_only=True) for a in associations)
