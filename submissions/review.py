"""Reads for the reviewer workspace: the queue, the workload, the tree, the changes. No writes.

Who sees what: a program admin sees every submission of the association; a
reviewer (or program auditor) sees what is assigned to them and what nobody
has taken yet. The same rule scopes the queue, the export and every workspace
page, so a submission the queue does not list is a 404 by its URL too.

"Due" is the reviewer's date: for a version waiting for or in review, its
receipt plus `SUBMISSIONS_REVIEW_DAYS`; for one sent back, the employer's
corrections due date (docs/rules.md § AMTA — corrections).
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.db.models import (
    Aggregate,
    Case,
    Count,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    When,
)
from django.db.models.functions import Cast, TruncMonth
from django.utils.translation import gettext as _

from secor.dates import add_months
from secor.models import Membership
from secor.permissions import ADMIN, STAFF

from . import diff, workflow
from .models import NoteKind, ReviewNote, Submission, SubmissionEntry, SubmissionStatus

# The queue: waiting for a reviewer, in review, or sent back (the reviewer follows it up).
OPEN_STATUSES = list(workflow.OPEN)


def review_days() -> int:
    return getattr(settings, "SUBMISSIONS_REVIEW_DAYS", 28)


def sees_all(membership) -> bool:
    return membership.role in ADMIN


def visible(membership):
    """The submissions this staff member may open (the whole association for an admin)."""
    qs = Submission.objects.for_association(membership.association)
    if sees_all(membership):
        return qs
    return qs.filter(Q(assigned_to_id=membership.user_id) | Q(assigned_to__isnull=True))


def with_due(qs, *, time_zone: str):
    """Annotate `due_on`: corrections due date, else the local receipt date + review days."""
    from zoneinfo import ZoneInfo

    from django.db.models.functions import TruncDate

    received = TruncDate("received_at", tzinfo=ZoneInfo(time_zone))
    return qs.annotate(
        due_on=Case(
            When(
                status=SubmissionStatus.CORRECTIONS_REQUESTED,
                then=F("corrections_due_on"),
            ),
            default=Cast(received + timedelta(days=review_days()), DateField()),
            output_field=DateField(),
        )
    )


def queue(membership):
    """The queue's rows (filters and ordering are the filterset's and table's)."""
    qs = visible(membership).select_related("employer", "program", "assigned_to", "association")
    return with_due(qs, time_zone=membership.association.time_zone)


def staff_members(association) -> list[Membership]:
    return list(
        Membership.objects.for_association(association)
        .filter(is_active=True, role__in=list(STAFF))
        .select_related("user")
        .order_by("user__email")
    )


# --- Workload ------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkloadRow:
    label: str
    user_id: int | None
    open: int
    due_this_week: int
    overdue: int

    @property
    def later(self) -> int:
        return max(self.open - self.due_this_week - self.overdue, 0)


def workload(association, *, today: date) -> list[WorkloadRow]:
    """Per reviewer (and "not assigned"): open, due within 7 days, overdue. Two queries."""
    week = today + timedelta(days=7)
    qs = with_due(
        Submission.objects.for_association(association).filter(status__in=OPEN_STATUSES),
        time_zone=association.time_zone,
    )
    counts = {
        row["assigned_to_id"]: row
        for row in qs.values("assigned_to_id").annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=Q(due_on__lt=today)),
            due_this_week=Count("pk", filter=Q(due_on__gte=today, due_on__lte=week)),
        )
    }
    rows = []
    for m in staff_members(association):
        c = counts.pop(m.user_id, {})
        rows.append(
            WorkloadRow(
                str(m.user),
                m.user_id,
                c.get("open", 0),
                c.get("due_this_week", 0),
                c.get("overdue", 0),
            )
        )
    nobody = counts.pop(None, {})
    rows.append(
        WorkloadRow(
            _("Not assigned"),
            None,
            nobody.get("open", 0),
            nobody.get("due_this_week", 0),
            nobody.get("overdue", 0),
        )
    )
    # Someone who left the staff but still holds submissions: shown, so they get reassigned.
    for user_id, c in counts.items():
        rows.append(
            WorkloadRow(
                _("Former staff member #%(id)s") % {"id": user_id},
                user_id,
                c["open"],
                c["due_this_week"],
                c["overdue"],
            )
        )
    return rows


def _month_starts(today: date, months: int) -> list[date]:
    """The first days of the last ``months`` months, oldest first, this month last."""
    return [add_months(today.replace(day=1), i - months + 1) for i in range(months)]


def received_by_month(association, *, today: date, months: int = 12) -> list[tuple[date, int]]:
    """Versions received per month over the last `months` months (the October–February surge)."""
    from zoneinfo import ZoneInfo

    starts = _month_starts(today, months)
    zone = ZoneInfo(association.time_zone)
    found = {
        row["month"].date() if hasattr(row["month"], "date") else row["month"]: row["n"]
        for row in Submission.objects.for_association(association)
        .filter(received_at__date__gte=starts[0])
        .annotate(month=TruncMonth("received_at", tzinfo=zone))
        .values("month")
        .annotate(n=Count("pk"))
    }
    return [(month, found.get(month, 0)) for month in starts]


