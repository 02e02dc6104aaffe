from functools import wraps

from django.contrib import admin
from django_scopes import scopes_disabled


class OperatorAdminSite(admin.AdminSite):
    """The Django admin, for platform operators (superusers) only.

    It deliberately sees every association, so each admin view runs with
    tenant scopes disabled — the explicit opt-out of the fail-closed managers.
    """

    site_header = "SECOR platform operators"
    site_title = "Platform operators"
    index_title = "Associations and accounts"

    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def unscoped(request, *args, **kwargs):
            with scopes_disabled():
                response = inner(request, *args, **kwargs)
                if hasattr(response, "render") and not response.is_rendered:
                    response = response.render()
                return response

        return unscoped
