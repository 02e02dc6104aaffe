"""What every CSV import shares: reading the upload, checking the header, the preview.

An import (employers, certificate holders) parses the whole file into a preview
of rows, each with its errors and the action it would take; nothing is written
unless every row is right (each app's service does the writing).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy

MAX_BYTES = 5 * 1024 * 1024
# What ``read_rows`` calls the data rows unless the import names them.
ROWS = gettext_lazy("rows")


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
            gettext(
                "The file contains NUL bytes (the first on line %(line)s), so it is not a "
                "CSV text file — perhaps a spreadsheet saved in another format. In Excel "
                "choose File → Save As → “CSV UTF-8 (Comma delimited)”, then upload that "
                "file."
            )
            % {"line": line}
        )
    return text


def match_key(text: str) -> str:
    """How a header cell (or a spreadsheet's word for a choice) is matched: "Start Date",
    "start-date" and "start_date" are all ``start_date``."""
    return re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")


def header_problems(header: list[str], *, required, optional) -> list[str]:
    """What is wrong with a header row: missing, unknown and repeated columns."""
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c not in (*required, *optional)]
    duplicated = sorted({c for c in header if header.count(c) > 1})
    parts = []
    if missing:
        parts.append(gettext("missing column(s): %(columns)s") % {"columns": ", ".join(missing)})
    if unknown:
        parts.append(
            gettext("unknown column(s): %(columns)s")
            % {"columns": ", ".join(unknown) or gettext("(empty)")}
        )
    if duplicated:
        parts.append(
            gettext("repeated column(s): %(columns)s") % {"columns": ", ".join(duplicated)}
        )
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


def read_rows(
    text: str,
    *,
    preview: CsvPreview,
    new_row: Callable[..., object],
    header_problem: Callable[[list[str]], str | None],
    max_rows: int,
    what: str = ROWS,
) -> CsvPreview:
    """Read decoded CSV ``text`` into ``preview`` (one ``new_row(line=…)`` per data row,
    its ``values`` by column name), or return a preview of the same kind with the
    file's one error: empty, a wrong header, too many rows, unreadable, no rows.

    ``what`` names the rows in those messages (a translatable plural noun)."""
    kind = type(preview)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            return kind(error=gettext("The file is empty: the first row must name the columns."))
        header = [match_key(cell) for cell in header]
        if problem := header_problem(header):
            return kind(error=problem)
        for values in reader:
            if not any(cell.strip() for cell in values):
                continue  # blank lines, often at the end of a spreadsheet export
            if len(preview.rows) >= max_rows:
                total = len(preview.rows) + 1 + sum(1 for v in reader if any(c.strip() for c in v))
                return kind(
                    error=gettext(
                        "The file has %(total)s %(what)s; at most %(max)s can be imported "
                        "at once. Split it into smaller files."
                    )
                    % {"total": f"{total:,}", "what": what, "max": f"{max_rows:,}"}
                )
            row = new_row(line=reader.line_num, values={})
            if len(values) != len(header):
                row.errors.append(
                    gettext("has %(cells)s cells but the header names %(columns)s columns.")
                    % {"cells": len(values), "columns": len(header)}
                )
            row.values = {
                name: (values[i].strip() if i < len(values) else "")
                for i, name in enumerate(header)
            }
            preview.rows.append(row)
    except csv.Error as error:
        return kind(
            error=gettext("The file is not a readable CSV (line %(line)s: %(error)s).")
            % {"line": reader.line_num, "error": error}
        )
    if not preview.rows:
        return kind(
            error=gettext("The file names the columns but has no %(what)s.") % {"what": what}
        )
    return preview
