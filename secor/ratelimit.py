"""Fixed-window counters in the shared cache (Redis in production).

Used where allauth's own rate limits don't reach: invitations, which would
otherwise let any member use the site to send email to any address, and the
public certificate verification pages (`audits.verification.hit`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache


@dataclass(frozen=True)
class Window:
    allowed: bool
    count: int
    retry_after_seconds: int
    # The cache entries asked for with ``read=`` (missing ones left out).
    read: dict = field(default_factory=dict)


def _redis(client):
    """The cache's redis-py client for writes, made once per cache connection.

    Django makes a new one per call (a tenth of a millisecond, more than the round
    trip on loopback); the client only holds the shared connection pool.
    """
    made = getattr(client, "_ratelimit_redis", None)
    if made is None:
        made = client._ratelimit_redis = client.get_client(write=True)
    return made


def _count(cache_key: str, timeout: int, read: Sequence[str]) -> tuple[int, dict]:
    """Add one to the window's counter; return it and the ``read`` entries."""
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        # One round trip (MULTI/EXEC): created with its expiry if missing, counted, and
        # the entries read. Django's add() + incr() take three (incr checks EXISTS
        # first), and this runs on every public verification request.
        key = cache.make_and_validate_key(cache_key)
        client = cache._cache
        pipe = _redis(client).pipeline(transaction=True)
        pipe.set(key, 0, ex=timeout, nx=True)
        pipe.incr(key)
        if read:
            pipe.mget([cache.make_and_validate_key(k) for k in read])
        results = pipe.execute()
        values = zip(read, results[2] if read else [], strict=True)
        found = {k: client._serializer.loads(v) for k, v in values if v is not None}
        return int(results[1]), found
    # Other caches (the per-process one without REDIS_URL): add() then incr().
    cache.add(cache_key, 0, timeout=timeout)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.set(cache_key, 1, timeout=timeout)
        count = 1
    return count, cache.get_many(read) if read else {}


def hit(key: str, *, limit: int, seconds: int, read: Sequence[str] = ()) -> Window:
    """Count one event against ``key``; ``allowed`` is False once ``limit`` is passed.

    ``read`` names cache entries to fetch in the same round trip (``Window.read``).
    """
    now = int(time.time())
    window = now // seconds
    count, found = _count(f"ratelimit:{key}:{window}", seconds + 60, read)
    return Window(
        allowed=count <= limit,
        count=count,
        retry_after_seconds=max(1, (window + 1) * seconds - now),
        read=found,
    )
