"""Reading a CSV of today's certificate holders: decode, check the header, check each row.

Nothing here writes. `parse_holders_csv` gives the preview (each row's errors,
and whether it is new or already imported); `certificates.holders_import`
parses again inside its transaction and refuses when anything is wrong, so an
import is all or nothing, and a second import of the same file changes nothing.

One row: the employer (legal name, WCB account), the program, the certificate
number and issue date (the anniversary: the last day on site of the
certification audit), and optionally the last audit (type, dates, result).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext

from employers.imports import decode_upload
from secor import csv_import
from secor.models import ProgramKind

from . import schedule as sched

__all__ = ["HoldersPreview", "HoldersRefused", "decode_upload", "parse_holders_csv"]
MAX_ROWS = 10_000
REQUIRED_COLUMNS = (
    "legal_name",
    "wcb_account_number",
    "program",
    "certificate_number",
    "issued_on",
)
OPTIONAL_COLUMNS = (
    "wcb_board",
    "last_audit_type",
    "last_audit_start",
    "last_audit_end",
    "last_audit_result",
    "last_audit_score",
)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
LAST_AUDIT = OPTIONAL_COLUMNS[1:]
AUDIT_TYPES = ("certification", "recertification", "maintenance")
RESULTS = ("passed", "failed")
MAX_LENGTHS = {
    "legal_name": 200,
    "wcb_account_number": 40,
    "wcb_board": 120,
    "certificate_number": 80,
}
_PROGRAMS = {"secor": ProgramKind.SECOR, "cor": ProgramKind.COR}


@dataclass
class HolderRow:
    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    action: str = "create"  # or "unchanged" (already imported)
    program: str = ""
    issued_on: date | None = None
    expires_on: date | None = None
    last_type: str = ""
    last_start: date | None = None
    last_end: date | None = None
    last_passed: bool | None = None
    last_score: Decimal | None = None
    maintenance_year: int | None = None

    @property
    def number(self) -> str:
        return self.values.get("certificate_number", "")

    @property
    def account_number(self) -> str:
        return "".join(self.values.get("wcb_account_number", "").split())


@dataclass
class HoldersPreview(csv_import.CsvPreview):
    rows: list[HolderRow] = field(default_factory=list)

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")


class HoldersRefused(Exception):
    """The file or a row is wrong: nothing was imported."""

    def __init__(self, preview: HoldersPreview):
        super().__init__(preview.error or f"{preview.error_count} rows have errors")
        self.preview = preview


def _header_problem(header: list[str]) -> str | None:
    parts = csv_import.header_problems(header, required=REQUIRED_COLUMNS, optional=OPTIONAL_COLUMNS)
    if not parts:
        return None
    return gettext(
        "The header row is wrong: %(problems)s. The columns are %(required)s and optionally "
        "%(optional)s."
    ) % {
        "problems": "; ".join(parts),
        "required": ", ".join(REQUIRED_COLUMNS),
        "optional": ", ".join(OPTIONAL_COLUMNS),
    }


def _date(row: HolderRow, name: str) -> date | None:
    value = row.values.get(name, "")
    try:
        return date.fromisoformat(value)
    except ValueError:
        row.errors.append(
            gettext("%(column)s “%(value)s” is not a date like 2021-01-05.")
            % {"column": name, "value": value}
        )
        return None


def _check_row(row: HolderRow, *, rules_by_kind: dict, today: date) -> None:
    values = row.values
    for name in REQUIRED_COLUMNS:
        if not values.get(name):
            row.errors.append(gettext("%(column)s is empty.") % {"column": name})
    for name, limit in MAX_LENGTHS.items():
        if len(values.get(name, "")) > limit:
            row.errors.append(
                gettext("%(column)s is longer than %(limit)s characters.")
                % {"column": name, "limit": limit}
            )
    if values.get("program"):
        kind = _PROGRAMS.get(values["program"].lower())
        if kind is None:
            row.errors.append(
                gettext("program “%(value)s” is not SECOR or COR.") % {"value": values["program"]}
            )
        elif kind not in rules_by_kind:
            row.errors.append(
                gettext("The association has not set up the %(program)s program's rules yet.")
                % {"program": kind.upper()}
            )
        else:
            row.program = kind
    if values.get("issued_on"):
        row.issued_on = _date(row, "issued_on")
    rules = rules_by_kind.get(row.program)
    if row.issued_on and rules is not None:
        if row.issued_on > today:
            row.errors.append(
                gettext("issued_on %(day)s is in the future.") % {"day": row.issued_on}
            )
        row.expires_on = sched.add_years(row.issued_on, rules.validity_years)
        if row.expires_on < today:
            row.errors.append(
                gettext("The certificate expired on %(day)s: only current holders are imported.")
                % {"day": row.expires_on}
            )
    given = [name for name in LAST_AUDIT if values.get(name)]
    if not given:
        return
    needed = [n for n in LAST_AUDIT[:-1] if not values.get(n)]
    if needed:
        row.errors.append(
            gettext("The last audit needs %(columns)s as well.") % {"columns": ", ".join(needed)}
        )
        return
    row.last_type = values["last_audit_type"].lower()
    if row.last_type not in AUDIT_TYPES:
        row.errors.append(
            gettext("%(column)s “%(value)s” is not one of: %(choices)s.")
            % {
                "column": "last_audit_type",
                "value": values["last_audit_type"],
                "choices": ", ".join(AUDIT_TYPES),
            }
        )
    result = values["last_audit_result"].lower()
    if result not in RESULTS:
        row.errors.append(
            gettext("last_audit_result “%(value)s” is not passed or failed.")
            % {"value": values["last_audit_result"]}
        )
    row.last_passed = result == "passed"
    if values.get("last_audit_score"):
        try:
            row.last_score = Decimal(values["last_audit_score"].rstrip("% "))
        except InvalidOperation:
            row.errors.append(
                gettext("%(column)s “%(value)s” is not a number.")
                % {"column": "last_audit_score", "value": values["last_audit_score"]}
            )
        else:
            if not 0 <= row.last_score <= 100:
                row.errors.append(gettext("last_audit_score is a percentage between 0 and 100."))
    row.last_start, row.last_end = _date(row, "last_audit_start"), _date(row, "last_audit_end")
    if not (row.last_start and row.last_end and row.issued_on and rules):
        return
    if row.last_end < row.last_start:
        row.errors.append(gettext("The last audit ends before it starts."))
    if row.last_end >= today:
        row.errors.append(gettext("The last audit must have ended before today."))
    if row.last_type in ("certification", "recertification"):
        if not row.last_passed:
            row.errors.append(gettext("A certificate comes from a passed certification audit."))
        if row.last_end != row.issued_on:
            row.errors.append(
                gettext(
                    "The certificate date is the last day on site of its %(audit)s audit: "
                    "issued_on %(issued)s but last_audit_end %(end)s."
                )
                % {"audit": row.last_type, "issued": row.issued_on, "end": row.last_end}
            )
    elif row.last_type == "maintenance":
        schedule = sched.cycle_schedule(row.issued_on, rules)
        year = next(
            (
                plan.year
                for plan in schedule.years[1:]
                if plan.maintenance_opens
                and plan.maintenance_due
                and plan.maintenance_opens <= row.last_end <= plan.maintenance_due
            ),
            None,
        )
        if year is None:
            row.errors.append(
                gettext(
                    "A maintenance audit ending %(end)s falls in no maintenance year of the "
                    "cycle certified %(certified)s."
                )
                % {"end": row.last_end, "certified": row.issued_on}
            )
        row.maintenance_year = year


def parse_holders_csv(text: str, *, association, today: date) -> HoldersPreview:
    """Check a decoded CSV against the association's rules and certificates (3 queries)."""
    from employers.models import WCBAccount

    from .models import Certificate, ProgramRules
    from .snapshot import rules_from_snapshot, rules_snapshot

    preview = csv_import.read_rows(
        text,
        preview=HoldersPreview(),
        new_row=HolderRow,
        header_problem=_header_problem,
        max_rows=MAX_ROWS,
    )
    if preview.error:
        return preview
    rules_by_kind = {
        r.program.kind: rules_from_snapshot(rules_snapshot(r))
        for r in ProgramRules.objects.for_association(association).select_related("program")
    }
    for row in preview.rows:
        _check_row(row, rules_by_kind=rules_by_kind, today=today)
    existing = dict(
        Certificate.objects.for_association(association).values_list(
            "number", "wcb_account__account_number"
        )
    )
    board = association.wcb_board
    accounts = {
        (b.lower(), n.lower()): employer
        for b, n, employer in WCBAccount.objects.for_association(association).values_list(
            "board", "account_number", "employer__legal_name"
        )
    }
    first_line: dict[str, int] = {}
    for row in preview.rows:
        if not row.number:
            continue
        if row.number in first_line:
            row.errors.append(
                gettext("Certificate number %(number)s is already on line %(line)s.")
                % {"number": row.number, "line": first_line[row.number]}
            )
            continue
        first_line[row.number] = row.line
        if row.number in existing:
            if (existing[row.number] or "").lower() == row.account_number.lower():
                row.action = "unchanged"
            else:
                row.errors.append(
                    gettext(
                        "Certificate number %(number)s is already used for another WCB account."
                    )
                    % {"number": row.number}
                )
        key = ((row.values.get("wcb_board") or board).lower(), row.account_number.lower())
        if key in accounts and row.action == "create":
            row.values["existing_employer"] = accounts[key]
    return preview
