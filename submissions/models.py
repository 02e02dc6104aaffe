"""Submissions: each upload (one row per version), its manifest, its QA review and timeline.

* `Upload` is a resumable (tus) upload in progress: bytes arrive in a temporary
  file until the length is reached, then a `Submission` is written.
* `Submission` is one version of what an employer sent for an audit (or, for
  kinds not tied to an audit, for the employer): status (see `workflow.py`),
  the stored file or a download link (recorded, never fetched), the SHA-256,
  the deadline it was measured against, the reviewer it is assigned to.
  Inspection problems are a JSON list on the row (`problems`): they are only
  ever read with their submission, never queried across submissions, and are
  written once by the inspection task.
* `SubmissionEntry` rows are the zip's manifest (for browsing and previews).
* `SubmissionEvent` rows are the timeline: every status change, who, when.
* `ReviewNote` (actionable: the employer answers; informational: acknowledged)
  and `Assignment` (who was given the submission by whom, when).
* `SubmissionRule` says, per association, program and kind, what must be in
  the upload and how it is received (size limit, download links, late uploads,
  corrections days, sample threshold).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from secor.models import Program, TenantModel
from secor.validators import bounded_validators, bounds_constraints

from . import workflow

GIB = 1024**3
# Sane ranges of a submission rule's numbers (an upload past 50 GiB is a typo).
SUBMISSION_RULE_BOUNDS = {
    "max_bytes": (1, 50 * GIB),
    "corrections_days": (1, 366),
    "sample_threshold": (1, 10_000),
}


class SubmissionKind(models.TextChoices):
    EVALUATION = "evaluation", _("Audit evaluation")
    SAFETY_MANUAL = "safety_manual", _("Health and safety manual")
    PROFICIENCY = "proficiency", _("Proficiency (self-audit, LSE)")
    MAINTENANCE_PACKAGE = "maintenance_package", _("Maintenance package")
    BASELINE_REQUEST = "baseline_request", _("Baseline audit request forms")

    @classmethod
    def audit_kinds(cls) -> frozenset[str]:
        """Kinds sent for one audit; their review decides that audit's outcome."""
        return frozenset({cls.EVALUATION, cls.MAINTENANCE_PACKAGE})


class SubmissionStatus(models.TextChoices):
    RECEIVED = workflow.Status.RECEIVED.value, _("Received")
    INSPECTING = workflow.Status.INSPECTING.value, _("Being checked")
    INVALID = workflow.Status.INVALID.value, _("Refused by the check")
    AWAITING_REVIEW = workflow.Status.AWAITING_REVIEW.value, _("Awaiting review")
    IN_REVIEW = workflow.Status.IN_REVIEW.value, _("In review")
    CORRECTIONS_REQUESTED = workflow.Status.CORRECTIONS_REQUESTED.value, _("Corrections requested")
    RESUBMITTED = workflow.Status.RESUBMITTED.value, _("Resubmitted")
    ACCEPTED = workflow.Status.ACCEPTED.value, _("Accepted")
    REJECTED = workflow.Status.REJECTED.value, _("Rejected")
    WITHDRAWN = workflow.Status.WITHDRAWN.value, _("Withdrawn")
    SUPERSEDED = workflow.Status.SUPERSEDED.value, _("Replaced by a newer version")


class RejectionReason(models.TextChoices):
    LATE = "late", _("Received after the deadline")
    NOT_IN_GOOD_STANDING = "not_in_good_standing", _("Member not in good standing")
    ASSESSOR_NOT_QUALIFIED = "assessor_not_qualified", _("Assessor not qualified")
    DISORGANISED = "disorganised", _("Disorganised or incomplete submission")
    OTHER = "other", _("Other (see the note)")


