"""Audit tools, program rules, cycles, audits, scores and milestones.

The rules themselves live in the pure modules (`schedule.py`, `scoring.py`,
`transitions.py`); these models hold their inputs as data an association's
program admin edits, and freeze what an audit started under:

* an `Audit` keeps the `AuditTool` version it started on (published versions
  are never edited: a change is a new version) and a JSON snapshot of the
  `ProgramRules` in force when it was planned, so an admin editing the rules
  or publishing a tool mid-cycle changes nothing for audits already started;
* an `AuditCycle` keeps its certification and expiry dates (printed on the
  certificate); the maintenance windows of years whose audit has not started
  follow the current rules.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from secor.choices import text_choices
from secor.models import Program, TenantModel
from secor.validators import bounded_validators, bounds_constraints, date_range_constraint

from .schedule import RULE_BOUNDS
from .schedule import AuditType as _AuditType
from .schedule import MaintenanceDeadline as _MaintenanceDeadline
from .transitions import CertificateStatus as _CertificateStatus

PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


def _bounded(name: str) -> list:
    return bounded_validators(RULE_BOUNDS[name])


AuditType = text_choices(
    _AuditType,
    {
        "certification": "Certification",
        "baseline": "Baseline (external certification)",
        "recertification": "Recertification",
        "maintenance": "Maintenance",
        "re_audit": "Re-audit",
        "limited_scope": "Limited scope",
    },
)
MaintenanceDeadline = text_choices(
    _MaintenanceDeadline,
    {
        "calendar_year_end": "Within each calendar year (by December 31)",
        "fixed_month_day": "By a fixed month and day each year",
        "on_or_before_anniversary": "On or before the anniversary date",
        "anniversary_month": "In the anniversary month",
        "expiry_month": "In the certificate's expiry month",
    },
)
CertificateStatus = text_choices(
    _CertificateStatus,
    {
        "valid": _("Valid"),
        "expired": _("Expired"),
        "suspended": _("Suspended"),
        "cancelled": _("Cancelled"),
        "superseded": _("Superseded"),
    },
)


class MaintenanceDatedBy(models.TextChoices):
    """Which date of a maintenance audit must fall in the year's window."""

    CONDUCTED = "conducted", "Last day of data gathering (conducted)"
    RECEIVED = "received", "Day the package was received"


FIXED_DEADLINE_MESSAGES = {
    "month_missing": _("Choose the month of the fixed deadline."),
    "day_missing": _("Give the day of the fixed deadline."),
    "no_such_day": _("That month has no such day (February 29 is allowed)."),
}


