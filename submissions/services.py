"""Writes: one function per action, keyword-only, in a transaction, with an audit-trail row.

Every status change goes through `_move`: the pure `workflow.check` decides
whether it may happen (its refusal's message is raised as a
`ValidationError`), then the row changes, a `SubmissionEvent` (the timeline)
and an audit-trail row are written. Submissions for an audit also move the
audit's outcome through `audit_outcome` (owned by `audits`).

For the reviewer workspace: `submission_assign`, `submission_start_review`,
`note_add`, `submission_request_corrections`, `submission_accept`,
`submission_reject` are the whole review; scores stay `audits.ElementScore`,
saved through the audits scoring service.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from audits import schedule as sched
from secor.audit import actor_or_none, record
from secor.dates import association_today
from secor.models import Membership, Notification, Role
from secor.permissions import STAFF
from secor.tenancy import activate

from . import audit_outcome, selectors, workflow
from .models import (
    Assignment,
    NoteKind,
    RejectionReason,
    ReviewNote,
    Submission,
    SubmissionEntry,
    SubmissionEvent,
    SubmissionKind,
    SubmissionStatus,
    Upload,
    UploadStatus,
)
from .seeds import seed_rules

logger = logging.getLogger(__name__)
Action = workflow.Action


def _now() -> datetime:
    return timezone.now()


def _refuse(refusal: workflow.Refusal | None) -> None:
    if refusal is not None:
        raise ValidationError(refusal.message, code=str(refusal.code))


def _move(
    submission: Submission,
    action: workflow.Action,
    *,
    actor,
    note: str = "",
    is_resubmission: bool = False,
    staff_only: bool = False,
    **check_args,
) -> Submission:
    """Apply one workflow transition to a locked row: event + audit trail."""
    _refuse(workflow.check(submission.status, action, **check_args))
    before = submission.status
    to = workflow.target(before, action, is_resubmission=is_resubmission)
    submission.status = to.value
    submission.status_changed_at = _now()
    submission.save()
    SubmissionEvent.objects.create(
        association=submission.association,
        submission=submission,
        action=action.value,
        from_status=before,
        to_status=to.value,
        actor=actor_or_none(actor),
        note=note,
        staff_only=staff_only,
    )
    record(
        association=submission.association,
        actor=actor,
        action=f"submissions.{action.value}",
        obj=submission,
        summary=f"{submission}: {before} → {to.value}",
        note=note,
    )
    return submission


def _locked(submission: Submission) -> Submission:
    return (
        Submission.objects.for_association(submission.association)
        .select_for_update(of=("self",))
        .select_related("association", "audit", "employer", "program")
        .get(pk=submission.pk)
    )


def _notify_employer(submission: Submission, *, key: str, title: str, body: str = "") -> None:
    """In-app notices to the employer's users (delivery by email is the notifications app's)."""
    from django.urls import reverse

    url = reverse(
        "submissions:detail",
        kwargs={"association_slug": submission.association.slug, "submission_id": submission.pk},
    )
    users = Membership.objects.for_association(submission.association).filter(
        employer=submission.employer, role=Role.EMPLOYER, is_active=True
    )
    for membership in users:
        Notification.objects.get_or_create(
            association=submission.association,
            user_id=membership.user_id,
            key=f"submission:{submission.pk}:{key}",
            defaults={"title": title[:200], "body": body, "url": url},
        )


def _enqueue_inspection(submission: Submission) -> None:
    from .tasks import inspect_submission

    def send():
        try:
            inspect_submission.delay(submission.association_id, submission.pk)
        except (OperationalError, OSError):  # the broker is down: the sweep catches up
            logger.warning(
                "could not enqueue inspection of submission %s", submission.pk, exc_info=True
            )

    transaction.on_commit(send)


# --- Rules -------------------------------------------------------------------------------


def rules_seed(*, association, seed_key: str | None) -> list:
    """Seed an association's submission rules (idempotent; admin edits are kept)."""
    with transaction.atomic(), activate(association):
        created = seed_rules(apps.get_model, association, seed_key)
        for rule in created:
            record(
                association=association,
                actor=None,
                action="submissions.rule_seeded",
                obj=rule,
                summary=f"Seeded submission rule {rule}",
            )
    return created


