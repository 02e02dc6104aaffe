"""The staff directory table (django-tables2): one definition for the page and the CSV."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import django_tables2 as tables
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from secor.tables import ATTRS, TEMPLATE, ListTable

from .models import EligibilityStatus, Employer

_BADGES = {
    EligibilityStatus.ELIGIBLE: "text-bg-success",
    EligibilityStatus.NOT_ELIGIBLE: "text-bg-danger",
    EligibilityStatus.NO_DATA: "text-bg-secondary",
}


class EmployerTable(ListTable):
    legal_name = tables.Column(verbose_name=gettext_lazy("Employer"), linkify=True)
    wcb_accounts = tables.Column(
        verbose_name=gettext_lazy("WCB accounts"), accessor="pk", orderable=False, empty_values=()
    )
    programs = tables.Column(
        verbose_name=gettext_lazy("Program and status"),
        accessor="pk",
        orderable=False,
        empty_values=(),
    )
    eligibility_status = tables.Column(verbose_name=gettext_lazy("SECOR eligibility"))
    eligibility_peak = tables.Column(verbose_name=gettext_lazy("Peak headcount (12 months)"))
    city = tables.Column(verbose_name=gettext_lazy("City"))
    created_at = tables.DateColumn(
        verbose_name=gettext_lazy("Added"), format="Y-m-d", attrs={"td": {"class": "text-nowrap"}}
    )

    class Meta:
        model = Employer
        fields = ()
        sequence = (
            "legal_name",
            "wcb_accounts",
            "programs",
            "eligibility_status",
            "eligibility_peak",
            "city",
            "created_at",
        )
        template_name = TEMPLATE
        attrs = ATTRS
        order_by = ("legal_name",)
        empty_text = gettext_lazy("No employers match.")

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    # The related rows come from the directory queryset's prefetch: no query per row.
    def value_wcb_accounts(self, record):
        return "; ".join(f"{a.board} {a.account_number}" for a in record.wcb_accounts.all())

    def render_wcb_accounts(self, record):
        # One account a line, never broken between the board and the number.
        return (
            format_html_join(
                mark_safe("<br>"),  # noqa: S308 - a constant
                '<span class="text-nowrap">{} {}</span>',
                ((a.board, a.account_number) for a in record.wcb_accounts.all()),
            )
            or "—"
        )

    def value_programs(self, record):
        return "; ".join(
            f"{e.program.get_kind_display().split(' ')[0]}: {e.get_status_display()}"
            for e in record.enrollments.all()
        )

    def render_programs(self, record):
        enrollments = record.enrollments.all()
        if not enrollments:
            return "—"
        return format_html_join(
            mark_safe("<br>"),  # noqa: S308 - a constant
            "{}: {}",
            (
                (e.program.get_kind_display().split(" ")[0], e.get_status_display())
                for e in enrollments
            ),
        )

    def value_created_at(self, record):
        # The association's own date (record.association is select_related).
        return record.created_at.astimezone(ZoneInfo(record.association.time_zone)).date()

    def render_created_at(self, record):
        return self.value_created_at(record).isoformat()

    def value_eligibility_status(self, record):
        return record.get_eligibility_status_display()

    def render_eligibility_status(self, record):
        badge = format_html(
            '<span class="badge {}">{}</span>',
            _BADGES.get(record.eligibility_status, "text-bg-light"),
            record.get_eligibility_status_display(),
        )
        assessed = record.eligibility_assessed_on
        if assessed is None or self.today is None or assessed >= self.today:
            return badge
        # Not redone yet today (the nightly job runs after midnight): say as of when.
        return format_html(
            '{} <small class="text-body-secondary">as of {}</small>',
            badge,
            date_format(assessed, "Y-m-d"),
        )
