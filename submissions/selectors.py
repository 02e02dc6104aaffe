"""Reads: rules, versions, deadlines, the timeline in plain words. No writes here."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from audits import schedule as sched

from . import workflow
from .models import (
    NoteKind,
    ReviewNote,
    Submission,
    SubmissionEvent,
    SubmissionKind,
    SubmissionRule,
    Upload,
)


def human_size(n: int) -> str:
    for unit, size in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n >= size:
            return f"{n / size:.1f} {unit}".replace(".0 ", " ")
    return f"{n} bytes"


def rule_for(program, kind: str) -> SubmissionRule | None:
    """The association's rule for this program and kind; the defaults for an evaluation.

    An association that never saved an evaluation rule still takes evaluations
    (1 GiB, no links, late flagged): the employer is never blocked by missing set-up.
    """
    rule = (
        SubmissionRule.objects.for_association(program.association)
        .filter(program=program, kind=kind)
        .first()
    )
    if rule is None and kind == SubmissionKind.EVALUATION:
        rule = SubmissionRule(association=program.association, program=program, kind=kind)
    return rule


def enabled_kinds(program) -> list[SubmissionRule]:
    return list(
        SubmissionRule.objects.for_association(program.association).filter(
            program=program, is_enabled=True
        )
    )


def receipt_deadline(audit) -> date | None:
    """The last day the audit's evaluation may be received, from its rules snapshot.

    docs/rules.md § AMTA — timelines: received no later than 21 days after the
    end of data gathering (`submission_within_days`).
    """
    from audits.selectors import audit_rules

    return sched.submission_deadline(audit.data_gathering_end, audit_rules(audit))


def versions(*, employer, audit, kind: str):
    qs = Submission.objects.for_association(employer.association).filter(kind=kind)
    if audit is not None:
        return qs.filter(audit=audit)
    return qs.filter(employer=employer, audit__isnull=True)


def latest_version(*, employer, audit, kind: str) -> Submission | None:
    return versions(employer=employer, audit=audit, kind=kind).order_by("-version").first()


def same_file(*, employer, audit, kind: str, sha256: str) -> Submission | None:
    """A version with these bytes that still counts (anything but withdrawn)."""
    return (
        versions(employer=employer, audit=audit, kind=kind)
        .filter(sha256=sha256)
        .exclude(status=workflow.Status.WITHDRAWN)
        .first()
    )


_UNSAFE = re.compile(r"[^A-Za-z0-9._ ()-]+")


def safe_filename(name: str) -> str:
    """A storage-safe version of the browser's file name ("upload.zip" if nothing is left)."""
    base = PurePosixPath(str(name).replace("\\", "/")).name
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    base = _UNSAFE.sub("_", base).strip(" ._")[:120]
    return base or "upload.zip"


def upload_dir() -> Path:
    """Where upload bytes wait until complete: next to local storage (a move is a rename)."""
    configured = getattr(settings, "SUBMISSIONS_UPLOAD_DIR", None)
    if configured:
        path = Path(configured)
    else:
        try:
            path = Path(default_storage.path(".uploads"))
        except NotImplementedError:
            path = Path(settings.BASE_DIR) / "var" / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def upload_temp_path(upload: Upload) -> Path:
    return upload_dir() / upload.temp_name


def tool_for(submission: Submission):
    """The audit tool the structure is checked against: the audit's, else the program's current."""
    if submission.audit_id is not None:
        return submission.audit.tool
    from audits.models import AuditTool

    return (
        AuditTool.objects.for_association(submission.association)
        .filter(program=submission.program, status=AuditTool.Status.PUBLISHED)
        .order_by("-version")
        .first()
    )


def training_warnings(submission: Submission) -> list[dict]:
    """Training not compliant at the audit's dates: warned on the spot, not refused.

    Expired training is a top reason submissions are returned; the same
    compliance report the audit planning uses, as of the start of data gathering.
    """
    audit = submission.audit
    if audit is None:
        return []
    from audits.selectors import training_report

    report = training_report(
        employer=submission.employer,
        as_of=audit.data_gathering_start,
        assessor_worker=audit.assessor_worker if audit.conducted_by == "trained_assessor" else None,
        program=submission.program,
    )
    if report is None:
        return []
    warnings = []
    for verdict in report.verdicts:
        if verdict.met:
            continue
        reasons = list(verdict.reasons) or [None]
        for reason in reasons:
            label = getattr(verdict.requirement, "label", "") or getattr(
                verdict.requirement, "code", ""
            )
            warnings.append(
                {
                    "code": f"training:{getattr(reason, 'code', 'not_met')}",
                    "message": getattr(reason, "message", "")
                    or _("Training requirement not met on %(day)s: %(name)s.")
                    % {"day": audit.data_gathering_start, "name": label},
                }
            )
    return warnings


# --- The timeline ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineItem:
    at: datetime
    text: str
    note: str
    actor: str


def _event_text(event: SubmissionEvent, *, for_staff: bool) -> str:
    action, to = event.action, event.to_status
    if action == "received":
        return _("Received")
    if action == "assign":
        return _("Assigned to %(who)s") % {"who": event.note}
    words = {
        workflow.Action.START_INSPECTION: _("The automatic check started"),
        workflow.Action.FAIL_INSPECTION: _(
            "The automatic check found problems: not sent to review"
        ),
        workflow.Action.START_REVIEW: _("A reviewer opened it"),
        workflow.Action.REQUEST_CORRECTIONS: _("Sent back for corrections"),
        workflow.Action.SUPERSEDE: _("Replaced by a newer version"),
        workflow.Action.ACCEPT: _("Accepted"),
        workflow.Action.REJECT: _("Rejected"),
        workflow.Action.WITHDRAW: _("Withdrawn"),
    }
    if action == workflow.Action.PASS_INSPECTION:
        if to == workflow.Status.RESUBMITTED:
            return _("The automatic check passed: resubmitted to the reviewer")
        return _("The automatic check passed: waiting for a reviewer")
    return str(words.get(action, workflow.describe(to)))


def timeline(submission: Submission, *, for_staff: bool) -> list[TimelineItem]:
    events = SubmissionEvent.objects.filter(submission=submission).select_related("actor")
    if not for_staff:
        events = events.filter(staff_only=False)
    items = []
    for e in events:
        actor = ""
        if e.actor is not None:
            # Employers see "the association" rather than a reviewer's name.
            actor = str(e.actor) if for_staff or e.actor_id == submission.submitted_by_id else ""
        items.append(TimelineItem(e.at, _event_text(e, for_staff=for_staff), e.note, actor))
    return items


def notes_for(submission: Submission) -> list[ReviewNote]:
    return list(ReviewNote.objects.filter(submission=submission).select_related("author"))


def open_actionable_notes(submission: Submission) -> int:
    return ReviewNote.objects.filter(
        submission=submission, kind=NoteKind.ACTIONABLE, answered_at__isnull=True
    ).count()
