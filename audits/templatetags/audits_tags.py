"""Template tags for the home-page cards (run inside the view's association scope)."""

from django import template

from audits import selectors
from secor.dates import association_today

register = template.Library()


@register.simple_tag
def audits_next_deadline(employer):
    """The employer's next open deadline (a `selectors.Deadline`), or None."""
    if employer is None:
        return None
    today = association_today(employer.association)
    return selectors.employer_next_deadline(employer, today)


@register.filter
def audit_status(audit, today):
    """The audit's status as shown: "Data gathering" while a planned audit is under way."""
    return audit.display_status_label(today)


@register.filter
def outcome_messages(audit):
    """The audit's stored outcome reasons, worded in the active language."""
    from audits.outcomes import reason_messages

    return reason_messages(audit.outcome_reasons)


@register.simple_tag
def audits_staff_counts(association):
    """Audits whose report is due within 30 days, and overdue ones."""
    today = association_today(association)
    return selectors.staff_audit_counts(association, today)


@register.simple_tag
def audits_has_milestones(association) -> bool:
    """Whether the milestone pages mean anything here: rules name milestones, or some exist."""
    return selectors.association_has_milestones(association)
