"""Certificate files: judged by their content, never by their name.

A file is accepted when its first bytes say PDF, PNG, JPEG or WebP and, for
images, Pillow can read it. Programs (Windows, Linux, macOS), scripts, web
pages, archives and anything unrecognised are refused with a message naming
what was found.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

MAX_BYTES = 10 * 1024 * 1024
HEAD_BYTES = 32


@dataclass(frozen=True)
class Kind:
    content_type: str
    extension: str
    label: Promise  # lazy: the file-type name in the active language


PDF = Kind("application/pdf", ".pdf", gettext_lazy("a PDF document"))
PNG = Kind("image/png", ".png", gettext_lazy("a PNG image"))
JPEG = Kind("image/jpeg", ".jpg", gettext_lazy("a JPEG image"))
WEBP = Kind("image/webp", ".webp", gettext_lazy("a WebP image"))

# (prefix, what it is) for content we refuse, so the message can say what it found.
_REFUSED: tuple[tuple[bytes, Promise], ...] = (
    (b"MZ", gettext_lazy("a Windows program (.exe or .dll)")),
    (b"\x7fELF", gettext_lazy("a Linux program (ELF executable)")),
    (b"\xfe\xed\xfa\xce", gettext_lazy("a macOS program (Mach-O)")),
    (b"\xfe\xed\xfa\xcf", gettext_lazy("a macOS program (Mach-O)")),
    (b"\xce\xfa\xed\xfe", gettext_lazy("a macOS program (Mach-O)")),
    (b"\xcf\xfa\xed\xfe", gettext_lazy("a macOS program (Mach-O)")),
    (b"\xca\xfe\xba\xbe", gettext_lazy("a macOS program or Java class file")),
    (b"#!", gettext_lazy("a script")),
    (b"PK\x03\x04", gettext_lazy("a zip archive (or a Word/Excel document)")),
    (b"\xd0\xcf\x11\xe0", gettext_lazy("an old Microsoft Office document")),
    (b"Rar!", gettext_lazy("a RAR archive")),
    (b"7z\xbc\xaf\x27\x1c", gettext_lazy("a 7-Zip archive")),
    (b"\x1f\x8b", gettext_lazy("a gzip archive")),
    (b"GIF8", gettext_lazy("a GIF image")),
    (b"II*\x00", gettext_lazy("a TIFF image")),
    (b"MM\x00*", gettext_lazy("a TIFF image")),
    (b"{\\rtf", gettext_lazy("an RTF document")),
    (b"%!PS", gettext_lazy("a PostScript file")),
)

ACCEPTED_HINT = gettext_lazy("Upload the certificate as a PDF, PNG or JPEG file.")


def _detect(head: bytes) -> Kind | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def _refused_label(head: bytes) -> str:
    for prefix, label in _REFUSED:
        if head.startswith(prefix):
            return str(label)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype", b"<html", b"<svg", b"<?xml", b"<")):
        return gettext("a web page or SVG drawing")
    if not head:
        return gettext("an empty file")
    return gettext("a file of unknown type (it starts with bytes %(bytes)s)") % {
        "bytes": head[:8].hex(" ")
    }


def format_size(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def inspect(upload) -> Kind:
    """The kind of an uploaded certificate file, or ValidationError saying why not.

    Reads the first bytes and, for images, lets Pillow verify the whole image.
    Leaves the file positioned at its start.
    """
    name = PurePosixPath(getattr(upload, "name", "") or "").name
    size = upload.size
    if size > MAX_BYTES:
        raise ValidationError(
            gettext(
                "The file is %(format_size)s; the limit is %(value)s MB. "
                "Scan at a lower resolution or split it."
            )
            % {"format_size": format_size(size), "value": MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    if size == 0:
        raise ValidationError(
            gettext("The file is empty. %(hint)s") % {"hint": ACCEPTED_HINT}, code="empty"
        )
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    kind = _detect(head)
    if kind is None:
        found = {"name": name, "found": _refused_label(head), "hint": ACCEPTED_HINT}
        message = (
            gettext(
                "This file (%(name)s) is %(found)s, not a PDF or image: files "
                "are checked by their content, not their name. %(hint)s"
            )
            if name
            else gettext(
                "This file is %(found)s, not a PDF or image: files "
                "are checked by their content, not their name. %(hint)s"
            )
        )
        raise ValidationError(message % found, code="wrong_type")
    if kind is not PDF:
        _verify_image(upload, kind)
    elif b"%%EOF" not in _tail(upload):
        raise ValidationError(
            gettext(
                "This PDF is incomplete (it has no end marker); the upload may have been cut off. "
                "Save or scan it again."
            ),
            code="broken_pdf",
        )
    return kind


def _tail(upload, size: int = 2048) -> bytes:
    upload.seek(max(upload.size - size, 0))
    data = upload.read(size)
    upload.seek(0)
    return data


def _verify_image(upload, kind: Kind) -> None:
    from PIL import Image

    try:
        with Image.open(upload) as image:
            image.verify()
    except Exception as error:  # Pillow raises many types for broken files
        raise ValidationError(
            gettext(
                "This file starts like %(label)s but cannot be read as one. Save or scan it again."
            )
            % {"label": kind.label},
            code="broken_image",
        ) from error
    finally:
        upload.seek(0)
