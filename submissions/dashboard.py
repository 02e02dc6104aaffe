"""This app's charts on the program dashboard (secor.hooks.dashboard_sections)."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from secor import charts, hooks
from secor.dates import add_months

from . import review
from .models import SubmissionStatus
from .review import OPEN_STATUSES

TURNAROUND_DAYS = 365
SURGE_MONTHS = 36


def _queue(association) -> str:
    return reverse("submissions:review_queue", kwargs={"association_slug": association.slug})


def figures(association, today) -> review.DashboardFigures:
    """One query for the four charts (``review.dashboard_figures``)."""
    return review.dashboard_figures(
        association, today=today, months=SURGE_MONTHS, turnaround_days=TURNAROUND_DAYS
    )


def status_chart(association, today, figures) -> charts.Chart:
    return charts.status_counts_chart(
        id="chart-submissions",
        title=_("Submissions by status"),
        summary=_("Every version received, one bar per status of its review."),
        choices=SubmissionStatus.choices,
        counts=figures.by_status,
        listing=_queue(association),
        category_header=_("Status"),
        count_header=_("Submissions"),
    )


def turnaround_chart(association, today, figures) -> charts.Chart:
    rows = figures.turnaround
    queue = _queue(association)
    urls = [f"{queue}?status=&assignee={r.user_id}" for r in rows]
    return charts.bar_chart(
        id="chart-turnaround",
        title=_("Review turnaround by reviewer"),
        summary=_(
            "Days from receipt to decision, median and 90th percentile, for the decisions "
            "of the last %(days)s days."
        )
        % {"days": TURNAROUND_DAYS},
        categories=[r.label for r in rows],
        series=[
            charts.Series(
                "median", _("Median days"), tuple(r.median_days for r in rows), "series-median"
            ),
            charts.Series(
                "p90", _("90th percentile days"), tuple(r.p90_days for r in rows), "series-p90"
            ),
        ],
        urls=urls,
        horizontal=True,
        stacked=False,
        table=charts.Table(
            _("Review turnaround by reviewer"),
            (_("Reviewer"), _("Decisions"), _("Median days"), _("90th percentile days")),
            tuple(
                (
                    charts.Cell(r.label, url),
                    charts.Cell(str(r.decided), numeric=True),
                    charts.Cell(f"{r.median_days:g}", numeric=True),
                    charts.Cell(f"{r.p90_days:g}", numeric=True),
                )
                for r, url in zip(rows, urls, strict=True)
            ),
        ),
        show_title=False,
    )


def surge_chart(association, today, figures) -> charts.Chart:
    months = figures.months
    queue = _queue(association)
    urls = []
    for month, _n in months:
        last = add_months(month, 1) - timedelta(days=1)
        urls.append(f"{queue}?status=&received_from={month:%Y-%m-%d}&received_to={last:%Y-%m-%d}")
    return charts.bar_chart(
        id="chart-surge",
        title=_("Submissions per month, last three years"),
        summary=_(
            "Versions received each month: the surge from October to February shows year on year."
        ),
        categories=[date_format(m, "F Y") for m, _n in months],
        series=[charts.Series("received", _("Received"), tuple(n for _m, n in months))],
        urls=urls,
        axis_labels=[date_format(m, "M")[:1] for m, _n in months],
        axis_sublabels=[
            date_format(m, "Y") if i == 0 or m.month == 1 else ""
            for i, (m, _n) in enumerate(months)
        ],
        point_css=["bar bar-1" if m.month in (10, 11, 12, 1, 2) else "" for m, _n in months],
        category_header=_("Month"),
        table_collapsed=True,
        table_summary=_("The numbers, month by month"),
        show_title=False,
    )


def overdue_chart(association, today, figures) -> charts.Chart:
    labels = dict(SubmissionStatus.choices)
    return charts.status_counts_chart(
        id="chart-overdue",
        title=_("Overdue"),
        summary=_(
            "Open submissions past their due date: the review's, or the corrections' deadline."
        ),
        choices=[(value, labels[value]) for value in OPEN_STATUSES],
        counts=figures.overdue,
        listing=_queue(association),
        query="&due=overdue",
        category_header=_("Status"),
        count_header=_("Overdue submissions"),
        point_css=["bar bar-over"] * len(OPEN_STATUSES),
    )


def sections() -> list[hooks.DashboardSection]:
    return [
        hooks.DashboardSection("submissions", 40, figures, status_chart),
        hooks.DashboardSection("overdue", 50, figures, overdue_chart),
        hooks.DashboardSection("turnaround", 60, figures, turnaround_chart),
        hooks.DashboardSection("surge", 70, figures, surge_chart),
    ]
