"""The review queue table (django-tables2): one definition for the page and the CSV."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from secor.models import ProgramKind
from secor.tables import ListTable

from .models import Submission, SubmissionKind, SubmissionStatus

BADGES = {
    SubmissionStatus.AWAITING_REVIEW: "text-bg-primary",
    SubmissionStatus.RESUBMITTED: "text-bg-info",
    SubmissionStatus.IN_REVIEW: "text-bg-warning",
    SubmissionStatus.CORRECTIONS_REQUESTED: "text-bg-secondary",
    SubmissionStatus.ACCEPTED: "text-bg-success",
    SubmissionStatus.REJECTED: "text-bg-danger",
    SubmissionStatus.INVALID: "text-bg-danger",
}


# Labels by value, built once: a model's get_<field>_display() rebuilds its choices
# dict on every call, several times per row of every page.
STATUS_LABELS = dict(SubmissionStatus.choices)
KIND_LABELS = dict(SubmissionKind.choices)
PROGRAM_LABELS = dict(ProgramKind.choices)


def _label(labels, value) -> str:
    return str(labels.get(value, value))


def status_badge(submission) -> str:
    return format_html(
        '<span class="badge {}">{}</span>',
        BADGES.get(submission.status, "text-bg-light"),
        _label(STATUS_LABELS, submission.status),
    )


class QueueTable(ListTable):
    employer = tables.Column(verbose_name=_("Employer"), accessor="employer__legal_name")
    # Kind, program and status are rendered from the record (the label maps above): an
    # accessor on a field with choices makes django-tables2 call get_<field>_display()
    # for every cell first, whose label the render then throws away.
    kind = tables.Column(verbose_name=_("Submission"), accessor="pk", order_by=("kind", "version"))
    program = tables.Column(verbose_name=_("Program"), accessor="pk", order_by="program__kind")
    status = tables.Column(verbose_name=_("Status"), accessor="pk", order_by="status")
    received_at = tables.Column(
        verbose_name=_("Received (waiting)"), attrs={"td": {"class": "text-nowrap"}}
    )
    due_on = tables.Column(verbose_name=_("Due"), attrs={"td": {"class": "text-nowrap"}})
    assigned_to = tables.Column(
        verbose_name=_("Reviewer"), accessor="assigned_to__email", default="—"
    )

    class Meta(ListTable.Meta):
        model = Submission
        fields = ()
        sequence = (
            "employer",
            "kind",
            "program",
            "status",
            "received_at",
            "due_on",
            "assigned_to",
        )
        # Oldest first: the longest wait at the top.
        order_by = ("received_at",)
        empty_text = _("No submissions match.")

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self._workspace_urls = {}  # association slug → the review URL with a mark for the id
        self._late = format_html(' <span class="badge text-bg-danger">{}</span>', _("late"))

    def _local_date(self, record):
        return record.received_at.astimezone(ZoneInfo(record.association.time_zone)).date()

    def _workspace_url(self, record) -> str:
        # One reverse() per page, not per row: the rows differ only by their id.
        slug = record.association.slug
        if slug not in self._workspace_urls:
            self._workspace_urls[slug] = reverse(
                "submissions:review",
                kwargs={"association_slug": slug, "submission_id": 999999999},
            ).replace("999999999", "{id}")
        return self._workspace_urls[slug].replace("{id}", str(record.pk))

    def render_employer(self, record):
        return format_html(
            '<a href="{}">{}</a>{}',
            self._workspace_url(record),
            record.employer.legal_name,
            self._late if record.late else "",
        )

    def value_employer(self, record):
        return record.employer.legal_name

    def render_kind(self, record):
        return f"{_label(KIND_LABELS, record.kind)} v{record.version}"

    value_kind = render_kind

    def render_program(self, record):
        # "SECOR", "COR": the long name is on the workspace.
        return _label(PROGRAM_LABELS, record.program.kind).split(" ")[0]

    def value_program(self, record):
        return _label(PROGRAM_LABELS, record.program.kind)

    def render_status(self, record):
        return status_badge(record)

    def value_status(self, record):
        return _label(STATUS_LABELS, record.status)

    def render_received_at(self, record):
        day = self._local_date(record)
        return format_html(
            '<time datetime="{}">{}</time> <span class="text-body-secondary">({})</span>',
            timezone.localtime(record.received_at).isoformat(),
            day.isoformat(),
            _("%(n)s d") % {"n": (self.today - day).days},
        )

    def value_received_at(self, record):
        return self._local_date(record).isoformat()

    def render_due_on(self, record):
        if record.due_on is None:
            return "—"
        if record.due_on < self.today:
            return format_html(
                '{} <span class="badge text-bg-danger">{}</span>', record.due_on, _("overdue")
            )
        return record.due_on.isoformat()

    def value_due_on(self, record):
        return record.due_on.isoformat() if record.due_on else ""

    def value_assigned_to(self, record):
        return record.assigned_to.email if record.assigned_to else ""