# --- Program dashboard ---------------------------------------------------------------------


class Percentile(Aggregate):
    """PostgreSQL's ``percentile_cont(p) WITHIN GROUP (ORDER BY x)``: linear interpolation."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError("A percentile is a fraction between 0 and 1.")
        super().__init__(expression, fraction=float(fraction), **extra)


def percentile_cont(values: list[float], fraction: float) -> float | None:
    """The same interpolation in Python (for databases without ``percentile_cont``)."""
    if not values:
        return None
    ordered = sorted(values)
    pos = fraction * (len(ordered) - 1)
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


@dataclass(frozen=True)
class TurnaroundRow:
    user_id: int
    label: str
    decided: int
    median_days: float
    p90_days: float


def _days(value) -> float:
    return round(value.total_seconds() / 86400, 1)


@dataclass(frozen=True)
class DashboardFigures:
    """What the program dashboard's submission charts count (``dashboard_figures``)."""

    by_status: dict[str, int]  # every version, per status
    overdue: dict[str, int]  # open versions past their due date, per status
    months: list[tuple[date, int]]  # versions received per local month, oldest first
    turnaround: list[TurnaroundRow]  # per reviewer with decisions in the window


def dashboard_figures(
    association, *, today: date, months: int = 36, turnaround_days: int = 365
) -> DashboardFigures:
    """Every figure of the dashboard's submission charts, in one query on PostgreSQL.

    Conditional aggregation over the association's submissions, grouped by who
    decided them (a handful of groups): the counts per status, overdue per open
    status and received per month add up across the groups; the number of
    decisions of the last ``turnaround_days`` days and the median and 90th
    percentile of days from receipt to decision (``percentile_cont``) are each
    reviewer's. Elsewhere the durations are read by a second query and
    interpolated the same way in Python.
    """
    from zoneinfo import ZoneInfo

    from django.db import connection
    from django.utils import timezone

    zone = ZoneInfo(association.time_zone)

    def local_start(day: date) -> datetime:
        return timezone.make_aware(datetime.combine(day, time.min), zone)

    starts = _month_starts(today, months)
    bounds = [*starts, add_months(starts[-1], 1)]
    decided = Q(decided_at__gte=local_start(today - timedelta(days=turnaround_days)))
    decided &= Q(decided_by__isnull=False)
    took = ExpressionWrapper(F("decided_at") - F("received_at"), output_field=DurationField())
    counts = {f"s_{v}": Count("pk", filter=Q(status=v)) for v in SubmissionStatus.values}
    counts |= {f"o_{v}": Count("pk", filter=Q(status=v, due_on__lt=today)) for v in OPEN_STATUSES}
    counts |= {
        f"m{i}": Count(
            "pk", filter=Q(received_at__gte=local_start(low), received_at__lt=local_start(high))
        )
        for i, (low, high) in enumerate(zip(bounds, bounds[1:], strict=False))
    }
    counts["decided"] = Count("pk", filter=decided)
    percentiles = connection.vendor == "postgresql"
    if percentiles:
        for name, fraction in (("median", 0.5), ("p90", 0.9)):
            counts[name] = Percentile(took, fraction, filter=decided, output_field=DurationField())
    names = ("decided_by_id", "decided_by__full_name", "decided_by__email")
    submissions = Submission.objects.for_association(association)
    groups = list(
        with_due(submissions, time_zone=association.time_zone)
        .values(*names)
        .annotate(**counts)
        .order_by()
    )

    def total(key: str) -> int:
        return sum(g[key] for g in groups)

    by_status = {v: n for v in SubmissionStatus.values if (n := total(f"s_{v}"))}
    overdue = {v: n for v in OPEN_STATUSES if (n := total(f"o_{v}"))}
    if not percentiles:
        spans: dict[int, list] = {}
        rows = submissions.filter(decided).annotate(took=took).values_list("decided_by_id", "took")
        for uid, span in rows:
            spans.setdefault(uid, []).append(span)
        for g in groups:
            found = spans.get(g["decided_by_id"], [])
            g["median"], g["p90"] = percentile_cont(found, 0.5), percentile_cont(found, 0.9)
    turnaround = sorted(
        (
            TurnaroundRow(
                g[names[0]],
                g[names[1]] or g[names[2]],
                g["decided"],
                _days(g["median"]),
                _days(g["p90"]),
            )
            for g in groups
            if g["decided"]
        ),
        key=lambda r: r.label.casefold(),
    )
    return DashboardFigures(
        by_status=by_status,
        overdue=overdue,
        months=[(month, total(f"m{i}")) for i, month in enumerate(starts)],
        turnaround=turnaround,
    )


# --- The tree and previews ----------------------------------------------------------------


PREVIEW_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".txt": "text/plain; charset=utf-8",
    ".csv": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
    ".log": "text/plain; charset=utf-8",
}
# The first bytes a previewed type must start with: a ".pdf" that is not a PDF is
# offered for download only, never handed to the browser's viewer as one.
_MAGIC = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),
}


