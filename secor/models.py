"""The platform's core: users, associations (the tenants), who belongs where.

Every tenant-owned model elsewhere subclasses ``TenantModel`` so it carries an
``association`` key and a manager that refuses to query without a scope.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .tenancy import TenantManager
from .validators import bounded_validators, bounds_constraints


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in with an email address.

    ``is_staff``/``is_superuser`` mean *platform operator* (Django admin); an
    association's staff roles live on ``Membership``.
    """

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return (self.full_name or self.email).split(" ")[0]


class Jurisdiction(models.TextChoices):
    AB = "AB", gettext_lazy("Alberta")
    BC = "BC", gettext_lazy("British Columbia")
    MB = "MB", gettext_lazy("Manitoba")
    NB = "NB", gettext_lazy("New Brunswick")
    NL = "NL", gettext_lazy("Newfoundland and Labrador")
    NS = "NS", gettext_lazy("Nova Scotia")
    NT = "NT", gettext_lazy("Northwest Territories")
    NU = "NU", gettext_lazy("Nunavut")
    ON = "ON", gettext_lazy("Ontario")
    PE = "PE", gettext_lazy("Prince Edward Island")
    QC = "QC", gettext_lazy("Quebec")
    SK = "SK", gettext_lazy("Saskatchewan")
    YT = "YT", gettext_lazy("Yukon")


class ProgramKind(models.TextChoices):
    SECOR = "secor", gettext_lazy("SECOR (Small Employer COR)")
    COR = "cor", gettext_lazy("COR (Certificate of Recognition)")


slug_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9-]{1,48}$",
    "Use 2 to 49 lower-case letters, digits or hyphens, starting with a letter or digit.",
)
# Slugs that would shadow the site's own top-level paths.
RESERVED_SLUGS = frozenset(
    {
        "accounts",
        "admin",
        "static",
        "media",
        "verify",
        "invitations",
        "switch",
        "health",
        "i18n",
        "register",
        "calendar",
    }
)


class Seed(models.TextChoices):
    """The published rule sets an association can start from (docs/rules.md).

    Each app keys its seeded rows (size rule, courses, program rules and audit
    tools) by these values; an association with no seed starts with no rules
    (docs/rules.md#reading-no-seed).
    """

    AMTA = "amta", gettext_lazy("AMTA — SECOR Bulletin “Understanding your SECOR cycle”")
    ACSA = "acsa", gettext_lazy("ACSA — “SECOR™ Process”")
    SCSA = "scsa", gettext_lazy("SCSA — “How to Become SECOR Certified”")


class Association(models.Model):
    """The tenant: a certifying partner such as AMTA, ACSA or SCSA."""

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=20)
    slug = models.SlugField(max_length=49, unique=True, validators=[slug_validator])
    jurisdiction = models.CharField(max_length=2, choices=Jurisdiction.choices)
    wcb_board = models.CharField(
        gettext_lazy("WCB board"),
        max_length=120,
        help_text=gettext_lazy("e.g. WCB-Alberta, Saskatchewan WCB"),
    )
    time_zone = models.CharField(
        max_length=64,
        default="America/Edmonton",
        help_text=gettext_lazy(
            "Deadlines end at midnight in this zone (Saskatchewan: America/Regina)."
        ),
    )
    logo = models.ImageField(upload_to="association-logos/", blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    website = models.URLField(blank=True)
    # The rule set it was created from; blank: rules entered by its admin.
    seed = models.CharField(max_length=20, choices=Seed.choices, blank=True)
    # How certificates and letters look (audits/pdf.py) and who signs them.
    brand_colour = models.CharField(
        _("brand colour"),
        max_length=7,
        default="#1f4e79",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a hex colour such as #1f4e79.")],
        help_text=_("Printed on certificates and letters, e.g. #1f4e79."),
    )
    signatory_name = models.CharField(_("certificate signatory"), max_length=120, blank=True)
    signatory_title = models.CharField(_("signatory's title"), max_length=120, blank=True)
    # Opt-in: a public page listing the employers certified today (/verify/<slug>/registry/).
    public_registry = models.BooleanField(
        _("publish the registry of certified employers"), default=False
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.short_name or self.name

    def get_absolute_url(self):
        return reverse("association_home", kwargs={"association_slug": self.slug})

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": gettext("This address is reserved; choose another.")})
        import zoneinfo

        if self.time_zone not in zoneinfo.available_timezones():
            raise ValidationError({"time_zone": gettext("Unknown time zone, e.g. America/Regina.")})


class TenantModel(models.Model):
    """Base for every row that belongs to one association.

    The ``association`` key is copied onto every tenant-owned table even where a
    join could reach it: it keeps scoping cheap and lets every index lead with
    it (ARCHITECTURE.md, Tenancy).
    """

    association = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="+")

    objects = TenantManager()

    class Meta:
        abstract = True


class Program(TenantModel):
    """One program (SECOR or COR) an association runs; later issues hang its rules here."""

    kind = models.CharField(max_length=10, choices=ProgramKind.choices)
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["association", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["association", "kind"], name="program_unique_kind")
        ]

    def __str__(self):
        return f"{self.association} {self.get_kind_display()}"


