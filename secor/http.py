"""The one HTTP method guard.

``refuse_method`` answers 405 for a method the view does not take. A view that
looks objects up calls it *after* the look-ups, so that another tenant's or
employer's ids give 404 whatever the method (the URL walk in
``tests/secor/test_tenancy.py`` checks GET and POST). ``require_methods`` is
the same check as a decorator, for views with nothing to look up first.
GET always allows HEAD.
"""

from __future__ import annotations

from functools import wraps

from django.http import HttpResponseNotAllowed
from django.utils.http import url_has_allowed_host_and_scheme


def allowed_methods(*allowed: str) -> tuple[str, ...]:
    return (*allowed, "HEAD") if "GET" in allowed and "HEAD" not in allowed else allowed


def refuse_method(request, *allowed: str) -> HttpResponseNotAllowed | None:
    """A 405 response when ``request.method`` is not in ``allowed``, else None."""
    allowed = allowed_methods(*allowed)
    return None if request.method in allowed else HttpResponseNotAllowed(allowed)


def require_methods(*allowed: str):
    """Decorator form of ``refuse_method``, checked before the view runs."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            return refuse_method(request, *allowed) or view(request, *args, **kwargs)

        return wrapper

    return decorator


def safe_next_url(request, target: str | None, fallback: str) -> str:
    """``target`` when it is a path on this site, else ``fallback``.

    Only a path beginning with one "/" is followed: a bare word would be taken
    by ``redirect()`` for a view name (and a 500), another host is an open
    redirect.
    """
    target = target or ""
    if (
        target.startswith("/")
        and not target.startswith("//")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return fallback
