"""The staff lists' filters (django-filter): certificates, and audits by status."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from secor.forms import DateInput
from secor.models import ProgramKind

from .models import Audit, AuditStatus, Certificate, CertificateStatus


class CertificateFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Number, employer or WCB account"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=CertificateStatus.choices, empty_label=_("Any")
    )
    program = django_filters.ChoiceFilter(
        label=_("Program"),
        field_name="program__kind",
        choices=ProgramKind.choices,
        empty_label=_("Any"),
    )
    expires_after = django_filters.DateFilter(
        label=_("Expires on or after"),
        field_name="expires_on",
        lookup_expr="gte",
        widget=DateInput(),
    )
    expires_before = django_filters.DateFilter(
        label=_("Expires on or before"),
        field_name="expires_on",
        lookup_expr="lte",
        widget=DateInput(),
    )

    class Meta:
        model = Certificate
        fields = ["q", "status", "program", "expires_after", "expires_before"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value)
            | Q(employer__legal_name__icontains=value)
            | Q(employer__operating_name__icontains=value)
            | Q(wcb_account__account_number__icontains="".join(value.split()))
        )


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
