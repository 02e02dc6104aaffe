"""The review queue's filters (django-filter): status, program, due date, assignee."""

from __future__ import annotations

from datetime import timedelta

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from secor.forms import DateInput
from secor.models import Program

from .models import Submission, SubmissionKind, SubmissionStatus
from .review import OPEN_STATUSES

OPEN = "open"
ALL = "all"
ME = "me"
NOBODY = "nobody"


class QueueFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        help_text=_("Open: waiting, in review or sent back for corrections."),
        choices=[(OPEN, _("Open")), *SubmissionStatus.choices],
        method="by_status",
        empty_label=_("Any"),
    )
    program = django_filters.ModelChoiceFilter(
        label=_("Program"), queryset=Program.objects.none(), empty_label=_("Any")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=SubmissionKind.choices, empty_label=_("Any")
    )
    due = django_filters.ChoiceFilter(
        label=_("Due"),
        choices=[
            ("overdue", _("Overdue")),
            ("week", _("Within 7 days")),
            ("later", _("Later")),
        ],
        method="by_due",
        empty_label=_("Any"),
    )
    due_by = django_filters.DateFilter(
        label=_("Due on or before"),
        field_name="due_on",
        lookup_expr="lte",
        widget=DateInput(),
    )
    received_from = django_filters.DateFilter(
        label=_("Received on or after"),
        field_name="received_at",
        lookup_expr="date__gte",
        widget=DateInput(),
    )
    received_to = django_filters.DateFilter(
        label=_("Received on or before"),
        field_name="received_at",
        lookup_expr="date__lte",
        widget=DateInput(),
    )
    assignee = django_filters.ChoiceFilter(
        label=_("Assigned to"), choices=(), method="by_assignee", empty_label=_("Anyone")
    )

    class Meta:
        model = Submission
        fields: list[str] = []

    def __init__(self, data=None, *args, association, user, staff, today, **kwargs):
        data = data.copy() if data is not None else {}
        # The queue opens on the open submissions; "Any" is an explicit choice.
        if "status" not in data:
            data["status"] = OPEN
        super().__init__(data, *args, **kwargs)
        self.user, self.today = user, today
        # A choice's label names the association: read with it, not once per program.
        self.filters["program"].queryset = (
            Program.objects.filter(association=association, is_active=True)
            .select_related("association")
            .order_by("kind")
        )
        choices = [(ME, _("Me")), (NOBODY, _("Nobody yet"))]
        # Everyone by id too (the signed-in member as well): the dashboard links by id.
        choices += [(str(m.user_id), str(m.user)) for m in staff]
        self.filters["assignee"].extra["choices"] = choices

    def by_status(self, queryset, name, value):
        if value == OPEN:
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.filter(status=value)

    def by_due(self, queryset, name, value):
        week = self.today + timedelta(days=7)
        if value == "overdue":
            return queryset.filter(due_on__lt=self.today)
        if value == "week":
            return queryset.filter(due_on__gte=self.today, due_on__lte=week)
        return queryset.filter(due_on__gt=week)

    def by_assignee(self, queryset, name, value):
        if value == ME:
            return queryset.filter(assigned_to_id=self.user.pk)
        if value == NOBODY:
            return queryset.filter(assigned_to__isnull=True)
        return queryset.filter(Q(assigned_to_id=int(value)))
