"""Reads that deliberately look across associations, for the signed-in user only."""

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django_scopes import scopes_disabled

from .models import Membership, Notification


def memberships_for_user(user) -> list[Membership]:
    """The user's active memberships, for the switcher, the home page and ``association_view``.

    One query, whatever the page: each membership comes with its association, its
    employer (employer users) and ``unread_notifications``, the user's unread
    notices there (the navbar's badge).
    """
    if not user.is_authenticated:
        return []
    with scopes_disabled():
        unread = (
            Notification.objects.filter(
                association=OuterRef("association_id"),
                user=OuterRef("user_id"),
                read_at__isnull=True,
            )
            .order_by()
            .values("user")
            .annotate(n=Count("pk"))
            .values("n")
        )
        memberships = list(
            Membership.objects.filter(user=user, is_active=True, association__is_active=True)
            .select_related("association", "employer")
            .annotate(
                unread_notifications=Coalesce(Subquery(unread), 0, output_field=IntegerField())
            )
            .order_by("association__name")
        )
    for membership in memberships:
        if membership.employer is not None:
            # The same row: `employer.association` costs no query.
            membership.employer.association = membership.association
    return memberships