class Role(models.TextChoices):
    PROGRAM_ADMIN = "program_admin", gettext_lazy("Program admin")
    REVIEWER = "reviewer", gettext_lazy("Reviewer")
    AUDITOR = "auditor", gettext_lazy("Program auditor")
    EMPLOYER = "employer", gettext_lazy("Employer user")


class Membership(TenantModel):
    """A user's role in one association. One person may belong to several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    # Employer users see this one employer only; staff roles have none.
    employer = models.ForeignKey(
        "employers.Employer", on_delete=models.CASCADE, null=True, blank=True, related_name="users"
    )
    # An employer admin manages the company's other users (invite, promote,
    # deactivate; secor/permissions.py). The first user of an employer — the one
    # who registered it, or the first to accept an invitation to it — is one.
    is_employer_admin = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["association", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["association", "user"], name="membership_unique_user"),
            models.CheckConstraint(
                condition=(
                    models.Q(role="employer", employer__isnull=False)
                    | (~models.Q(role="employer") & models.Q(employer__isnull=True))
                ),
                name="membership_employer_iff_employer_role",
                violation_error_message=gettext_lazy(
                    "An employer user must be linked to one employer; staff must not be."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(is_employer_admin=False) | models.Q(role="employer"),
                name="membership_employer_admin_is_employer",
                violation_error_message="Only employer users can be employer admins.",
            ),
        ]
        indexes = [models.Index(fields=["user", "is_active"], name="membership_user_idx")]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} at {self.association}"

    @property
    def is_staff_role(self) -> bool:
        from .permissions import STAFF  # the role sets live in the one table's module

        return self.role in STAFF


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def by_token(self, token: str):
        return self.filter(token_hash=_hash_token(token))


class Invitation(TenantModel):
    """An emailed, single-use, expiring link that creates a membership when accepted.

    Only the token's hash is stored, so a database read does not yield working links.
    """

    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    employer = models.ForeignKey(
        "employers.Employer", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager(InvitationQuerySet)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["association", "-created_at"], name="invitation_recent_idx")
        ]

    def __str__(self):
        return f"Invitation for {self.email} ({self.get_role_display()})"

    @staticmethod
    def new_token() -> tuple[str, str]:
        token = secrets.token_urlsafe(32)
        return token, _hash_token(token)

    @classmethod
    def default_expiry(cls):
        return timezone.now() + timedelta(days=settings.SECOR_INVITATION_DAYS)

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


class Notification(TenantModel):
    """An in-app notice; ``key`` makes delivery exactly-once (claimed before sending)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    key = models.CharField(
        max_length=200, help_text=gettext_lazy("What, which deadline, which lead time.")
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "user", "key"], name="notification_unique_key"
            )
        ]
        indexes = [
            # The bell's unread count on every page.
            models.Index(
                fields=["association", "user"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            )
        ]

    def __str__(self):
        return self.title


class AuditLogEntry(TenantModel):
    """Who did what, when, in an association: one row per service action."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Who acted when no person did: "task <name>", "command <name>" (secor.audit.acting_as).
    actor_label = models.CharField(max_length=120, blank=True)
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    summary = models.CharField(max_length=300)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["association", "-created_at"], name="auditlog_recent_idx"),
            models.Index(
                fields=["association", "object_type", "object_id"], name="auditlog_object_idx"
            ),
        ]
        verbose_name_plural = _("audit log entries")

    def __str__(self):
        return self.summary


# --- Reminders (secor.notifications delivers them) -----------------------------


# Reminder lead times: at most two years before a deadline (the forms say the same).
LEAD_DAYS_BOUNDS = (0, 730)
THRESHOLD_DAYS_BOUNDS = (1, 365)


class ReminderSetting(TenantModel):
    """An association's lead times for one reminder kind (``secor.notifications.KINDS``).

    Lead days are counted back from the deadline; 0 is the final notice on the
    day itself. An empty list turns the kind off for the association.
    """

    kind = models.CharField(max_length=60)
    lead_days = models.JSONField(default=list, blank=True)
    # Staff digest only: list submissions that have waited longer than this.
    threshold_days = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=bounded_validators(THRESHOLD_DAYS_BOUNDS)
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["association", "kind"], name="remindersetting_unique"),
            *bounds_constraints("remindersetting", {"threshold_days": THRESHOLD_DAYS_BOUNDS}),
        ]

    def __str__(self):
        return f"{self.kind}: {self.lead_days}"

    def clean(self):
        low, high = LEAD_DAYS_BOUNDS
        days = self.lead_days
        if not isinstance(days, list) or not all(
            isinstance(d, int) and not isinstance(d, bool) and low <= d <= high for d in days
        ):
            raise ValidationError(
                {
                    "lead_days": _("Lead times are whole numbers of days from %(low)s to %(high)s.")
                    % {"low": low, "high": high}
                }
            )


class ReminderStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")


class Reminder(TenantModel):
    """One reminder: a kind, an object, a deadline and a lead time — sent exactly once.

    The unique key is the exactly-once guarantee: the sweep inserts rows with
    "insert or nothing", and the send task claims a row with a conditional
    UPDATE (pending → sending) that must change exactly one row.
    """

    kind = models.CharField(max_length=60)
    object_key = models.CharField(
        max_length=120, help_text=_("Which object, e.g. audits.cycle:12:2.")
    )
    deadline = models.DateField()
    lead_days = models.PositiveSmallIntegerField()
    send_on = models.DateField(help_text=_("The deadline minus the lead time (local date)."))
    employer = models.ForeignKey(
        "employers.Employer", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=200)
    url = models.CharField(max_length=500, blank=True)
    context = models.JSONField(default=dict, blank=True)
    user_ids = models.JSONField(default=list, blank=True, help_text=_("Explicit recipients."))
    audience = models.JSONField(default=list, blank=True, help_text=_("Recipient groups."))
    status = models.CharField(
        max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.PENDING
    )
    late = models.BooleanField(
        default=False, help_text=_("Due before the day it was sent (the sweep did not run then).")
    )
    enqueued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-send_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "kind", "object_key", "deadline", "lead_days"],
                name="reminder_unique_key",
            )
        ]
        indexes = [
            # The fan-out re-enqueues what is not sent yet.
            models.Index(
                fields=["association", "status"],
                condition=~models.Q(status="sent"),
                name="reminder_unsent_idx",
            ),
            # The staff log per employer.
            models.Index(fields=["association", "employer", "-send_on"], name="reminder_log_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def key(self) -> str:
        return f"reminder:{self.kind}:{self.object_key}:{self.deadline}:{self.lead_days}"


class DeliveryChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    IN_APP = "in_app", _("In-app")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Sending")
    RETRYING = "retrying", _("Failed, will retry")
    SENT = "sent", _("Delivered")
    FAILED = "failed", _("Failed")
    MUTED = "muted", _("Muted by the recipient")


class Delivery(TenantModel):
    """One recipient and channel of a reminder; email ones are claimed again before SMTP."""

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    address = models.CharField(max_length=254, blank=True)
    channel = models.CharField(max_length=10, choices=DeliveryChannel.choices)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["association", "reminder", "user", "channel"], name="delivery_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["association", "status"],
                condition=models.Q(status__in=["pending", "sending", "retrying"]),
                name="delivery_open_idx",
            )
        ]

    def __str__(self):
        return f"{self.get_channel_display()} to {self.address or self.user_id}"


class MutedReminderKind(TenantModel):
    """A member does not want reminders of an optional kind in this association."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["association", "user", "kind"], name="mutedreminderkind_unique"
            )
        ]

    def __str__(self):
        return f"{self.user} mutes {self.kind}"


