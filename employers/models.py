"""Employers enrolled with an association, their WCB accounts, roster and headcount."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from simple_history.models import HistoricalRecords

from secor.choices import text_choices
from secor.models import Jurisdiction, Program, TenantModel
from secor.validators import bounded_validators, bounds_constraints, date_range_constraint

from .eligibility import (
    COUNT_FTE,
    COUNT_PEOPLE,
    EMPLOYMENT_STATUSES,
    EMPLOYMENT_TYPES,
    ROLES,
    EligibilityRules,
    category_of,
    role_and_status,
)
from .enrollment import OPEN_STATUSES
from .enrollment import EnrollmentStatus as _EnrollmentStatus


class Role(models.TextChoices):
    """A worker's role (docs/rules.md#reading-role-and-status)."""

    OWNER = "owner", gettext_lazy("Owner")
    MANAGER = "manager", gettext_lazy("Manager")
    CLERICAL = "clerical", gettext_lazy("Clerical or administrative")
    FAMILY_MEMBER = "family_member", gettext_lazy("Family member")
    OTHER = "other", gettext_lazy("Other")


class EmploymentStatus(models.TextChoices):
    """A worker's employment status (docs/rules.md#reading-role-and-status)."""

    FULL_TIME_PERMANENT = "full_time_permanent", gettext_lazy("Full-time permanent")
    PART_TIME = "part_time", gettext_lazy("Part-time")
    CASUAL = "casual", gettext_lazy("Casual")
    TEMPORARY = "temporary", gettext_lazy("Temporary")
    SUBCONTRACTOR = "subcontractor", gettext_lazy("Subcontractor")
    CONSULTANT = "consultant", gettext_lazy("Consultant")
    VOLUNTEER = "volunteer", gettext_lazy("Volunteer")


assert tuple(Role.values) == ROLES and tuple(EmploymentStatus.values) == EMPLOYMENT_STATUSES


class CountUnit(models.TextChoices):
    PEOPLE = COUNT_PEOPLE, gettext_lazy("People")
    FTE = COUNT_FTE, gettext_lazy("Full-time equivalents (FTE)")


# The headcount categories (a declaration's columns), in people words.
CATEGORY_LABELS = {**dict(EmploymentStatus.choices), **dict(Role.choices)}

# What people edit, named once for the forms, the services and the CSV import.
# Contact fields are what an import sets; the profile adds the general-contractor facts.
CONTACT_FIELDS = (
    "legal_name",
    "operating_name",
    "address",
    "city",
    "province",
    "postal_code",
    "phone",
    "contact_email",
)
PROFILE_FIELDS = (*CONTACT_FIELDS, "is_general_contractor", "expected_workers")
WORKER_FIELDS = (
    "full_name",
    "role",
    "employment_status",
    "province",
    "start_date",
    "end_date",
    "fte",
    "weekly_hours",
    "email",
)
RULE_FIELDS = (
    "limit",
    "count_unit",
    "full_time_hours",
    "counted_roles",
    "counted_statuses",
    "window_months",
    "province",
    "over_limit_program",
    "general_contractor_rule",
    "requires_membership",
)


class EligibilityStatus(models.TextChoices):
    """The cached SECOR verdict shown and filtered in the staff directory."""

    ELIGIBLE = "eligible", gettext_lazy("Eligible")
    NOT_ELIGIBLE = "not_eligible", gettext_lazy("Over the limit")
    NO_DATA = "no_data", gettext_lazy("No headcount yet")


