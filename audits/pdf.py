"""Certificates and letters as PDF/A documents, rendered by WeasyPrint from HTML templates.

Pure rendering: plain data in, PDF bytes out; no ORM and no request. The task
that builds a certificate (``audits.tasks``) collects the data, calls
``render_certificate`` and signs the result (``audits.signing``).

Everything printed comes from user-entered text (a legal name, an address), so
two guards keep the renderer away from the file system and the network:
Django's autoescaping prints markup as text, and ``SafeURLFetcher`` refuses any
URL that is not a ``data:`` URL or one of the project's own static files.
"""

from __future__ import annotations

import base64
import logging
import os
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit
from urllib.request import url2pathname

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import dateformat
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

# WeasyPrint logs every font and layout step at INFO; workers only want problems.
logging.getLogger("weasyprint").setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)

PDF_VARIANT = "pdf/a-3b"
# A marker in the PDF's keywords (info dictionary and XMP) naming the association
# and the certificate, read back when someone drops a certificate file on /verify/.
KEYWORD_PREFIX = "secor-certificate="


class FetchRefused(ValueError):
    """A URL the renderer may not read (WeasyPrint logs it and leaves the resource out)."""


def static_roots() -> list[Path]:
    """The project's own static folders: the only files the renderer may read."""
    return [Path(p).resolve() for p in settings.STATICFILES_DIRS]


def static_url(relative: str) -> str:
    """A ``file://`` URL for one of the project's static files, for templates."""
    return (static_roots()[0] / relative).as_uri()


class SafeURLFetcher(URLFetcher):
    """Allows ``data:`` URLs and files inside the project's static folders; nothing else.

    WeasyPrint's default fetcher reads ``file://``, ``http(s)://`` and ``ftp://``
    URLs; a certificate built from user-entered text must never do that.
    """

    def __init__(self, **kwargs):
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False, **kwargs)
        self._roots = static_roots()

    def fetch(self, url, headers=None):
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            parts = urlsplit(url)
            if parts.netloc not in ("", "localhost"):
                raise FetchRefused(f"Refused to read {url!r}: not a local static file.")
            path = Path(os.path.realpath(url2pathname(unquote(parts.path))))
            if any(path.is_relative_to(root) for root in self._roots) and path.is_file():
                return super().fetch(path.as_uri(), headers)
        raise FetchRefused(f"Refused to read {url!r}: only data: URLs and static files.")


@dataclass(frozen=True)
class Branding:
    """How an association looks on paper."""

    name: str
    short_name: str
    colour: str = "#1f4e79"  # hex only; see safe_colour
    logo: bytes = b""
    logo_type: str = "image/png"
    signatory_name: str = ""
    signatory_title: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    jurisdiction: str = ""

    @property
    def logo_data_url(self) -> str:
        if not self.logo:
            return ""
        return f"data:{self.logo_type};base64,{base64.b64encode(self.logo).decode('ascii')}"


@dataclass(frozen=True)
class CertificateData:
    """What a certificate prints: one revision of one certificate."""

    association_slug: str
    number: str
    legal_name: str
    wcb_account_number: str
    wcb_board: str
    program_kind: str  # "secor" | "cor"
    issued_on: date
    expires_on: date
    revision: int = 1
    city: str = ""


PROGRAM_TITLES = {
    "secor": ("SECOR", "Small Employer Certificate of Recognition"),
    "cor": ("COR", "Certificate of Recognition"),
}


_COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_COLOUR = "#1f4e79"


def safe_colour(value: str) -> str:
    """The colour goes into a stylesheet, where autoescaping does not help: hex only."""
    return value if _COLOUR_RE.match(value or "") else DEFAULT_COLOUR


def date_in_words(value: date) -> str:
    """``2024-01-05`` → "January 5, 2024" (month names follow the active language)."""
    return dateformat.format(value, "F j, Y")


def keywords_marker(association_slug: str, number: str, revision: int) -> str:
    return f"{KEYWORD_PREFIX}{association_slug}/{quote(number, safe='')}/{revision}"


def parse_keywords_marker(keywords: str) -> tuple[str, str, int] | None:
    """The (association slug, number, revision) a certificate file says it is, if any."""
    for word in (keywords or "").split(","):
        word = word.strip()
        if not word.startswith(KEYWORD_PREFIX):
            continue
        parts = word[len(KEYWORD_PREFIX) :].split("/")
        if len(parts) == 3 and parts[2].isdigit():
            return parts[0], unquote(parts[1]), int(parts[2])
    return None


def qr_svg_data_url(url: str) -> str:
    # Error correction M survives a fold or a coffee ring; the quiet zone is
    # the standard four modules, which scanners need. A fixed mask skips segno's
    # search for the best of eight (85% of its time); any mask is a valid code.
    return segno.make(url, error="m", micro=False, mask=2).svg_data_uri(border=4, dark="#000")


