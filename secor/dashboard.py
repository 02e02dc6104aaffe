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

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from . import charts, hooks


@dataclass(frozen=True)
class Figures:
    as_of: datetime  # when they were read
    values: dict[str, Any]  # a section's key → what its figures read returned


def keep_seconds() -> int:
    return settings.SECOR_DASHBOARD_SECONDS


def sections() -> list[hooks.DashboardSection]:
    found = [section for sections in hooks.dashboard_sections.call() for section in sections]
    return sorted(found, key=lambda section: section.position)


def _key(association, today: date) -> str:
    return f"dashboard-figures:{association.pk}:{today:%Y-%m-%d}"


def figures(association, today: date, *, refresh: bool = False) -> Figures:
    """The kept figures, or (none kept, or ``refresh``) every section's reads, once each."""
    if not refresh and (kept := cache.get(_key(association, today))) is not None:
        return kept
    read: dict[Callable, Any] = {}  # sections sharing a read share its one result
    values = {}
    for section in sections():
        if section.figures not in read:
            read[section.figures] = section.figures(association, today)
        values[section.key] = read[section.figures]
    found = Figures(timezone.now(), values)
    cache.set(_key(association, today), found, keep_seconds())
    return found


def chart(section: hooks.DashboardSection, association, today: date, found: Figures):
    """One section's chart from the figures (no query)."""
    return section.chart(association, today, found.values[section.key])


def status_counts_section(
    key: str,
    position: int,
    *,
    counts: Callable[[Any], dict[str, int]],
    choices,
    listing: str,
    **chart_text,
) -> hooks.DashboardSection:
    """A section of one bar per status of ``choices``: ``counts(association)`` reads
    ``{status: n}`` in one query, each bar links to the page named ``listing`` filtered
    by ``?status=``. ``chart_text``: the chart's ``id``, ``title``, ``summary``,
    ``category_header`` and ``count_header`` (lazy strings: read in the page's language)."""

    def read(association, today):
        return counts(association)

    def draw(association, today, found):
        return charts.status_counts_chart(
            choices=choices,
            counts=found,
            listing=reverse(listing, kwargs={"association_slug": association.slug}),
            **{name: str(text) for name, text in chart_text.items()},
        )

    return hooks.DashboardSection(key, position, read, draw)