class Employer(TenantModel):
    class Status(models.TextChoices):
        ACTIVE = "active", gettext_lazy("Active")
        INACTIVE = "inactive", gettext_lazy("Inactive")

    legal_name = models.CharField(max_length=200)
    operating_name = models.CharField(max_length=200, blank=True)
    address = models.CharField(max_length=300, blank=True)
    city = models.CharField(max_length=100, blank=True)
    province = models.CharField(max_length=2, choices=Jurisdiction.choices, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    contact_email = models.EmailField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    is_general_contractor = models.BooleanField(
        gettext_lazy("acts as general contractor or management company"), default=False
    )
    expected_workers = models.PositiveIntegerField(
        gettext_lazy("workers expected on the largest job, subcontractors included"),
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The SECOR verdict as of ``eligibility_assessed_on`` (the association's local date),
    # cached so the staff directory can filter and sort by it without assessing every
    # row. Refreshed by every service that changes its inputs and, because the 12-month
    # window moves every day, for stale rows (see services.eligibility_refresh).
    eligibility_status = models.CharField(
        max_length=20, choices=EligibilityStatus.choices, blank=True, editable=False
    )
    eligibility_peak = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    eligibility_assessed_on = models.DateField(null=True, blank=True, editable=False)

    # The cache columns are not facts anyone entered: keep them out of the audit trail.
    history = HistoricalRecords(
        excluded_fields=["eligibility_status", "eligibility_peak", "eligibility_assessed_on"]
    )

    class Meta:
        ordering = ["legal_name"]
        indexes = [
            # The staff directory's default sort and name search.
            models.Index(fields=["association", "legal_name"], name="employer_name_idx"),
            # The staff directory's eligibility filter and the daily stale-verdict sweep.
            models.Index(
                fields=["association", "eligibility_status"], name="employer_eligibility_idx"
            ),
        ]

    def __str__(self):
        return self.operating_name or self.legal_name

    @property
    def postal_address(self) -> str:
        """ "12 Main St, Red Deer, AB T4N 1A1": only the parts on file, "" when none are."""
        region = f"{self.province} {self.postal_code}".strip()
        return ", ".join(part for part in (self.address, self.city, region) if part)

    def get_absolute_url(self):
        return reverse(
            "employers:detail",
            kwargs={"association_slug": self.association.slug, "employer_id": self.pk},
        )


class WCBAccount(TenantModel):
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="wcb_accounts")
    board = models.CharField(gettext_lazy("WCB board"), max_length=120)
    account_number = models.CharField(gettext_lazy("account number"), max_length=40)
    industry_code = models.CharField(
        gettext_lazy("industry / rate code"), max_length=40, blank=True
    )
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["board", "account_number"]
        constraints = [
            # Unique per board whatever the case: "ab-12" and "AB-12" are one account
            # (the service compares with iexact; this is the database's word on it).
            models.UniqueConstraint(
                F("association"),
                Upper("board"),
                Upper("account_number"),
                name="wcbaccount_unique_number_any_case",
                violation_error_message=gettext_lazy(
                    "This WCB account number is already registered with this association."
                ),
            )
        ]
        indexes = [
            # The directory's exact WCB-number search (`account_number__iexact`): the
            # service stores numbers without spaces, the search strips them the same way.
            models.Index(Upper("account_number"), name="wcbaccount_number_upper_idx"),
        ]
        verbose_name = gettext_lazy("WCB account")

    def __str__(self):
        return f"{self.board} {self.account_number}"


class _EnrollmentStatusQueries:
    @classmethod
    def open_statuses(cls) -> list[str]:
        return [cls(s) for s in OPEN_STATUSES]


# The one enrollment-status enum (employers.enrollment), with its words.
EnrollmentStatus = text_choices(
    _EnrollmentStatus,
    {
        "registered": gettext_lazy("Registered"),
        "in_progress": gettext_lazy("In progress"),
        "certified": gettext_lazy("Certified"),
        "lapsed": gettext_lazy("Lapsed"),
        "cancelled": gettext_lazy("Cancelled"),
        "derolled": gettext_lazy("De-rolled"),
        "moved_to_cor": gettext_lazy("Moved to COR"),
    },
    mixin=_EnrollmentStatusQueries,
)


class Enrollment(TenantModel):
    """An employer in one program (SECOR or COR) of the association."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="enrollments")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="enrollments")
    status = models.CharField(
        max_length=20, choices=EnrollmentStatus.choices, default=EnrollmentStatus.REGISTERED
    )
    registered_on = models.DateField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    membership_number = models.CharField(
        gettext_lazy("association membership number"), max_length=40, blank=True
    )
    membership_expires_on = models.DateField(null=True, blank=True)
    status_changed_on = models.DateField(null=True, blank=True)
    reapply_on = models.DateField(
        null=True,
        blank=True,
        help_text=gettext_lazy("After a de-roll: when the employer may apply again."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-registered_on"]
        constraints = [
            # One open enrollment per program; closed ones stay as history.
            models.UniqueConstraint(
                fields=["association", "employer", "program"],
                condition=Q(status__in=EnrollmentStatus.open_statuses()),
                name="enrollment_one_open_per_program",
                violation_error_message=gettext_lazy(
                    "This employer is already enrolled in this program."
                ),
            ),
            date_range_constraint(
                "enrollment",
                "registered_on",
                "membership_expires_on",
                "status_changed_on",
                "reapply_on",
            ),
        ]
        indexes = [
            # Staff queues: enrollments by status.
            models.Index(fields=["association", "status"], name="enrollment_status_idx"),
        ]

    def __str__(self):
        return f"{self.employer} — {self.program.get_kind_display()}"


class Worker(TenantModel):
    """A person on the employer's roster."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="workers")
    full_name = models.CharField(max_length=150)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.OTHER)
    employment_status = models.CharField(
        gettext_lazy("employment status"),
        max_length=30,
        choices=EmploymentStatus.choices,
        default=EmploymentStatus.FULL_TIME_PERMANENT,
    )
    province = models.CharField(
        gettext_lazy("province worked in"), max_length=2, choices=Jurisdiction.choices, blank=True
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text=gettext_lazy("Last day worked."))
    # Only a size rule counting full-time equivalents reads these (BC construction).
    fte = models.DecimalField(
        gettext_lazy("full-time equivalent"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(2)],
    )
    weekly_hours = models.DecimalField(
        gettext_lazy("hours a week"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    email = models.EmailField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["full_name"]
        constraints = [
            date_range_constraint("worker", "start_date", "end_date"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="worker_end_after_start",
                violation_error_message=gettext_lazy(
                    "The end date cannot be before the start date."
                ),
            ),
            models.CheckConstraint(condition=Q(role__in=ROLES), name="worker_role_known"),
            models.CheckConstraint(
                condition=Q(employment_status__in=EMPLOYMENT_STATUSES),
                name="worker_employment_status_known",
            ),
            models.CheckConstraint(
                condition=Q(fte__isnull=True) | Q(fte__gte=0, fte__lte=2),
                name="worker_fte_range",
                violation_error_message=gettext_lazy("A full-time equivalent is between 0 and 2."),
            ),
            models.CheckConstraint(
                condition=Q(weekly_hours__isnull=True)
                | Q(weekly_hours__gte=0, weekly_hours__lte=100),
                name="worker_weekly_hours_range",
                violation_error_message=gettext_lazy("Hours a week are between 0 and 100."),
            ),
        ]
        indexes = [models.Index(fields=["association", "employer"], name="worker_employer_idx")]

    def __str__(self):
        return self.full_name

    @property
    def employment_type(self) -> str:
        """Compatibility: the headcount category (the role, or the status for "other")."""
        return category_of(self.role, self.employment_status)

    @employment_type.setter
    def employment_type(self, kind: str) -> None:
        """Compatibility: an old single kind sets both facts (``role_and_status``)."""
        self.role, self.employment_status = role_and_status(kind)

    @property
    def is_full_time_permanent(self) -> bool:
        return self.employment_status == EmploymentStatus.FULL_TIME_PERMANENT

    @property
    def role_and_status_display(self) -> str:
        """ "Manager, full-time permanent"; just the status for the "other" role."""
        status = self.get_employment_status_display()
        if self.role == Role.OTHER:
            return status
        return f"{self.get_role_display()}, {status[:1].lower()}{status[1:]}"


class HeadcountDeclaration(TenantModel):
    """How many people worked in a period, by category, as the employer declared it."""

    employer = models.ForeignKey(
        Employer, on_delete=models.CASCADE, related_name="headcount_declarations"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    declared_at = models.DateTimeField(auto_now_add=True)
    # One column per employment type: the database refuses negative counts.
    owner = models.PositiveSmallIntegerField(default=0)
    full_time_permanent = models.PositiveSmallIntegerField(
        gettext_lazy("full-time permanent"), default=0
    )
    part_time = models.PositiveSmallIntegerField(gettext_lazy("part-time"), default=0)
    casual = models.PositiveSmallIntegerField(default=0)
    temporary = models.PositiveSmallIntegerField(default=0)
    subcontractor = models.PositiveSmallIntegerField(default=0)
    consultant = models.PositiveSmallIntegerField(default=0)
    family_member = models.PositiveSmallIntegerField(default=0)
    volunteer = models.PositiveSmallIntegerField(default=0)
    manager = models.PositiveSmallIntegerField(default=0)
    clerical = models.PositiveSmallIntegerField(
        gettext_lazy("clerical or administrative"), default=0
    )
    fte = models.DecimalField(
        gettext_lazy("full-time equivalents"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_end"]
        constraints = [
            date_range_constraint("headcount", "period_start", "period_end"),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="headcount_end_after_start",
                violation_error_message=gettext_lazy("The period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(fte__isnull=True) | Q(fte__gte=0),
                name="headcount_fte_not_negative",
                violation_error_message=gettext_lazy("Full-time equivalents cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.period_start} – {self.period_end}"

    @property
    def counts(self) -> dict[str, int]:
        return {t: getattr(self, t) for t in EMPLOYMENT_TYPES}

    @property
    def nonzero_counts(self) -> dict[str, int]:
        return {t: n for t, n in self.counts.items() if n}


# The size rule's numbers: a typo of 99,999 must be refused, not break every verdict.
SIZE_RULE_BOUNDS = {"limit": (0, 1000), "full_time_hours": (1, 80), "window_months": (1, 60)}


class EligibilityRule(TenantModel):
    """One program's SECOR size rule, as data a program admin edits.

    docs/rules.md#compute-eligibility.

    Mirrors ``eligibility.EligibilityRules``; seeded for AMTA, ACSA and SCSA by a data
    migration and, for associations created later, by ``services.rules_ensure``.
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    limit = models.PositiveSmallIntegerField(
        gettext_lazy("most people allowed at any one time"),
        validators=bounded_validators(SIZE_RULE_BOUNDS["limit"]),
        help_text=gettext_lazy(
            "SECOR allows no more than this many counted people on any single day "
            "in the window, as your program's documents set it."
        ),
    )
    count_unit = models.CharField(
        gettext_lazy("what the limit counts"),
        max_length=10,
        choices=CountUnit.choices,
        default=CountUnit.PEOPLE,
        help_text=gettext_lazy(
            "People, or full-time equivalents (BC construction: up to 19 FTE). An FTE is "
            "a worker's recorded fraction, or their weekly hours over a full-time week."
        ),
    )
    full_time_hours = models.PositiveSmallIntegerField(
        gettext_lazy("hours in a full-time week"),
        default=40,
        validators=bounded_validators(SIZE_RULE_BOUNDS["full_time_hours"]),
        help_text=gettext_lazy("Only for full-time equivalents: the weekly hours of one FTE."),
    )
    counted_roles = models.JSONField(
        gettext_lazy("roles counted"),
        default=list,
        help_text=gettext_lazy("The roles counted towards the limit."),
    )
    counted_statuses = models.JSONField(
        gettext_lazy("employment statuses counted"),
        default=list,
        help_text=gettext_lazy("The employment statuses counted towards the limit."),
    )
    window_months = models.PositiveSmallIntegerField(
        gettext_lazy("look-back window in months"),
        default=12,
        validators=bounded_validators(SIZE_RULE_BOUNDS["window_months"]),
        help_text=gettext_lazy(
            "“At any given time within the past 12 months”: the largest count on any "
            "day in this many months up to today."
        ),
    )
    province = models.CharField(
        gettext_lazy("count only people working in"),
        max_length=2,
        choices=Jurisdiction.choices,
        blank=True,
        help_text=gettext_lazy(
            "Leave empty to count everyone on the WCB account. SCSA counts only "
            "Saskatchewan employees."
        ),
    )
    over_limit_program = models.CharField(
        gettext_lazy("program to apply for when over the limit"), max_length=40, default="COR"
    )
    general_contractor_rule = models.BooleanField(
        gettext_lazy("general contractors expecting more workers than the limit do not qualify"),
        default=False,
        help_text=gettext_lazy(
            "SCSA: a general contractor expecting to engage more than 9 workers, "
            "subcontractors included, no longer qualifies for SECOR."
        ),
    )
    requires_membership = models.BooleanField(
        gettext_lazy("employers must hold a membership with the association"),
        default=False,
        help_text=gettext_lazy(
            "ACSA requires an ACSA membership; staff record its number and expiry "
            "when they confirm a registration."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["association", "program"], name="eligibilityrule_unique"
            ),
            *bounds_constraints("eligibilityrule", SIZE_RULE_BOUNDS),
        ]

    def __str__(self):
        return f"{self.program} size rule"

    def clean(self):
        errors = {}
        for name, allowed in (("counted_roles", ROLES), ("counted_statuses", EMPLOYMENT_STATUSES)):
            unknown = set(getattr(self, name) or []) - set(allowed)
            if unknown:
                errors[name] = gettext("Unknown choices: %(sorted)s") % {
                    "sorted": ", ".join(sorted(unknown))
                }
        if errors:
            raise ValidationError(errors)

    @property
    def counted_role_labels(self) -> list[str]:
        return [str(label) for value, label in Role.choices if value in self.counted_roles]

    @property
    def counted_status_labels(self) -> list[str]:
        return [
            str(label)
            for value, label in EmploymentStatus.choices
            if value in self.counted_statuses
        ]

    def as_rules(self) -> EligibilityRules:
        return EligibilityRules(
            limit=self.limit,
            counted_roles=frozenset(self.counted_roles),
            counted_statuses=frozenset(self.counted_statuses),
            count_unit=self.count_unit,
            full_time_hours=self.full_time_hours,
            window_months=self.window_months,
            province=self.province or None,
            over_limit_program=self.over_limit_program,
            general_contractor_rule=self.general_contractor_rule,
        )