def preview_type(path: str) -> str | None:
    """The Content-Type a preview is served with, or None (download only)."""
    return PREVIEW_TYPES.get(PurePosixPath(path).suffix.lower())


def preview_kind(path: str) -> str:
    """ "pdf", "image", "text" or "" — how the workspace shows the entry."""
    kind = preview_type(path) or ""
    if kind == "application/pdf":
        return "pdf"
    if kind.startswith("image/"):
        return "image"
    if kind.startswith("text/"):
        return "text"
    return ""


def content_matches(content_type: str, head: bytes) -> bool:
    magic = _MAGIC.get(content_type)
    if magic is None:
        # Text: no NUL bytes in the first chunk.
        return b"\x00" not in head
    return head.startswith(magic)


def download_type(path: str) -> str:
    return mimetypes.guess_type(path)[0] or "application/octet-stream"


@dataclass(frozen=True)
class TreeFile:
    entry: SubmissionEntry
    name: str
    folder: str
    preview: str


@dataclass(frozen=True)
class TreeElement:
    number: int | None
    label: str
    files: tuple[TreeFile, ...]
    notes: int = 0


def tree(submission: Submission, *, element_names: dict[int, str]) -> list[TreeElement]:
    """The manifest by element (files outside any element first), folders left out."""
    groups: dict[int | None, list[TreeFile]] = {}
    entries = SubmissionEntry.objects.filter(submission=submission, is_dir=False).order_by(
        "element_number", "path"
    )
    for entry in entries:
        parts = PurePosixPath(entry.path).parts
        # Inside an element, the element's own folder is the heading already.
        folders = parts[1:-1] if entry.element_number is not None else parts[:-1]
        groups.setdefault(entry.element_number, []).append(
            TreeFile(entry, parts[-1], "/".join(folders), preview_kind(entry.path))
        )
    for number in element_names:
        groups.setdefault(number, [])
    out = []
    for number in sorted(groups, key=lambda n: (n is not None, n or 0)):
        if number is None:
            label = _("Top level (evaluation tool and other documents)")
        else:
            label = _("Element %(n)s. %(name)s") % {
                "n": number,
                "name": element_names.get(number, _("(not in the tool)")),
            }
        out.append(TreeElement(number, label, tuple(groups[number])))
    return out


# --- Changes since the previous version ------------------------------------------------------


def _facts(submission: Submission) -> list[diff.FileFacts]:
    return [
        diff.FileFacts(path=p, size=s, crc=c, element_number=n, is_dir=d)
        for p, s, c, n, d in SubmissionEntry.objects.filter(submission=submission).values_list(
            "path", "size", "crc", "element_number", "is_dir"
        )
    ]


@dataclass(frozen=True)
class Changes:
    previous: Submission
    diff: diff.ManifestDiff
    notes: list[ReviewNote]
    answers: diff.NoteAnswers


def changes_since_previous(submission: Submission) -> Changes | None:
    """Files added, removed, changed (by CRC/size), moved; the previous version's notes."""
    previous = submission.previous
    if previous is None:
        return None
    notes = list(
        ReviewNote.objects.filter(submission=previous).select_related("author", "answered_by")
    )
    answers = diff.note_answers(
        diff.NoteFacts(n.pk, n.kind == NoteKind.ACTIONABLE, n.answered_at is not None)
        for n in notes
    )
    return Changes(
        previous, diff.diff_manifests(_facts(previous), _facts(submission)), notes, answers
    )


def versions_of(submission: Submission) -> list[Submission]:
    qs = Submission.objects.filter(kind=submission.kind).only(
        "pk", "version", "status", "received_at", "association_id"
    )
    if submission.audit_id is not None:
        qs = qs.filter(audit_id=submission.audit_id)
    else:
        qs = qs.filter(employer_id=submission.employer_id, audit__isnull=True)
    return list(qs.order_by("version"))


@dataclass(frozen=True)
class VersionEvent:
    version: int
    at: object
    text: str
    note: str
    actor: str


def timeline_across_versions(submission: Submission, versions: list[Submission]):
    """Every version's events, oldest first: the whole review of this audit's evaluation."""
    from .models import SubmissionEvent
    from .selectors import _event_text

    number = {v.pk: v.version for v in versions}
    events = (
        SubmissionEvent.objects.filter(submission_id__in=list(number))
        .select_related("actor")
        .order_by("at", "id")
    )
    return [
        VersionEvent(
            number[e.submission_id],
            e.at,
            _event_text(e, for_staff=True),
            e.note,
            str(e.actor) if e.actor is not None else "",
        )
        for e in events
    ]


def outcome_reasons(audit) -> list[str]:
    """The audit's recorded outcome reasons in words (the audits app renders its codes)."""
    reasons = getattr(audit, "outcome_reasons", None) or []
    try:
        from audits.outcomes import reason_messages
    except ImportError:
        return [str(r.get("code", r)) if isinstance(r, dict) else str(r) for r in reasons]
    return list(reason_messages(reasons))


__all__ = [
    "OPEN_STATUSES",
    "changes_since_previous",
    "dashboard_figures",
    "queue",
    "received_by_month",
    "tree",
    "visible",
    "workload",
]
