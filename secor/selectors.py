"""Reads that deliberately look across associations, for the signed-in user only."""

from django_scopes import scopes_disabled

from .models import Membership


def memberships_for_user(user) -> list[Membership]:
    """The user's active memberships, for the switcher and the home page."""
    if not user.is_authenticated:
        return []
    with scopes_disabled():
        return list(
            Membership.objects.filter(user=user, is_active=True, association__is_active=True)
            .select_related("association")
            .order_by("association__name")
        )
