"""Thin Celery tasks: take ids, re-read the rows, call the code that does the work."""

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
