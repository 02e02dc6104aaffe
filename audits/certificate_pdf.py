"""Building a certificate revision's PDF: claim the row, render, sign, store, tell people.

The row is the truth (ARCHITECTURE: work that must survive a broker outage):
``pdf_status`` goes pending → building → ready | failed. The task only speeds
things up; ``sweep`` re-enqueues what is still pending after a few minutes
(the broker was down, a worker died mid-build).
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
from datetime import timedelta
from urllib.parse import quote

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from secor.models import Association, Membership, Notification, Role
from secor.tenancy import activate, scopes_disabled

from . import pdf as render
from .signing import SigningKeyMissing, sign_pdf, signing_key

logger = logging.getLogger(__name__)

PENDING, BUILDING, READY, FAILED = "pending", "building", "ready", "failed"
# A build takes well under a second; a row "building" for this long lost its worker.
STALE_BUILD = timedelta(minutes=10)
# Pending rows younger than this are probably still in the broker's queue.
SWEEP_AFTER = timedelta(minutes=3)
LOGO_MAX_BYTES = 2 * 1024 * 1024


def verify_path(association_slug: str, number: str) -> str:
    return reverse(
        "verify_certificate",
        kwargs={"association_slug": association_slug, "number": number},
    )


def verify_url(association_slug: str, number: str) -> str:
    return settings.SITE_URL.rstrip("/") + quote(verify_path(association_slug, number), safe="/%")


def branding_for(association: Association) -> render.Branding:
    logo, logo_type = b"", "image/png"
    if association.logo:
        try:
            with association.logo.open("rb") as f:
                data = f.read(LOGO_MAX_BYTES + 1)
            if len(data) <= LOGO_MAX_BYTES:
                logo = data
                logo_type = mimetypes.guess_type(association.logo.name)[0] or "image/png"
        except OSError:
            logger.warning("Logo of %s could not be read; printing the name", association.slug)
    return render.Branding(
        name=association.name,
        short_name=association.short_name,
        colour=getattr(association, "brand_colour", "") or render.DEFAULT_COLOUR,
        logo=logo,
        logo_type=logo_type,
        signatory_name=getattr(association, "signatory_name", ""),
        signatory_title=getattr(association, "signatory_title", ""),
        address=association.address,
        phone=association.contact_phone,
        email=association.contact_email,
        website=association.website,
        jurisdiction=association.jurisdiction,
    )


def certificate_data_for(revision) -> render.CertificateData:
    certificate = revision.certificate
    return render.CertificateData(
        association_slug=revision.association.slug,
        number=certificate.number,
        legal_name=revision.legal_name,
        wcb_account_number=revision.wcb_account_number,
        wcb_board=certificate.wcb_account.board
        if certificate.wcb_account_id
        else revision.association.wcb_board,
        program_kind=certificate.program.kind,
        issued_on=revision.issued_on,
        expires_on=revision.expires_on,
        revision=revision.revision,
        city=getattr(certificate.employer, "city", ""),
    )


def render_signed(revision) -> bytes:
    association = revision.association
    data = certificate_data_for(revision)
    unsigned = render.render_certificate(
        data,
        branding=branding_for(association),
        verify_url=verify_url(association.slug, data.number),
    )
    key = signing_key(association.slug, display_name=association.name)
    return sign_pdf(
        unsigned,
        key,
        reason=f"{data.program_kind.upper()} certificate {data.number}",
        location=association.name,
    )


def _revisions():
    from .models import CertificateRevision

    return CertificateRevision.objects


def build(revision_id: int) -> str:
    """Build one revision's PDF; returns what happened ("ready", "skipped", "failed", …).

    Idempotent: a ready revision is left alone, and the claim is a conditional
    UPDATE, so two workers given the same id build it once.
    """
    with scopes_disabled():
        revision = _revisions().filter(pk=revision_id).select_related("association").first()
    if revision is None:
        return "missing"
    association = revision.association
    with activate(association):
        now = timezone.now()
        claimed = (
            _revisions()
            .filter(pk=revision_id, pdf_status=PENDING)
            .update(pdf_status=BUILDING, pdf_error="", built_at=now)
        )
        if not claimed:
            # A build that has been "building" for ages lost its worker: take it over.
            claimed = (
                _revisions()
                .filter(pk=revision_id, pdf_status=BUILDING, built_at__lt=now - STALE_BUILD)
                .update(built_at=now)
            )
        if not claimed:
            return "skipped"
        revision = (
            _revisions()
            .select_related(
                "association",
                "certificate",
                "certificate__program",
                "certificate__employer",
                "certificate__wcb_account",
            )
            .get(pk=revision_id)
        )
        try:
            pdf = render_signed(revision)
        except SigningKeyMissing as exc:
            return _fail(revision_id, str(exc))
        except Exception as exc:  # the message staff see; the traceback goes to the log
            logger.exception("Certificate PDF build failed for revision %s", revision_id)
            return _fail(
                revision_id,
                f"The PDF could not be built ({type(exc).__name__}). Try again; if it fails "
                "again, contact the site operator.",
            )
        sha = hashlib.sha256(pdf).hexdigest()
        name = f"rev{revision.revision}-{sha[:12]}.pdf"
        revision.pdf.save(name, ContentFile(pdf), save=False)
        with transaction.atomic():
            updated = (
                _revisions()
                .filter(pk=revision_id, pdf_status=BUILDING)
                .update(
                    pdf=revision.pdf.name,
                    pdf_sha256=sha,
                    pdf_status=READY,
                    pdf_error="",
                    built_at=timezone.now(),
                )
            )
        if updated:
            notify_ready(revision)
            return "ready"
        return "skipped"


def _fail(revision_id: int, message: str) -> str:
    _revisions().filter(pk=revision_id, pdf_status=BUILDING).update(
        pdf_status=FAILED, pdf_error=message[:500]
    )
    return "failed"


@transaction.atomic
def retry(revision, *, actor=None) -> bool:
    """Staff asked to try a failed build again: back to pending, enqueued on commit."""
    from secor.audit import record

    changed = (
        _revisions()
        .filter(pk=revision.pk, pdf_status=FAILED)
        .update(pdf_status=PENDING, pdf_error="")
    )
    if changed:
        record(
            association=revision.association,
            actor=actor,
            action="audits.certificate_pdf_retry",
            obj=revision,
            summary=f"Asked to build the PDF of {revision.certificate} "
            f"(revision {revision.revision}) again",
            previous_error=revision.pdf_error[:300],
        )
        enqueue(revision.pk)
    return bool(changed)


def enqueue(revision_id: int) -> None:
    from .tasks import build_certificate_pdf

    transaction.on_commit(lambda: build_certificate_pdf.delay(revision_id))


def notify_ready(revision) -> None:
    """Tell the employer's users once (a Notification row with a unique key), by email too."""
    from secor.emails import send_templated

    association = revision.association
    certificate = revision.certificate
    users = (
        Membership.objects.for_association(association)
        .filter(role=Role.EMPLOYER, employer_id=certificate.employer_id, is_active=True)
        .select_related("user")
    )
    path = reverse(
        "audits:certificate_pdf_status",
        kwargs={"association_slug": association.slug, "certificate_id": certificate.pk},
    )
    for membership in users:
        notification, new = Notification.objects.for_association(association).get_or_create(
            association=association,
            user=membership.user,
            key=f"audits:certificate-pdf-ready:{revision.pk}",
            defaults={
                "title": f"Your certificate {certificate.number} is ready to download",
                "url": path,
            },
        )
        if not new:
            continue
        try:
            send_templated(
                "certificate_ready",
                membership.user.email,
                {
                    "association": association,
                    "certificate": certificate,
                    "revision": revision,
                    "path": path,
                },
            )
        except OSError:
            # The in-app notice stands; email delivery retries are the notifications' job.
            logger.warning(
                "Could not email %s about certificate %s", membership.user_id, certificate.pk
            )
            continue
        Notification.objects.for_association(association).filter(pk=notification.pk).update(
            emailed_at=timezone.now()
        )


def sweep(now=None) -> int:
    """Re-enqueue revisions still pending after a while, and builds whose worker died."""
    from .tasks import build_certificate_pdf

    now = now or timezone.now()
    with scopes_disabled():
        stale = list(
            _revisions()
            .filter(pdf_status=PENDING, created_at__lt=now - SWEEP_AFTER)
            .values_list("pk", flat=True)[:500]
        ) + list(
            _revisions()
            .filter(pdf_status=BUILDING, built_at__lt=now - STALE_BUILD)
            .values_list("pk", flat=True)[:500]
        )
    for pk in stale:
        build_certificate_pdf.delay(pk)
    return len(stale)
