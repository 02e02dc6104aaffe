from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .permissions import allowed_actions
from .selectors import memberships_for_user


def _unread(request):
    # Read with the membership: association_view takes it from memberships_for_user.
    membership = getattr(request, "membership", None)
    return membership.unread_notifications if membership is not None else 0


def _memberships(request):
    # An association's page has read them already (secor.tenancy.association_view).
    found = getattr(request, "memberships", None)
    return found if found is not None else memberships_for_user(request.user)


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
