"""Forms of the audits screens; rendered with the project's Bootstrap renderer (`{{ form }}`)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.dates import MONTHS
from django.utils.translation import gettext, gettext_lazy

from employers.models import Worker
from secor.forms import DateInput

from .models import ConductedBy, MilestoneOutcome, ProgramRules
from .schedule import (
    MILESTONE_MONTH_BOUNDS,
    MILESTONES_MAX,
    PACKAGE_COUNT_BOUNDS,
    PACKAGE_MAX_ITEMS,
    MaintenanceDeadline,
)
from .snapshot import PLANNING_RULE_FIELDS, RULE_FIELDS


class RadioSelect(forms.RadioSelect):
    """Bootstrap's form-check markup: each input beside its own label."""

    template_name = "audits/widgets/radio.html"


class DatesForm(forms.Form):
    data_gathering_start = forms.DateField(
        label=gettext_lazy("Data gathering starts"),
        widget=DateInput(),
        help_text=gettext_lazy("The audit's start date."),
    )
    data_gathering_end = forms.DateField(
        label=gettext_lazy("Data gathering ends"),
        widget=DateInput(),
        help_text=gettext_lazy("The last day on site: for a certification, the anniversary date."),
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("data_gathering_start"), data.get("data_gathering_end")
        if start and end and end < start:
            self.add_error(
                "data_gathering_end", gettext("The end date cannot be before the start date.")
            )
        return data


class PlanForm(DatesForm):
    enrollment = forms.ModelChoiceField(
        queryset=None, label=gettext_lazy("Program"), empty_label=None
    )
    conducted_by = forms.ChoiceField(
        label=gettext_lazy("Who conducts the audit"),
        choices=ConductedBy.choices,
        widget=RadioSelect,
    )
    assessor_worker = forms.ModelChoiceField(
        queryset=Worker.objects.none(),
        required=False,
        label=gettext_lazy("Trained assessor"),
        help_text=gettext_lazy(
            "Only when your own trained assessor conducts it: their own training must be "
            "valid on the first day of data gathering. Only current workers who can hold "
            "the training are listed."
        ),
    )
    external_assessor = forms.ModelChoiceField(
        queryset=Worker.objects.none(),
        required=False,
        label=gettext_lazy("External assessor"),
        help_text=gettext_lazy(
            "Only when an external assessor conducts it: a consultant on your roster whose "
            "certificate, with its evidence, staff have verified."
        ),
    )
    documentation_from = forms.DateField(
        label=gettext_lazy("Health and safety documentation from"),
        widget=DateInput(),
        required=False,
        help_text=gettext_lazy("The first day of the documentation your system has produced."),
    )
    documentation_to = forms.DateField(
        label=gettext_lazy("Health and safety documentation to"),
        widget=DateInput(),
        required=False,
        help_text=gettext_lazy("The last day it covers, before the audit starts."),
    )
    limited_scope = forms.BooleanField(
        label=gettext_lazy("Limited scope: audit only the elements that failed"),
        required=False,
        help_text=gettext_lazy(
            "Only after a failed certification audit that fell short on particular "
            "elements; otherwise a full re-audit is planned."
        ),
    )

    field_order = [
        "enrollment",
        "conducted_by",
        "assessor_worker",
        "external_assessor",
        "data_gathering_start",
        "data_gathering_end",
        "documentation_from",
        "documentation_to",
        "limited_scope",
    ]

    def __init__(
        self,
        *args,
        enrollments,
        workers,
        external_workers=None,
        follow_up=False,
        documentation=True,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        if not follow_up:
            del self.fields["limited_scope"]
        if not documentation:
            del self.fields["documentation_from"]
            del self.fields["documentation_to"]
        self.fields["enrollment"].queryset = enrollments
        self.fields["enrollment"].label_from_instance = lambda e: e.program.get_kind_display()
        self.fields["assessor_worker"].queryset = workers
        if external_workers is not None:
            self.fields["external_assessor"].queryset = external_workers
        if len(enrollments) == 1:
            self.fields["enrollment"].widget = forms.HiddenInput()
            self.initial.setdefault("enrollment", enrollments[0].pk)

    def clean(self):
        data = super().clean()
        by = data.get("conducted_by")
        if by == ConductedBy.TRAINED_ASSESSOR and not data.get("assessor_worker"):
            self.add_error(
                "assessor_worker", gettext("Choose the trained assessor from your workers.")
            )
        if by == ConductedBy.EXTERNAL_ASSESSOR and not data.get("external_assessor"):
            self.add_error(
                "external_assessor", "Choose the external assessor, or record one first."
            )
        begin, end = data.get("documentation_from"), data.get("documentation_to")
        if begin and end and end < begin:
            self.add_error(
                "documentation_to", gettext("The documentation cannot end before it starts.")
            )
        return data


def score_form_class(elements, pass_marks_text: str = ""):
    """A form with one points field per element of the audit's tool version."""
    fields = {}
    for element in elements:
        label = (
            gettext("Supplemental section %(number)s. %(name)s")
            if element.supplemental
            else gettext("Element %(number)s. %(name)s")
        )
        points = {"points": f"{element.max_points.normalize():f}"}
        if element.min_percent is None:
            help_text = gettext("Out of %(points)s points.") % points
        else:
            help_text = gettext("Out of %(points)s points; its own minimum is %(minimum)s %%.") % {
                **points,
                "minimum": f"{element.min_percent.normalize():f}",
            }
        fields[f"element_{element.number}"] = forms.DecimalField(
            label=label % {"number": element.number, "name": element.name},
            required=False,
            min_value=Decimal(0),
            max_value=element.max_points,
            decimal_places=2,
            help_text=help_text,
            widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
        )
    return type("ScoreForm", (forms.Form,), fields)


def points_from(form_data, elements) -> dict[int, object]:
    return {e.number: form_data.get(f"element_{e.number}") for e in elements}


class RulesForm(forms.ModelForm):
    """The scalar rules; the maintenance package and milestones are the formsets below."""

    class Meta:
        model = ProgramRules
        fields = [
            *(f for f in RULE_FIELDS if f not in ("maintenance_package", "milestones")),
            *PLANNING_RULE_FIELDS,
            "certificate_number_pattern",
        ]
        # Help for the association's admin (here, not on the model: no migration).
        # Generic wording: an association's admin must not read another's values.
        help_texts = {
            "maintenance_fixed_month": gettext_lazy("1 (January) to 12 (December)."),
            "maintenance_fixed_day": gettext_lazy("Day of that month, 1 to 31."),
            "maintenance_dated_by": gettext_lazy(
                "Which date of a maintenance audit must fall in its year."
            ),
            "data_gathering_max_days": gettext_lazy(
                "Start and end day both count, 1 to 366. Empty: no limit."
            ),
            "submission_within_days": gettext_lazy(
                "Days after the last day of data gathering to receive the audit, up to 366. "
                "Empty: no limit."
            ),
            "corrections_within_days": gettext_lazy(
                "Days to send corrections once requested, up to 366. Empty: none."
            ),
            "min_documentation_months": gettext_lazy(
                "Months of health and safety documentation needed before a certification "
                "audit, 0 to 60."
            ),
            "min_documentation_window_months": gettext_lazy(
                "The window those months must fall in, 1 to 120. Empty: any time."
            ),
            "maintenance_notice_days": gettext_lazy(
                "Days before a maintenance audit is due to remind the employer, up to 730. "
                "Empty: no reminder."
            ),
            "reapply_wait_months": gettext_lazy(
                "How long a de-rolled employer waits before re-applying, up to 120 (0: no wait)."
            ),
            "validity_years": gettext_lazy("1 to 10 years."),
            "full_element_min_percent": gettext_lazy("Empty: no minimum per element."),
            "maintenance_element_min_percent": gettext_lazy("Empty: no minimum per element."),
        }

        widgets = {
            "maintenance_fixed_month": forms.Select(
                choices=[("", "—"), *((n, MONTHS[n]) for n in range(1, 13))]
            ),
        }

    # Shown only for the deadline kind that uses them (see rules_edit.html).
    FIXED_FIELDS = ("maintenance_fixed_month", "maintenance_fixed_day")

    def clean(self):
        data = super().clean()
        if data.get("maintenance_deadline_kind") != MaintenanceDeadline.FIXED_MONTH_DAY:
            # Hidden for this kind: whatever was typed there is not a rule.
            for name in self.FIXED_FIELDS:
                self.errors.pop(name, None)
                data[name] = None
        return data


class PackageItemForm(forms.Form):
    document = forms.CharField(label=gettext_lazy("Document"), max_length=200)
    count = forms.IntegerField(
        label=gettext_lazy("How many"),
        min_value=PACKAGE_COUNT_BOUNDS[0],
        max_value=PACKAGE_COUNT_BOUNDS[1],
    )


class MilestoneRuleForm(forms.Form):
    code = forms.SlugField(
        label=gettext_lazy("Code"),
        max_length=40,
        help_text=gettext_lazy("Short, unique: letters, digits, - or _."),
    )
    label = forms.CharField(label=gettext_lazy("What is due"), max_length=200)
    start_month = forms.IntegerField(
        label=gettext_lazy("From month"),
        min_value=MILESTONE_MONTH_BOUNDS[0],
        max_value=MILESTONE_MONTH_BOUNDS[1],
    )
    due_month = forms.IntegerField(
        label=gettext_lazy("Due by month"),
        min_value=MILESTONE_MONTH_BOUNDS[0],
        max_value=MILESTONE_MONTH_BOUNDS[1],
    )

    def clean(self):
        data = super().clean()
        start, due = data.get("start_month"), data.get("due_month")
        if start and due and due < start:
            self.add_error("due_month", gettext_lazy("It cannot be due before the month it opens."))
        return data


class _RowsFormSet(forms.BaseFormSet):
    """Rows added with an "Add a row" button; blank rows are ignored."""

    def rows(self) -> list[dict]:
        return [
            f.cleaned_data
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]


class _MilestoneFormSet(_RowsFormSet):
    def clean(self):
        if any(self.errors):
            return
        codes = [row["code"] for row in self.rows()]
        if len(codes) != len(set(codes)):
            raise forms.ValidationError(gettext_lazy("Each milestone code may appear once."))


PackageFormSet = forms.formset_factory(
    PackageItemForm,
    formset=_RowsFormSet,
    extra=0,
    can_delete=True,
    max_num=PACKAGE_MAX_ITEMS,
    validate_max=True,
)
MilestoneFormSet = forms.formset_factory(
    MilestoneRuleForm,
    formset=_MilestoneFormSet,
    extra=0,
    can_delete=True,
    max_num=MILESTONES_MAX,
    validate_max=True,
)


def package_initial(rules) -> list[dict]:
    return [{"document": name, "count": count} for name, count in rules.maintenance_package or []]


def package_value(formset) -> list[list]:
    return [[row["document"], row["count"]] for row in formset.rows()]


def milestones_initial(rules) -> list[dict]:
    return [
        {
            "code": m.get("code"),
            "label": m.get("label"),
            "start_month": m.get("start_month") or 1,
            "due_month": m.get("due_month"),
        }
        for m in rules.milestones or []
    ]


def milestones_value(formset) -> list[dict]:
    return [
        {
            "code": row["code"],
            "label": row["label"],
            "start_month": row["start_month"],
            "due_month": row["due_month"],
        }
        for row in formset.rows()
    ]


class ElementForm(forms.Form):
    number = forms.IntegerField(label=gettext_lazy("Number"), min_value=1, max_value=999)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    max_points = forms.DecimalField(
        label=gettext_lazy("Maximum points"),
        min_value=Decimal("0.01"),
        max_value=Decimal("99999.99"),
        decimal_places=2,
    )
    min_percent = forms.DecimalField(
        label=gettext_lazy("Own minimum %"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=2,
    )
    supplemental = forms.BooleanField(label=gettext_lazy("Supplemental"), required=False)


# No blank rows by default: "Add element" adds one (the view sets `extra`).
ElementFormSet = forms.formset_factory(
    ElementForm, extra=0, can_delete=True, max_num=200, validate_max=True
)


class ToolNameForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Tool name"), max_length=200)


class MilestoneForm(forms.Form):
    outcome = forms.ChoiceField(choices=MilestoneOutcome.choices)
    met_on = forms.DateField(
        label=gettext_lazy("Met on"),
        required=False,
        widget=DateInput(),
        help_text=gettext_lazy("When it was accepted."),
    )
    due_on = forms.DateField(
        label=gettext_lazy("Due on (registration letter)"), required=False, widget=DateInput()
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def clean(self):
        data = super().clean()
        if data.get("outcome") == MilestoneOutcome.ACCEPTED and not data.get("met_on"):
            self.add_error("met_on", gettext("Give the date the milestone was met."))
        return data


class LetterForm(forms.Form):
    number = forms.TypedChoiceField(
        label=gettext_lazy("Letter"),
        choices=[(1, gettext_lazy("Milestone #1")), (2, gettext_lazy("Milestone #2"))],
        coerce=int,
    )
    issued_on = forms.DateField(label=gettext_lazy("Issued on"), widget=DateInput())
    expires_on = forms.DateField(label=gettext_lazy("Expires on"), widget=DateInput())

    def clean(self):
        data = super().clean()
        if (
            data.get("issued_on")
            and data.get("expires_on")
            and data["expires_on"] < data["issued_on"]
        ):
            self.add_error("expires_on", gettext("A letter cannot expire before it is issued."))
        return data


class IssueForm(forms.Form):
    wcb_account = forms.ModelChoiceField(
        queryset=None,
        label=gettext_lazy("WCB account printed on the certificate"),
        empty_label=None,
        help_text=gettext_lazy("Must be active."),
    )

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["wcb_account"]
        field.queryset = accounts
        field.label_from_instance = lambda a: (
            f"{a.board} {a.account_number}"
            if a.is_active
            else gettext("%(board)s %(number)s (inactive)")
            % {"board": a.board, "number": a.account_number}
        )


STATUS_ACTIONS = {
    "suspend": gettext_lazy("Suspend"),
    "reinstate": gettext_lazy("Reinstate (valid again)"),
    "cancel": gettext_lazy("Cancel"),
}


class CertificateStatusForm(forms.Form):
    action = forms.ChoiceField(label=gettext_lazy("Change"), widget=RadioSelect)
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text=gettext_lazy("Told to the employer's users. Needed to suspend or cancel."),
    )

    def __init__(self, *args, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(a, STATUS_ACTIONS[a]) for a in actions]

    def clean(self):
        data = super().clean()
        if data.get("action") in ("suspend", "cancel") and not data.get("reason", "").strip():
            self.add_error("reason", gettext("Give the reason: the employer's users are told it."))
        return data


class ReissueForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why re-issue"),
        max_length=500,
        help_text=gettext_lazy(
            "For example: legal name corrected. The number stays; a new revision is printed."
        ),
    )


class HoldersUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file of certificate holders"),
        help_text=gettext_lazy(
            "UTF-8 CSV, at most 10,000 rows. Columns: legal_name, wcb_account_number, "
            "program (SECOR or COR), certificate_number, issued_on (the anniversary, e.g. "
            "2021-01-05); optional wcb_board, last_audit_type (certification, recertification or "
            "maintenance), last_audit_start, last_audit_end, last_audit_result (passed or "
            "failed), last_audit_score. Rows already imported are left as they are."
        ),
    )


HISTORIC_TYPE_CHOICES = [
    ("certification", "Certification"),
    ("baseline", "Baseline (external certification)"),
    ("recertification", "Recertification"),
    ("maintenance", "Maintenance"),
]


class HistoricAuditForm(DatesForm):
    enrollment = forms.ModelChoiceField(
        queryset=None, label=gettext_lazy("Program"), empty_label=None
    )
    audit_type = forms.ChoiceField(label=gettext_lazy("Audit"), choices=HISTORIC_TYPE_CHOICES)
    passed = forms.TypedChoiceField(
        label=gettext_lazy("Outcome"),
        choices=[("yes", "Passed"), ("no", "Not achieved")],
        coerce=lambda v: v == "yes",
        widget=RadioSelect,
    )
    overall_percent = forms.DecimalField(
        label=gettext_lazy("Overall score %"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=3,
    )
    assessor_name = forms.CharField(
        label=gettext_lazy("Who conducted it"), max_length=150, required=False
    )

    field_order = [
        "enrollment",
        "audit_type",
        "data_gathering_start",
        "data_gathering_end",
        "passed",
        "overall_percent",
        "assessor_name",
    ]

    def __init__(self, *args, enrollments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrollment"].queryset = enrollments
        self.fields["enrollment"].label_from_instance = lambda e: e.program.get_kind_display()
