"""A de-rolled employer's wait before re-applying (pure: dates in, reasons out).

docs/rules.md#scsa-de-roll: missing a milestone deadline de-rolls the company "with a
6-month wait" before it may re-apply; docs/rules.md#reading-de-roll-reapply: the
re-apply date is six calendar months after the de-roll (clamped to a shorter month's
end), and a re-application is never accepted before it.
"""

from __future__ import annotations

from datetime import date

from secor.dates import add_months
from secor.reasons import Reason, gettext_noop


def earliest_reapply(derolled_on: date, wait_months: int) -> date:
    """The first day a de-rolled employer may apply again (31 Aug + 6 → 28/29 Feb)."""
    return add_months(derolled_on, wait_months)


def reapply_date_reasons(*, derolled_on: date, wait_months: int, reapply_on: date) -> list[Reason]:
    """A re-apply date set by staff may be later than the wait, never earlier."""
    earliest = earliest_reapply(derolled_on, wait_months)
    if reapply_on >= earliest:
        return []
    return [
        Reason.from_template(
            "reapply_before_wait",
            gettext_noop(
                "A company de-rolled on {derolled_on} waits {months} months: it may apply "
                "again from {earliest}, not {reapply_on}."
            ),
            {
                "derolled_on": derolled_on,
                "months": wait_months,
                "earliest": earliest,
                "reapply_on": reapply_on,
            },
        )
    ]


def reenroll_reasons(*, reapply_on: date | None, today: date, what: str) -> list[Reason]:
    """Before its re-apply date a de-rolled employer is not registered again.

    ``what`` names the act refused ("set back to registered", "register again").
    """
    if reapply_on is None or today >= reapply_on:
        return []
    return [
        Reason.from_template(
            "reapply_wait",
            gettext_noop(
                "This company was de-rolled and may apply again from {reapply_on}: it cannot "
                "{what} before then."
            ),
            {"reapply_on": reapply_on, "what": what},
        )
    ]
