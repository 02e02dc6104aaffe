from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from .http import safe_next_url


def operator_needs_mfa(user) -> bool:
    """A platform operator who must set up TOTP before the admin opens."""
    from .tenancy import user_has_mfa

    return (
        user.is_authenticated
        and user.is_superuser
        and settings.SECOR_REQUIRE_STAFF_MFA
        and not user_has_mfa(user)
    )


class OperatorAdminSite(admin.AdminSite):
    """The Django admin, for platform operators (superusers) only.

    It deliberately sees every association, so each admin view runs with
    tenant scopes disabled — the explicit opt-out of the fail-closed managers.

    There is one door for everyone: the admin has no login form of its own.
    ``/admin/login/`` sends people to the site's sign-in (allauth), which rate
    limits failed attempts and asks for the TOTP code; an operator without TOTP
    is sent to set it up, like association staff.
    """

    site_header = "SECOR platform operators"
    site_title = "Platform operators"
    index_title = "Associations and accounts"

    def has_permission(self, request):
        return (
            request.user.is_active
            and request.user.is_superuser
            and not operator_needs_mfa(request.user)
        )

    def login(self, request, extra_context=None):
        if request.user.is_authenticated:
            if operator_needs_mfa(request.user):
                return redirect(self._mfa_setup_url())
            if not self.has_permission(request):
                raise PermissionDenied(_("Only platform operators can open the admin."))
        next_url = safe_next_url(request, request.GET.get("next"), reverse("admin:index"))
        if request.user.is_authenticated:
            return HttpResponseRedirect(next_url)
        return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")

    def _mfa_setup_url(self):
        return f"{reverse('mfa_activate_totp')}?{urlencode({'next': reverse('admin:index')})}"

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def unscoped(request, *args, **kwargs):
            if operator_needs_mfa(request.user):
                return redirect(self._mfa_setup_url())
            with scopes_disabled():
                response = inner(request, *args, **kwargs)
                if hasattr(response, "render") and not response.is_rendered:
                    response = response.render()
                return response

        return unscoped
