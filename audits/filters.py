"""The audits list's filters (django-filter): status, kept in the URL."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Audit, AuditStatus

OPEN, ALL = "open", "all"


class AuditFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(OPEN, _("Open")), *AuditStatus.choices, (ALL, _("All"))],
        method="by_status",
        empty_label=None,
    )

    class Meta:
        model = Audit
        fields: list[str] = []

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        # The list opens on the open audits; "All" is an explicit choice.
        if not data.get("status"):
            data["status"] = OPEN
        super().__init__(data, *args, **kwargs)

    def by_status(self, queryset, name, value):
        if value == OPEN:
            return queryset.filter(status__in=AuditStatus.open_statuses())
        if value == ALL:
            return queryset
        return queryset.filter(status=value)
