"""Forms of the reviewer workspace (rendered by the shared accessible form renderer)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from audits.forms import score_form_class
from secor.forms import DateInput

from .models import NoteKind, RejectionReason


class AssignForm(forms.Form):
    assignee = forms.TypedChoiceField(
        label=_("Reviewer"), coerce=int, empty_value=None, required=False
    )
    note = forms.CharField(label=_("Comment (staff only)"), max_length=300, required=False)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = {m.user_id: m.user for m in staff}
        self.fields["assignee"].choices = [("", _("Nobody (unassign)"))] + [
            (m.user_id, f"{m.user} ({m.get_role_display()})") for m in staff
        ]

    def clean_assignee(self):
        value = self.cleaned_data["assignee"]
        return None if value is None else self.staff[value]


class NoteForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of note"),
        choices=NoteKind.choices,
        initial=NoteKind.ACTIONABLE,
        widget=forms.RadioSelect,
    )
    element_number = forms.TypedChoiceField(
        label=_("About element"), coerce=int, empty_value=None, required=False
    )
    text = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("Say what is missing or wrong and what the employer should send."),
    )

    def __init__(self, *args, elements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["element_number"].choices = [("", _("The whole submission"))] + [
            (e.number, f"{e.number}. {e.name}") for e in elements
        ]


class CorrectionsForm(forms.Form):
    due_on = forms.DateField(
        label=_("Corrections due on"),
        widget=DateInput(),
    )
    note = forms.CharField(
        label=_("Message to the employer"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
    )

    def __init__(self, *args, default_due: date, days: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_on"].initial = default_due
        self.fields["due_on"].help_text = _(
            "The association gives %(days)s days for corrections: %(due)s."
        ) % {"days": days, "due": default_due.isoformat()}


class AcceptForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
    )


class RejectForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"), choices=[("", _("Choose a reason")), *RejectionReason.choices]
    )
    note = forms.CharField(
        label=_("Explanation for the employer"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
    )


def review_score_form_class(elements):
    """The audits scoring form (points per element) plus a comment per element."""
    base = score_form_class(elements)
    comments = {
        f"comment_{e.number}": forms.CharField(
            label=_("Comment on element %(n)s") % {"n": e.number},
            required=False,
            max_length=4000,
            widget=forms.Textarea(attrs={"rows": 1}),
        )
        for e in elements
    }
    return type("ReviewScoreForm", (base,), comments)
