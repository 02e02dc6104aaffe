"""Small tags for the home-page panels other apps' templates include."""

from django import template

from employers.models import Employer
from secor.dates import association_today

from .. import selectors

register = template.Library()


@register.simple_tag
def training_report(employer: Employer | None):
    """Today's compliance report of ``employer`` (None without one). Call inside a view's scope."""
    if employer is None:
        return None
    # The same report as the checklist's on the employer home (once per request).
    return selectors.compliance_today(employer, association_today(employer.association))


@register.simple_tag
def training_queue_count(association) -> int:
    """How many training records wait for staff verification."""
    return selectors.pending_records(association).count()


@register.filter
def unmet(report) -> list:
    """The requirements a report says are not met."""
    return [v for v in report.verdicts if not v.met] if report is not None else []
