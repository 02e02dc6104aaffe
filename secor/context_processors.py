from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .permissions import allowed_actions
from .selectors import memberships_for_user


def _unread(request):
    from .models import Notification

    association = getattr(request, "association", None)
    if association is None:
        return 0
    return (
        Notification.objects.for_association(association)
        .filter(user=request.user, read_at__isnull=True)
        .count()
    )


def _memberships(request):
    # `association_view` has read them already, with the page's own membership.
    known = getattr(request, "memberships", None)
    return known if known is not None else memberships_for_user(request.user)


def site(request):
    """What the base layout needs on every page: the MFA-off banner, the tenant, the switcher."""
    return {
        "staff_mfa_required": settings.SECOR_REQUIRE_STAFF_MFA,
        "current_association": getattr(request, "association", None),
        "current_membership": getattr(request, "membership", None),
        # Lazy: only pages that show the switcher pay for the query.
        "my_memberships": SimpleLazyObject(lambda: _memberships(request)),
        "unread_notifications": SimpleLazyObject(lambda: _unread(request)),
        # {% if may.EDIT_ROSTER %}: the role table (secor/permissions.py), no query.
        "may": SimpleLazyObject(
            lambda: dict.fromkeys(allowed_actions(getattr(request, "membership", None)), True)
        ),
    }
