"""What every CSV import shares: reading the upload, checking the header, the preview.

An import (employers, certificate holders) parses the whole file into a preview
of rows, each with its errors and the action it would take; nothing is written
unless every row is right (each app's service does the writing).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

MAX_BYTES = 5 * 1024 * 1024


def decode_upload(data: bytes, *, max_bytes: int = MAX_BYTES) -> str:
    """UTF-8 text (a byte-order mark from Excel is fine), or a ValidationError saying how."""
    if len(data) > max_bytes:
        raise ValidationError(
            gettext("The file is larger than %(value)s MB. Split it into smaller files.")
            % {"value": max_bytes // (1024 * 1024)}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            gettext(
                "The file is not UTF-8 text (the first unreadable byte is at "
                "position %(start)s). In Excel choose File → Save As → “CSV "
                "UTF-8 (Comma delimited)”, then upload that file."
            )
            % {"start": error.start}
        ) from error
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ValidationError(
            f"The file contains NUL bytes (the first on line {line}), so it is not a CSV "
            "text file — perhaps a spreadsheet saved in another format. In Excel choose "
            "File → Save As → “CSV UTF-8 (Comma delimited)”, then upload that file."
        )
    return text


def header_problems(header: list[str], *, required, optional) -> list[str]:
    """What is wrong with a header row: missing, unknown and repeated columns."""
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c not in (*required, *optional)]
    duplicated = sorted({c for c in header if header.count(c) > 1})
    parts = []
    if missing:
        parts.append(f"missing column(s): {', '.join(missing)}")
    if unknown:
        parts.append(f"unknown column(s): {', '.join(unknown) or '(empty)'}")
    if duplicated:
        parts.append(f"repeated column(s): {', '.join(duplicated)}")
    return parts


@dataclass
class CsvPreview:
    """The parsed file: a file-level ``error``, or ``rows`` (each has ``errors``, ``action``)."""

    error: str | None = None
    rows: list = field(default_factory=list)

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    @property
    def has_row_errors(self) -> bool:
        return self.error_count > 0

    @property
    def ok(self) -> bool:
        return not self.error and not self.has_row_errors and bool(self.rows)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def creates(self) -> int:
        return self.count("create")