def rules_seed_for_new_association(association) -> None:
    """`hooks.association_created`: default rules for every program of a new tenant."""
    rules_seed(association=association, seed_key=association.slug)


# --- Upload --------------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadOutcome:
    """What became of a completed upload: a new submission, or the one with the same bytes."""

    submission: Submission
    duplicate: bool = False

    def message(self) -> str:
        if not self.duplicate:
            return _("Your file was received. It is being checked now.")
        when = timezone.localtime(self.submission.received_at).strftime("%Y-%m-%d %H:%M")
        return _(
            "This is the same file you uploaded on %(when)s (version %(version)s): "
            "nothing new was submitted."
        ) % {"when": when, "version": self.submission.version}


def upload_permission(
    *, employer, audit, kind: str, program, today: date, length: int, starting: bool = False
):
    """Why this employer may not start this upload now (a ValidationError), else the rule.

    Checked when the upload is created (`starting`, before a byte is sent) and
    again at completion. At creation a version still in flight does not
    refuse: the bytes may be the same file (a second tab, a retry), which the
    completion recognises and says so; other bytes are refused then.
    """
    rule = selectors.rule_for(program, kind)
    if rule is None or not rule.is_enabled:
        raise ValidationError(
            _("The association does not take this kind of submission online."), code="disabled"
        )
    if length > rule.max_bytes:
        raise ValidationError(
            _(
                "This file is %(size)s; the association accepts at most %(limit)s. Remove "
                "documents that were not asked for, or scan at a lower resolution."
            )
            % {"size": selectors.human_size(length), "limit": selectors.human_size(rule.max_bytes)},
            code="too_large",
        )
    if kind in SubmissionKind.audit_kinds() and audit is None:
        raise ValidationError(_("Choose the audit this evaluation is for."), code="no_audit")
    if audit is not None and audit.status in ("cancelled", "passed", "failed"):
        raise ValidationError(
            _("This audit is %(status)s: nothing more can be sent for it.")
            % {"status": audit.get_status_display().lower()},
            code="audit_closed",
        )
    if audit is not None:
        # Good standing on the day it is sent (docs/rules.md#acsa-prerequisites).
        from audits.selectors import standing_reasons

        standing = standing_reasons(audit.enrollment, today)
        if standing:
            raise ValidationError(standing[0].localized, code=standing[0].code)
        deadline = selectors.receipt_deadline(audit)
        if deadline is not None and today > deadline and not rule.accept_late:
            raise ValidationError(
                _(
                    "The evaluation had to be received by %(deadline)s; the association does "
                    "not accept late evaluations. Contact the association."
                )
                % {"deadline": deadline},
                code="late",
            )
    latest = selectors.latest_version(employer=employer, audit=audit, kind=kind)
    refusal = workflow.can_upload(latest.status if latest else None).refusal
    if not (starting and refusal and refusal.code is workflow.RefusalCode.UPLOAD_IN_PROGRESS):
        _refuse(refusal)
    return rule


def upload_create(
    *, employer, audit, kind: str, program, actor, length: int, filename: str, metadata: dict
) -> Upload:
    """Start a resumable upload (tus creation): checked before any byte is sent."""
    association = employer.association
    upload_permission(
        employer=employer,
        audit=audit,
        kind=kind,
        program=program,
        today=association_today(association),
        length=length,
        starting=True,
    )
    upload = Upload.objects.create(
        association=association,
        employer=employer,
        audit=audit,
        kind=kind,
        program=program,
        created_by=actor,
        length=length,
        filename=selectors.safe_filename(filename),
        metadata=metadata,
        expires_at=_now() + timedelta(hours=settings.SUBMISSIONS_UPLOAD_EXPIRY_HOURS),
    )
    return upload


