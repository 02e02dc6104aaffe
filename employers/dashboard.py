"""This app's charts on the program dashboard (secor.hooks.dashboard_sections)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from secor import charts, hooks

from . import selectors
from .models import EnrollmentStatus


def figures(association, today) -> dict[str, int]:
    return selectors.enrollments_by_status(association)


def enrollments_chart(association, today, counts) -> charts.Chart:
    return charts.status_counts_chart(
        id="chart-enrollments",
        title=_("Enrollments by status"),
        summary=_("Every program's enrollments, one bar per status."),
        choices=EnrollmentStatus.choices,
        counts=counts,
        listing=reverse("employers:directory", kwargs={"association_slug": association.slug}),
        category_header=_("Status"),
        count_header=_("Enrollments"),
    )


def sections() -> list[hooks.DashboardSection]:
    return [hooks.DashboardSection("enrollments", 10, figures, enrollments_chart)]
