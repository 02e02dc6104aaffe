"""Fixed-window counters in the shared cache (Redis in production).

Used where allauth's own rate limits don't reach: invitations, which would
otherwise let any member use the site to send email to any address, and the
public certificate verification pages (`audits.verification.hit`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache


@dataclass(frozen=True)
class Window:
    allowed: bool
    count: int
    retry_after_seconds: int


def _count(cache_key: str, timeout: int) -> int:
    """Add one to the window's counter and return it."""
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        # One round trip (MULTI/EXEC): created with its expiry if missing, then counted.
        # Django's add() + incr() take three (incr checks EXISTS first), and this
        # runs on every public verification request.
        key = cache.make_and_validate_key(cache_key)
        pipe = cache._cache.get_client(key, write=True).pipeline(transaction=True)
        pipe.set(key, 0, ex=timeout, nx=True)
        pipe.incr(key)
        return int(pipe.execute()[1])
    # Other caches (the per-process one without REDIS_URL): add() then incr().
    cache.add(cache_key, 0, timeout=timeout)
    try:
        return cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.set(cache_key, 1, timeout=timeout)
        return 1


def hit(key: str, *, limit: int, seconds: int) -> Window:
    """Count one event against ``key``; ``allowed`` is False once ``limit`` is passed."""
    now = int(time.time())
    window = now // seconds
    count = _count(f"ratelimit:{key}:{window}", timeout=seconds + 60)
    return Window(
        allowed=count <= limit,
        count=count,
        retry_after_seconds=max(1, (window + 1) * seconds - now),
    )
