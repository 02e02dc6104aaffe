"""Pieces other apps' pages include: the employer home panel, the staff queue count."""

from django import template

from secor.models import Role

from .. import selectors
from ..access import get_employer
from ..models import CATEGORY_LABELS

register = template.Library()


@register.inclusion_tag("employers/_home_employer_panel.html", takes_context=True)
def employer_home(context):
    """Company summary, eligibility and checklist for the signed-in employer user."""
    request = context["request"]
    membership = getattr(request, "membership", None)
    if membership is None or membership.role != Role.EMPLOYER:
        return {"employer": None}
    employer = get_employer(request, membership.employer_id)
    return {
        "employer": employer,
        "request": request,
        "may": context.get("may", {}),
        **selectors.employer_page(employer),
    }


@register.simple_tag(takes_context=True)
def registrations_waiting(context):
    association = context.get("current_association")
    return selectors.registrations_waiting(association) if association else 0


@register.filter
def employment_type(value):
    """A headcount category in people words: 'full_time_permanent' → 'Full-time permanent'."""
    return CATEGORY_LABELS.get(value, value)
