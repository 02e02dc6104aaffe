"""Course catalogues, training requirements and workers' training records.

The rows mirror the pure rule dataclasses of ``training/compliance.py``
(``CourseRule``, ``RequirementRule``, ``Record``); ``training/selectors.py`` turns
rows into those facts. Every number is the association admin's to edit.

Links between courses (prerequisites, accepted equivalents) and a requirement's
courses are explicit through tables rather than JSON lists of codes, so the
database refuses a link to a course that does not exist and a course in use
cannot be deleted (PROTECT).
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from simple_history.models import HistoricalRecords

from employers.eligibility import EMPLOYMENT_STATUSES, ROLES
from secor.models import Jurisdiction, Program, TenantModel
from secor.validators import bounded_validators, bounds_constraints, date_range_constraint

from . import compliance

# Sane maxima of the catalogue's numbers (months, hours): far past any real course,
# and inside the date arithmetic of the compliance rules for dates up to 2100.
COURSE_BOUNDS = {
    "validity_months": (1, 240),
    "proficiency_months": (1, 120),
    "min_hours": (0, 1000),
    "maintenance_submit_lead_months": (0, 120),
}
REQUIREMENT_BOUNDS = {"every_months": (1, 240), "min_hours": (0, 1000)}
RECORD_BOUNDS = {"hours": (0, 1000)}


class Course(TenantModel):
    """A course in one association's catalogue (``compliance.CourseRule``)."""

    code = models.CharField(
        max_length=20,
        help_text=gettext_lazy("Short code used on reports. Unique in the catalogue."),
    )
    name = models.CharField(max_length=200)
    validity_months = models.PositiveSmallIntegerField(
        gettext_lazy("valid for (months)"),
        null=True,
        blank=True,
        help_text=gettext_lazy("Leave empty if it never expires."),
        validators=bounded_validators(COURSE_BOUNDS["validity_months"]),
    )
    proficiency_name = models.CharField(
        max_length=200,
        blank=True,
        help_text=gettext_lazy(
            "The name of a proficiency that must be accepted after the course, if any."
        ),
    )
    proficiency_months = models.PositiveSmallIntegerField(
        gettext_lazy("proficiency deadline (months after the course)"),
        null=True,
        blank=True,
        validators=bounded_validators(COURSE_BOUNDS["proficiency_months"]),
    )
    accepted_until = models.DateField(
        null=True,
        blank=True,
        help_text=gettext_lazy("Records are not accepted after this day. Empty: always."),
    )
    min_hours = models.DecimalField(
        gettext_lazy("minimum hours"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=bounded_validators(COURSE_BOUNDS["min_hours"]),
    )
    maintenance_required = models.BooleanField(
        gettext_lazy("status kept by maintenance"),
        default=False,
        help_text=gettext_lazy(
            "The status is renewed by a maintenance audit plus classroom training inside "
            "the validity."
        ),
    )
    maintenance_name = models.CharField(
        max_length=200, blank=True, default=compliance.MaintenanceRule.name
    )
    maintenance_submit_lead_months = models.PositiveSmallIntegerField(
        gettext_lazy("submit maintenance this many months before expiry"),
        default=compliance.MaintenanceRule.submit_lead_months,
        validators=bounded_validators(COURSE_BOUNDS["maintenance_submit_lead_months"]),
    )
    is_active = models.BooleanField(
        gettext_lazy("offered"),
        default=True,
        help_text=gettext_lazy("Inactive courses stay on old records but not in forms."),
    )
    prerequisites = models.ManyToManyField(
        "self",
        through="CoursePrerequisite",
        through_fields=("course", "prerequisite"),
        symmetrical=False,
        related_name="required_for",
        blank=True,
    )
    accepted_prior = models.ManyToManyField(
        "self",
        through="CourseEquivalent",
        through_fields=("course", "accepted"),
        symmetrical=False,
        related_name="accepted_for",
        blank=True,
        verbose_name=gettext_lazy("accepted equivalents"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        constraints = [
            *bounds_constraints("course", COURSE_BOUNDS),
            date_range_constraint("course", "accepted_until"),
            models.UniqueConstraint(
                fields=["association", "code"],
                name="course_unique_code",
                violation_error_message=gettext_lazy(
                    "A course with this code is already in the catalogue."
                ),
            ),
            models.CheckConstraint(
                condition=Q(proficiency_months__isnull=True) | ~Q(proficiency_name=""),
                name="course_proficiency_named",
                violation_error_message=gettext_lazy("Name the proficiency that has a deadline."),
            ),
            models.CheckConstraint(
                condition=Q(min_hours__isnull=True) | Q(min_hours__gte=0),
                name="course_min_hours_not_negative",
                violation_error_message=gettext_lazy("Minimum hours cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def clean(self):
        self.code = (self.code or "").strip().upper()
        if self.proficiency_name and self.proficiency_months is None:
            raise ValidationError(
                {
                    "proficiency_months": gettext(
                        "Give the number of months the proficiency is due in."
                    )
                }
            )
        if self.maintenance_required and self.validity_months is None:
            raise ValidationError(
                {
                    "validity_months": gettext(
                        "A status kept by maintenance needs a validity in months."
                    )
                }
            )


class CoursePrerequisite(TenantModel):
    """``prerequisite`` must be completed on or before ``course`` (SCSA: SM before SAT)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    prerequisite = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["association", "course", "prerequisite"], name="course_prerequisite_unique"
            ),
            models.CheckConstraint(
                condition=~Q(course=F("prerequisite")),
                name="course_prerequisite_not_self",
                violation_error_message=gettext_lazy("A course cannot be its own prerequisite."),
            ),
        ]


class CourseEquivalent(TenantModel):
    """A record of ``accepted`` counts as ``course`` (SCSA: CSO or PST for SCOT)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    accepted = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["association", "course", "accepted"], name="course_equivalent_unique"
            ),
            models.CheckConstraint(
                condition=~Q(course=F("accepted")),
                name="course_equivalent_not_self",
                violation_error_message=gettext_lazy("A course cannot be its own equivalent."),
            ),
        ]


class RequirementKind(models.TextChoices):
    AT_LEAST_ONE = compliance.AT_LEAST_ONE, gettext_lazy("At least one trained employee holds it")
    ALL_HOLDERS = compliance.ALL_HOLDERS, gettext_lazy("Every eligible employee holds it")
    ASSESSOR = compliance.ASSESSOR, gettext_lazy("The assessor holds it")
    CONTINUING_EDUCATION = compliance.CONTINUING_EDUCATION, gettext_lazy("Continuing education")


def default_holder_types() -> list[str]:
    """Full-time permanent employees (see compliance's docstring). Named for migration 0001."""
    return sorted(compliance.TRAINED_EMPLOYEE_STATUSES)


class TrainingRequirement(TenantModel):
    """Who must hold what, for one association program (``compliance.RequirementRule``)."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="training_requirements"
    )
    code = models.CharField(max_length=40)
    label = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=RequirementKind.choices)
    courses = models.ManyToManyField(
        Course, through="RequirementCourse", related_name="requirements", blank=True
    )
    # Employment statuses and roles that may hold it; null means any (both null:
    # anyone, for assessors). docs/rules.md#reading-role-and-status.
    holder_statuses = models.JSONField(
        gettext_lazy("employment statuses that may hold it"),
        null=True,
        blank=True,
        default=default_holder_types,
    )
    holder_roles = models.JSONField(
        gettext_lazy("roles that may hold it"), null=True, blank=True, default=None
    )
    province = models.CharField(
        max_length=2,
        choices=Jurisdiction.choices,
        blank=True,
        help_text=gettext_lazy("Holders must work in this province. Empty: any province."),
    )
    every_months = models.PositiveSmallIntegerField(
        gettext_lazy("every (months)"),
        null=True,
        blank=True,
        help_text=gettext_lazy("Continuing education: the period."),
        validators=bounded_validators(REQUIREMENT_BOUNDS["every_months"]),
    )
    min_hours = models.DecimalField(
        gettext_lazy("minimum hours"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=bounded_validators(REQUIREMENT_BOUNDS["min_hours"]),
    )
    one_wcb_account_per_person = models.BooleanField(
        gettext_lazy("a person is the trained employee for one WCB account only"), default=False
    )
    held_by_assessor = models.BooleanField(
        gettext_lazy("the person conducting the audit must hold it personally"),
        default=False,
        help_text=gettext_lazy(
            "AMTA: the Self-Evaluator training of the owner or key employee completing the "
            "audit, valid on its first day. When an audit names its assessor, only their "
            "own record counts."
        ),
    )
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["program", "position", "id"]
        constraints = [
            *bounds_constraints("requirement", REQUIREMENT_BOUNDS),
            models.UniqueConstraint(
                fields=["association", "program", "code"],
                name="requirement_unique_code",
                violation_error_message=gettext_lazy(
                    "This program already has a requirement with this code."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=RequirementKind.values),
                name="requirement_kind_known",
            ),
            models.CheckConstraint(
                condition=~Q(kind=compliance.CONTINUING_EDUCATION) | Q(every_months__isnull=False),
                name="requirement_continuing_education_period",
                violation_error_message=gettext_lazy(
                    "Continuing education needs a period in months."
                ),
            ),
            models.CheckConstraint(
                condition=Q(min_hours__isnull=True) | Q(min_hours__gte=0),
                name="requirement_min_hours_not_negative",
                violation_error_message=gettext_lazy("Minimum hours cannot be negative."),
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def holders_display(self) -> str:
        """Who may hold it, in people words: "Full-time permanent", "anyone"."""
        from employers.models import EmploymentStatus, Role

        if self.holder_statuses is None and self.holder_roles is None:
            return gettext("anyone")
        parts = []
        if self.holder_statuses is not None:
            parts.append(
                ", ".join(
                    str(label)
                    for value, label in EmploymentStatus.choices
                    if value in self.holder_statuses
                )
            )
        if self.holder_roles is not None:
            roles = ", ".join(
                str(label) for value, label in Role.choices if value in self.holder_roles
            )
            parts.append(gettext("roles: %(roles)s") % {"roles": roles})
        return "; ".join(parts)

    def clean(self):
        if self.kind == compliance.CONTINUING_EDUCATION and self.every_months is None:
            raise ValidationError({"every_months": gettext("Continuing education needs a period.")})
        for name, allowed in (("holder_statuses", EMPLOYMENT_STATUSES), ("holder_roles", ROLES)):
            unknown = set(getattr(self, name) or ()) - set(allowed)
            if unknown:
                raise ValidationError(
                    {
                        name: gettext("Unknown choices: %(unknown)s.")
                        % {"unknown": ", ".join(sorted(unknown))}
                    }
                )
        if (
            self.program_id
            and self.association_id
            and self.program.association_id != (self.association_id)
        ):
            raise ValidationError(
                {"program": gettext("The program belongs to another association.")}
            )


class RequirementCourse(TenantModel):
    requirement = models.ForeignKey(TrainingRequirement, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "requirement", "course"], name="requirement_course_unique"
            )
        ]


def evidence_path(instance, filename: str) -> str:
    """Where certificate files went before ``secor.EvidenceFile`` (kept for old migrations)."""
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"training/evidence/{instance.association_id}/{uuid.uuid4().hex}{suffix}"


class RecordStatus(models.TextChoices):
    PENDING = "pending", gettext_lazy("Waiting for verification")
    VERIFIED = "verified", gettext_lazy("Verified")
    REJECTED = "rejected", gettext_lazy("Rejected")
    WITHDRAWN = "withdrawn", gettext_lazy("Withdrawn")


class TrainingRecord(TenantModel):
    """A worker's completion of a course, with its certificate file.

    The row holds the facts as the employer last entered them; only what staff
    verified counts for compliance, and that is ``verification`` — an immutable
    ``RecordVerification`` with the verified facts in its own columns (never
    read back from history; docs/adr/0008). A course outside the catalogue
    (ACSA: "any ACSA course of at least four hours") has no ``course`` but a
    title and provider.
    """

    employer = models.ForeignKey(
        "employers.Employer", on_delete=models.CASCADE, related_name="training_records"
    )
    worker = models.ForeignKey(
        "employers.Worker", on_delete=models.CASCADE, related_name="training_records"
    )
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="records", null=True, blank=True
    )
    other_course_title = models.CharField(
        gettext_lazy("course title (outside the catalogue)"), max_length=200, blank=True
    )
    other_course_provider = models.CharField(
        gettext_lazy("course provider"), max_length=200, blank=True
    )
    completed_on = models.DateField(gettext_lazy("completion date"))
    certificate_number = models.CharField(
        gettext_lazy("certificate number"), max_length=60, blank=True
    )
    hours = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=bounded_validators(RECORD_BOUNDS["hours"]),
    )
    proficiency_submitted_on = models.DateField(
        gettext_lazy("proficiency submitted"),
        null=True,
        blank=True,
    )
    proficiency_accepted_on = models.DateField(
        gettext_lazy("proficiency accepted"),
        null=True,
        blank=True,
    )
    maintenance_audit_on = models.DateField(
        gettext_lazy("maintenance audit submitted"),
        null=True,
        blank=True,
    )
    refresher_on = models.DateField(
        gettext_lazy("classroom refresher completed"),
        null=True,
        blank=True,
    )
    evidence_file = models.ForeignKey(
        "secor.EvidenceFile",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("certificate file"),
    )
    # The last verification (a plain key: earlier ones stay, pointed at by nothing).
    verification = models.ForeignKey(
        "RecordVerification",
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        help_text=gettext_lazy("The facts as staff last verified them; what compliance counts."),
    )
    status = models.CharField(
        max_length=10, choices=RecordStatus.choices, default=RecordStatus.PENDING
    )
    rejection_reason = models.TextField(blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(
        gettext_lazy("verified or rejected at"),
        null=True,
        blank=True,
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-completed_on", "-id"]
        constraints = [
            *bounds_constraints("record", RECORD_BOUNDS),
            date_range_constraint(
                "record",
                "completed_on",
                "proficiency_submitted_on",
                "proficiency_accepted_on",
                "maintenance_audit_on",
                "refresher_on",
            ),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gte=0),
                name="record_hours_not_negative",
                violation_error_message=gettext_lazy("Hours cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(proficiency_submitted_on__isnull=True)
                | Q(proficiency_submitted_on__gte=F("completed_on")),
                name="record_proficiency_submitted_after_course",
                violation_error_message=gettext_lazy(
                    "The proficiency cannot be submitted before the course."
                ),
            ),
            models.CheckConstraint(
                condition=Q(proficiency_accepted_on__isnull=True)
                | Q(proficiency_accepted_on__gte=F("completed_on")),
                name="record_proficiency_accepted_after_course",
                violation_error_message=gettext_lazy(
                    "The proficiency cannot be accepted before the course."
                ),
            ),
            models.CheckConstraint(
                condition=Q(maintenance_audit_on__isnull=True)
                | Q(maintenance_audit_on__gt=F("completed_on")),
                name="record_maintenance_after_course",
                violation_error_message=gettext_lazy(
                    "The maintenance audit must come after the course."
                ),
            ),
            models.CheckConstraint(
                condition=Q(refresher_on__isnull=True) | Q(refresher_on__gt=F("completed_on")),
                name="record_refresher_after_course",
                violation_error_message=gettext_lazy(
                    "The classroom refresher must come after the course."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status=RecordStatus.REJECTED) | ~Q(rejection_reason=""),
                name="record_rejection_has_reason",
                violation_error_message=gettext_lazy("Give the reason for rejecting the record."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=(RecordStatus.PENDING, RecordStatus.WITHDRAWN))
                | Q(verified_by__isnull=False, verified_at__isnull=False),
                name="record_decision_has_who_and_when",
            ),
            models.CheckConstraint(
                condition=Q(course__isnull=False, other_course_title="")
                | (Q(course__isnull=True) & ~Q(other_course_title="")),
                name="record_course_or_title",
                violation_error_message=gettext_lazy(
                    "Choose a catalogue course, or give the title of a course outside it."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status=RecordStatus.VERIFIED) | Q(verification__isnull=False),
                name="record_verified_has_verification",
            ),
        ]
        indexes = [
            models.Index(
                fields=["association", "employer", "worker"], name="record_employer_worker_idx"
            ),
            # The staff verification queue: pending records, oldest first.
            models.Index(
                fields=["association", "created_at"],
                condition=Q(status="pending"),
                name="record_pending_queue_idx",
            ),
            # Cross-employer look-ups by certificate number (one WCB account per person).
            models.Index(
                fields=["association", "certificate_number"], name="record_certificate_idx"
            ),
        ]

    def __str__(self):
        return f"{self.worker} — {self.course_code or self.course_name} {self.completed_on}"

    @property
    def course_name(self) -> str:
        return self.course.name if self.course_id else self.other_course_title

    @property
    def course_code(self) -> str:
        """The catalogue code; "" for a course outside the catalogue."""
        return self.course.code if self.course_id else ""

    def get_absolute_url(self):
        return reverse(
            "training:record_detail",
            kwargs={
                "association_slug": self.association.slug,
                "employer_id": self.employer_id,
                "record_id": self.pk,
            },
        )

    def clean(self):
        errors = {}
        if self.worker_id and self.employer_id and self.worker.employer_id != self.employer_id:
            errors["worker"] = "This worker is not on this employer's roster."
        if (
            self.course_id
            and self.association_id
            and self.course.association_id != (self.association_id)
        ):
            errors["course"] = gettext("This course is not in this association's catalogue.")
        self.other_course_title = (self.other_course_title or "").strip()
        self.other_course_provider = (self.other_course_provider or "").strip()
        if self.course_id and self.other_course_title:
            errors["other_course_title"] = gettext(
                "Choose a catalogue course or give a course title, not both."
            )
        elif not self.course_id and not self.other_course_title:
            errors["course"] = gettext(
                "Choose a catalogue course, or give the title of a course outside it."
            )
        if self.other_course_title and not self.other_course_provider:
            errors["other_course_provider"] = gettext(
                "Say who gave the course (e.g. ACSA), so staff can verify it."
            )
        done = self.completed_on
        if done:
            for field, verb in (
                ("proficiency_submitted_on", "submitted"),
                ("proficiency_accepted_on", "accepted"),
            ):
                value = getattr(self, field)
                if value and value < done:
                    errors[field] = (
                        f"The proficiency cannot be {verb} ({value:%Y-%m-%d}) before the course "
                        f"was completed ({done:%Y-%m-%d})."
                    )
            for field, what in (
                ("maintenance_audit_on", "maintenance audit"),
                ("refresher_on", "classroom refresher"),
            ):
                value = getattr(self, field)
                if value and value <= done:
                    errors[field] = (
                        f"The {what} ({value:%Y-%m-%d}) must come after the course "
                        f"({done:%Y-%m-%d}); a new course is entered as a new record."
                    )
        if (
            self.proficiency_submitted_on
            and self.proficiency_accepted_on
            and self.proficiency_accepted_on < self.proficiency_submitted_on
            and "proficiency_accepted_on" not in errors
        ):
            errors["proficiency_accepted_on"] = (
                "The proficiency cannot be accepted before it was submitted."
            )
        if self.hours is not None and self.hours < 0:
            errors["hours"] = "Hours cannot be negative."
        if errors:
            raise ValidationError(errors)


# The facts a verification copies from the record: what compliance counts.
VERIFIED_FACTS = (
    "course",
    "other_course_title",
    "other_course_provider",
    "completed_on",
    "certificate_number",
    "hours",
    "proficiency_submitted_on",
    "proficiency_accepted_on",
    "maintenance_audit_on",
    "refresher_on",
    "evidence_file",
)


class RecordVerification(TenantModel):
    """Staff verified a record's facts against its certificate file: a version that counts.

    Immutable: a correction after verification is a new version, verified again;
    until then the record's ``verification`` (this row) is what compliance reads.
    The facts are copied into explicit columns, so pruning history changes nothing.
    """

    record = models.ForeignKey(
        TrainingRecord, on_delete=models.CASCADE, related_name="verifications"
    )
    number = models.PositiveIntegerField(default=1)
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    other_course_title = models.CharField(max_length=200, blank=True)
    other_course_provider = models.CharField(max_length=200, blank=True)
    completed_on = models.DateField()
    certificate_number = models.CharField(max_length=60, blank=True)
    hours = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    proficiency_submitted_on = models.DateField(null=True, blank=True)
    proficiency_accepted_on = models.DateField(null=True, blank=True)
    maintenance_audit_on = models.DateField(null=True, blank=True)
    refresher_on = models.DateField(null=True, blank=True)
    evidence_file = models.ForeignKey(
        "secor.EvidenceFile", on_delete=models.PROTECT, related_name="+", null=True
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_by_label = models.CharField(max_length=120, blank=True)
    verified_at = models.DateTimeField()

    class Meta:
        ordering = ["record", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "record", "number"], name="verification_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(course__isnull=False) | ~Q(other_course_title=""),
                name="verification_course_or_title",
            ),
        ]

    def __str__(self):
        return f"{self.record_id} v{self.number} verified {self.verified_at:%Y-%m-%d}"

    @property
    def course_name(self) -> str:
        return self.course.name if self.course_id else self.other_course_title

    @property
    def course_code(self) -> str:
        return self.course.code if self.course_id else ""

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("A verification is immutable: verify a new version instead.")
        super().save(*args, **kwargs)


class TrainedEmployeeDesignation(TenantModel):
    """SCSA: "A person can only be the 'trained employee' for one WCB account number."

    The employer names its trained employee per WCB account; the database keeps
    one account per worker, and ``selectors.compliance_for`` checks the same
    person on other employers' rosters by certificate number.
    """

    employer = models.ForeignKey(
        "employers.Employer", on_delete=models.CASCADE, related_name="training_designations"
    )
    worker = models.ForeignKey(
        "employers.Worker", on_delete=models.CASCADE, related_name="training_designations"
    )
    wcb_account = models.ForeignKey(
        "employers.WCBAccount", on_delete=models.CASCADE, related_name="training_designations"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["association", "worker"],
                name="designation_one_account_per_worker",
                violation_error_message=gettext_lazy(
                    "This person is already the trained employee for another WCB account."
                ),
            )
        ]

    def __str__(self):
        return f"{self.worker} for {self.wcb_account}"

    def clean(self):
        if self.worker_id and self.employer_id and self.worker.employer_id != self.employer_id:
            raise ValidationError(
                {"worker": gettext("This worker is not on this employer's roster.")}
            )
        if (
            self.wcb_account_id
            and self.employer_id
            and (self.wcb_account.employer_id != self.employer_id)
        ):
            raise ValidationError(
                {"wcb_account": gettext("This WCB account is another employer's.")}
            )