class ProgramRules(TenantModel):
    """The schedule and pass marks of one program of one association (mirrors `ScheduleRules`)."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    validity_years = models.PositiveSmallIntegerField(
        "certificate validity (years)", default=3, validators=_bounded("validity_years")
    )
    maintenance_deadline_kind = models.CharField(
        "maintenance audit due", max_length=30, choices=MaintenanceDeadline.choices
    )
    maintenance_fixed_month = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=_bounded("maintenance_fixed_month")
    )
    maintenance_fixed_day = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=_bounded("maintenance_fixed_day")
    )
    maintenance_dated_by = models.CharField(
        "a maintenance audit counts by its",
        max_length=20,
        choices=MaintenanceDatedBy.choices,
        default=MaintenanceDatedBy.CONDUCTED,
    )
    data_gathering_max_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=_("Start and end day both count. Empty: no limit."),
        validators=_bounded("data_gathering_max_days"),
    )
    submission_within_days = models.PositiveSmallIntegerField(
        "submission within (days after the end)",
        null=True,
        blank=True,
        validators=_bounded("submission_within_days"),
    )
    corrections_within_days = models.PositiveSmallIntegerField(
        "corrections within (days)",
        null=True,
        blank=True,
        validators=_bounded("corrections_within_days"),
    )
    min_documentation_months = models.PositiveSmallIntegerField(
        default=3, validators=_bounded("min_documentation_months")
    )
    min_documentation_window_months = models.PositiveSmallIntegerField(
        "within a window of (months)",
        null=True,
        blank=True,
        validators=_bounded("min_documentation_window_months"),
    )
    maintenance_notice_days = models.PositiveSmallIntegerField(
        "maintenance notice lead (days)",
        null=True,
        blank=True,
        validators=_bounded("maintenance_notice_days"),
    )
    maintenance_package = models.JSONField(
        default=list,
        blank=True,
        help_text=_('Pairs of [document, count], e.g. [["Safe Work Practices", 2]].'),
    )
    milestones = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Registration milestones: code, label, start_month, due_month."),
    )
    reapply_wait_months = models.PositiveSmallIntegerField(
        "re-apply wait after a de-roll (months)",
        default=0,
        validators=_bounded("reapply_wait_months"),
    )
    # Pass marks by audit type. Full audits: certification, baseline,
    # recertification, re-audit. Limited scope falls back on the full marks.
    full_overall_min_percent = models.DecimalField(
        "certification/recertification: overall minimum %",
        max_digits=5,
        decimal_places=2,
        default=Decimal(80),
        validators=PERCENT,
    )
    full_element_min_percent = models.DecimalField(
        "certification/recertification: every element minimum %",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        default=Decimal(50),
        validators=PERCENT,
    )
    maintenance_overall_min_percent = models.DecimalField(
        "maintenance: overall minimum %",
        max_digits=5,
        decimal_places=2,
        default=Decimal(60),
        validators=PERCENT,
    )
    maintenance_element_min_percent = models.DecimalField(
        "maintenance: every element minimum %",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
    )
    # docs/rules.md#scsa-external-audit: SCSA's baseline audit is conducted by an SCSA
    # program auditor, after the manual review (docs/rules.md#scsa-baseline-request).
    certification_by_program_auditor = models.BooleanField(
        "certification (baseline) audits are conducted by an association program auditor",
        default=False,
        help_text=_("The employer cannot plan its own certification audit; staff book it."),
    )
    certification_after_milestone = models.CharField(
        "certification audit only after this milestone is accepted",
        max_length=40,
        blank=True,
        help_text=_(
            "A milestone code, e.g. manual (SCSA: after the manual review). "
            "Empty: no milestone is needed."
        ),
    )
    certificate_number_pattern = models.CharField(
        max_length=80,
        blank=True,
        help_text=_(
            "How certificate numbers are built, e.g. SCSA-SECOR-{year}-{seq:05}. "
            "{year} is the issue year, {seq} the sequence within the program and year. "
            "Empty: <association>-<program>-{year}-{seq:05}."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("program rules")
        verbose_name_plural = _("program rules")
        constraints = [
            models.UniqueConstraint(
                fields=["association", "program"], name="programrules_one_per_program"
            ),
            models.CheckConstraint(
                condition=Q(validity_years__gte=1), name="programrules_validity_positive"
            ),
            models.CheckConstraint(
                condition=~Q(maintenance_deadline_kind="fixed_month_day")
                | Q(maintenance_fixed_month__isnull=False, maintenance_fixed_day__isnull=False),
                name="programrules_fixed_deadline_has_date",
                violation_error_message="A fixed month/day deadline needs a month and a day.",
            ),
            models.CheckConstraint(
                condition=Q(full_overall_min_percent__gte=0, full_overall_min_percent__lte=100)
                & Q(
                    maintenance_overall_min_percent__gte=0,
                    maintenance_overall_min_percent__lte=100,
                ),
                name="programrules_pass_marks_are_percent",
            ),
            *bounds_constraints("programrules", RULE_BOUNDS),
        ]

    def __str__(self):
        return f"Rules of {self.program}"

    def clean(self):
        from django.core.exceptions import ValidationError

        from .schedule import fixed_deadline_problem, milestone_problems, package_problems
        from .snapshot import rules_from_snapshot, rules_snapshot

        errors = {}
        if self.maintenance_deadline_kind == _MaintenanceDeadline.FIXED_MONTH_DAY:
            problem = fixed_deadline_problem(
                self.maintenance_fixed_month, self.maintenance_fixed_day
            )
            if problem:
                field, code = problem
                errors[field] = ValidationError(FIXED_DEADLINE_MESSAGES[code], code=code)
        for field, problems in (
            ("maintenance_package", package_problems(self.maintenance_package)),
            ("milestones", milestone_problems(self.milestones)),
        ):
            if problems:
                errors[field] = [ValidationError(p, code="invalid") for p in problems]
        if errors:
            raise ValidationError(errors)
        try:
            rules_from_snapshot(rules_snapshot(self))
        except (ValueError, TypeError, KeyError) as error:
            raise ValidationError(
                gettext("These rules are inconsistent: %(error)s") % {"error": error}
            ) from error
        if self.certificate_number_pattern:
            from .numbering import PatternError, check_pattern

            try:
                check_pattern(self.certificate_number_pattern)
            except PatternError as error:
                # The pure module marks its messages; they are translated here, at the edge.
                raise ValidationError(
                    {"certificate_number_pattern": gettext(str(error))}
                ) from error


class AuditTool(TenantModel):
    """One version of an association's audit tool for a program.

    Drafts are edited; a published version is frozen (audits point at it).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["program", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "program", "version"], name="audittool_unique_version"
            ),
            models.UniqueConstraint(
                fields=["association", "program"],
                condition=Q(status="draft"),
                name="audittool_one_draft_per_program",
                violation_error_message="This program already has a draft audit tool.",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="audittool_published_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.name} v{self.version}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class Element(TenantModel):
    tool = models.ForeignKey(AuditTool, on_delete=models.CASCADE, related_name="elements")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    max_points = models.DecimalField(max_digits=7, decimal_places=2)
    min_percent = models.DecimalField(
        "own minimum %",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
        help_text=_("Only where the rules give this element its own minimum."),
    )
    supplemental = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["supplemental", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "tool", "number"],
                name="element_unique_number",
                violation_error_message="Each element number may appear once in a tool.",
            ),
            models.CheckConstraint(
                condition=Q(max_points__gt=0),
                name="element_max_points_positive",
                violation_error_message="Maximum points must be more than zero.",
            ),
            models.CheckConstraint(
                condition=Q(min_percent__isnull=True) | Q(min_percent__gte=0, min_percent__lte=100),
                name="element_min_percent_range",
                violation_error_message="A minimum is a percentage between 0 and 100.",
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"


class AuditCycle(TenantModel):
    """Three (validity) years from a certification: the dates the schedule counts from.

    The certificate itself (number, status, printed expiry) is a `Certificate`;
    the cycle keeps only its own dates. See docs/adr/0003-certificate-model.md.
    """

    employer = models.ForeignKey(
        "employers.Employer", on_delete=models.CASCADE, related_name="audit_cycles"
    )
    enrollment = models.ForeignKey(
        "employers.Enrollment", on_delete=models.CASCADE, related_name="audit_cycles"
    )
    certification_date = models.DateField(
        help_text=_("Last day on site of the certification audit: the anniversary date.")
    )
    ends_on = models.DateField(help_text=_("The certification date plus the validity years."))
    recertification = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-certification_date"]
        constraints = [
            date_range_constraint("auditcycle", "certification_date"),
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("certification_date")),
                name="auditcycle_end_after_certification",
                violation_error_message="The cycle must end after the certification date.",
            ),
            models.UniqueConstraint(
                fields=["association", "enrollment", "certification_date"],
                name="auditcycle_unique_start",
            ),
        ]

    def __str__(self):
        return f"{self.employer} cycle {self.certification_date}–{self.ends_on}"