class ReminderSweep(TenantModel):
    """One association's daily sweep for one local date, claimed so it runs once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Queued")
        DONE = "done", _("Done")

    local_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    window_start = models.DateField(null=True, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-local_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "local_date"], name="remindersweep_unique_day"
            )
        ]

    def __str__(self):
        return f"Sweep {self.local_date} ({self.status})"


class CalendarFeed(TenantModel):
    """An employer's secret calendar (ICS) address; rotating replaces the token."""

    employer = models.OneToOneField(
        "employers.Employer", on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    rotated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    def __str__(self):
        return f"Calendar of {self.employer_id}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)


# --- Evidence files: immutable, versioned (docs/adr/0008) ------------------------


def evidence_file_path(instance, filename: str) -> str:
    """A random name under ``<app>/evidence/<association>/``; the original name stays on the row."""
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    app = (instance.kind or "files").split(".", 1)[0]
    return f"{app}/evidence/{instance.association_id}/{uuid.uuid4().hex}{suffix}"


class EvidenceFileQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Evidence files are immutable: store a new version instead.")

    def delete(self):
        raise TypeError("Evidence files are immutable and are never deleted.")


class EvidenceFile(TenantModel):
    """One stored file an app keeps as evidence (a training certificate, later an upload).

    Never overwritten, never deleted: a replacement is a new row of the same
    ``lineage`` with the next ``version``. The row says what the file is (from
    its content), its SHA-256, who stored it and when. Apps point at the version
    they mean (``TrainingRecord.evidence_file``); ``secor`` knows nothing of them.
    """

    kind = models.CharField(
        max_length=60, help_text=_("<app>.<purpose>, e.g. training.certificate")
    )
    lineage = models.UUIDField(default=uuid.uuid4)
    version = models.PositiveIntegerField(default=1)
    file = models.FileField(upload_to=evidence_file_path, max_length=200)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=60, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    # Empty only for a file migrated from before this model whose bytes were missing.
    sha256 = models.CharField(max_length=64, blank=True)
    stored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    stored_by_label = models.CharField(max_length=120, blank=True)
    stored_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager(EvidenceFileQuerySet)

    class Meta:
        ordering = ["lineage", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "lineage", "version"], name="evidence_file_version_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="evidence_file_version_from_1"
            ),
            models.CheckConstraint(
                condition=models.Q(sha256="") | models.Q(sha256__regex=r"^[0-9a-f]{64}$"),
                name="evidence_file_sha256_hex",
            ),
        ]

    def __str__(self):
        return f"{self.original_name or self.file.name} (v{self.version})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Evidence files are immutable: store a new version instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Evidence files are immutable and are never deleted.")

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
