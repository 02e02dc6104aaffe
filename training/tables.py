"""The training verification queue (`secor.tables`): one page of pending records."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from secor.tables import ListTable

from .models import TrainingRecord


class RecordColumns(ListTable):
    """The columns every list of training records shows, defined once."""

    worker = tables.Column(verbose_name=_("Worker"), accessor="worker__full_name")
    course = tables.Column(
        verbose_name=_("Course"),
        accessor="course_name",
        order_by=("course__name", "other_course_title"),
    )
    completed_on = tables.DateColumn(verbose_name=_("Completed"), format="Y-m-d")
    certificate_number = tables.Column(verbose_name=_("Certificate #"), default="—")

    class Meta(ListTable.Meta):
        model = TrainingRecord
        fields = ()


class VerificationTable(RecordColumns):
    created_at = tables.Column(verbose_name=_("Added"), attrs={"td": {"class": "text-nowrap"}})
    employer = tables.Column(verbose_name=_("Employer"), accessor="employer__legal_name")
    actions = tables.Column(
        verbose_name=_("Action"),
        accessor="pk",
        orderable=False,
        exclude_from_export=True,
        attrs={"th": {"class": "visually-hidden"}},
    )

    class Meta(RecordColumns.Meta):
        sequence = (
            "created_at",
            "employer",
            "worker",
            "course",
            "completed_on",
            "certificate_number",
            "actions",
        )
        # Oldest first: the longest wait at the top.
        order_by = ("created_at",)
        empty_text = _("Nothing to verify.")

    def value_created_at(self, record):
        return timezone.localtime(record.created_at).strftime("%Y-%m-%d %H:%M")

    render_created_at = value_created_at

    def value_certificate_number(self, record):
        return record.certificate_number

    def render_actions(self, record):
        url = reverse(
            "training:verification_detail",
            kwargs={"association_slug": record.association.slug, "record_id": record.pk},
        )
        return format_html(
            '<a class="btn btn-sm btn-primary" href="{}">{}'
            '<span class="visually-hidden"> {} — {}</span></a>',
            url,
            _("Review"),
            record.course_name,
            record.worker.full_name,
        )


class EmployerRecordsTable(RecordColumns):
    """An employer's training records on its training page: one page at a time."""

    status = tables.TemplateColumn(
        verbose_name=_("Status"), template_name="training/_status_badge.html"
    )

    class Meta(RecordColumns.Meta):
        sequence = ("worker", "course", "completed_on", "certificate_number", "status")
        empty_text = _("No training records yet.")

    def render_course(self, record):
        url = reverse(
            "training:record_detail",
            kwargs={
                "association_slug": record.association.slug,
                "employer_id": record.employer_id,
                "record_id": record.pk,
            },
        )
        return format_html('<a href="{}">{}</a>', url, record.course_name)
