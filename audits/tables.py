"""The staff certificate list (django-tables2): one definition for the page and the CSV."""

from __future__ import annotations

import django_tables2 as tables

from .models import Certificate


class CertificateTable(tables.Table):
    number = tables.Column(verbose_name="Number", linkify=True)
    employer = tables.Column(verbose_name="Employer", accessor="employer__legal_name")
    wcb_account = tables.Column(
        verbose_name="WCB account", accessor="wcb_account__account_number", default="—"
    )
    program = tables.Column(verbose_name="Program", accessor="program__kind")
    issued_on = tables.DateColumn(
        verbose_name="Issued", format="Y-m-d", attrs={"td": {"class": "text-nowrap"}}
    )
    expires_on = tables.DateColumn(
        verbose_name="Expires", format="Y-m-d", attrs={"td": {"class": "text-nowrap"}}
    )
    status = tables.Column(verbose_name="Status")
    revision = tables.Column(verbose_name="Revision")
    imported = tables.BooleanColumn(verbose_name="Imported", yesno="yes,no")

    class Meta:
        model = Certificate
        fields = ()
        sequence = (
            "number",
            "employer",
            "wcb_account",
            "program",
            "issued_on",
            "expires_on",
            "status",
            "revision",
            "imported",
        )
        template_name = "django_tables2/bootstrap5-responsive.html"
        attrs = {"class": "table table-sm table-hover align-middle"}
        order_by = ("-issued_on",)
        empty_text = "No certificate matches."

    def render_program(self, record):
        return record.program.get_kind_display().split(" ")[0]

    def value_program(self, record):
        return self.render_program(record)

    def render_status(self, record):
        return record.get_status_display()

    def value_status(self, record):
        return record.get_status_display()