class _TemporaryFile(File):
    """A finished upload's temporary file: local storage moves it (a rename), S3 streams it."""

    def __init__(self, fileobj, path: Path, name: str):
        super().__init__(fileobj, name=name)
        self._path = path

    def temporary_file_path(self) -> str:
        return str(self._path)


def _storage_name(upload: Upload) -> str:
    return (
        f"submissions/{upload.association_id}/{upload.employer_id}/"
        f"{uuid.uuid4().hex}/{upload.filename}"
    )


def submission_create_from_upload(*, upload: Upload, sha256: str, actor) -> UploadOutcome:
    """A completed upload becomes a Submission (status received); inspection is enqueued.

    Idempotent: a retried completion returns the same outcome; the same bytes
    already submitted for this audit (or employer) and kind give that
    submission back with `duplicate=True` and the bytes are dropped.
    """
    association = upload.association
    temp = selectors.upload_temp_path(upload)
    with transaction.atomic():
        upload = Upload.objects.for_association(association).select_for_update().get(pk=upload.pk)
        if upload.submission_id is not None:
            return UploadOutcome(
                upload.submission, duplicate=upload.outcome.get("duplicate", False)
            )
        same = selectors.same_file(
            employer=upload.employer, audit=upload.audit, kind=upload.kind, sha256=sha256
        )
        if same is not None:
            _finish_upload(upload, same, duplicate=True)
            temp.unlink(missing_ok=True)
            return UploadOutcome(same, duplicate=True)
        upload_permission(
            employer=upload.employer,
            audit=upload.audit,
            kind=upload.kind,
            program=upload.program,
            today=association_today(association),
            length=upload.length,
        )
    # Outside the transaction: moving a large file to S3 takes a while and must
    # not hold row locks. A file left behind by a failure below is removed.
    with open(temp, "rb") as fileobj:
        stored = default_storage.save(
            _storage_name(upload), _TemporaryFile(fileobj, temp, upload.filename)
        )
    try:
        with transaction.atomic():
            outcome = _create_submission(upload, stored_name=stored, sha256=sha256, actor=actor)
    except Exception:
        default_storage.delete(stored)
        raise
    if outcome.duplicate:
        default_storage.delete(stored)
    temp.unlink(missing_ok=True)
    return outcome


def _finish_upload(upload: Upload, submission: Submission, *, duplicate: bool) -> None:
    upload.status = UploadStatus.COMPLETE
    upload.submission = submission
    upload.outcome = {"duplicate": duplicate}
    upload.save(update_fields=["status", "submission", "outcome", "updated_at"])


def _create_submission(upload: Upload, *, stored_name: str, sha256: str, actor) -> UploadOutcome:
    upload = (
        Upload.objects.for_association(upload.association).select_for_update().get(pk=upload.pk)
    )
    if upload.submission_id is not None:
        return UploadOutcome(upload.submission, duplicate=upload.outcome.get("duplicate", False))
    latest = selectors.latest_version(
        employer=upload.employer, audit=upload.audit, kind=upload.kind
    )
    deadline = selectors.receipt_deadline(upload.audit) if upload.audit else None
    today = association_today(upload.association)
    submission = Submission(
        association=upload.association,
        employer=upload.employer,
        audit=upload.audit,
        program=upload.program,
        kind=upload.kind,
        version=(latest.version + 1) if latest else 1,
        previous=latest,
        file=stored_name,
        original_name=upload.filename,
        size=upload.length,
        sha256=sha256,
        upload_id=upload.pk,
        deadline=deadline,
        late=deadline is not None and today > deadline,
        submitted_by=actor,
    )
    try:
        with transaction.atomic():
            submission.save()
    except IntegrityError:
        # Another request finished first: the same bytes, or a version in flight.
        same = selectors.same_file(
            employer=upload.employer, audit=upload.audit, kind=upload.kind, sha256=sha256
        )
        if same is not None:
            _finish_upload(upload, same, duplicate=True)
            return UploadOutcome(same, duplicate=True)
        raise ValidationError(
            _("Another version is already being checked or reviewed."), code="in_flight"
        ) from None
    _finish_upload(upload, submission, duplicate=False)
    SubmissionEvent.objects.create(
        association=submission.association,
        submission=submission,
        action="received",
        to_status=submission.status,
        actor=actor,
        note=_("Received late (deadline %(deadline)s).") % {"deadline": deadline}
        if submission.late
        else "",
    )
    record(
        association=submission.association,
        actor=actor,
        action="submissions.received",
        obj=submission,
        summary=f"Received {submission} ({submission.size} bytes)",
        sha256=sha256,
        late=submission.late,
    )
    _enqueue_inspection(submission)
    return UploadOutcome(submission)


