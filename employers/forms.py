"""Forms for employer screens. The project renderer adds labels, help and errors."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext, gettext_lazy

from secor.forms import Checkboxes, DateInput
from secor.models import Association, ProgramKind

from .eligibility import EMPLOYMENT_TYPES
from .imports import MAX_BYTES, MAX_ROWS, OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from .models import (
    CATEGORY_LABELS,
    PROFILE_FIELDS,
    RULE_FIELDS,
    WORKER_FIELDS,
    EligibilityRule,
    Employer,
    EmploymentStatus,
    EnrollmentStatus,
    HeadcountDeclaration,
    Role,
    WCBAccount,
)
from .models import Worker as WorkerModel

NEGATIVE = {"min_value": "A count cannot be negative."}


class EmployerProfileForm(forms.ModelForm):
    class Meta:
        model = Employer
        fields = PROFILE_FIELDS
        labels = {
            "legal_name": "Legal company name",
            "operating_name": "Operating name (if different)",
            "province": "Province or territory",
            "contact_email": "Company email",
            "is_general_contractor": "We act as a general contractor or management company",
            "expected_workers": "Workers expected on your largest job, subcontractors included",
        }
        help_texts = {
            "legal_name": "As registered with the WCB, e.g. “Prairie Hauling Ltd.”.",
            "operating_name": "The name customers know you by, if not the legal name.",
            "is_general_contractor": "Tick this if you hire other companies to work on your "
            "jobs. Some associations (SCSA) do not accept general contractors who expect more "
            "workers than the SECOR limit.",
            "expected_workers": "Only needed if you act as a general contractor. Count everyone "
            "you expect to engage at once, your own people and subcontractors.",
        }


class WCBAccountForm(forms.ModelForm):
    class Meta:
        model = WCBAccount
        fields = ["board", "account_number", "industry_code", "is_active"]
        labels = {"board": "WCB board", "is_active": "This account is active"}
        help_texts = {
            "board": "The workers' compensation board, e.g. WCB-Alberta or Saskatchewan WCB.",
            "account_number": "The number on your WCB clearance letter or premium notice.",
            "industry_code": "Optional: your WCB industry or rate code.",
        }


class WCBAccountAddForm(WCBAccountForm):
    """A new account is active: "inactive" only makes sense for one already on file."""

    class Meta(WCBAccountForm.Meta):
        fields = ["board", "account_number", "industry_code"]


class WorkerForm(forms.ModelForm):
    class Meta:
        model = WorkerModel
        fields = WORKER_FIELDS
        labels = {
            "full_name": gettext_lazy("Full name"),
            "role": gettext_lazy("Role"),
            "employment_status": gettext_lazy("Employment status"),
            "start_date": gettext_lazy("First day worked"),
            "end_date": gettext_lazy("Last day worked"),
            "fte": gettext_lazy("Full-time equivalent (optional)"),
            "weekly_hours": gettext_lazy("Hours a week (optional)"),
            "email": gettext_lazy("Email (optional)"),
        }
        help_texts = {
            "role": gettext_lazy(
                "Owners, managers, office staff, family members and volunteers are workers "
                "too: list everyone. Choose “Other” for anyone else."
            ),
            "employment_status": gettext_lazy(
                "How they work for you. A full-time manager is a manager and full-time "
                "permanent; an unpaid family member helping out is a volunteer."
            ),
            "province": gettext_lazy(
                "Where this person mostly works. SCSA counts only Saskatchewan workers."
            ),
            "end_date": gettext_lazy("Leave empty if they still work for you."),
            "fte": gettext_lazy(
                "Only if your association counts full-time equivalents: 1 for full time, "
                "0.5 for half time. Or give the hours a week instead."
            ),
            "weekly_hours": gettext_lazy(
                "Only if your association counts full-time equivalents and you did not give one."
            ),
        }
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error(
                "end_date", gettext("The last day worked cannot be before the first day.")
            )
        return data


class WorkerEndForm(forms.Form):
    end_date = forms.DateField(
        label=gettext_lazy("Last day worked"),
        widget=DateInput(),
        help_text=gettext_lazy(
            "They stay on your roster: the SECOR size rule looks back 12 months."
        ),
    )

    def __init__(self, *args, worker, **kwargs):
        super().__init__(*args, **kwargs)
        self.worker = worker

    def clean_end_date(self):
        end = self.cleaned_data["end_date"]
        if end < self.worker.start_date:
            raise forms.ValidationError(
                gettext("The last day worked cannot be before the first day (%(start_date)s).")
                % {"start_date": self.worker.start_date}
            )
        return end


class HeadcountForm(forms.ModelForm):
    class Meta:
        model = HeadcountDeclaration
        fields = ["period_start", "period_end", *EMPLOYMENT_TYPES, "fte"]
        labels = {
            "period_start": "Period from",
            "period_end": "Period to",
            **{t: CATEGORY_LABELS[t] for t in EMPLOYMENT_TYPES},
            "fte": gettext_lazy("Full-time equivalents (optional)"),
        }
        help_texts = {
            "period_start": "For example the first day of a month or of your busy season.",
            "subcontractor": "Subcontractors working on your jobs.",
            "family_member": "Unpaid family members who help out.",
            "fte": gettext_lazy(
                "Only if your association counts full-time equivalents: the counted people's "
                "hours over a full-time week, e.g. 6.5."
            ),
        }
        widgets = {"period_start": DateInput(), "period_end": DateInput()}
        error_messages = dict.fromkeys(EMPLOYMENT_TYPES, NEGATIVE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in EMPLOYMENT_TYPES:
            # An empty box means nobody of that kind.
            self.fields[name].required = False
            self.fields[name].widget.attrs.setdefault("placeholder", "0")
            # Two boxes a row (employers.css): eleven stacked boxes make a long form.
            self.fields[name].template_name = "employers/_count_field.html"

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", gettext("The period cannot end before it starts."))
        nobody = not any(data.get(t) for t in EMPLOYMENT_TYPES) and data.get("fte") is None
        if not self.errors and nobody:
            raise forms.ValidationError(gettext("Enter at least one person."))
        return data

    @property
    def counts(self) -> dict[str, int]:
        return {t: self.cleaned_data.get(t) or 0 for t in EMPLOYMENT_TYPES}


class InviteColleagueForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Colleague's email address"),
        help_text=gettext_lazy("They get a link to join and will see this company only."),
    )


class EnrollmentConfirmForm(forms.Form):
    membership_number = forms.CharField(
        label=gettext_lazy("Association membership number"), max_length=40, required=False
    )
    membership_expires_on = forms.DateField(
        label=gettext_lazy("Membership expires on"), required=False, widget=DateInput()
    )

    def __init__(self, *args, requires_membership=False, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].required = requires_membership
        if requires_membership:
            self.fields["membership_number"].help_text = gettext_lazy(
                "Required by your association before the registration is confirmed."
            )


class ApplyForm(forms.Form):
    """Only a confirmation button: the program comes from the page."""


class MembershipForm(forms.Form):
    membership_number = forms.CharField(
        label=gettext_lazy("Association membership number"), max_length=40
    )
    membership_expires_on = forms.DateField(
        label=gettext_lazy("The renewed membership expires on"), widget=DateInput()
    )


class EnrollmentStatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("New status"), choices=EnrollmentStatus.choices)
    reapply_on = forms.DateField(
        label=gettext_lazy("May apply again on"),
        required=False,
        widget=DateInput(),
        help_text=gettext_lazy(
            "Only for a de-roll. Empty: the program's wait after today (SCSA: six months); "
            "never earlier than that."
        ),
    )


class EligibilityRuleForm(forms.ModelForm):
    counted_roles = forms.MultipleChoiceField(
        label=gettext_lazy("Roles counted towards the limit"),
        choices=Role.choices,
        widget=Checkboxes,
        help_text=gettext_lazy(
            "A person counts when both their role and their employment status are ticked. "
            "ACSA and SCSA count every role."
        ),
    )
    counted_statuses = forms.MultipleChoiceField(
        label=gettext_lazy("Employment statuses counted towards the limit"),
        choices=EmploymentStatus.choices,
        widget=Checkboxes,
        help_text=gettext_lazy(
            "ACSA counts everyone on the WCB account but subcontractors and consultants; "
            "SCSA counts full-time, part-time, casual, temporary and subcontractors."
        ),
    )

    class Meta:
        model = EligibilityRule
        fields = RULE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        province = self.fields["province"]
        province.choices = [("", "Anywhere: everyone on the WCB account"), *province.choices[1:]]


class RegistrationForm(forms.Form):
    association = forms.ModelChoiceField(
        label=gettext_lazy("Safety association"),
        queryset=Association.objects.none(),
        empty_label=gettext_lazy("Choose your association"),
        help_text=gettext_lazy("The certifying partner you want to earn your SECOR or COR with."),
    )
    program = forms.ChoiceField(
        label=gettext_lazy("Program"),
        choices=ProgramKind.choices,
        initial=ProgramKind.SECOR,
        help_text=gettext_lazy(
            "SECOR is for small employers: each association sets its size limit, for "
            "example no more than 10 people at any one time in the past 12 months. Larger "
            "companies register for COR."
        ),
    )
    legal_name = forms.CharField(
        label=gettext_lazy("Legal company name"),
        max_length=200,
        help_text=gettext_lazy("As registered with the WCB, e.g. “Prairie Hauling Ltd.”."),
    )
    operating_name = forms.CharField(
        label=gettext_lazy("Operating name (if different)"), max_length=200, required=False
    )
    address = forms.CharField(label=gettext_lazy("Street address"), max_length=300, required=False)
    city = forms.CharField(label=gettext_lazy("City or town"), max_length=100, required=False)
    province = forms.ChoiceField(
        label=gettext_lazy("Province or territory"),
        choices=[("", "—")] + list(Employer._meta.get_field("province").choices),
        required=False,
    )
    postal_code = forms.CharField(label=gettext_lazy("Postal code"), max_length=10, required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=40, required=False)
    account_number = forms.CharField(
        label=gettext_lazy("WCB account number"),
        max_length=40,
        help_text=gettext_lazy(
            "The account number on your WCB clearance letter or premium notice, with the "
            "association's board (for example WCB-Alberta). You can add more accounts later."
        ),
    )

    def __init__(self, *args, associations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["association"].queryset = associations


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file of your workers"),
        help_text=gettext_lazy(
            "UTF-8 CSV with a first row naming the columns: full_name, role, "
            "employment_status, province, start_date, end_date, fte, weekly_hours, email "
            "(full_name, start_date and employment_status are required; dates like "
            "2025-03-31). The roster export has the same columns. Everyone is added, or "
            "nobody if a row has an error."
        ),
    )


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file of employers"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "UTF-8 CSV, at most %(rows)s rows and %(mb)s MB. Required columns: %(required)s. "
            "Optional: %(optional)s. A row whose WCB account already exists updates that employer."
        ) % {
            "rows": f"{MAX_ROWS:,}",
            "mb": MAX_BYTES // (1024 * 1024),
            "required": ", ".join(REQUIRED_COLUMNS),
            "optional": ", ".join(OPTIONAL_COLUMNS),
        }
