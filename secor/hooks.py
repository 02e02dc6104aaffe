"""The one registry through which apps plug into the core.

`secor` imports no app: each app registers its contributions here in its
`AppConfig.ready()`, and the core calls them without knowing who answered.
A hook is a named, ordered list of callables; the order is the order of
`INSTALLED_APPS`, since that is the order in which `ready()` runs.

Hooks and what a registered callable receives and returns:

* ``association_created(association)`` — seed an app's data for a new tenant.
* ``home_panels(request, association)`` — a list of ``Panel`` for the
  association's home page of the signed-in member (``request.membership``).
* ``checklist_items(association, employer, today, *, page)`` — a list of
  ``ChecklistItem`` ("what is next") for an employer's home; ``page`` is what
  the employer home has already read (``employers.selectors.employer_page``),
  so a provider reads only what it adds and never queries per row.
* ``demo_builders(associations)`` — demo data for ``make run``.
* ``url_walk_builders()`` — a dict of URL keyword → ``builder(association,
  employer)`` for the cross-tenant URL walk test (registered by the test
  modules ``tests/<app>/url_kwargs.py``, never by app code).
* ``reminder_sources(association, *, window_start, window_end)`` — reminders
  falling due in the window (see ``secor.notifications``).
* ``calendar_events(employer, today)`` — an employer's dated deadlines
  (``secor.notifications.CalendarEvent``) for its ICS feed.
* ``daily_jobs(association_id, local_date)`` — per-association daily work run
  by the beat fan-out.
* ``dashboard_sections()`` — a list of ``DashboardSection`` for the program
  dashboard (no query: a section's ``figures`` run only when the dashboard reads
  them, see ``secor.dashboard``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Panel:
    """One card of the association home: a template included with the page's context.

    ``position`` orders panels across apps (lower first); ties keep registration
    order. ``context`` is added to the page's context for this include only.
    """

    template: str
    position: int = 100
    context: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ChecklistItem:
    """One line of an employer's "what is next" list."""

    done: bool
    text: str
    url: str = ""
    detail: str = ""


@dataclass(frozen=True)
class DashboardSection:
    """One chart of the program dashboard (``secor.views.dashboard``, ``secor.dashboard``).

    ``figures(association, today)`` reads the numbers: SQL aggregates, a constant
    number of queries whatever the number of rows, returning plain (picklable)
    values, since the dashboard keeps them for a few minutes. Sections that count
    the same table share one ``figures`` function, one query for all of its
    charts: the dashboard calls each function once. ``chart(association, today,
    figures)`` builds the ``secor.charts.Chart`` and its data table from them with
    no query; the same table is the section's CSV export, named by ``key`` (a
    slug, unique across apps). ``position`` orders sections (lower first).
    """

    key: str
    position: int
    figures: Callable[[Any, Any], Any]
    chart: Callable[[Any, Any, Any], Any]


class Hook:
    def __init__(self, name: str):
        self.name = name
        self._callables: list[Callable[..., Any]] = []

    def register(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """Add ``fn`` once (registering twice, e.g. on a re-run `ready()`, is a no-op)."""
        if fn not in self._callables:
            self._callables.append(fn)
        return fn

    def __iter__(self) -> Iterator[Callable[..., Any]]:
        return iter(list(self._callables))

    def __len__(self) -> int:
        return len(self._callables)

    def call(self, *args, **kwargs) -> list[Any]:
        """Call every registered callable; their results, in registration order."""
        return [fn(*args, **kwargs) for fn in self]

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self)} registered>"


association_created = Hook("association_created")
home_panels = Hook("home_panels")
checklist_items = Hook("checklist_items")
demo_builders = Hook("demo_builders")
url_walk_builders = Hook("url_walk_builders")
reminder_sources = Hook("reminder_sources")
daily_jobs = Hook("daily_jobs")
calendar_events = Hook("calendar_events")
dashboard_sections = Hook("dashboard_sections")
# `manage.py seed_scale`: each app writes its share of the scale data (secor/scale.py).
scale_builders = Hook("scale_builders")