def _now_w3c() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@lru_cache(maxsize=64)
def stylesheet(name: str, colour: str) -> CSS:
    """A parsed stylesheet from static/pdf/, in one association's colour.

    Parsing the stylesheet (and resolving a CSS variable on every element) cost
    more than laying out the page, so each (sheet, colour) is parsed once per
    process and reused.
    """
    path = static_roots()[0] / "pdf" / name
    text = path.read_text(encoding="utf-8").replace("var(--brand)", safe_colour(colour))
    return CSS(string=text, base_url=path.as_uri(), url_fetcher=SafeURLFetcher())


_local = threading.local()


def font_config() -> FontConfiguration:
    """One font configuration per thread, kept across documents.

    WeasyPrint makes a new one per document by default, and with it a cold Pango
    font map: every document loads and measures its fonts afresh (about a quarter
    of a certificate's time). Pango's font map is not thread-safe, hence one per
    thread; PDF workers restart after a bounded number of tasks, which bounds
    what it caches. Only system fonts are used (no @font-face), so no document
    can add a font that another one would see.
    """
    config = getattr(_local, "font_config", None)
    if config is None:
        config = _local.font_config = FontConfiguration()
    return config


def _write(html: str, stylesheets: list[CSS] | None = None) -> bytes:
    return HTML(
        string=html,
        base_url=static_roots()[0].as_uri() + "/",
        url_fetcher=SafeURLFetcher(),
    ).write_pdf(
        stylesheets=stylesheets,
        pdf_variant=PDF_VARIANT,
        pdf_tags=True,
        font_config=font_config(),
    )


def _name_size(name: str) -> str:
    n = len(name)
    if n <= 34:
        return "size-l"
    if n <= 52:
        return "size-m"
    if n <= 90:
        return "size-s"
    return "size-xs"


def certificate_context(data: CertificateData, *, branding: Branding, verify_url: str) -> dict:
    short, long = PROGRAM_TITLES.get(data.program_kind, (data.program_kind.upper(), ""))
    return {
        "c": data,
        "b": branding,
        "colour": safe_colour(branding.colour),
        "program_short": short,
        "program_long": long,
        "name_size": _name_size(data.legal_name),
        "issued_words": date_in_words(data.issued_on),
        "expires_words": date_in_words(data.expires_on),
        "built_at": _now_w3c(),
        "verify_url": verify_url,
        "qr": qr_svg_data_url(verify_url),
        "keywords": keywords_marker(data.association_slug, data.number, data.revision),
    }


def render_certificate(data: CertificateData, *, branding: Branding, verify_url: str) -> bytes:
    """One certificate as a tagged PDF/A-3b document (unsigned)."""
    html = render_to_string(
        "audits/pdf/certificate.html",
        certificate_context(data, branding=branding, verify_url=verify_url),
    )
    return _write(html, [stylesheet("certificate.css", branding.colour)])


class LetterKind(StrEnum):
    REGISTRATION = "registration"
    MILESTONE_1 = "milestone_1"
    MILESTONE_2 = "milestone_2"
    MAINTENANCE_ACCEPTED = "maintenance_accepted"
    DEROLL = "deroll"


@dataclass(frozen=True)
class Deadline:
    label: str
    due_on: date


@dataclass(frozen=True)
class LetterData:
    """What a letter prints. Each kind uses the fields its template names."""

    legal_name: str
    letter_date: date
    program_kind: str = "secor"
    wcb_account_number: str = ""
    address: str = ""
    contact_name: str = ""
    reference: str = ""
    # Registration and milestone letters: what is due by when.
    deadlines: tuple[Deadline, ...] = field(default_factory=tuple)
    # A milestone letter's own expiry (milestone #2 must come before #1 expires).
    expires_on: date | None = None
    # Maintenance acceptance: the audit year and when the next one is due.
    audit_year: int | None = None
    next_due_on: date | None = None
    certificate_number: str = ""
    # De-roll: the missed milestone and the earliest date to re-apply.
    missed: str = ""
    reapply_on: date | None = None


LETTER_TEMPLATES = {kind: f"audits/pdf/letters/{kind.value}.html" for kind in LetterKind}


def render_letter(kind: LetterKind | str, data: LetterData, branding: Branding) -> bytes:
    """A letter on the association's letterhead, as a tagged PDF/A-3b document."""
    kind = LetterKind(kind)
    short, long = PROGRAM_TITLES.get(data.program_kind, (data.program_kind.upper(), ""))
    html = render_to_string(
        LETTER_TEMPLATES[kind],
        {
            "kind": kind.value,
            "l": data,
            "b": branding,
            "colour": safe_colour(branding.colour),
            "program_short": short,
            "program_long": long,
            "letter_date_words": date_in_words(data.letter_date),
            "built_at": _now_w3c(),
            "deadlines": [(d.label, date_in_words(d.due_on)) for d in data.deadlines],
            "expires_words": date_in_words(data.expires_on) if data.expires_on else "",
            "next_due_words": date_in_words(data.next_due_on) if data.next_due_on else "",
            "reapply_words": date_in_words(data.reapply_on) if data.reapply_on else "",
        },
    )
    return _write(html, [stylesheet("letter.css", branding.colour)])
