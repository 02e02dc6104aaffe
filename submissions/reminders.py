"""What the submissions app reminds people of: corrections due, and the staff digest's lists.

Registered in `hooks.register`; delivered by `secor.notifications`. One query
per kind, whatever the number of employers.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from audits.reminders import CORRECTIONS_DUE, STAFF_DIGEST, staff_digest
from secor import notifications as n

from .models import Submission, SubmissionStatus

DIGEST_WAITING_DAYS = 14  # default of the staff digest's "waiting more than N days"
WAITING = (
    SubmissionStatus.AWAITING_REVIEW,
    SubmissionStatus.IN_REVIEW,
    SubmissionStatus.RESUBMITTED,
)


def _corrections_due(association, window_start: date, window_end: date):
    """A submission sent back for corrections: the employer answers by corrections_due_on."""
    lead_days = n.leads(association, CORRECTIONS_DUE.code)
    bounds = n.deadline_range(lead_days, window_start, window_end)
    if bounds is None:
        return
    for submission in Submission.objects.for_association(association).filter(
        status=SubmissionStatus.CORRECTIONS_REQUESTED, corrections_due_on__range=bounds
    ):
        yield from n.expand(
            {
                "kind": CORRECTIONS_DUE.code,
                "object_key": f"submissions.submission:{submission.pk}",
                "title": str(_("Corrections to your %(kind)s due %(day)s"))
                % {
                    "kind": submission.get_kind_display().lower(),
                    "day": submission.corrections_due_on.isoformat(),
                },
                "employer_id": submission.employer_id,
                "url": n.employer_url(
                    "submissions:detail", association, submission.pk, key="submission_id"
                ),
                # The assigned reviewer hears of it too.
                "user_ids": (submission.assigned_to_id,) if submission.assigned_to_id else (),
                "audience": (n.EMPLOYER_USERS,),
            },
            submission.corrections_due_on,
            lead_days,
            window_start,
            window_end,
        )


def _digest(association, window_start: date, window_end: date):
    """Submissions waiting for review past N days, and corrections overdue."""
    if 0 not in n.leads(association, STAFF_DIGEST.code):
        return
    today = window_end
    days = n.threshold(association, STAFF_DIGEST.code, DIGEST_WAITING_DAYS)
    limit = 20
    rows = Submission.objects.for_association(association).select_related("employer")
    waiting = list(
        rows.filter(
            status__in=WAITING, status_changed_at__date__lte=today - timedelta(days=days)
        ).order_by("status_changed_at")[:limit]
    )
    overdue = list(
        rows.filter(
            status=SubmissionStatus.CORRECTIONS_REQUESTED, corrections_due_on__lt=today
        ).order_by("corrections_due_on")[:limit]
    )
    if not (waiting or overdue):
        return
    yield staff_digest(
        association,
        today,
        {
            "waiting_days": days,
            "waiting": [
                [str(s.employer), s.get_kind_display(), s.status_changed_at.date().isoformat()]
                for s in waiting
            ],
            "overdue_corrections": [
                [str(s.employer), s.get_kind_display(), s.corrections_due_on.isoformat()]
                for s in overdue
            ],
        },
    )


def reminder_source(association, *, window_start: date, window_end: date):
    yield from _corrections_due(association, window_start, window_end)
    yield from _digest(association, window_start, window_end)


def calendar_events(employer, today: date) -> list[n.CalendarEvent]:
    """Corrections due of the employer's submissions sent back."""
    association = employer.association
    return [
        n.CalendarEvent(
            uid=f"corrections-{s.pk}",
            summary=str(_("Corrections due: %(kind)s")) % {"kind": s.get_kind_display()},
            start=s.corrections_due_on,
            url=n.employer_url("submissions:detail", association, s.pk, key="submission_id"),
        )
        for s in Submission.objects.for_association(association).filter(
            employer=employer,
            status=SubmissionStatus.CORRECTIONS_REQUESTED,
            corrections_due_on__isnull=False,
        )
    ]
