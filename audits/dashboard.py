"""This app's charts on the program dashboard (secor.hooks.dashboard_sections)."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from secor import charts, dashboard, hooks
from secor.dates import add_months

from . import selectors
from .models import AuditStatus

EXPIRING_DAYS = 90


def expiring_figures(association, today) -> list:
    return selectors.certificates_expiring_by_month(association, today=today, days=EXPIRING_DAYS)


def expiring_chart(association, today, months) -> charts.Chart:
    listing = reverse("audits:certificate_list", kwargs={"association_slug": association.slug})
    horizon = today + timedelta(days=EXPIRING_DAYS)
    items = []
    for month, n in months:
        first = max(month, today)
        last = min(add_months(month, 1) - timedelta(days=1), horizon)
        url = (
            f"{listing}?status=valid&expires_after={first:%Y-%m-%d}&expires_before={last:%Y-%m-%d}"
        )
        items.append((date_format(month, "F Y"), n, url))
    return charts.counts_chart(
        id="chart-expiring",
        title=_("Certificates expiring in the next %(days)s days") % {"days": EXPIRING_DAYS},
        summary=_("Valid certificates expiring from %(start)s to %(end)s, by month of expiry.")
        % {"start": f"{today:%Y-%m-%d}", "end": f"{horizon:%Y-%m-%d}"},
        items=items,
        category_header=_("Month"),
        count_header=_("Certificates"),
    )


def sections() -> list[hooks.DashboardSection]:
    return [
        hooks.DashboardSection("certificates-expiring", 20, expiring_figures, expiring_chart),
        dashboard.status_counts_section(
            "audits",
            30,
            counts=selectors.audits_by_status,
            choices=AuditStatus.choices,
            listing="audits:list",
            id="chart-audits",
            title=gettext_lazy("Audits by status"),
            summary=gettext_lazy("Every audit, one bar per status of its outcome."),
            category_header=gettext_lazy("Status"),
            count_header=gettext_lazy("Audits"),
        ),
    ]
