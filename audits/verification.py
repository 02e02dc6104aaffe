"""Public certificate verification: what anyone may learn about a certificate.

Only public fields leave this module (``PublicCertificate``): the employer's
legal name as printed, the association, the program, the dates and the
status. Look-ups run inside the looked-up association's scope and nowhere
else; an unknown number gives ``None``, never a near match.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from datetime import time as dtime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from secor import ratelimit
from secor.dates import association_today
from secor.models import Association
from secor.tenancy import activate

from .models import CertificateStatus
from .signing import SignatureCheck, verify_signature

logger = logging.getLogger(__name__)

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


def hit(request, bucket: str = "verify", *, read=()) -> ratelimit.Window:
    """Count one request against the client's fixed window (`secor.ratelimit`, Redis).

    ``read``: cache entries fetched in the same round trip (`page_entries`).
    """
    limit, window = _limit()
    return ratelimit.hit(f"{bucket}:{client_ip(request)}", limit=limit, seconds=window, read=read)


# --- the result page's cache -----------------------------------------------------
#
# The QR code's address is what the public requests most, and its answer changes
# only when a certificate (or what it prints) changes. Found pages are kept for
# PAGE_SECONDS at most, each stored with the generation it was rendered under; any
# change to a row the page shows draws a new generation (now, and again once the
# change is committed), so the next request renders afresh. A page rendered from
# a transaction that read the old rows carries the old generation, so it is never
# served after the change, whatever the order of the two.

PAGE_SECONDS = 60
_GENERATION = "verify:generation"


def forget_pages() -> None:
    """Draw a new generation: no page kept so far is served again."""
    try:
        cache.set(_GENERATION, uuid.uuid4().hex, timeout=None)
    except Exception:  # the cache is down: so is every page it holds; the save must not fail
        logger.warning("verification page cache: could not draw a new generation", exc_info=True)


def _row_changed(**_signal) -> None:
    forget_pages()
    # Again once committed: a page rendered meanwhile from the rows as they were
    # carries the generation drawn above.
    transaction.on_commit(forget_pages)


def page_key(association_slug: str, number: str) -> str:
    raw = f"{association_slug}\0{number.strip()}\0{get_language()}"
    return "verify:page:" + hashlib.sha256(raw.encode()).hexdigest()


def page_entries(key: str) -> list[str]:
    """The cache entries `cached_page` needs (read along with the rate limit: one round trip)."""
    return [_GENERATION, key]


def cached_page(key: str, found: dict) -> tuple[str | None, str]:
    """The page kept under ``key`` if still current, and the current generation.

    ``found``: the entries `page_entries` names, as read.
    """
    generation = found.get(_GENERATION)
    if generation is None:
        cache.add(_GENERATION, uuid.uuid4().hex, timeout=None)
        return None, cache.get(_GENERATION) or ""
    stored = found.get(key)
    if stored and stored[0] == generation and time.time() < stored[1]:
        return stored[2], generation
    return None, generation


def keep_page(key: str, generation: str, html: str, certificate: PublicCertificate, tz) -> None:
    """Store a found page; never past the moment its status would read otherwise by date."""
    now = time.time()
    until = now + PAGE_SECONDS
    if certificate.status == "valid":
        # Valid through its expiry date, expired from the next local midnight on
        # (`public_status`): checked against this clock when read, not the cache's.
        next_day = certificate.expires_on + timedelta(days=1)
        until = min(until, datetime.combine(next_day, dtime.min, ZoneInfo(tz)).timestamp())
    if until > now and generation:
        cache.set(key, (generation, until, html), timeout=PAGE_SECONDS)


def connect_page_cache() -> None:
    """Draw a new generation whenever a row the result page shows is saved or deleted."""
    from django.db.models.signals import post_delete, post_save

    from employers.models import Employer
    from secor.models import Program

    from .models import Certificate, CertificateRevision

    for model in (Association, Program, Employer, Certificate, CertificateRevision):
        for signal in (post_save, post_delete):
            uid = f"verify-page-{model.__name__}-{signal is post_save}"
            signal.connect(_row_changed, sender=model, dispatch_uid=uid)