@transaction.atomic
def submission_create_from_link(*, employer, audit, kind: str, program, link: str, actor):
    """A download link instead of a file (where the rule allows it): recorded, never fetched.

    A link cannot be inspected: it goes straight to the review queue.
    """
    association = employer.association
    rule = upload_permission(
        employer=employer,
        audit=audit,
        kind=kind,
        program=program,
        today=association_today(association),
        length=0,
    )
    if not rule.allow_link:
        raise ValidationError(
            _("The association needs the file itself: upload the zip."), code="no_links"
        )
    latest = selectors.latest_version(employer=employer, audit=audit, kind=kind)
    verdict = workflow.can_upload(latest.status if latest else None)
    deadline = selectors.receipt_deadline(audit) if audit else None
    today = association_today(association)
    submission = Submission.objects.create(
        association=association,
        employer=employer,
        audit=audit,
        program=program,
        kind=kind,
        version=(latest.version + 1) if latest else 1,
        previous=latest,
        download_link=link,
        original_name=link[:255],
        deadline=deadline,
        late=deadline is not None and today > deadline,
        submitted_by=actor,
        status=SubmissionStatus.INSPECTING,
    )
    SubmissionEvent.objects.create(
        association=association,
        submission=submission,
        action="received",
        to_status=SubmissionStatus.INSPECTING,
        actor=actor,
        note=_("Download link recorded."),
    )
    _pass_inspection(submission, actor=actor, is_resubmission=verdict.is_resubmission)
    return submission


def upload_expire(*, now: datetime | None = None) -> int:
    """Abandoned uploads past their expiry: temporary file removed, row marked abandoned."""
    from django_scopes import scopes_disabled

    now = now or _now()
    count = 0
    with scopes_disabled():
        stale = list(Upload.objects.filter(status=UploadStatus.RECEIVING, expires_at__lt=now))
    for upload in stale:
        changed = (
            Upload.objects.for_association(upload.association)
            .filter(pk=upload.pk, status=UploadStatus.RECEIVING, expires_at__lt=now)
            .update(status=UploadStatus.ABANDONED)
        )
        if changed:
            selectors.upload_temp_path(upload).unlink(missing_ok=True)
            count += 1
    return count


# --- Inspection ------------------------------------------------------------------------


def submission_start_inspection(*, submission: Submission) -> bool:
    """Claim a submission for inspection (received → inspecting); False if nothing to do.

    A conditional UPDATE, so two workers (a retried task, the sweep) never both
    start from `received`; re-running an `inspecting` one (a lost worker) is allowed.
    """
    with transaction.atomic():
        row = _locked(submission)
        if row.status not in workflow.PENDING_INSPECTION:
            return False
        row.inspection_attempts = F("inspection_attempts") + 1
        if row.status == SubmissionStatus.RECEIVED:
            _move(row, Action.START_INSPECTION, actor=None, staff_only=True)
        else:
            row.status_changed_at = _now()
            row.save(update_fields=["inspection_attempts", "status_changed_at"])
    return True


