"""This app's charts on the program dashboard (secor.hooks.dashboard_sections)."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from secor import charts, hooks
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


def audit_figures(association, today) -> dict[str, int]:
    return selectors.audits_by_status(association)


def audits_chart(association, today, counts) -> charts.Chart:
    return charts.status_counts_chart(
        id="chart-audits",
        title=_("Audits by status"),
        summary=_("Every audit, one bar per status of its outcome."),
        choices=AuditStatus.choices,
        counts=counts,
        listing=reverse("audits:list", kwargs={"association_slug": association.slug}),
        category_header=_("Status"),
        count_header=_("Audits"),
    )


def sections() -> list[hooks.DashboardSection]:
    return [
        hooks.DashboardSection("certificates-expiring", 20, expiring_figures, expiring_chart),
        hooks.DashboardSection("audits", 30, audit_figures, audits_chart),
    ]
