"""The program dashboard's figures: every app's aggregates, read together and kept briefly.

Each app's ``dashboard_sections`` (secor.hooks) pairs a ``figures`` read (SQL
aggregates, one query per table however many charts it feeds) with a ``chart``
built from them without a query. Counting a whole association costs time in
proportion to its rows, so the figures are kept per association and local day
for ``SECOR_DASHBOARD_SECONDS`` (default five minutes): the page says when they
were read and offers a refresh that reads them again, and the CSV export charts
the same kept figures, so the page and its export never disagree. Only numbers
are kept: the charts (titles, labels, links) are built per request, in the
reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from . import hooks


@dataclass(frozen=True)
class Figures:
    as_of: datetime  # when they were read
    values: dict[str, Any]  # a figures read's name → what it returned


def keep_seconds() -> int:
    return getattr(settings, "SECOR_DASHBOARD_SECONDS", 300)


def sections() -> list[hooks.DashboardSection]:
    found = [section for sections in hooks.dashboard_sections.call() for section in sections]
    return sorted(found, key=lambda section: section.position)


def _name(read) -> str:
    return f"{read.__module__}.{read.__qualname__}"


def _key(association, today: date) -> str:
    return f"dashboard-figures:{association.pk}:{today:%Y-%m-%d}"


def figures(association, today: date, *, refresh: bool = False) -> Figures:
    """The kept figures, or (none kept, or ``refresh``) every section's reads, once each."""
    if not refresh and (kept := cache.get(_key(association, today))) is not None:
        return kept
    values: dict[str, Any] = {}
    for section in sections():
        name = _name(section.figures)
        if name not in values:
            values[name] = section.figures(association, today)
    read = Figures(timezone.now(), values)
    cache.set(_key(association, today), read, keep_seconds())
    return read


def chart(section: hooks.DashboardSection, association, today: date, read: Figures):
    """One section's chart from the figures (no query)."""
    return section.chart(association, today, read.values[_name(section.figures)])
