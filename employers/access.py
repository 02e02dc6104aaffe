"""The one door to employers for views: staff see the association's, employer users their own."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from secor.models import Role

from .models import Employer


def visible_employers(request):
    """Employers the request's member may see (call inside ``association_view``)."""
    employers = Employer.objects.select_related(
        "association"
    )  # scoped to request.association by the view's scope
    if request.membership.role == Role.EMPLOYER:
        employers = employers.filter(pk=request.membership.employer_id)
    return employers


def get_employer(request, employer_id) -> Employer:
    """The employer with this id, or 404 — also for another employer's user or tenant."""
    membership = request.membership
    employer = getattr(membership, "employer", None)
    if membership.role == Role.EMPLOYER and employer is not None:
        # An employer user's own employer came with the membership (one row, no query).
        if str(employer.pk) != str(employer_id):
            raise Http404("No such employer.")
        return employer
    return get_object_or_404(visible_employers(request), pk=employer_id)
