"""Reading a program admin's CSV of employers: decode, check the header, check each row.

Nothing here writes. ``parse_employers_csv`` gives a preview (per-row errors, and
whether each row creates or updates an employer); ``services.employers_import`` parses
again inside its transaction and refuses when anything is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext, gettext_lazy

from secor import csv_import
from secor.models import Jurisdiction, ProgramKind
from secor.validators import EARLIEST_DATE, LATEST_DATE, first_control_character

from .models import CONTACT_FIELDS, EnrollmentStatus

MAX_ROWS = 5_000
MAX_BYTES = 5 * 1024 * 1024
REQUIRED_COLUMNS = ("legal_name", "wcb_board", "wcb_account_number")
OPTIONAL_COLUMNS = (
    *(name for name in CONTACT_FIELDS if name != "legal_name"),
    "industry_code",
    "program",
    "status",
    "registered_on",
)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
MAX_LENGTHS = {
    "legal_name": 200,
    "operating_name": 200,
    "address": 300,
    "city": 100,
    "postal_code": 10,
    "phone": 40,
    "wcb_board": 120,
    "wcb_account_number": 40,
    "industry_code": 40,
}
_STATUSES = {s.value: s.value for s in EnrollmentStatus} | {
    s.label.lower(): s.value for s in EnrollmentStatus
}
_PROGRAMS = {"secor": ProgramKind.SECOR, "cor": ProgramKind.COR}


class ImportRefused(Exception):
    """The file or a row is wrong: nothing was imported."""

    def __init__(self, preview: ImportPreview):
        super().__init__(preview.error or f"{preview.error_count} rows have errors")
        self.preview = preview


@dataclass
class ImportRow:
    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    action: str = "create"
    registered_on: date | None = None

    @property
    def board(self) -> str:
        return " ".join(self.values["wcb_board"].split())

    @property
    def account_number(self) -> str:
        return "".join(self.values["wcb_account_number"].split())

    @property
    def key(self) -> tuple[str, str]:
        return (self.board.lower(), self.account_number.lower())

    @property
    def industry_code(self) -> str:
        return self.values.get("industry_code", "")

    @property
    def program(self) -> str:
        return _PROGRAMS.get(self.values.get("program", "").lower() or "secor", "")

    @property
    def status(self) -> str:
        return _STATUSES.get(self.values.get("status", "").lower() or "registered", "")

    @property
    def profile(self) -> dict[str, str]:
        profile = {name: self.values.get(name, "") for name in CONTACT_FIELDS}
        profile["province"] = profile["province"].upper()
        return profile


@dataclass
class ImportPreview(csv_import.CsvPreview):
    rows: list[ImportRow] = field(default_factory=list)

    @property
    def updates(self) -> int:
        return self.count("update")


def decode_upload(data: bytes) -> str:
    """UTF-8 text, or a ValidationError saying how (``secor.csv_import``)."""
    return csv_import.decode_upload(data, max_bytes=MAX_BYTES)


def _header_problem(header: list[str]) -> str | None:
    parts = csv_import.header_problems(header, required=REQUIRED_COLUMNS, optional=OPTIONAL_COLUMNS)
    if not parts:
        return None
    return gettext(
        "The first row must name the columns; %(problems)s. Required: %(required)s. "
        "Optional: %(optional)s."
    ) % {
        "problems": "; ".join(parts),
        "required": ", ".join(REQUIRED_COLUMNS),
        "optional": ", ".join(OPTIONAL_COLUMNS),
    }


def _check_row(row: ImportRow) -> None:
    values = row.values
    for name, value in values.items():
        if code := first_control_character(value):
            row.errors.append(
                gettext(
                    "%(column)s contains an invisible control character (%(code)s); remove it "
                    "and upload the file again."
                )
                % {"column": name, "code": code}
            )
    for name in REQUIRED_COLUMNS:
        if not values.get(name):
            row.errors.append(gettext("%(column)s is empty.") % {"column": name})
    for name, limit in MAX_LENGTHS.items():
        if len(values.get(name, "")) > limit:
            row.errors.append(
                gettext("%(column)s is longer than %(limit)s characters.")
                % {"column": name, "limit": limit}
            )
    province = values.get("province", "").upper()
    if province and province not in Jurisdiction.values:
        row.errors.append(
            gettext("province “%(value)s” is not a two-letter code such as AB or SK.")
            % {"value": values["province"]}
        )
    if values.get("contact_email"):
        try:
            EmailValidator()(values["contact_email"])
        except ValidationError:
            row.errors.append(
                gettext("contact_email “%(value)s” is not an email address.")
                % {"value": values["contact_email"]}
            )
    if not row.program:
        row.errors.append(
            gettext("program “%(value)s” must be SECOR or COR.") % {"value": values["program"]}
        )
    if not row.status:
        row.errors.append(
            gettext("%(column)s “%(value)s” is not one of: %(choices)s.")
            % {
                "column": "status",
                "value": values["status"],
                "choices": ", ".join(str(s.label) for s in EnrollmentStatus),
            }
        )
    if values.get("registered_on"):
        try:
            row.registered_on = date.fromisoformat(values["registered_on"])
        except ValueError:
            row.errors.append(
                gettext("%(column)s “%(value)s” is not a date like 2025-03-31.")
                % {"column": "registered_on", "value": values["registered_on"]}
            )
        else:
            if not EARLIEST_DATE <= row.registered_on <= LATEST_DATE:
                row.errors.append(
                    gettext("%(column)s %(value)s is not between %(first)s and %(last)s.")
                    % {
                        "column": "registered_on",
                        "value": row.registered_on,
                        "first": EARLIEST_DATE,
                        "last": LATEST_DATE,
                    }
                )
                row.registered_on = None


def parse_employers_csv(text: str, *, association) -> ImportPreview:
    """Check a decoded CSV; ``association`` decides which rows update existing employers."""
    from .selectors import accounts_by_key

    preview = csv_import.read_rows(
        text,
        preview=ImportPreview(),
        new_row=ImportRow,
        header_problem=_header_problem,
        max_rows=MAX_ROWS,
        what=gettext_lazy("employer rows"),
    )
    if preview.error:
        return preview
    for row in preview.rows:
        _check_row(row)
    existing = accounts_by_key(association)
    first_line: dict[tuple[str, str], int] = {}
    for row in preview.rows:
        if not (row.values.get("wcb_board") and row.values.get("wcb_account_number")):
            continue
        if row.key in first_line:
            row.errors.append(
                gettext("WCB account %(number)s (%(board)s) is already on line %(line)s.")
                % {"number": row.account_number, "board": row.board, "line": first_line[row.key]}
            )
            continue
        first_line[row.key] = row.line
        if row.key in existing:
            row.action = "update"
    return preview