def inspection_spec(submission: Submission):
    """The structure the upload must have: the rule's, with the audit tool's elements."""
    from . import inspection

    rule = selectors.rule_for(submission.program, submission.kind)
    tool = selectors.tool_for(submission)
    spec = (
        inspection.spec_for_tool(tool)
        if (tool is not None and rule.use_tool_elements)
        else (inspection.StructureSpec())
    )
    return replace(
        spec,
        elements=spec.elements if rule.use_tool_elements else (),
        require_tool_document=rule.require_tool_document,
        required_documents=tuple((name, int(count)) for name, count in rule.required_documents),
        max_documents_per_folder=rule.sample_threshold
        if rule.sample_threshold is not None
        else spec.max_documents_per_folder,
    )


def submission_inspect(*, submission_id: int, association) -> Submission | None:
    """The inspection task's body: claim, read the zip safely, record the result.

    Idempotent: a submission already past inspection is left alone.
    """
    from . import inspection

    with activate(association):
        submission = (
            Submission.objects.select_related("association", "audit", "employer", "program")
            .filter(pk=submission_id)
            .first()
        )
        if submission is None or not submission_start_inspection(submission=submission):
            return submission
        limits = inspection.Limits(max_inflated_bytes=settings.SUBMISSIONS_MAX_INFLATED_BYTES)
        with submission.file.open("rb") as fileobj:
            result = inspection.inspect(fileobj, spec=inspection_spec(submission), limits=limits)
        warnings = selectors.training_warnings(submission)
        return submission_record_inspection(submission=submission, result=result, warnings=warnings)


@transaction.atomic
def submission_record_inspection(*, submission: Submission, result, warnings: list[dict]):
    """Store the manifest and problems; valid → the review queue, else invalid."""
    row = _locked(submission)
    if row.status != SubmissionStatus.INSPECTING:
        return row
    SubmissionEntry.objects.filter(submission=row).delete()
    SubmissionEntry.objects.bulk_create(
        [
            SubmissionEntry(
                association=row.association,
                submission=row,
                position=i,
                path=e.path[:1000],
                original_name=e.original_name[:1000],
                size=e.size,
                compressed_size=e.compressed_size,
                crc=e.crc,
                header_offset=e.header_offset,
                element_number=e.element_number,
                is_dir=e.is_dir,
            )
            for i, e in enumerate(result.entries)
        ],
        batch_size=1000,
    )
    row.problems = [
        {"code": str(p.code), "message": p.message, "entry": p.entry, "severity": p.severity}
        for p in result.problems
    ]
    row.warnings = warnings
    row.inflated_bytes = result.inflated_bytes
    row.inspected_at = _now()
    if not result.valid:
        n = len(row.errors)
        _move(
            row,
            Action.FAIL_INSPECTION,
            actor=None,
            note=_("%(n)s problem(s) found: see the list and upload a corrected zip.") % {"n": n},
        )
        _notify_employer(
            row,
            key="invalid",
            title=_("Your %(kind)s was refused by the automatic check")
            % {"kind": row.get_kind_display()},
        )
        return row
    latest_before = row.previous
    is_resubmission = (
        latest_before is not None and latest_before.status == SubmissionStatus.CORRECTIONS_REQUESTED
    )
    return _pass_inspection(row, actor=None, is_resubmission=is_resubmission)


def _pass_inspection(row: Submission, *, actor, is_resubmission: bool) -> Submission:
    if is_resubmission:
        return submission_resubmit(submission=row, actor=actor)
    _move(row, Action.PASS_INSPECTION, actor=actor)
    _entered_queue(row, actor=actor)
    return row


