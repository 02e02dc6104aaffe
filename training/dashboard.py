"""This app's charts on the program dashboard (secor.hooks.dashboard_sections)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from secor import charts, hooks

from . import selectors


def _bucket(low: int, high: int | None) -> str:
    if high is None:
        return _("%(low)s days or more") % {"low": low}
    return _("%(low)s to %(high)s days") % {"low": low, "high": high}


def figures(association, today):
    return selectors.pending_by_age(association, today=today)


def pending_chart(association, today, buckets) -> charts.Chart:
    queue = reverse("training:verification_queue", kwargs={"association_slug": association.slug})
    return charts.counts_chart(
        id="chart-training-pending",
        title=_("Training records waiting for verification"),
        summary=_("Records sent by employers and not yet verified, by days waiting."),
        items=[(_bucket(low, high), n, queue) for (low, high), n in buckets],
        category_header=_("Waiting"),
        count_header=_("Records"),
        point_css=["", "bar bar-3", "bar bar-over"],
    )


def sections() -> list[hooks.DashboardSection]:
    return [hooks.DashboardSection("training-pending", 80, figures, pending_chart)]