class ConductedBy(models.TextChoices):
    TRAINED_ASSESSOR = "trained_assessor", "The employer's trained assessor"
    EXTERNAL_ASSESSOR = "external_assessor", "An external assessor"
    PROGRAM_AUDITOR = "program_auditor", "An association program auditor"


class AuditStatus(models.TextChoices):
    """The audit's outcome, owned by `audits` (docs/adr/0002-state-ownership.md).

    "Data gathering" is not stored: a planned audit whose dates include today
    shows it (`Audit.display_status`). The quality-assurance review of the
    uploaded evaluation is the submission's state, owned by `submissions`.
    """

    PLANNED = "planned", _("Planned")
    RECEIVED = "received", _("Received")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Not achieved")
    CANCELLED = "cancelled", _("Cancelled")

    @classmethod
    def open_statuses(cls) -> list[str]:
        return [cls.PLANNED, cls.RECEIVED]

    @classmethod
    def counting_statuses(cls) -> list[str]:
        """Statuses in which an audit still counts for its year (not failed, not cancelled)."""
        return [cls.PLANNED, cls.RECEIVED, cls.PASSED]


DATA_GATHERING = "data_gathering"
DISPLAY_STATUS_LABELS = {DATA_GATHERING: _("Data gathering"), **dict(AuditStatus.choices)}


