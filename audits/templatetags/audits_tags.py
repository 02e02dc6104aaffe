"""Template tags for the home-page cards (run inside the view's association scope)."""

from django import template
from django.utils.translation import gettext

from audits import selectors
from audits.timeline import ACTIONABLE_KINDS, timeline_chart
from secor.dates import association_today

register = template.Library()


@register.simple_tag
def audits_next_deadline(employer):
    """The employer's next open deadline (a `selectors.Deadline`), or None."""
    if employer is None:
        return None
    today = association_today(employer.association)
    return selectors.employer_next_deadline(employer, today)


@register.simple_tag
def audits_home_timelines(employer, upcoming: int = 3):
    """The employer home's glance at each enrollment: its timeline chart (the table of
    dates folded away), the dates missed, and the next ``upcoming`` dates to meet."""
    if employer is None:
        return []
    today = association_today(employer.association)
    found = []
    for n, tl in enumerate(selectors.employer_timelines(employer, today), start=1):
        title = gettext("%(program)s cycle timeline") % {
            "program": tl.enrollment.program.get_kind_display()
        }
        chart = timeline_chart(tl, n=n, title=title, collapsed=True)
        rows = chart.extra["geo"].rows
        found.append(
            {
                "tl": tl,
                "chart": chart,
                "overdue": [r for r in rows if r.state == "overdue"],
                "next": [
                    r
                    for r in rows
                    if r.state in ("today", "upcoming") and r.kind in ACTIONABLE_KINDS
                ][:upcoming],
            }
        )
    return found


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