def _entered_queue(row: Submission, *, actor) -> None:
    """The first version to reach the queue is the audit's receipt (later ones change nothing)."""
    if (
        row.audit_id is not None
        and row.kind in SubmissionKind.audit_kinds()
        and row.audit.received_on is None
    ):
        audit_outcome.mark_received(
            audit=row.audit,
            received_on=sched.local_date(row.received_at, row.association.time_zone),
            actor=actor,
        )


@transaction.atomic
def submission_resubmit(*, submission: Submission, actor) -> Submission:
    """A version answering corrections passed inspection: it replaces the previous one.

    The previous version (corrections requested) becomes superseded; this one
    enters the queue as resubmitted, with the previous version's reviewer.
    """
    row = _locked(submission)
    previous = _locked(row.previous)
    _move(
        previous,
        Action.SUPERSEDE,
        actor=actor,
        note=_("Replaced by version %(v)s.") % {"v": row.version},
    )
    row.assigned_to_id = previous.assigned_to_id
    _move(row, Action.PASS_INSPECTION, actor=actor, is_resubmission=True)
    _entered_queue(row, actor=actor)
    return row


def sweep_pending(*, older_than: timedelta | None = None) -> list[tuple[int, int]]:
    """Submissions still received/inspecting after a while: (association id, id) to re-enqueue.

    The broker may have been down when they were received, or a worker lost them.
    """
    from django_scopes import scopes_disabled

    older_than = older_than or timedelta(minutes=settings.SUBMISSIONS_SWEEP_AFTER_MINUTES)
    with scopes_disabled():
        return list(
            Submission.objects.filter(
                status__in=list(workflow.PENDING_INSPECTION),
                status_changed_at__lt=_now() - older_than,
            )
            .order_by("status_changed_at")
            .values_list("association_id", "pk")[:500]
        )


# --- Employer actions ----------------------------------------------------------------------


@transaction.atomic
def submission_withdraw(*, submission: Submission, actor, note: str = "") -> Submission:
    row = _locked(submission)
    _move(row, Action.WITHDRAW, actor=actor, note=note)
    return row


@transaction.atomic
def note_answer(*, note: ReviewNote, actor, text: str) -> ReviewNote:
    """The employer answers an actionable note (while corrections are requested)."""
    note = ReviewNote.objects.for_association(note.association).select_for_update().get(pk=note.pk)
    if note.kind != NoteKind.ACTIONABLE:
        raise ValidationError(_("This note is for information: acknowledge it instead."))
    if note.submission.status != SubmissionStatus.CORRECTIONS_REQUESTED:
        raise ValidationError(
            _("Notes can be answered while corrections are requested."), code="not_open"
        )
    if not text.strip():
        raise ValidationError({"text": _("Write your answer.")})
    note.answer_text = text.strip()
    note.answered_at = _now()
    note.answered_by = actor
    note.save()
    record(
        association=note.association,
        actor=actor,
        action="submissions.note_answered",
        obj=note,
        summary=f"Answered a note on {note.submission}",
    )
    return note


@transaction.atomic
def note_acknowledge(*, note: ReviewNote, actor) -> ReviewNote:
    note = ReviewNote.objects.for_association(note.association).select_for_update().get(pk=note.pk)
    if note.acknowledged_at is None:
        note.acknowledged_at = _now()
        note.acknowledged_by = actor
        note.save()
        record(
            association=note.association,
            actor=actor,
            action="submissions.note_acknowledged",
            obj=note,
            summary=f"Acknowledged a note on {note.submission}",
        )
    return note


# --- Reviewer actions ----------------------------------------------------------------------