class Audit(TenantModel):
    employer = models.ForeignKey("employers.Employer", on_delete=models.CASCADE, related_name="+")
    enrollment = models.ForeignKey(
        "employers.Enrollment", on_delete=models.CASCADE, related_name="audits"
    )
    # None until the certification that opens a cycle has passed.
    cycle = models.ForeignKey(
        AuditCycle, on_delete=models.CASCADE, null=True, blank=True, related_name="audits"
    )
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Year of the cycle (1 = certification).")
    )
    audit_type = models.CharField(max_length=20, choices=AuditType.choices)
    conducted_by = models.CharField(max_length=20, choices=ConductedBy.choices)
    assessor_worker = models.ForeignKey(
        "employers.Worker", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assessor_name = models.CharField(max_length=150, blank=True)
    data_gathering_start = models.DateField()
    data_gathering_end = models.DateField()
    status = models.CharField(max_length=12, choices=AuditStatus.choices, default="planned")
    tool = models.ForeignKey(AuditTool, on_delete=models.PROTECT, related_name="audits")
    rules_snapshot = models.JSONField(help_text=_("The program rules this audit started under."))
    # A copy of `schedule.submission_deadline(data_gathering_end, rules)`, kept so that
    # "due soon" and "overdue" are counted and sorted in SQL; the pure function stays
    # the truth and `refresh_deadlines` rewrites the copy on every save that moves it.
    submission_due_on = models.DateField(null=True, blank=True, editable=False)
    received_on = models.DateField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    overall_percent = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    # Why the audit passed or failed: [{"code": ..., "params": {...}}], rendered
    # with gettext at the edge (`audits.outcomes.reason_messages`).
    outcome_reasons = models.JSONField(default=list, blank=True)
    # A re-audit or limited-scope audit follows the failed audit it repeats;
    # a limited-scope audit covers only `scope_elements` (element numbers).
    follows = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="follow_ups"
    )
    scope_elements = models.JSONField(default=list, blank=True)
    recorded_after_the_fact = models.BooleanField(default=False)
    # The health and safety documentation the planner confirmed, with its dates
    # (docs/rules.md#amta-minimum-documentation, docs/rules.md#scsa-hsms-six-months).
    documentation_from = models.DateField(null=True, blank=True)
    documentation_to = models.DateField(null=True, blank=True)
    documentation_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-data_gathering_start"]
        constraints = [
            date_range_constraint(
                "audit", "data_gathering_start", "data_gathering_end", "received_on", "decided_on"
            ),
            models.CheckConstraint(
                condition=Q(data_gathering_end__gte=F("data_gathering_start")),
                name="audit_end_after_start",
                violation_error_message="The end date cannot be before the start date.",
            ),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1),
                name="audit_year_positive",
            ),
            models.CheckConstraint(
                condition=Q(documentation_from__isnull=True)
                | Q(documentation_to__isnull=True)
                | Q(documentation_to__gte=F("documentation_from")),
                name="audit_documentation_end_after_start",
                violation_error_message="The documentation cannot end before it starts.",
            ),
        ]
        indexes = [
            # Staff list: audits by status and date.
            models.Index(
                fields=["association", "status", "data_gathering_end"], name="audit_status_idx"
            ),
            models.Index(fields=["association", "employer"], name="audit_employer_idx"),
            # Home figures and the audits list: planned audits by report due date.
            models.Index(
                fields=["association", "status", "submission_due_on"], name="audit_due_idx"
            ),
        ]

    def __str__(self):
        kind = self.get_audit_type_display()
        return f"{kind} audit of {self.employer} ({self.data_gathering_start})"

    def refresh_deadlines(self) -> None:
        """Recompute the stored deadline copies from the dates and the frozen rules."""
        from .schedule import submission_deadline
        from .snapshot import rules_from_snapshot

        self.submission_due_on = (
            submission_deadline(self.data_gathering_end, rules_from_snapshot(self.rules_snapshot))
            if self.rules_snapshot and self.data_gathering_end
            else None
        )

    def save(self, *args, update_fields=None, **kwargs):
        # Every writer (services, imports, the demo, factories) keeps the copy in step.
        if update_fields is None:
            self.refresh_deadlines()
        elif {"data_gathering_end", "rules_snapshot"} & set(update_fields):
            self.refresh_deadlines()
            update_fields = {*update_fields, "submission_due_on"}
        super().save(*args, update_fields=update_fields, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status in AuditStatus.open_statuses()

    def in_data_gathering(self, today: date) -> bool:
        return (
            self.status == AuditStatus.PLANNED
            and self.data_gathering_start <= today <= self.data_gathering_end
        )

    def display_status(self, today: date) -> str:
        """The stored status, or "data_gathering" for a planned audit under way."""
        return DATA_GATHERING if self.in_data_gathering(today) else self.status

    def display_status_label(self, today: date) -> str:
        return str(DISPLAY_STATUS_LABELS[self.display_status(today)])


class ElementScore(TenantModel):
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="scores")
    element = models.ForeignKey(Element, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(max_digits=7, decimal_places=2)
    # Copied from the element (published tools never change) so the database
    # itself refuses points above the maximum.
    max_points = models.DecimalField(max_digits=7, decimal_places=2)
    comment = models.TextField(blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    scored_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["element__supplemental", "element__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "audit", "element"], name="elementscore_unique"
            ),
            models.CheckConstraint(
                condition=Q(points__gte=0),
                name="elementscore_points_not_negative",
                violation_error_message="Points cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(points__lte=F("max_points")),
                name="elementscore_points_within_max",
                violation_error_message="Points cannot exceed the element's maximum.",
            ),
        ]

    def __str__(self):
        return f"{self.element}: {self.points}/{self.max_points}"


class MilestoneOutcome(models.TextChoices):
    PENDING = "pending", "Pending"
    SUBMITTED = "submitted", "Submitted, in review"
    CORRECTIONS = "corrections", "Corrections requested"
    ACCEPTED = "accepted", "Accepted"
    NOT_ACCEPTED = "not_accepted", "Not accepted"


class Milestone(TenantModel):
    """A registrant's milestone (SCSA): courses, proficiencies, manual review, audit booking."""

    employer = models.ForeignKey("employers.Employer", on_delete=models.CASCADE, related_name="+")
    enrollment = models.ForeignKey(
        "employers.Enrollment", on_delete=models.CASCADE, related_name="milestones"
    )
    code = models.CharField(max_length=40)
    label = models.CharField(max_length=200)
    opens_on = models.DateField()
    due_on = models.DateField(help_text=_("From the registration letter."))
    outcome = models.CharField(
        max_length=12, choices=MilestoneOutcome.choices, default=MilestoneOutcome.PENDING
    )
    met_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "code"]
        constraints = [
            date_range_constraint("milestone", "met_on"),
            models.UniqueConstraint(
                fields=["association", "enrollment", "code"], name="milestone_unique_code"
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("opens_on")),
                name="milestone_due_after_opens",
                violation_error_message="A milestone cannot be due before it opens.",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="accepted") | Q(met_on__isnull=False),
                name="milestone_accepted_has_date",
                violation_error_message="An accepted milestone needs the date it was met.",
            ),
        ]
        indexes = [models.Index(fields=["association", "due_on"], name="milestone_due_idx")]

    def __str__(self):
        return f"{self.label} (due {self.due_on})"


