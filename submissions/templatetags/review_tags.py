"""`{% audit_outcome submission %}`: the audit's recorded outcome, for both sides' pages."""

from django import template

from submissions.models import SubmissionKind, SubmissionStatus
from submissions.review import outcome_reasons

register = template.Library()


@register.inclusion_tag("submissions/review/_outcome.html")
def audit_outcome(submission):
    audit = submission.audit if submission.audit_id else None
    shown = (
        audit is not None
        and submission.kind in SubmissionKind.audit_kinds()
        and submission.status in (SubmissionStatus.ACCEPTED, SubmissionStatus.REJECTED)
    )
    return {
        "shown": shown,
        "audit": audit,
        "reasons": outcome_reasons(audit) if shown else [],
    }