# One version in flight per audit (or employer) and kind: received, being
# checked or waiting for/in review. The database refuses a second, so a double
# click or two tabs cannot start two reviews of the same audit.
_IN_FLIGHT = [
    workflow.Status.RECEIVED.value,
    workflow.Status.INSPECTING.value,
    workflow.Status.AWAITING_REVIEW.value,
    workflow.Status.IN_REVIEW.value,
    workflow.Status.RESUBMITTED.value,
]


class SubmissionRule(TenantModel):
    """How one kind of submission is received for one program of one association."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=SubmissionKind.choices)
    is_enabled = models.BooleanField(_("employers can submit this"), default=True)
    max_bytes = models.BigIntegerField(
        _("size limit (bytes)"),
        default=GIB,
        validators=bounded_validators(SUBMISSION_RULE_BOUNDS["max_bytes"]),
    )
    allow_link = models.BooleanField(
        _("a download link may be sent instead of a file"),
        default=False,
        help_text=_("The link is recorded for the reviewer; the server never fetches it."),
    )
    accept_late = models.BooleanField(
        _("accept uploads after the deadline (flagged as late)"), default=True
    )
    corrections_days = models.PositiveSmallIntegerField(
        _("days to answer corrections"),
        default=15,
        validators=bounded_validators(SUBMISSION_RULE_BOUNDS["corrections_days"]),
    )
    use_tool_elements = models.BooleanField(
        _("one folder per element of the audit tool"), default=True
    )
    require_tool_document = models.BooleanField(
        _("the evaluation tool as its own document at the top"), default=True
    )
    required_documents = models.JSONField(
        _("required documents"),
        default=list,
        blank=True,
        help_text=_("Pairs of [document, count]: the document's name and how many are needed."),
    )
    sample_threshold = models.PositiveIntegerField(
        _("most documents in one element folder"),
        null=True,
        blank=True,
        help_text=_("More than this is flagged as more than a sample. Empty: the standard check."),
        validators=bounded_validators(SUBMISSION_RULE_BOUNDS["sample_threshold"]),
    )
    instructions = models.TextField(_("instructions shown on the upload page"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["program", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "program", "kind"], name="submissionrule_unique_kind"
            ),
            models.CheckConstraint(
                condition=Q(max_bytes__gt=0), name="submissionrule_max_bytes_positive"
            ),
            models.CheckConstraint(
                condition=Q(corrections_days__gte=1),
                name="submissionrule_corrections_days_positive",
            ),
            *bounds_constraints("submissionrule", SUBMISSION_RULE_BOUNDS),
        ]

    def __str__(self):
        return f"{self.program}: {self.get_kind_display()}"


class Submission(TenantModel):
    employer = models.ForeignKey(
        "employers.Employer", on_delete=models.CASCADE, related_name="submissions"
    )
    audit = models.ForeignKey(
        "audits.Audit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submissions",
        help_text=_("Empty for kinds not sent for one audit (manual, proficiency, forms)."),
    )
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=SubmissionKind.choices)
    version = models.PositiveSmallIntegerField(default=1)
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_version"
    )
    status = models.CharField(
        max_length=30, choices=SubmissionStatus.choices, default=SubmissionStatus.RECEIVED
    )
    file = models.FileField(max_length=300, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    size = models.BigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    download_link = models.URLField(
        max_length=1000, blank=True, help_text=_("Recorded for the reviewer; never fetched.")
    )
    # The tus upload that produced this row: a retried completion finds it.
    upload_id = models.UUIDField(null=True, blank=True, editable=False)
    deadline = models.DateField(null=True, blank=True, help_text=_("Receipt deadline"))
    late = models.BooleanField(default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(auto_now_add=True)
    # Inspection: problems as {code, message, entry, severity}; warnings (training) likewise.
    inspected_at = models.DateTimeField(null=True, blank=True)
    inspection_attempts = models.PositiveSmallIntegerField(default=0)
    inflated_bytes = models.BigIntegerField(null=True, blank=True)
    problems = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    # Review.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_submissions",
    )
    corrections_due_on = models.DateField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_reason = models.CharField(max_length=30, choices=RejectionReason.choices, blank=True)
    decision_note = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["inspection_attempts"])

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "audit", "kind", "version"],
                condition=Q(audit__isnull=False),
                name="submission_unique_version_per_audit",
            ),
            models.UniqueConstraint(
                fields=["association", "employer", "kind", "version"],
                condition=Q(audit__isnull=True),
                name="submission_unique_version_per_employer",
            ),
            models.UniqueConstraint(
                fields=["association", "audit", "kind", "sha256"],
                condition=Q(audit__isnull=False) & ~Q(sha256="") & ~Q(status="withdrawn"),
                name="submission_same_file_once_per_audit",
                violation_error_message=_("This file was already uploaded for this audit."),
            ),
            models.UniqueConstraint(
                fields=["association", "employer", "kind", "sha256"],
                condition=Q(audit__isnull=True) & ~Q(sha256="") & ~Q(status="withdrawn"),
                name="submission_same_file_once_per_employer",
                violation_error_message=_("This file was already uploaded."),
            ),
            models.UniqueConstraint(
                fields=["association", "audit", "kind"],
                condition=Q(audit__isnull=False, status__in=_IN_FLIGHT),
                name="submission_one_in_flight_per_audit",
                violation_error_message=_("A version is already being checked or reviewed."),
            ),
            models.UniqueConstraint(
                fields=["association", "employer", "kind"],
                condition=Q(audit__isnull=True, status__in=_IN_FLIGHT),
                name="submission_one_in_flight_per_employer",
                violation_error_message=_("A version is already being checked or reviewed."),
            ),
            models.UniqueConstraint(
                fields=["upload_id"],
                condition=Q(upload_id__isnull=False),
                name="submission_one_per_upload",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="submission_version_positive"),
            models.CheckConstraint(
                condition=Q(version=1, previous__isnull=True)
                | Q(version__gt=1, previous__isnull=False),
                name="submission_previous_iff_later_version",
            ),
            models.CheckConstraint(
                condition=(~Q(file="") & Q(download_link="")) | (Q(file="") & ~Q(download_link="")),
                name="submission_file_xor_link",
                violation_error_message=_("Send either a file or a download link."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in workflow.Status]),
                name="submission_status_known",
            ),
        ]
        indexes = [
            # The reviewers' queue: by status, oldest first; and "assigned to me".
            models.Index(
                fields=["association", "status", "status_changed_at"], name="submission_queue_idx"
            ),
            models.Index(
                fields=["association", "assigned_to", "status"], name="submission_assignee_idx"
            ),
            models.Index(fields=["association", "employer"], name="submission_employer_idx"),
            # The open queue, oldest first: its page is read in order from here and its
            # count is an index-only scan of the open versions, not of the whole history.
            models.Index(
                fields=["association", "received_at"],
                condition=Q(status__in=[s.value for s in workflow.OPEN]),
                name="submission_open_idx",
            ),
            # Used by the inspection sweep (tasks.sweep_pending_inspections).
            models.Index(
                fields=["status_changed_at"],
                condition=Q(status__in=["received", "inspecting"]),
                name="submission_pending_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} v{self.version} of {self.employer}"

    @property
    def is_link(self) -> bool:
        return bool(self.download_link)

    @property
    def errors(self) -> list[dict]:
        return [p for p in self.problems if p.get("severity", "error") == "error"]


class SubmissionEntry(TenantModel):
    """One entry of the submitted zip, as the inspection read it."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="entries")
    position = models.PositiveIntegerField()
    path = models.CharField(max_length=1000, help_text=_("Wrapper folder stripped."))
    original_name = models.CharField(max_length=1000)
    size = models.BigIntegerField()
    compressed_size = models.BigIntegerField()
    crc = models.BigIntegerField()
    header_offset = models.BigIntegerField()
    element_number = models.PositiveSmallIntegerField(null=True, blank=True)
    is_dir = models.BooleanField(default=False)

    class Meta:
        ordering = ["submission", "position"]
        verbose_name_plural = _("submission entries")
        constraints = [
            models.UniqueConstraint(
                fields=["association", "submission", "position"], name="submissionentry_unique"
            ),
        ]
        indexes = [
            # The workspace tree: one submission's entries by element.
            models.Index(
                fields=["association", "submission", "element_number"],
                name="submissionentry_element_idx",
            ),
        ]

    def __str__(self):
        return self.path


