"""Public certificate verification: what anyone may learn about a certificate.

Only public fields leave this module (``PublicCertificate``): the employer's
legal name as printed, the association, the program, the dates and the
status. Look-ups run inside the looked-up association's scope and nowhere
else; an unknown number gives ``None``, never a near match.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from secor.dates import association_today
from secor.models import Association
from secor.tenancy import activate

from .models import CertificateStatus
from .signing import SignatureCheck, verify_signature

STATUS_EXPLANATIONS = {
    "valid": _("This certificate is genuine and currently valid."),
    "expired": _("This certificate is genuine but has expired."),
    "suspended": _("This certificate is genuine but is currently suspended."),
    "cancelled": _("This certificate is genuine but has been cancelled."),
    "superseded": _("This certificate has been replaced by a newer certificate."),
}


@dataclass(frozen=True)
class PublicCertificate:
    number: str
    association_name: str
    association_slug: str
    program: str
    legal_name: str
    issued_on: date
    expires_on: date
    status: str
    revision: int

    @property
    def status_label(self) -> str:
        known = self.status in CertificateStatus.values
        return CertificateStatus(self.status).label if known else self.status

    @property
    def explanation(self) -> str:
        return STATUS_EXPLANATIONS.get(self.status, "")

    @property
    def is_valid(self) -> bool:
        return self.status == "valid"


def public_status(status: str, expires_on: date, today: date) -> str:
    """The status a member of the public should see today.

    The daily job marks certificates expired; between its runs a certificate
    past its expiry date must not read as valid.
    """
    if status == "valid" and today > expires_on:
        return "expired"
    return status


def active_association(slug: str) -> Association | None:
    return Association.objects.filter(slug=slug, is_active=True).first()


def find_certificate(association: Association, number: str) -> PublicCertificate | None:
    """The certificate with exactly this number in this association, public fields only."""
    from .models import Certificate, CertificateRevision

    number = (number or "").strip()
    if not number or len(number) > 80:
        return None
    today = association_today(association)
    with activate(association):
        certificate = Certificate.objects.filter(number=number).select_related("program").first()
        if certificate is None:
            return None
        printed = (
            CertificateRevision.objects.filter(
                certificate=certificate, revision=certificate.revision
            )
            .only("legal_name", "issued_on", "expires_on")
            .first()
        )
        legal_name = printed.legal_name if printed else certificate.employer.legal_name
        issued_on = printed.issued_on if printed else certificate.issued_on
        expires_on = printed.expires_on if printed else certificate.expires_on
        return PublicCertificate(
            number=certificate.number,
            association_name=association.name,
            association_slug=association.slug,
            program=certificate.program.get_kind_display(),
            legal_name=legal_name,
            issued_on=issued_on,
            expires_on=expires_on,
            status=public_status(certificate.status, certificate.expires_on, today),
            revision=certificate.revision,
        )


@dataclass(frozen=True)
class FileVerdict:
    """What a dropped certificate file turned out to be."""

    check: SignatureCheck
    certificate: PublicCertificate | None = None
    exact_copy: bool = False  # byte for byte a file this site issued
    file_revision: int | None = None

    @property
    def genuine(self) -> bool:
        return self.check.intact and self.certificate is not None


def check_file(data: bytes) -> FileVerdict:
    """Is this certificate file's signature intact, and is it a real certificate?"""
    from .models import CertificateRevision

    check = verify_signature(data)
    slug = check.association_slug
    association = active_association(slug) if slug else None
    if association is None:
        # The file names no association we know: nothing to trust it against.
        if check.intact:
            check = replace(check, intact=False, problem="unknown_signer")
        return FileVerdict(check=check)
    if not check.intact:
        return FileVerdict(check=check)
    certificate = find_certificate(association, check.number_on_page)
    exact = False
    if certificate is not None:
        with activate(association):
            exact = CertificateRevision.objects.filter(
                certificate__number=certificate.number, pdf_sha256=check.sha256
            ).exists()
    return FileVerdict(
        check=check, certificate=certificate, exact_copy=exact, file_revision=check.revision
    )


# --- rate limiting -------------------------------------------------------------


@dataclass(frozen=True)
class RateLimit:
    allowed: bool
    retry_after: int  # seconds until the window resets


def _limit() -> tuple[int, int]:
    spec = getattr(settings, "SECOR_VERIFY_RATE_LIMIT", "30/60")
    count, _slash, seconds = spec.partition("/")
    return int(count), int(seconds or 60)


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or the header a trusted proxy overwrites.

    Trusting X-Forwarded-For as sent would let any client pick its own
    rate-limit bucket, so only the configured header counts, and only its last
    hop (the one the proxy appended).
    """
    header = getattr(settings, "SECOR_CLIENT_IP_HEADER", "")
    value = request.META.get(header, "") if header else ""
    value = value.split(",")[-1].strip() if value else ""
    return value[:64] or request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(request, bucket: str = "verify") -> RateLimit:
    """Count one request against the client's fixed window (Redis-backed cache)."""
    limit, window = _limit()
    now = int(time.time())
    start = now - now % window
    key = f"ratelimit:{bucket}:{client_ip(request)}:{start}"
    # add() only sets a missing key, so concurrent first hits don't reset the count.
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window + 5)
        count = 1
    return RateLimit(allowed=count <= limit, retry_after=max(1, start + window - now))
