"""The staff directory's search and filters (django-filter)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy

from secor.models import ProgramKind

from .models import EligibilityStatus, Employer, EnrollmentStatus, WCBAccount
from .selectors import enrollment_exists


class EmployerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=gettext_lazy("Name or WCB account number"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    program = django_filters.ChoiceFilter(
        label=gettext_lazy("Program"),
        choices=ProgramKind.choices,
        method="enrollment",
        empty_label=gettext_lazy("Any"),
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=EnrollmentStatus.choices,
        method="enrollment",
        empty_label=gettext_lazy("Any"),
    )
    eligibility = django_filters.ChoiceFilter(
        label=gettext_lazy("SECOR eligibility"),
        field_name="eligibility_status",
        choices=EligibilityStatus.choices,
        empty_label=gettext_lazy("Any"),
    )

    class Meta:
        model = Employer
        fields = ["q", "program", "status", "eligibility"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        number = "".join(value.split())
        # Exists, not a join: an employer with two matching accounts is listed once.
        account = WCBAccount.objects.filter(
            employer=OuterRef("pk"), account_number__icontains=number
        )
        return queryset.filter(
            Q(legal_name__icontains=value) | Q(operating_name__icontains=value) | Exists(account)
        )

    def enrollment(self, queryset, name, value):
        # Program and status are applied together below, so one enrollment must match both.
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        program = self.form.cleaned_data.get("program")
        status = self.form.cleaned_data.get("status")
        if program or status:
            queryset = queryset.filter(enrollment_exists(program=program, status=status))
        return queryset
