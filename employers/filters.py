"""The staff directory's search and filters (django-filter)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
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
        """A WCB account number (digits, spaces ignored) exactly, else a name fragment.

        Two separate index-served searches, never OR-ed (an OR of a LIKE with an
        account sub-query is one no index serves): the number hits the expression
        index on UPPER(account_number), the fragment the trigram indexes on
        PostgreSQL (a table scan on SQLite, same code).
        """
        value = value.strip()
        if not value:
            return queryset
        number = "".join(value.split())
        if number.isdigit():
            accounts = WCBAccount.objects.filter(account_number__iexact=number)
            return queryset.filter(pk__in=accounts.values("employer_id"))
        return queryset.filter(Q(legal_name__icontains=value) | Q(operating_name__icontains=value))

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
