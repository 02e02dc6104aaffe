"""Forms for training screens. Validation that needs the database lives in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext, gettext_lazy

from employers.models import EmploymentStatus, Role
from secor.forms import Checkboxes, DateInput
from secor.models import Jurisdiction

from . import evidence
from .models import Course, RequirementKind, TrainingRequirement

DATE = DateInput()
ACCEPT = ".pdf,.png,.jpg,.jpeg,.webp,application/pdf,image/png,image/jpeg,image/webp"


MAX_MB = evidence.MAX_BYTES // (1024 * 1024)


class AfterCourseDates(forms.Form):
    """The dates that may follow a course (proficiency, maintenance), on both record forms."""

    proficiency_submitted_on = forms.DateField(
        label=gettext_lazy("Proficiency submitted"), required=False, widget=DATE
    )
    proficiency_accepted_on = forms.DateField(
        label=gettext_lazy("Proficiency accepted"), required=False, widget=DATE
    )
    maintenance_audit_on = forms.DateField(
        label=gettext_lazy("Maintenance audit submitted"), required=False, widget=DATE
    )
    refresher_on = forms.DateField(
        label=gettext_lazy("Classroom refresher completed"), required=False, widget=DATE
    )


class RecordFacts(forms.Form):
    """The course and what the certificate says: entered on a new record, corrected later."""

    course = forms.ModelChoiceField(
        queryset=None,
        label=gettext_lazy("Course"),
        required=False,
        help_text=gettext_lazy(
            "Courses no longer accepted are not listed. For a course outside the "
            "catalogue, leave this empty and give its title and provider below."
        ),
    )
    other_course_title = forms.CharField(
        label=gettext_lazy("Course title (outside the catalogue)"),
        max_length=200,
        required=False,
        help_text=gettext_lazy(
            "E.g. an ACSA course of four hours or more, for continuing education."
        ),
    )
    other_course_provider = forms.CharField(
        label=gettext_lazy("Course provider"), max_length=200, required=False
    )
    completed_on = forms.DateField(label=gettext_lazy("Completion date"), widget=DATE)
    certificate_number = forms.CharField(
        label=gettext_lazy("Certificate number"), max_length=60, required=False
    )
    hours = forms.DecimalField(
        label=gettext_lazy("Hours"), min_value=0, max_digits=5, decimal_places=1, required=False
    )

    def clean(self):
        data = super().clean()
        title = (data.get("other_course_title") or "").strip()
        if data.get("course") and title:
            self.add_error(
                "other_course_title",
                gettext_lazy("Choose a catalogue course or give a course title, not both."),
            )
        elif not data.get("course") and not title and "course" not in self.errors:
            self.add_error(
                "course",
                gettext_lazy(
                    "Choose a course, or give the title of a course outside the catalogue."
                ),
            )
        if title and not (data.get("other_course_provider") or "").strip():
            self.add_error(
                "other_course_provider",
                gettext_lazy("Say who gave the course (e.g. ACSA), so staff can verify it."),
            )
        return data


class RecordForm(RecordFacts, AfterCourseDates):
    field_order = [
        "worker",
        "course",
        "other_course_title",
        "other_course_provider",
        "completed_on",
        "certificate_number",
        "hours",
    ]

    worker = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Worker"))
    evidence = forms.FileField(
        label=gettext_lazy("Certificate file"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args, workers, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers
        self.fields["course"].queryset = courses
        self.fields["evidence"].help_text = gettext("PDF, PNG or JPEG, up to %(mb)s MB.") % {
            "mb": MAX_MB
        }
        self.fields["proficiency_submitted_on"].help_text = gettext(
            "Only for courses with a proficiency (e.g. LSE, Safety Auditor Training)."
        )
        self.fields["maintenance_audit_on"].help_text = gettext(
            "Only to keep an auditor status: the personal maintenance audit and the classroom "
            "refresher, both within the status's validity."
        )


class AuditDatesForm(forms.Form):
    """ "Check training for these audit dates": the data-gathering start (and end)."""

    start = forms.DateField(label=gettext_lazy("Audit start date"), widget=DATE)
    end = forms.DateField(label=gettext_lazy("Audit end date"), required=False, widget=DATE)
    wcb_account = forms.ModelChoiceField(
        queryset=None, label=gettext_lazy("WCB account"), required=False
    )
    assessor = forms.ModelChoiceField(
        queryset=None, label=gettext_lazy("Assessor (who conducts the audit)"), required=False
    )

    def __init__(self, *args, accounts, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wcb_account"].queryset = accounts
        self.fields["wcb_account"].empty_label = gettext("First active account")
        self.fields["assessor"].queryset = workers
        self.fields["assessor"].empty_label = gettext("Not named yet")

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", gettext("The audit cannot end before it starts."))
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for rejecting"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=gettext_lazy(
            "The employer sees this, e.g. “The name on the certificate is not the worker's.”"
        ),
    )


class DesignationForm(forms.Form):
    worker = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Trained employee"))
    wcb_account = forms.ModelChoiceField(queryset=None, label=gettext_lazy("for WCB account"))
    # Set by the confirm step: move a person already named for another account.
    move = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, workers, accounts, **kwargs):
        # Its own ids: the compliance page's date check has a wcb_account field too, and a
        # shared id would tie this form's label to the other form's list.
        kwargs.setdefault("auto_id", "id_designation_%s")
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers
        self.fields["wcb_account"].queryset = accounts


class CourseForm(forms.ModelForm):
    prerequisites = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=Checkboxes,
        help_text=gettext_lazy("Courses that must be completed on or before this one."),
    )
    accepted_prior = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=Checkboxes,
        label=gettext_lazy("Accepted equivalents"),
        help_text=gettext_lazy("Records of these courses count as this course."),
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
        widget=Checkboxes,
        help_text=gettext_lazy(
            "Any one of these courses (or its accepted equivalents) meets it. Leave empty "
            "for continuing education to count any course."
        ),
    )
    holder_statuses = forms.MultipleChoiceField(
        choices=EmploymentStatus.choices,
        required=False,
        widget=Checkboxes,
        label=gettext_lazy("Employment statuses that may hold it"),
        help_text=gettext_lazy(
            "SCSA: full-time permanent only. Leave all unticked to accept any status (e.g. "
            "an external assessor)."
        ),
    )
    holder_roles = forms.MultipleChoiceField(
        choices=Role.choices,
        required=False,
        widget=Checkboxes,
        label=gettext_lazy("Roles that may hold it"),
        help_text=gettext_lazy("Leave all unticked to accept any role."),
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
            "holder_statuses",
            "holder_roles",
            "province",
            "every_months",
            "min_hours",
            "one_wcb_account_per_person",
            "held_by_assessor",
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
            self.initial["holder_statuses"] = self.instance.holder_statuses or []
            self.initial["holder_roles"] = self.instance.holder_roles or []

    def clean_holder_statuses(self):
        return self.cleaned_data["holder_statuses"] or None

    def clean_holder_roles(self):
        return self.cleaned_data["holder_roles"] or None

    def _post_clean(self):
        pass


class RecordUpdateForm(RecordFacts, AfterCourseDates):
    """Corrections, and what arrives after the course (only the dates its course has)."""

    field_order = [
        "course",
        "other_course_title",
        "other_course_provider",
        "completed_on",
        "certificate_number",
        "hours",
    ]

    evidence = forms.FileField(
        label=gettext_lazy("New certificate or letter file"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args, record, courses, **kwargs):
        initial = {f: getattr(record, f) for f in self.base_fields if f != "evidence"}
        super().__init__(*args, initial=initial, **kwargs)
        # Courses still offered, and the record's own course even if it no longer is.
        self.fields["course"].queryset = courses
        self.fields["evidence"].help_text = gettext(
            "Optional. PDF, PNG or JPEG, up to %(mb)s MB. "
            "The current file is kept in the record's history."
        ) % {"mb": MAX_MB}
        self.fields["course"].help_text = gettext(
            "Corrections of a verified record are verified again; until then it counts as verified."
        )
        course = record.course
        if course is None:
            del self.fields["proficiency_submitted_on"], self.fields["proficiency_accepted_on"]
            del self.fields["maintenance_audit_on"], self.fields["refresher_on"]
        elif course.proficiency_name:
            name = course.proficiency_name[:1].upper() + course.proficiency_name[1:]
            self.fields["proficiency_submitted_on"].label = gettext(
                "%(proficiency)s submitted on"
            ) % {"proficiency": name}
            self.fields["proficiency_accepted_on"].label = gettext(
                "%(proficiency)s accepted on"
            ) % {"proficiency": name}
            self.fields["proficiency_accepted_on"].help_text = gettext(
                "Due within %(months)s months of the course. "
                "The date on the association's acceptance letter."
            ) % {"months": course.proficiency_months}
        else:
            del self.fields["proficiency_submitted_on"], self.fields["proficiency_accepted_on"]
        if course is not None and course.maintenance_required:
            self.fields["maintenance_audit_on"].label = gettext(
                "Personal maintenance audit submitted on"
            )
            self.fields["refresher_on"].label = gettext("Classroom training completed on")
            self.fields["maintenance_audit_on"].help_text = gettext(
                "Submit it at least %(months)s months before "
                "the status expires. The self-audit does not count."
            ) % {"months": course.maintenance_submit_lead_months}
        elif course is not None:
            del self.fields["maintenance_audit_on"], self.fields["refresher_on"]

    @property
    def has_dates(self) -> bool:
        return any(f in self.fields for f in AfterCourseDates.base_fields)