class SubmissionEvent(TenantModel):
    """One status change of a submission (or an assignment): the timeline both sides see."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)
    # Shown to staff only (e.g. an internal reassignment comment).
    staff_only = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["association", "submission", "at"], name="submissionevent_idx")
        ]

    def __str__(self):
        return f"{self.submission}: {self.from_status or '—'} → {self.to_status}"


class NoteKind(models.TextChoices):
    ACTIONABLE = "actionable", _("Actionable: the employer must answer")
    INFORMATIONAL = "informational", _("Informational: to acknowledge")


class ReviewNote(TenantModel):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="notes")
    element_number = models.PositiveSmallIntegerField(null=True, blank=True)
    entry = models.ForeignKey(
        SubmissionEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=NoteKind.choices)
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Visible to the employer once the review is sent back or decided.
    answer_text = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["element_number", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | ~Q(answer_text=""),
                name="reviewnote_answer_has_text",
            ),
        ]
        indexes = [
            models.Index(fields=["association", "submission"], name="reviewnote_submission_idx")
        ]

    def __str__(self):
        return self.text[:60]

    @property
    def is_open(self) -> bool:
        """An actionable note not answered, or an informational one not acknowledged."""
        if self.kind == NoteKind.ACTIONABLE:
            return self.answered_at is None
        return self.acknowledged_at is None


class Assignment(TenantModel):
    """Who was given a submission to review, by whom, when (history of `assigned_to`)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="assignments")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["association", "submission", "at"], name="assignment_idx")]

    def __str__(self):
        return f"{self.submission} → {self.assigned_to or 'unassigned'}"


