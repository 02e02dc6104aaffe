"""The quality-assurance states of a submission and who may move it where: pure, no Django.

One row is one *version* of an upload (v1, v2, …). The review of an audit's
evaluation runs across versions:

    received → inspecting → invalid
                          → awaiting_review → in_review → corrections_requested
                                                        → accepted | rejected
    corrections_requested ──(the employer uploads v N+1, it passes inspection)──▶
        v N: superseded          v N+1: resubmitted → in_review | corrections_requested
                                                     | accepted | rejected
    withdrawn: the employer takes back anything not yet decided.

`resubmitted` is the queue state of a version that answers corrections, so a
reviewer sees at a glance that it is a resubmission (and opens the changes
since the previous version); `superseded` closes the version it replaces, so
nothing waits on a version nobody will look at again (reminders about
corrections due, the queue, the employer's "what is next"). The services call
`check` before every change and raise its refusal's message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Status(StrEnum):
    RECEIVED = "received"
    INSPECTING = "inspecting"
    INVALID = "invalid"
    AWAITING_REVIEW = "awaiting_review"
    IN_REVIEW = "in_review"
    CORRECTIONS_REQUESTED = "corrections_requested"
    RESUBMITTED = "resubmitted"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    SUPERSEDED = "superseded"


class Action(StrEnum):
    START_INSPECTION = "start_inspection"
    PASS_INSPECTION = "pass_inspection"
    FAIL_INSPECTION = "fail_inspection"
    START_REVIEW = "start_review"
    REQUEST_CORRECTIONS = "request_corrections"
    SUPERSEDE = "supersede"
    ACCEPT = "accept"
    REJECT = "reject"
    WITHDRAW = "withdraw"


# Waiting for the inspection task (the sweep re-enqueues these).
PENDING_INSPECTION = frozenset({Status.RECEIVED, Status.INSPECTING})
# In the reviewers' queue.
QUEUED = frozenset({Status.AWAITING_REVIEW, Status.RESUBMITTED, Status.IN_REVIEW})
# The review queue's open versions: queued, or sent back (the reviewer follows them up).
OPEN = (*sorted(QUEUED), Status.CORRECTIONS_REQUESTED)
# Nothing more happens to these versions.
FINAL = frozenset(
    {Status.INVALID, Status.ACCEPTED, Status.REJECTED, Status.WITHDRAWN, Status.SUPERSEDED}
)
# Statuses in which the version's bytes count for "same file uploaded twice".
# A withdrawn upload may be sent again.
COUNTS_AS_UPLOADED = frozenset(Status) - {Status.WITHDRAWN}

_TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.RECEIVED, Action.START_INSPECTION): Status.INSPECTING,
    # The sweep re-runs an inspection a lost worker never finished.
    (Status.INSPECTING, Action.START_INSPECTION): Status.INSPECTING,
    (Status.INSPECTING, Action.FAIL_INSPECTION): Status.INVALID,
    # PASS_INSPECTION: awaiting_review, or resubmitted for a version answering corrections.
    (Status.INSPECTING, Action.PASS_INSPECTION): Status.AWAITING_REVIEW,
    (Status.AWAITING_REVIEW, Action.START_REVIEW): Status.IN_REVIEW,
    (Status.RESUBMITTED, Action.START_REVIEW): Status.IN_REVIEW,
    (Status.IN_REVIEW, Action.REQUEST_CORRECTIONS): Status.CORRECTIONS_REQUESTED,
    (Status.RESUBMITTED, Action.REQUEST_CORRECTIONS): Status.CORRECTIONS_REQUESTED,
    (Status.IN_REVIEW, Action.ACCEPT): Status.ACCEPTED,
    (Status.RESUBMITTED, Action.ACCEPT): Status.ACCEPTED,
    (Status.IN_REVIEW, Action.REJECT): Status.REJECTED,
    (Status.RESUBMITTED, Action.REJECT): Status.REJECTED,
    (Status.CORRECTIONS_REQUESTED, Action.SUPERSEDE): Status.SUPERSEDED,
    **{
        (s, Action.WITHDRAW): Status.WITHDRAWN
        for s in (
            Status.RECEIVED,
            Status.INSPECTING,
            Status.AWAITING_REVIEW,
            Status.IN_REVIEW,
            Status.CORRECTIONS_REQUESTED,
            Status.RESUBMITTED,
        )
    },
}


class RefusalCode(StrEnum):
    NOT_FROM_STATUS = "not_from_status"
    NEEDS_ACTIONABLE_NOTE = "needs_actionable_note"
    DUE_DATE_PASSED = "due_date_passed"
    REASON_MISSING = "reason_missing"
    UPLOAD_IN_PROGRESS = "upload_in_progress"
    ALREADY_DECIDED = "already_decided"


@dataclass(frozen=True)
class Refusal:
    code: RefusalCode
    message: str


_STATUS_WORDS = {
    Status.RECEIVED: gettext_lazy("received and waiting to be checked"),
    Status.INSPECTING: gettext_lazy("being checked"),
    Status.INVALID: gettext_lazy("refused by the automatic check"),
    Status.AWAITING_REVIEW: gettext_lazy("waiting for a reviewer"),
    Status.IN_REVIEW: gettext_lazy("in review"),
    Status.CORRECTIONS_REQUESTED: gettext_lazy("waiting for your corrections"),
    Status.RESUBMITTED: gettext_lazy("resubmitted and waiting for a reviewer"),
    Status.ACCEPTED: gettext_lazy("accepted"),
    Status.REJECTED: gettext_lazy("rejected"),
    Status.WITHDRAWN: gettext_lazy("withdrawn"),
    Status.SUPERSEDED: gettext_lazy("replaced by a newer version"),
}

_ACTION_WORDS = {
    Action.START_INSPECTION: gettext_lazy("checked"),
    Action.PASS_INSPECTION: gettext_lazy("sent to review"),
    Action.FAIL_INSPECTION: gettext_lazy("refused"),
    Action.START_REVIEW: gettext_lazy("opened for review"),
    Action.REQUEST_CORRECTIONS: gettext_lazy("sent back for corrections"),
    Action.SUPERSEDE: gettext_lazy("replaced"),
    Action.ACCEPT: gettext_lazy("accepted"),
    Action.REJECT: gettext_lazy("rejected"),
    Action.WITHDRAW: gettext_lazy("withdrawn"),
}


def target(status: str, action: str, *, is_resubmission: bool = False) -> Status | None:
    """Where `action` takes a version in `status`; None when it may not."""
    to = _TRANSITIONS.get((Status(status), Action(action)))
    if to is Status.AWAITING_REVIEW and is_resubmission:
        return Status.RESUBMITTED
    return to


def check(
    status: str,
    action: str,
    *,
    actionable_notes: int = 0,
    due_on: date | None = None,
    today: date | None = None,
    reason: str = "",
) -> Refusal | None:
    """Why `action` may not happen now, or None.

    Requesting corrections needs at least one actionable note (the employer must
    know what to correct) and a due date after today; rejecting needs a reason.
    """
    status, action = Status(status), Action(action)
    if (status, action) not in _TRANSITIONS:
        return Refusal(
            RefusalCode.NOT_FROM_STATUS,
            _(
                "This submission is %(status)s: it cannot be %(action)s now. Reload the page "
                "to see its current state."
            )
            % {"status": _STATUS_WORDS[status], "action": _ACTION_WORDS[action]},
        )
    if action is Action.REQUEST_CORRECTIONS:
        if actionable_notes < 1:
            return Refusal(
                RefusalCode.NEEDS_ACTIONABLE_NOTE,
                _(
                    "Add at least one actionable note saying what to correct before sending "
                    "the submission back."
                ),
            )
        if due_on is not None and today is not None and due_on <= today:
            return Refusal(
                RefusalCode.DUE_DATE_PASSED,
                _("The corrections due date must be after today (%(today)s).") % {"today": today},
            )
    if action is Action.REJECT and not reason.strip():
        return Refusal(RefusalCode.REASON_MISSING, _("Choose the reason for the rejection."))
    return None


@dataclass(frozen=True)
class UploadVerdict:
    """May a new version be uploaded, and is it a resubmission answering corrections?"""

    refusal: Refusal | None
    is_resubmission: bool = False


def can_upload(latest_status: str | None) -> UploadVerdict:
    """A new version after the latest one (None: nothing uploaded yet).

    After an invalid or withdrawn version the employer starts again; after
    corrections were requested the new version is a resubmission. While a
    version is being checked or reviewed, or once one was decided, no new
    version is taken: nothing is ever overwritten.
    """
    if latest_status is None:
        return UploadVerdict(None)
    status = Status(latest_status)
    if status in (Status.INVALID, Status.WITHDRAWN):
        return UploadVerdict(None)
    if status is Status.CORRECTIONS_REQUESTED:
        return UploadVerdict(None, is_resubmission=True)
    if status in (Status.ACCEPTED, Status.REJECTED):
        return UploadVerdict(
            Refusal(
                RefusalCode.ALREADY_DECIDED,
                _(
                    "The latest version was %(status)s; no new version can be uploaded for "
                    "it. Contact the association if something is missing."
                )
                % {"status": _STATUS_WORDS[status]},
            )
        )
    return UploadVerdict(
        Refusal(
            RefusalCode.UPLOAD_IN_PROGRESS,
            _(
                "The latest version is %(status)s. Withdraw it first if you need to send a "
                "different file."
            )
            % {"status": _STATUS_WORDS[status]},
        )
    )


def describe(status: str) -> str:
    """The status in plain words for the employer's timeline."""
    return str(_STATUS_WORDS[Status(status)])
