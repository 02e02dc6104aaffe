"""This app's charts on the program dashboard (secor.hooks.dashboard_sections)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from secor import charts, hooks

from . import selectors
from .models import EnrollmentStatus


def enrollments_chart(association, today) -> charts.Chart:
    counts = selectors.enrollments_by_status(association)
    directory = reverse("employers:directory", kwargs={"association_slug": association.slug})
    return charts.counts_chart(
        id="chart-enrollments",
        title=_("Enrollments by status"),
        summary=_("Every program's enrollments, one bar per status."),
        items=[
            (label, counts.get(value, 0), f"{directory}?status={value}")
            for value, label in EnrollmentStatus.choices
        ],
        category_header=_("Status"),
        count_header=_("Enrollments"),
    )


def sections() -> list[hooks.DashboardSection]:
    return [hooks.DashboardSection("enrollments", 10, enrollments_chart)]