@transaction.atomic
def submission_assign(*, submission: Submission, assignee, actor, note: str = "") -> Submission:
    """Assign (or reassign, or with `assignee=None` unassign) a reviewer; history kept."""
    row = _locked(submission)
    if assignee is not None:
        is_staff = (
            Membership.objects.for_association(row.association)
            .filter(user=assignee, is_active=True, role__in=list(STAFF))
            .exists()
        )
        if not is_staff:
            raise ValidationError({"assignee": _("Choose a reviewer of this association.")})
    if row.status in workflow.FINAL:
        raise ValidationError(_("This submission is closed; it cannot be assigned."))
    # A program admin hands work out; a reviewer takes an unassigned submission or gives
    # back their own, never someone else's.
    is_admin = (
        Membership.objects.for_association(row.association)
        .filter(user=actor, is_active=True, role=Role.PROGRAM_ADMIN)
        .exists()
    )
    if not is_admin:
        own = row.assigned_to_id in (None, actor.pk)
        if not own or (assignee is not None and assignee.pk != actor.pk):
            raise ValidationError(
                {"assignee": _("Only a program admin assigns submissions to someone else.")}
            )
    if assignee is not None and row.assigned_to_id == assignee.pk:
        return row
    row.assigned_to = assignee
    row.save(update_fields=["assigned_to", "updated_at"])
    Assignment.objects.create(
        association=row.association,
        submission=row,
        assigned_to=assignee,
        assigned_by=actor,
        note=note,
    )
    SubmissionEvent.objects.create(
        association=row.association,
        submission=row,
        action="assign",
        from_status=row.status,
        to_status=row.status,
        actor=actor,
        note=str(assignee) if assignee else _("Unassigned"),
        staff_only=True,
    )
    record(
        association=row.association,
        actor=actor,
        action="submissions.assign",
        obj=row,
        summary=f"{row} assigned to {assignee or 'nobody'}",
    )
    return row


@transaction.atomic
def submission_start_review(*, submission: Submission, actor) -> Submission:
    row = _locked(submission)
    if row.assigned_to_id is None:
        row.assigned_to = actor
        Assignment.objects.create(
            association=row.association, submission=row, assigned_to=actor, assigned_by=actor
        )
    _move(row, Action.START_REVIEW, actor=actor)
    return row


@transaction.atomic
def note_add(
    *,
    submission: Submission,
    actor,
    kind: str,
    text: str,
    element_number: int | None = None,
    entry: SubmissionEntry | None = None,
) -> ReviewNote:
    row = _locked(submission)
    if row.status not in (SubmissionStatus.IN_REVIEW, SubmissionStatus.RESUBMITTED):
        raise ValidationError(_("Notes are added while the submission is in review."))
    if kind not in NoteKind.values:
        raise ValidationError({"kind": _("Choose actionable or informational.")})
    if not text.strip():
        raise ValidationError({"text": _("Write the note.")})
    note = ReviewNote.objects.create(
        association=row.association,
        submission=row,
        kind=kind,
        text=text.strip(),
        element_number=element_number,
        entry=entry,
        author=actor,
    )
    record(
        association=row.association,
        actor=actor,
        action="submissions.note_added",
        obj=note,
        summary=f"{note.get_kind_display()} note on {row}",
    )
    return note


@transaction.atomic
def scores_save_for_review(*, submission: Submission, points, comments, actor):
    """Element scores and comments entered in the workspace, saved by the audits service.

    Only while the evaluation is in review: once accepted or rejected the
    scores are the audit's outcome and stay as they are.
    """
    from audits import services as audit_services

    row = _locked(submission)
    if row.audit_id is None:
        raise ValidationError(_("This submission is not for an audit: it has no scores."))
    if row.status not in (SubmissionStatus.IN_REVIEW, SubmissionStatus.RESUBMITTED):
        raise ValidationError(_("Scores are entered while the submission is in review."))
    return audit_services.scores_save(
        audit=row.audit, points=points, comments=comments, actor=actor
    )


