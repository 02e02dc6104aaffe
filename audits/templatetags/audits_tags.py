"""Template tags for the home-page cards (run inside the view's association scope)."""

from django import template
from django.utils import timezone

from audits import selectors
from audits.schedule import local_date

register = template.Library()


@register.simple_tag
def audits_next_deadline(employer):
    """The employer's next open deadline (a `selectors.Deadline`), or None."""
    if employer is None:
        return None
    today = local_date(timezone.now(), employer.association.time_zone)
    return selectors.employer_next_deadline(employer, today)


@register.simple_tag
def audits_staff_counts(association):
    """Audits whose report is due within 30 days, and overdue ones."""
    today = local_date(timezone.now(), association.time_zone)
    return selectors.staff_audit_counts(association, today)
