"""Work a page needs in several places, done once per request.

The employer home shows the same compliance report and the same timelines in
its checklist and in two panels, each drawn by a different app's template tag.
``association_view`` opens one memo per request; a selector wrapped by
``once_per_request`` computes its answer the first time it is asked in that
request and hands the same object to every later caller. Outside a request
(tasks, services, tests calling a selector) nothing is kept: each call reads
afresh, so code that changes rows and reads again always sees the change.
Nothing outlives the request, so this is no cache of results between requests.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")

_memo: ContextVar[dict | None] = ContextVar("secor_request_memo", default=None)


@contextlib.contextmanager
def request_memo():
    """The block is one request: ``once`` answers each key once inside it."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def once(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or its answer for ``key`` already given in this request."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]