class UploadStatus(models.TextChoices):
    RECEIVING = "receiving", _("Receiving")
    COMPLETE = "complete", _("Complete")
    ABANDONED = "abandoned", _("Abandoned")


class Upload(TenantModel):
    """A resumable (tus) upload in progress: what it is for, and how far it got.

    The bytes sit in a temporary file (`temp_name` under the upload folder)
    until `offset == length`; then a `Submission` is written and the file
    moves to storage. The SHA-256 is computed while a request streams the
    bytes in from offset 0; an upload resumed in another request is hashed
    once more from the temporary file when it completes (the hash state of
    one process cannot be handed to the next).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    employer = models.ForeignKey("employers.Employer", on_delete=models.CASCADE, related_name="+")
    audit = models.ForeignKey(
        "audits.Audit", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=SubmissionKind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    length = models.BigIntegerField()
    offset = models.BigIntegerField(default=0)
    filename = models.CharField(max_length=255)
    metadata = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=UploadStatus.choices, default=UploadStatus.RECEIVING
    )
    submission = models.ForeignKey(
        Submission, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The outcome of the completion, for a retried final request ("same file as …").
    outcome = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(offset__gte=0) & Q(offset__lte=models.F("length")),
                name="upload_offset_within_length",
            ),
            models.CheckConstraint(condition=Q(length__gte=0), name="upload_length_positive"),
        ]
        indexes = [
            # Used by the expiry sweep (tasks.expire_uploads).
            models.Index(
                fields=["expires_at"],
                condition=Q(status="receiving"),
                name="upload_receiving_expiry_idx",
            )
        ]

    def __str__(self):
        return f"{self.filename} ({self.offset}/{self.length})"

    @property
    def temp_name(self) -> str:
        return f"{self.pk}.part"
