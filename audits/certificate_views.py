"""Certificate PDF pages for members: build status (htmx), downloads, retry.

Every certificate comes through ``_certificate``: staff see the association's,
an employer user only their employer's; anything else is a 404.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from employers.access import visible_employers
from secor.http import safe_next_url
from secor.permissions import Action, can
from secor.storage import private_file_response
from secor.tenancy import association_view

from . import certificate_pdf as pdfbuild
from .models import Certificate, CertificateRevision


def _certificate(request, certificate_id: int) -> Certificate:
    return get_object_or_404(
        Certificate.objects.filter(employer__in=visible_employers(request)).select_related(
            "employer", "program"
        ),
        pk=certificate_id,
    )


def _current_revision(certificate: Certificate) -> CertificateRevision | None:
    return CertificateRevision.objects.filter(
        certificate=certificate, revision=certificate.revision
    ).first()


def _is_staff(request) -> bool:
    return request.membership.is_staff_role


def _download_name(number: str, revision: int | None = None) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", number).strip("-") or "certificate"
    return f"{safe}-rev{revision}.pdf" if revision else f"{safe}.pdf"


def pdf_status_context(request, certificate: Certificate) -> dict:
    """What ``audits/certificates/_pdf_status.html`` needs (core's detail page includes it)."""
    revision = _current_revision(certificate)
    revisions = []
    if _is_staff(request):
        revisions = list(
            CertificateRevision.objects.filter(certificate=certificate)
            .exclude(revision=certificate.revision)
            .order_by("-revision")
            .only("revision", "legal_name", "pdf_status", "built_at", "certificate_id")
        )
    return {
        "certificate": certificate,
        "revision": revision,
        "old_revisions": revisions,
        "can_retry": can(request.membership, Action.ISSUE_CERTIFICATES),
        "association": request.association,
        "polling": revision is not None
        and revision.pdf_status in (pdfbuild.PENDING, pdfbuild.BUILDING),
    }


@association_view
def certificate_pdf_status(request, certificate_id: int):
    """The certificate's PDF page; htmx polls its fragment every 2 s while the PDF builds.

    Once built (or failed) the fragment carries no hx-trigger, so polling stops.
    """
    certificate = _certificate(request, certificate_id)
    context = pdf_status_context(request, certificate)
    if request.htmx:
        return render(request, "audits/certificates/_pdf_status.html", context)
    return render(request, "audits/certificates/pdf_page.html", context)


@association_view
def certificate_pdf(request, certificate_id: int):
    """Download the current revision's signed PDF (the employer's users and staff)."""
    certificate = _certificate(request, certificate_id)
    revision = _current_revision(certificate)
    if revision is None or revision.pdf_status != pdfbuild.READY or not revision.pdf:
        raise Http404("The PDF is not ready yet.")
    return private_file_response(
        revision.pdf, download_name=_download_name(certificate.number), inline=False
    )


@association_view(action=Action.VIEW_CERTIFICATES)
def certificate_revision_pdf(request, certificate_id: int, revision: int):
    """Any revision's PDF, old ones included: staff only."""
    certificate = _certificate(request, certificate_id)
    row = get_object_or_404(
        CertificateRevision.objects.filter(certificate=certificate, pdf_status="ready"),
        revision=revision,
    )
    if not row.pdf:
        raise Http404("No file for this revision.")
    return private_file_response(
        row.pdf, download_name=_download_name(certificate.number, row.revision), inline=False
    )


@association_view(action=Action.ISSUE_CERTIFICATES)
def certificate_pdf_retry(request, certificate_id: int, revision: int):
    certificate = _certificate(request, certificate_id)
    row = get_object_or_404(
        CertificateRevision.objects.filter(certificate=certificate).select_related(
            "association", "certificate"
        ),
        revision=revision,
    )
    # Looked up first, so another tenant's id is a 404 whatever the method.
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if pdfbuild.retry(row, actor=request.user):
        messages.success(request, _("The PDF is being built again."))
    else:
        messages.info(request, _("This PDF is not in a failed state; nothing to retry."))
    if request.htmx:
        return certificate_pdf_status.__wrapped__(request, certificate_id)
    fallback = request.association.get_absolute_url()
    return HttpResponseRedirect(safe_next_url(request, request.POST.get("next"), fallback))


@association_view
def enrollment_letter_pdf(request, employer_id: int, enrollment_id: int, kind: str):
    """A letter of this enrollment as a signed PDF (the employer's users and staff)."""
    from employers.access import get_employer
    from employers.models import Enrollment

    from . import letters
    from .pdf import LetterKind

    employer = get_employer(request, employer_id)
    enrollment = get_object_or_404(
        Enrollment.objects.filter(employer=employer).select_related(
            "program", "association", "employer"
        ),
        pk=enrollment_id,
    )
    try:
        letter_kind = LetterKind(kind)
    except ValueError:
        raise Http404("Unknown letter.") from None
    if letter_kind not in letters.ENROLLMENT_LETTERS:
        raise Http404("Unknown letter.")
    data = letters.letter_pdf(letter_kind, enrollment)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{letter_kind.value}-letter-{enrollment.pk}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