class MilestoneLetter(TenantModel):
    """SCSA milestone letters #1 and #2; #2 must be issued before #1 expires."""

    employer = models.ForeignKey("employers.Employer", on_delete=models.CASCADE, related_name="+")
    enrollment = models.ForeignKey(
        "employers.Enrollment", on_delete=models.CASCADE, related_name="milestone_letters"
    )
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    issued_on = models.DateField()
    expires_on = models.DateField()
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        constraints = [
            date_range_constraint("milestoneletter", "issued_on"),
            models.UniqueConstraint(
                fields=["association", "enrollment", "number"], name="milestoneletter_unique"
            ),
            models.CheckConstraint(
                condition=Q(expires_on__gte=F("issued_on")),
                name="milestoneletter_expiry_after_issue",
                violation_error_message="A letter cannot expire before it is issued.",
            ),
        ]

    def __str__(self):
        return f"Milestone letter #{self.number} (expires {self.expires_on})"


# --- Certificates ----------------------------------------------------------------------


def certificate_upload_to(instance, filename: str) -> str:
    return (
        f"certificates/{instance.association_id}/{instance.certificate_id}/"
        f"r{instance.revision}-{filename}"
    )


class Certificate(TenantModel):
    """The certificate an employer holds: its number, dates and status.

    The one owner of certificate state (docs/adr/0003-certificate-model.md):
    issued from a passed certification or recertification audit, or imported
    from the association's records (`imported`, `audit` empty). Every change of
    status goes through `audits.certificates`.
    """

    number = models.CharField(max_length=80)
    employer = models.ForeignKey(
        "employers.Employer", on_delete=models.PROTECT, related_name="certificates"
    )
    enrollment = models.ForeignKey(
        "employers.Enrollment", on_delete=models.PROTECT, related_name="certificates"
    )
    cycle = models.ForeignKey(AuditCycle, on_delete=models.PROTECT, related_name="certificates")
    audit = models.ForeignKey(
        Audit, on_delete=models.PROTECT, null=True, blank=True, related_name="certificates"
    )
    wcb_account = models.ForeignKey(
        "employers.WCBAccount",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
    )
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField()
    expires_on = models.DateField()
    status = models.CharField(
        max_length=12, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    status_reason = models.TextField(blank=True)
    status_changed_on = models.DateField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=1)
    imported = models.BooleanField(
        default=False, help_text=_("Brought in from the association's records, not issued here.")
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_on", "-pk"]
        constraints = [
            date_range_constraint("certificate", "issued_on"),
            models.UniqueConstraint(
                fields=["association", "number"],
                name="certificate_unique_number",
                violation_error_message="This certificate number is already in use.",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__gt=F("issued_on")),
                name="certificate_expiry_after_issue",
                violation_error_message="A certificate must expire after it is issued.",
            ),
            models.CheckConstraint(
                condition=Q(revision__gte=1), name="certificate_revision_positive"
            ),
            # One live certificate per cycle: a re-issue is a revision, not a row.
            models.UniqueConstraint(
                fields=["association", "cycle"],
                condition=Q(status__in=["valid", "suspended"]),
                name="certificate_one_live_per_cycle",
            ),
        ]
        indexes = [
            # The daily transitions job: live certificates by expiry.
            models.Index(
                fields=["association", "status", "expires_on"], name="certificate_live_idx"
            ),
            models.Index(fields=["association", "employer"], name="certificate_employer_idx"),
        ]

    def __str__(self):
        return f"Certificate {self.number}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse(
            "audits:certificate_detail",
            kwargs={"association_slug": self.association.slug, "certificate_id": self.pk},
        )

    @property
    def is_live(self) -> bool:
        return self.status in (CertificateStatus.VALID, CertificateStatus.SUSPENDED)


class PdfStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    BUILDING = "building", _("Building")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class CertificateRevision(TenantModel):
    """One printing of a certificate: what it said and its PDF. Never edited after building."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="revisions")
    revision = models.PositiveIntegerField()
    legal_name = models.CharField("legal name (as printed)", max_length=200)
    wcb_account_number = models.CharField("WCB account (as printed)", max_length=80, blank=True)
    issued_on = models.DateField()
    expires_on = models.DateField()
    reason = models.TextField(blank=True, help_text=_("Why this revision was printed."))
    pdf = models.FileField(upload_to=certificate_upload_to, blank=True, max_length=300)
    pdf_status = models.CharField(
        max_length=10, choices=PdfStatus.choices, default=PdfStatus.PENDING
    )
    pdf_error = models.TextField(blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["certificate", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "certificate", "revision"],
                name="certificaterevision_unique",
            ),
        ]
        indexes = [
            # The PDF sweep: revisions still pending.
            models.Index(fields=["pdf_status", "created_at"], name="certrevision_pdf_idx"),
        ]

    def __str__(self):
        return f"{self.certificate} revision {self.revision}"


class CertificateCounter(TenantModel):
    """The last sequence number used per program and issue year.

    Issuing locks this row (`select_for_update`) so two admins issuing at the
    same moment get consecutive numbers, no gaps and no duplicates.
    """

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_seq = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["association", "program", "year"], name="certificatecounter_unique"
            )
        ]

    def __str__(self):
        return f"{self.program} {self.year}: {self.last_seq}"
