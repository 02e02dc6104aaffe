"""Calendar arithmetic shared by the rules modules: standard library only, no Django.

Rules in the seeds count in months and years: "valid 3 years", "within 8 months",
"no more than 10 employees at any time within the past 12 months", a 6-month wait
before re-applying. One convention for all of them, decided once here:

* **The day of the month is kept**, clamped to the last day of a shorter month:
  2024-01-31 + 1 month = 2024-02-29; 2020-02-29 + 1 year = 2021-02-28.
* **Always add to the original date, never chain**: clamping is not reversible
  (2024-03-31 - 1 month = 2024-02-29, + 1 month = 2024-03-29), so a schedule adds
  k months to its start rather than 1 month k times.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def add_months(d: date, n: int) -> date:
    """``d`` plus ``n`` months (negative allowed), clamped to the month's end.

    2024-01-31 + 1 → 2024-02-29; 2024-03-31 - 1 → 2024-02-29; 2024-02-29 - 12 →
    2023-02-28 (the start of ACSA's 12-month eligibility window on a leap day).
    """
    year, month0 = divmod(d.year * 12 + d.month - 1 + n, 12)
    # Past the calendar's ends (a mistyped year 9999 plus a validity period) the
    # answer is "never" or "always": clamp rather than raise on a page.
    if year > date.max.year:
        return date.max
    if year < date.min.year:
        return date.min
    return date(year, month0 + 1, min(d.day, monthrange(year, month0 + 1)[1]))


def add_years(d: date, n: int) -> date:
    """``d`` plus ``n`` years; February 29 becomes February 28 in a common year.

    AMTA, docs/rules.md#amta-anniversary-date: a certificate dated January 5, 2021 expires on
    January 5, 2024 (3 years).
    """
    return add_months(d, 12 * n)


# --- Time zones ------------------------------------------------------------------


def local_date(instant: datetime, tz_name: str) -> date:
    """The date an aware instant falls on in the association's time zone.

    A naive datetime is refused: `astimezone` would silently read it in the
    server's zone, which is how a 23:30 Edmonton upload becomes "tomorrow".
    """
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("local_date needs an aware datetime")
    return instant.astimezone(ZoneInfo(tz_name)).date()


def association_today(association) -> date:
    """Today where the association is: its deadlines end at its own midnight.

    The one "today" of the project (docs/rules.md#compute-schedule);
    ``association`` is anything with a ``time_zone`` name.
    """
    return local_date(datetime.now(UTC), association.time_zone)
