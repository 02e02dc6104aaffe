"""This app's charts on the program dashboard (secor.hooks.dashboard_sections)."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from secor import charts, hooks

from . import selectors
from .models import AuditStatus

EXPIRING_DAYS = 90


def expiring_chart(association, today) -> charts.Chart:
    months = selectors.certificates_expiring_by_month(association, today=today, days=EXPIRING_DAYS)
    listing = reverse("audits:certificate_list", kwargs={"association_slug": association.slug})
    horizon = today + timedelta(days=EXPIRING_DAYS)
    items = []
    for month, n in months:
        first = max(month, today)
        last = min((month + timedelta(days=32)).replace(day=1) - timedelta(days=1), horizon)
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


def audits_chart(association, today) -> charts.Chart:
    counts = selectors.audits_by_status(association)
    listing = reverse("audits:list", kwargs={"association_slug": association.slug})
    return charts.counts_chart(
        id="chart-audits",
        title=_("Audits by status"),
        summary=_("Every audit, one bar per status of its outcome."),
        items=[
            (label, counts.get(value, 0), f"{listing}?status={value}")
            for value, label in AuditStatus.choices
        ],
        category_header=_("Status"),
        count_header=_("Audits"),
    )


def sections() -> list[hooks.DashboardSection]:
    return [
        hooks.DashboardSection("certificates-expiring", 20, expiring_chart),
        hooks.DashboardSection("audits", 30, audits_chart),
    ]
