"""The staff reminder log's filters (django-filter) and table (django-tables2): one
definition for the page and the CSV (`secor.tables`)."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from . import notifications as n
from .forms import DateInput
from .models import DeliveryStatus, Reminder, ReminderStatus
from .tables import ListTable

_DELIVERY_BADGES = {
    DeliveryStatus.SENT: "text-bg-success",
    DeliveryStatus.FAILED: "text-bg-danger",
    DeliveryStatus.RETRYING: "text-bg-danger",
}
FAILED = "failed"


class ReminderLogFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Reminder"), choices=(), empty_label=_("Any"))
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[*ReminderStatus.choices, (FAILED, _("A delivery failed"))],
        method="by_status",
        empty_label=_("Any"),
    )
    send_from = django_filters.DateFilter(
        label=_("Due to send on or after"),
        field_name="send_on",
        lookup_expr="gte",
        widget=DateInput(),
    )
    send_to = django_filters.DateFilter(
        label=_("Due to send on or before"),
        field_name="send_on",
        lookup_expr="lte",
        widget=DateInput(),
    )

    class Meta:
        model = Reminder
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["kind"].extra["choices"] = n.kind_choices()

    def by_status(self, queryset, name, value):
        if value == FAILED:
            failed = (DeliveryStatus.FAILED, DeliveryStatus.RETRYING)
            return queryset.filter(deliveries__status__in=failed).distinct()
        return queryset.filter(status=value)


class ReminderLogTable(ListTable):
    title = tables.Column(verbose_name=_("Reminder"), order_by=("deadline", "lead_days"))
    send_on = tables.Column(
        verbose_name=_("Due to send"),
        order_by=("send_on", "id"),
        attrs={"td": {"class": "text-nowrap"}},
    )
    sent_at = tables.Column(
        verbose_name=_("Sent"), empty_values=(), attrs={"td": {"class": "text-nowrap"}}
    )
    deliveries = tables.Column(
        verbose_name=_("To"), accessor="pk", orderable=False, empty_values=()
    )

    class Meta(ListTable.Meta):
        model = Reminder
        fields = ()
        sequence = ("title", "send_on", "sent_at", "deliveries")
        # Newest first: the reminder staff ask about is usually the last one.
        order_by = ("-send_on",)
        empty_text = _("No reminder has been sent about this employer yet.")

    def _lead(self, record) -> str:
        return _("%(days)s days before %(day)s") % {
            "days": record.lead_days,
            "day": record.deadline.isoformat(),
        }

    def render_title(self, record):
        return format_html(
            '{}<br><span class="small text-body-secondary">{}</span>',
            record.title,
            self._lead(record),
        )

    def value_title(self, record):
        return f"{record.title} ({self._lead(record)})"

    def render_send_on(self, record):
        late = format_html(' <span class="badge text-bg-warning">{}</span>', _("late"))
        return format_html("{}{}", record.send_on.isoformat(), late if record.late else "")

    def value_send_on(self, record):
        return record.send_on.isoformat()

    def value_sent_at(self, record):
        if record.sent_at is None:
            return record.get_status_display()
        return timezone.localtime(record.sent_at).strftime("%Y-%m-%d %H:%M")

    render_sent_at = value_sent_at

    # The deliveries come from the view's prefetch: no query per row.
    def render_deliveries(self, record):
        deliveries = record.deliveries.all()
        if not deliveries:
            return format_html('<span class="text-body-secondary">{}</span>', _("No recipient"))
        return format_html(
            '<ul class="list-unstyled mb-0">{}</ul>',
            format_html_join(
                "",
                '<li>{} · {} · <span class="badge {}">{}</span>{}</li>',
                (
                    (
                        d.address,
                        d.get_channel_display(),
                        _DELIVERY_BADGES.get(d.status, "text-bg-secondary"),
                        d.get_status_display(),
                        format_html('<br><span class="small text-danger">{}</span>', d.error)
                        if d.error
                        else "",
                    )
                    for d in deliveries
                ),
            ),
        )

    def value_deliveries(self, record):
        return "; ".join(
            f"{d.address} ({d.get_channel_display()}, {d.get_status_display()}"
            + (f": {d.error}" if d.error else "")
            + ")"
            for d in record.deliveries.all()
        )
