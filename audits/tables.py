"""The staff lists (django-tables2, `secor.tables`): certificates, audits, milestone board."""

from __future__ import annotations

from datetime import date

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from secor.tables import ATTRS, TEMPLATE, ListTable

from .models import Audit, Certificate


class CertificateTable(ListTable):
    number = tables.Column(verbose_name=_("Number"), linkify=True)
    employer = tables.Column(verbose_name=_("Employer"), accessor="employer__legal_name")
    wcb_account = tables.Column(
        verbose_name=_("WCB account"), accessor="wcb_account__account_number", default="—"
    )
    program = tables.Column(verbose_name=_("Program"), accessor="program__kind")
    issued_on = tables.DateColumn(
        verbose_name=_("Issued"), format="Y-m-d", attrs={"td": {"class": "text-nowrap"}}
    )
    expires_on = tables.DateColumn(
        verbose_name=_("Expires"), format="Y-m-d", attrs={"td": {"class": "text-nowrap"}}
    )
    status = tables.Column(verbose_name=_("Status"))
    revision = tables.Column(verbose_name=_("Revision"))
    imported = tables.BooleanColumn(verbose_name=_("Imported"), yesno="yes,no")

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
        template_name = TEMPLATE
        attrs = ATTRS
        order_by = ("-issued_on",)
        empty_text = _("No certificate matches.")

    def render_program(self, record):
        return record.program.get_kind_display().split(" ")[0]

    def value_program(self, record):
        return self.render_program(record)

    def render_status(self, record):
        return record.get_status_display()

    def value_status(self, record):
        return record.get_status_display()


def _overdue(value: date | None, today: date):
    if value is None:
        return "—"
    if value < today:
        return format_html(
            '{} <span class="badge text-bg-danger">{}</span>', value.isoformat(), _("overdue")
        )
    return value.isoformat()


class AuditTable(ListTable):
    employer = tables.Column(verbose_name=_("Employer"), accessor="employer__legal_name")
    audit_type = tables.Column(verbose_name=_("Audit"), order_by=("audit_type", "year"))
    data_gathering_start = tables.Column(
        verbose_name=_("Data gathering"), attrs={"td": {"class": "text-nowrap"}}
    )
    status = tables.Column(verbose_name=_("Status"))
    submission_due_on = tables.Column(
        verbose_name=_("Report due"), attrs={"td": {"class": "text-nowrap"}}, empty_values=()
    )
    actions = tables.Column(
        verbose_name=_("Actions"),
        accessor="pk",
        orderable=False,
        exclude_from_export=True,
        attrs={"th": {"class": "visually-hidden"}},
    )

    class Meta:
        model = Audit
        fields = ()
        sequence = (
            "employer",
            "audit_type",
            "data_gathering_start",
            "status",
            "submission_due_on",
            "actions",
        )
        template_name = TEMPLATE
        attrs = ATTRS
        # Soonest report first (the stored, indexed copy of the schedule's deadline).
        order_by = ("submission_due_on",)
        empty_text = _("No audit with this status.")

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def _kw(self, record):
        return {"association_slug": record.association.slug, "employer_id": record.employer_id}

    def render_employer(self, record):
        url = reverse("audits:timeline", kwargs=self._kw(record))
        return format_html('<a href="{}">{}</a>', url, record.employer.legal_name)

    def value_employer(self, record):
        return record.employer.legal_name

    def value_audit_type(self, record):
        label = record.get_audit_type_display()
        return f"{label} ({_('year')} {record.year})" if record.year else label

    def render_audit_type(self, record):
        url = reverse("audits:audit_detail", kwargs={**self._kw(record), "audit_id": record.pk})
        return format_html('<a href="{}">{}</a>', url, self.value_audit_type(record))

    def value_data_gathering_start(self, record):
        return f"{record.data_gathering_start} – {record.data_gathering_end}"

    render_data_gathering_start = value_data_gathering_start

    def render_status(self, record):
        return record.display_status_label(self.today)

    value_status = render_status

    def _due(self, record):
        return record.submission_due_on if record.status == "planned" else None

    def render_submission_due_on(self, record):
        return _overdue(self._due(record), self.today)

    def value_submission_due_on(self, record):
        due = self._due(record)
        return due.isoformat() if due else ""

    def render_actions(self, record):
        url = reverse(
            "audits:scores",
            kwargs={"association_slug": record.association.slug, "audit_id": record.pk},
        )
        return format_html(
            '<a href="{}">{}<span class="visually-hidden">: {}, {}</span></a>',
            url,
            _("Score elements"),
            record.employer.legal_name,
            record.get_audit_type_display(),
        )


class MilestoneBoardTable(ListTable):
    """One row per registrant; milestones and letters loaded per page (`prepare`)."""

    employer = tables.Column(verbose_name=_("Employer"), accessor="employer__legal_name")
    registered_on = tables.Column(verbose_name=_("Registered"))
    current = tables.Column(
        verbose_name=_("Current milestone"), accessor="pk", orderable=False, empty_values=()
    )
    due = tables.Column(verbose_name=_("Due"), accessor="pk", orderable=False, empty_values=())
    outcome = tables.Column(
        verbose_name=_("Outcome"), accessor="pk", orderable=False, empty_values=()
    )
    letters = tables.Column(
        verbose_name=_("Letters"), accessor="pk", orderable=False, empty_values=()
    )
    deroll = tables.Column(
        verbose_name=_("De-roll candidate"), accessor="pk", orderable=False, empty_values=()
    )

    class Meta:
        template_name = TEMPLATE
        attrs = ATTRS
        order_by = ("registered_on",)
        empty_text = _("No registrant has milestones yet.")

    def __init__(self, *args, association, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.association, self.today = association, today
        self.board: dict = {}

    def prepare(self, records):
        from .selectors import board_rows

        self.board = board_rows(self.association, records, self.today)

    def render_employer(self, record):
        url = reverse(
            "audits:employer_milestones",
            kwargs={"association_slug": record.association.slug, "employer_id": record.employer_id},
        )
        return format_html('<a href="{}">{}</a>', url, record.employer.legal_name)

    def value_employer(self, record):
        return record.employer.legal_name

    def value_current(self, record):
        current = self.board[record.pk].current
        return current.label if current else _("All milestones met.")

    render_current = value_current

    def render_due(self, record):
        current = self.board[record.pk].current
        return _overdue(current.due_on, self.today) if current else "—"

    def value_due(self, record):
        current = self.board[record.pk].current
        return current.due_on.isoformat() if current else ""

    def value_outcome(self, record):
        current = self.board[record.pk].current
        return current.get_outcome_display() if current else ""

    render_outcome = value_outcome

    def value_letters(self, record):
        row = self.board[record.pk]
        return "; ".join(f"#{x.number} {_('expires')} {x.expires_on}" for x in row.letters)

    def render_letters(self, record):
        row = self.board[record.pk]
        text = self.value_letters(record) or "—"
        if row.letter_expiring:
            return format_html(
                '{} <span class="badge text-bg-warning">{}</span>', text, _("letter expiring")
            )
        return text

    def value_deroll(self, record):
        row = self.board[record.pk]
        return "; ".join(row.missed) if row.deroll_candidate else ""

    def render_deroll(self, record):
        row = self.board[record.pk]
        if not row.deroll_candidate:
            return _("no")
        return format_html(
            '<span class="badge text-bg-danger">{}</span> {}', _("yes"), "; ".join(row.missed)
        )
