"""Fixed-window counters in the shared cache (Redis in production).

Used where allauth's own rate limits don't reach: invitations, which would
otherwise let any member use the site to send email to any address.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Window:
    allowed: bool
    count: int
    retry_after_seconds: int


def hit(key: str, *, limit: int, seconds: int) -> Window:
    """Count one event against ``key``; ``allowed`` is False once ``limit`` is passed."""
    now = int(time.time())
    window = now // seconds
    cache_key = f"ratelimit:{key}:{window}"
    # add() then incr(): atomic in Redis, so two requests can't both take the last slot.
    cache.add(cache_key, 0, timeout=seconds + 60)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.set(cache_key, 1, timeout=seconds + 60)
        count = 1
    return Window(
        allowed=count <= limit,
        count=count,
        retry_after_seconds=(window + 1) * seconds - now,
    )
