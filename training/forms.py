"""Forms for training screens. Validation that needs the database lives in services."""

from __future__ import annotations

from django import forms

from employers.eligibility import EMPLOYMENT_TYPE_LABELS, EMPLOYMENT_TYPES
from secor.models import Jurisdiction

from . import evidence
from .models import Course, RequirementKind, TrainingRequirement

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ACCEPT = ".pdf,.png,.jpg,.jpeg,.webp,application/pdf,image/png,image/jpeg,image/webp"


class RecordForm(forms.Form):
    worker = forms.ModelChoiceField(queryset=None, label="Worker")
    course = forms.ModelChoiceField(queryset=None, label="Course")
    completed_on = forms.DateField(label="Completion date", widget=DATE)
    certificate_number = forms.CharField(label="Certificate number", max_length=60, required=False)
    hours = forms.DecimalField(
        label="Hours", min_value=0, max_digits=5, decimal_places=1, required=False
    )
    proficiency_submitted_on = forms.DateField(
        label="Proficiency submitted", required=False, widget=DATE
    )
    proficiency_accepted_on = forms.DateField(
        label="Proficiency accepted", required=False, widget=DATE
    )
    maintenance_audit_on = forms.DateField(
        label="Maintenance audit submitted", required=False, widget=DATE
    )
    refresher_on = forms.DateField(
        label="Classroom refresher completed", required=False, widget=DATE
    )
    evidence = forms.FileField(
        label="Certificate file",
        help_text=f"PDF, PNG or JPEG, up to {evidence.MAX_BYTES // (1024 * 1024)} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args, workers, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers
        self.fields["course"].queryset = courses
        self.fields[
            "proficiency_submitted_on"
        ].help_text = "Only for courses with a proficiency (e.g. LSE, Safety Auditor Training)."
        self.fields["maintenance_audit_on"].help_text = (
            "Only to keep an auditor status: the personal maintenance audit and the classroom "
            "refresher, both within the status's validity."
        )


class AuditDatesForm(forms.Form):
    """ "Check training for these audit dates": the data-gathering start (and end)."""

    start = forms.DateField(label="Audit start date", widget=DATE)
    end = forms.DateField(label="Audit end date", required=False, widget=DATE)
    wcb_account = forms.ModelChoiceField(queryset=None, label="WCB account", required=False)
    assessor = forms.ModelChoiceField(
        queryset=None, label="Assessor (who conducts the audit)", required=False
    )

    def __init__(self, *args, accounts, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wcb_account"].queryset = accounts
        self.fields["wcb_account"].empty_label = "First active account"
        self.fields["assessor"].queryset = workers
        self.fields["assessor"].empty_label = "Not named yet"

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The audit cannot end before it starts.")
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="Reason for rejecting",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="The employer sees this, e.g. “The name on the certificate is not the worker's.”",
    )


class DesignationForm(forms.Form):
    worker = forms.ModelChoiceField(queryset=None, label="Trained employee")
    wcb_account = forms.ModelChoiceField(queryset=None, label="for WCB account")

    def __init__(self, *args, workers, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers
        self.fields["wcb_account"].queryset = accounts


class CourseForm(forms.ModelForm):
    prerequisites = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Courses that must be completed on or before this one.",
    )
    accepted_prior = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Accepted equivalents",
        help_text="Records of these courses count as this course.",
    )

    class Meta:
        model = Course
        fields = [
            "code",
            "name",
            "validity_months",
            "proficiency_name",
            "proficiency_months",
            "accepted_until",
            "min_hours",
            "maintenance_required",
            "maintenance_name",
            "maintenance_submit_lead_months",
            "is_active",
        ]
        widgets = {"accepted_until": DATE}

    def __init__(self, *args, courses, **kwargs):
        super().__init__(*args, **kwargs)
        others = courses.exclude(pk=self.instance.pk) if self.instance.pk else courses
        self.fields["prerequisites"].queryset = others
        self.fields["accepted_prior"].queryset = others
        if self.instance.pk:
            self.fields["prerequisites"].initial = list(
                self.instance.prerequisites.values_list("pk", flat=True)
            )
            self.fields["accepted_prior"].initial = list(
                self.instance.accepted_prior.values_list("pk", flat=True)
            )

    def _post_clean(self):
        # The service validates the model (it needs the links too); skip ModelForm's pass.
        pass


class RequirementForm(forms.ModelForm):
    courses = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Any one of these courses (or its accepted equivalents) meets it. Leave empty "
        "for continuing education to count any course.",
    )
    holder_types = forms.MultipleChoiceField(
        choices=[(t, EMPLOYMENT_TYPE_LABELS[t]) for t in EMPLOYMENT_TYPES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Who may hold it",
        help_text="Leave all unticked to accept anyone (e.g. an external assessor).",
    )
    province = forms.ChoiceField(
        choices=[("", "Any province"), *Jurisdiction.choices], required=False
    )
    kind = forms.ChoiceField(choices=RequirementKind.choices)

    class Meta:
        model = TrainingRequirement
        fields = [
            "code",
            "label",
            "kind",
            "holder_types",
            "province",
            "every_months",
            "min_hours",
            "one_wcb_account_per_person",
            "position",
            "is_active",
        ]

    def __init__(self, *args, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["courses"].queryset = courses
        if self.instance.pk:
            self.fields["courses"].initial = list(
                self.instance.courses.values_list("pk", flat=True)
            )
            self.initial["holder_types"] = self.instance.holder_types or []

    def clean_holder_types(self):
        return self.cleaned_data["holder_types"] or None

    def _post_clean(self):
        pass
