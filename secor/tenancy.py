"""Tenancy: which association a request is in, and querysets that fail closed.

Every tenant-owned model uses ``TenantManager``: a django-scopes manager that
raises ``ScopeError`` when queried with no association scope active, so a
forgotten filter fails loudly in tests instead of leaking another tenant's rows.

Three ways in, all explicit:

* views under ``/<association_slug>/`` are wrapped by ``association_view``: it
  checks membership and role, sets ``request.association`` and runs the view
  (and its template rendering) inside the association's scope;
* ``Model.objects.for_association(a)`` for code that has an association at hand
  (services, tasks, tests);
* ``scopes_disabled()`` for the Django admin, management commands and a few
  selectors that deliberately look across tenants (a user's memberships).
"""

from __future__ import annotations

import contextlib
from functools import wraps
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django_scopes import ScopedManager, scope, scopes_disabled

from .request_memo import request_memo

__all__ = [
    "TenantManager",
    "activate",
    "association_view",
    "scopes_disabled",
    "user_has_mfa",
]


class _TenantManagerBase(models.Manager):
    def for_association(self, association):
        """This model's rows of one association, whatever scope is active."""
        return self.with_scope(association=association.pk).get_queryset()


def TenantManager(queryset_class=models.QuerySet):  # noqa: N802 - a manager factory
    """A manager scoped on ``association`` (django-scopes), with ``for_association``."""
    return ScopedManager(
        _manager_class=_TenantManagerBase.from_queryset(queryset_class),
        association="association",
    )


@contextlib.contextmanager
def activate(association):
    """Run a block (a task, a service called from a test) in one association's scope."""
    with scope(association=association.pk):
        yield


def scoped_service(association_of):
    """``activate`` as a decorator: the service runs in its association's scope.

    ``association_of(kwargs)`` finds the association among the (keyword-only)
    arguments. Model validation (unique constraints) queries through the
    fail-closed manager, so a service called from a task or a test needs it.
    """

    def decorator(func):
        @wraps(func)
        def wrapper(**kwargs):
            with activate(association_of(kwargs)):
                return func(**kwargs)

        return wrapper

    return decorator


def user_has_mfa(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def _membership(request, slug):
    """The user's active membership in ``slug``'s association, or 404.

    Picked from every active membership of the user (one query, which the
    association switcher and the unread count reuse: ``secor.context_processors``).
    """
    from .selectors import memberships_for_user

    request.memberships = memberships_for_user(request.user)
    membership = next((m for m in request.memberships if m.association.slug == slug), None)
    if membership is None:
        # Same answer as an unknown slug: a non-member learns nothing.
        raise Http404("No such association.")
    return membership


def association_view(view=None, *, action=None, read_only=False):
    """Wrap a view that lives under ``/<association_slug>/``.

    Anonymous → login. Unknown slug or no active membership → 404. A staff
    role without TOTP (while ``SECOR_REQUIRE_STAFF_MFA``) → MFA set-up page.
    A member whose role may not take ``action`` (secor/permissions.py) → 403;
    no ``action``: every member (the view narrows employer users itself).
    The view and its template rendering run inside the association's scope,
    with the association's time zone active (restored afterwards).

    The membership is read on every request (nothing about it is kept in the
    session), so a deactivated member or a changed role takes effect at once.

    ``read_only=True``: a page that writes nothing runs outside the per-request
    transaction (``ATOMIC_REQUESTS``). On PostgreSQL (READ COMMITTED) each
    statement reads its own snapshot with or without one, so its BEGIN and COMMIT
    buy nothing; on SQLite the transaction would take the write lock (IMMEDIATE).
    """

    def decorator(func):
        @wraps(func)
        def wrapper(request, *args, association_slug, **kwargs):
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            membership = _membership(request, association_slug)
            if (
                membership.is_staff_role
                and settings.SECOR_REQUIRE_STAFF_MFA
                and not user_has_mfa(request.user)
            ):
                return redirect(f"{_mfa_setup_url()}?next={request.get_full_path()}")
            if action is not None:
                from .permissions import can

                if not can(membership, action):
                    raise PermissionDenied("Your role in this association cannot open this page.")
            request.association = membership.association
            request.membership = membership
            if request.session.get("association_slug") != association_slug:
                request.session["association_slug"] = association_slug
            # Times on the page are the association's: Edmonton, Regina (no DST), …
            local_zone = ZoneInfo(membership.association.time_zone)
            with (
                scope(association=membership.association_id),
                timezone.override(local_zone),
                request_memo(),
            ):
                response = func(request, *args, **kwargs)
                # TemplateResponse renders after the view returns: do it while
                # the scope is still active.
                if hasattr(response, "render") and not response.is_rendered:
                    response = response.render()
                return response

        wrapper.association_view = True
        # The role-table test reads which action guards each page.
        wrapper.action = action
        return transaction.non_atomic_requests(wrapper) if read_only else wrapper

    return decorator(view) if view is not None else decorator


def _mfa_setup_url():
    from django.urls import reverse

    return reverse("mfa_activate_totp")