@transaction.atomic
def submission_request_corrections(
    *, submission: Submission, actor, due_on: date | None = None, note: str = ""
) -> Submission:
    """Send back for corrections: the employer answers the actionable notes and resubmits.

    `due_on` defaults to the rule's corrections days (15 unless the association says
    otherwise: docs/rules.md § AMTA — timelines).
    """
    row = _locked(submission)
    today = association_today(row.association)
    if due_on is None:
        rule = selectors.rule_for(row.program, row.kind)
        due_on = today + timedelta(days=rule.corrections_days)
    open_actionable = ReviewNote.objects.filter(
        submission=row, kind=NoteKind.ACTIONABLE, answered_at__isnull=True
    ).count()
    row.corrections_due_on = due_on
    _move(
        row,
        Action.REQUEST_CORRECTIONS,
        actor=actor,
        note=note or _("Corrections due by %(due)s.") % {"due": due_on},
        actionable_notes=open_actionable,
        due_on=due_on,
        today=today,
    )
    _notify_employer(
        row,
        key=f"corrections:{row.version}",
        title=_("Corrections requested by %(due)s") % {"due": due_on},
    )
    return row


@transaction.atomic
def submission_accept(*, submission: Submission, actor, note: str = "") -> Submission:
    """Accept: for an audit's evaluation, the final scores now decide the audit's outcome."""
    row = _locked(submission)
    if row.audit_id is not None and row.kind in SubmissionKind.audit_kinds():
        from audits.selectors import score_audit_of

        if score_audit_of(row.audit).overall_percent is None:
            raise ValidationError(
                _(
                    "Score every element before accepting: the final scores decide the "
                    "audit's outcome."
                ),
                code="not_scored",
            )
    row.decided_at = _now()
    row.decided_by = actor
    row.decision_note = note
    _move(row, Action.ACCEPT, actor=actor, note=note)
    if row.audit_id is not None and row.kind in SubmissionKind.audit_kinds():
        audit_outcome.record_outcome(
            audit=row.audit, actor=actor, decided_on=association_today(row.association)
        )
    _notify_employer(
        row,
        key="accepted",
        title=_("Your %(kind)s was accepted") % {"kind": row.get_kind_display()},
    )
    return row


@transaction.atomic
def submission_reject(*, submission: Submission, actor, reason: str, note: str = "") -> Submission:
    """Reject with a reason (late, not in good standing, assessor not qualified, disorganised)."""
    row = _locked(submission)
    if reason and reason not in RejectionReason.values:
        raise ValidationError({"reason": _("Choose one of the listed reasons.")})
    row.decided_at = _now()
    row.decided_by = actor
    row.decision_reason = reason
    row.decision_note = note
    _move(row, Action.REJECT, actor=actor, note=note, reason=reason)
    if row.audit_id is not None and row.kind in SubmissionKind.audit_kinds():
        audit_outcome.record_rejection(
            audit=row.audit,
            actor=actor,
            decided_on=association_today(row.association),
            reason_code=reason,
            note=note,
        )
    _notify_employer(
        row,
        key="rejected",
        title=_("Your %(kind)s was rejected") % {"kind": row.get_kind_display()},
    )
    return row


__all__ = [
    "UploadOutcome",
    "note_acknowledge",
    "note_add",
    "note_answer",
    "rules_seed",
    "submission_accept",
    "submission_assign",
    "submission_create_from_link",
    "submission_create_from_upload",
    "submission_inspect",
    "submission_reject",
    "submission_request_corrections",
    "submission_resubmit",
    "submission_start_inspection",
    "submission_start_review",
    "scores_save_for_review",
    "submission_withdraw",
    "upload_create",
    "upload_expire",
]


def upload_refuse(*, upload: Upload, message: str) -> None:
    """A completed upload that cannot become a submission: the bytes go, the reason stays."""
    Upload.objects.for_association(upload.association).filter(pk=upload.pk).exclude(
        status=UploadStatus.COMPLETE
    ).update(status=UploadStatus.ABANDONED, outcome={"error": message})
    selectors.upload_temp_path(upload).unlink(missing_ok=True)
