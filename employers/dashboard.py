"""This app's charts on the program dashboard (secor.hooks.dashboard_sections)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from secor import dashboard, hooks

from . import selectors
from .models import EnrollmentStatus


def sections() -> list[hooks.DashboardSection]:
    return [
        dashboard.status_counts_section(
            "enrollments",
            10,
            counts=selectors.enrollments_by_status,
            choices=EnrollmentStatus.choices,
            listing="employers:directory",
            id="chart-enrollments",
            title=_("Enrollments by status"),
            summary=_("Every program's enrollments, one bar per status."),
            category_header=_("Status"),
            count_header=_("Enrollments"),
        )
    ]
