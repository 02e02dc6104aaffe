"""Thin Celery tasks: take ids, re-read the rows, call the code that does the work."""

import smtplib

from celery import shared_task
from django.urls import reverse
from django_scopes import scopes_disabled

from .emails import send_templated


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation_email(invitation_id: int, token: str) -> None:
    """Email an invitation link (SMTP can be slow or down: retried, never in the request)."""
    from .models import Invitation

    with scopes_disabled():
        invitation = Invitation.objects.select_related("association", "invited_by").get(
            pk=invitation_id
        )
    if invitation.status != "pending":
        return
    from .services import inviter_email

    # Only what the platform vouches for: the association (named by its
    # operator) and the inviter's verified address — no text the inviter typed.
    send_templated(
        "invitation",
        invitation.email,
        {
            "invitation": invitation,
            "association": invitation.association,
            "inviter_email": inviter_email(invitation),
            "path": reverse("invitation_accept", kwargs={"token": token}),
        },
    )


@shared_task(name="secor.daily_fanout")
def daily_fanout() -> dict[str, str]:
    """Beat's daily entry: one `run_daily_for_association` task per active association.

    Each association runs in its own task at its own local date, so one that
    fails (or is slow) holds up no other. Returns the local date enqueued per slug.
    """
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from .models import Association

    now = timezone.now()
    enqueued = {}
    for association in Association.objects.filter(is_active=True).order_by("pk"):
        local = now.astimezone(ZoneInfo(association.time_zone)).date().isoformat()
        run_daily_for_association.delay(association.pk, local)
        enqueued[association.slug] = local
    return enqueued


@shared_task(name="secor.run_daily_for_association")
def run_daily_for_association(association_id: int, local_date: str) -> dict[str, object]:
    """Run every app's `hooks.daily_jobs` for one association and its local date.

    Idempotent (each job is). A job that raises is logged and reported as
    failed; the other jobs still run.
    """
    import logging
    from datetime import date

    from . import hooks
    from .models import Association

    logger = logging.getLogger(__name__)
    if not Association.objects.filter(pk=association_id, is_active=True).exists():
        return {}
    day = date.fromisoformat(local_date)
    results: dict[str, object] = {}
    for job in hooks.daily_jobs:
        name = f"{job.__module__}.{job.__qualname__}"
        try:
            results[name] = job(association_id, day)
        except Exception:  # one app's failure must not stop the others
            logger.exception("daily job %s failed for association %s", name, association_id)
            results[name] = {"failed": True}
    return results


# --- Reminders (secor.notifications) ---------------------------------------------
# acks_late + reject_on_worker_lost (also the project defaults): a worker killed
# mid-task leaves the message to be delivered again, and the claim in
# secor.notifications makes that second run send nothing twice.


@shared_task(name="secor.reminders_fan_out", acks_late=True, reject_on_worker_lost=True)
def reminders_fan_out() -> dict:
    """Hourly: start each association's daily sweep once its local hour has come."""
    from . import notifications

    return notifications.fan_out()


@shared_task(name="secor.reminder_sweep", acks_late=True, reject_on_worker_lost=True)
def reminder_sweep(association_id: int, local_date: str) -> dict:
    from . import notifications

    return notifications.run_sweep_task(association_id, local_date)


@shared_task(name="secor.send_reminder", acks_late=True, reject_on_worker_lost=True)
def send_reminder(reminder_id: int) -> str:
    from . import notifications

    return notifications.deliver_reminder(reminder_id)


@shared_task(name="secor.send_reminders", acks_late=True, reject_on_worker_lost=True)
def send_reminders(reminder_ids: list[int]) -> dict[str, int]:
    """A batch from one sweep; each reminder is claimed on its own."""
    from collections import Counter

    from . import notifications

    return dict(Counter(notifications.deliver_reminder(pk) for pk in reminder_ids))


@shared_task(
    bind=True,
    name="secor.send_reminder_email",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def send_reminder_email(self, delivery_id: int) -> str:
    """SMTP down or slow: retried with back-off; each attempt claims the delivery first."""
    from . import notifications

    return notifications.send_delivery(
        delivery_id, final_attempt=self.request.retries >= self.max_retries
    )


@shared_task(
    name="secor.send_notice_email",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def send_notice_email(notification_id: int) -> str:
    """Email an in-app notice another app created (status changes…), once."""
    from . import notifications

    return notifications.send_notice_email(notification_id)
