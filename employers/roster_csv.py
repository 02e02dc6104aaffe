"""The roster as CSV: the export an employer downloads and the file it uploads.

A worker's two facts are two columns, ``role`` and ``employment_status``
(docs/rules.md#reading-role-and-status). The export writes people words ("Manager",
"Full-time permanent"); the import reads those words or the codes, in any case. A file
from before the split, with one ``employment_type`` (or ``kind``) column, still imports:
each old kind becomes its pair, as the data migration did (``role_and_status``).

Nothing here writes: ``services.roster_import`` parses, then adds every row or none.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext, gettext_lazy

from secor import csv_import
from secor.csv_import import match_key
from secor.models import Jurisdiction
from secor.validators import EARLIEST_DATE, LATEST_DATE, first_control_character

from .eligibility import EMPLOYMENT_TYPES, role_and_status
from .models import CATEGORY_LABELS, WORKER_FIELDS, EmploymentStatus, Role, Worker

MAX_ROWS = 2_000
# A column per field of the roster form, in its order.
COLUMNS = WORKER_FIELDS
REQUIRED_COLUMNS = ("full_name", "start_date")
# Before role and status were two facts, a roster had one column for both.
OLD_KIND_COLUMNS = ("employment_type", "kind")


def _lookup(choices) -> dict[str, str]:
    found = {}
    for value, label in choices:
        found[match_key(value)] = value
        found[match_key(str(label))] = value
    return found


_ROLES = _lookup(Role.choices) | {"clerical": Role.CLERICAL, "administrative": Role.CLERICAL}
_STATUSES = _lookup(EmploymentStatus.choices) | {
    "full_time": EmploymentStatus.FULL_TIME_PERMANENT,
    "parttime": EmploymentStatus.PART_TIME,
    "sub_contractor": EmploymentStatus.SUBCONTRACTOR,
}
_KINDS = _lookup((t, CATEGORY_LABELS[t]) for t in EMPLOYMENT_TYPES) | {
    "clerical": "clerical",
    "full_time": "full_time_permanent",
    "sub_contractor": "subcontractor",
}


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def export_rows(workers: Iterable[Worker]) -> Iterator[list[str]]:
    """The header, then one row per worker, in people words (dates ISO)."""
    yield list(COLUMNS)
    for w in workers:
        yield [
            w.full_name,
            w.get_role_display(),
            w.get_employment_status_display(),
            w.province,
            w.start_date.isoformat(),
            w.end_date.isoformat() if w.end_date else "",
            _shown(w.fte),
            _shown(w.weekly_hours),
            w.email,
        ]


@dataclass
class RosterRow:
    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    action: str = "create"
    worker: dict = field(default_factory=dict)


@dataclass
class RosterImport(csv_import.CsvPreview):
    """The parsed file: ``workers`` ready for ``services.roster_add``, or errors."""

    rows: list[RosterRow] = field(default_factory=list)

    @property
    def workers(self) -> list[dict]:
        return [row.worker for row in self.rows if not row.errors]

    @property
    def row_errors(self) -> list[tuple[int, list[str]]]:
        return [(row.line, row.errors) for row in self.rows if row.errors]


def _header_problem(header: list[str]) -> str | None:
    optional = (*(c for c in COLUMNS if c not in REQUIRED_COLUMNS), *OLD_KIND_COLUMNS)
    parts = csv_import.header_problems(header, required=REQUIRED_COLUMNS, optional=optional)
    if not any(c in header for c in ("employment_status", *OLD_KIND_COLUMNS)):
        parts.insert(
            0, gettext("missing column(s): %(columns)s") % {"columns": "employment_status"}
        )
    if not parts:
        return None
    return gettext(
        "The first row must name the columns; %(problems)s. Columns: %(columns)s "
        "(full_name, start_date and employment_status are required; a file with one "
        "employment_type column instead of role and employment_status is accepted too)."
    ) % {"problems": "; ".join(parts), "columns": ", ".join(COLUMNS)}


def _date(values, name, errors) -> date | None:
    text = values.get(name, "")
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        errors.append(
            gettext("%(column)s “%(value)s” is not a date like 2025-03-31.")
            % {"column": name, "value": text}
        )
        return None
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        errors.append(
            gettext("%(column)s %(value)s is not between %(first)s and %(last)s.")
            % {"column": name, "value": day, "first": EARLIEST_DATE, "last": LATEST_DATE}
        )
        return None
    return day


def _number(values, name, top, errors) -> Decimal | None:
    text = values.get(name, "").replace(",", ".")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        errors.append(
            gettext("%(column)s “%(value)s” is not a number.")
            % {"column": name, "value": values[name]}
        )
        return None
    if not number.is_finite() or not 0 <= number <= top:
        errors.append(
            gettext("%(column)s %(value)s is not between 0 and %(top)s.")
            % {"column": name, "value": values[name], "top": top}
        )
        return None
    return number.quantize(Decimal("0.01") if name == "fte" else Decimal("0.1"))


def _choice(name: str, text: str, lookup: dict[str, str], labels, errors) -> str:
    """The code ``text`` names (a code or a label), or "" with an error saying the choices."""
    found = lookup.get(match_key(text), "")
    if not found:
        errors.append(
            gettext("%(column)s “%(value)s” is not one of: %(choices)s.")
            % {"column": name, "value": text, "choices": ", ".join(map(str, labels))}
        )
    return found


def _role_and_status(values, errors) -> tuple[str, str]:
    role = status = ""
    old = next((values[c] for c in OLD_KIND_COLUMNS if values.get(c)), "")
    if old:
        labels = (CATEGORY_LABELS[t] for t in EMPLOYMENT_TYPES)
        if kind := _choice("employment_type", old, _KINDS, labels, errors):
            role, status = role_and_status(kind)
    if values.get("role"):
        role = _choice("role", values["role"], _ROLES, Role.labels, errors)
    if values.get("employment_status"):
        labels = EmploymentStatus.labels
        status = _choice(
            "employment_status", values["employment_status"], _STATUSES, labels, errors
        )
    elif not old:
        errors.append(gettext("%(column)s is empty.") % {"column": "employment_status"})
    return role or Role.OTHER, status


def _row(values: dict[str, str]) -> tuple[dict, list[str]]:
    errors: list[str] = []
    for name, value in values.items():
        if code := first_control_character(value):
            errors.append(
                gettext("%(column)s contains an invisible control character (%(code)s).")
                % {"column": name, "code": code}
            )
    name = " ".join(values.get("full_name", "").split())
    if not name:
        errors.append(gettext("%(column)s is empty.") % {"column": "full_name"})
    elif len(name) > 150:
        errors.append(
            gettext("%(column)s is longer than %(limit)s characters.")
            % {"column": "full_name", "limit": 150}
        )
    role, status = _role_and_status(values, errors)
    province = values.get("province", "").upper()
    if province and province not in Jurisdiction.values:
        errors.append(
            gettext("province “%(value)s” is not a two-letter code such as AB.")
            % {"value": values["province"]}
        )
    start = _date(values, "start_date", errors)
    if not values.get("start_date"):
        errors.append(gettext("%(column)s is empty.") % {"column": "start_date"})
    end = _date(values, "end_date", errors)
    if start and end and end < start:
        errors.append(
            gettext("end_date %(end)s is before start_date %(start)s.")
            % {"end": end, "start": start}
        )
    email = values.get("email", "")
    if email:
        try:
            EmailValidator()(email)
        except ValidationError:
            errors.append(gettext("email “%(value)s” is not an email address.") % {"value": email})
    worker = {
        "full_name": name,
        "role": role,
        "employment_status": status,
        "province": province,
        "start_date": start,
        "end_date": end,
        "fte": _number(values, "fte", 2, errors),
        "weekly_hours": _number(values, "weekly_hours", 100, errors),
        "email": email,
    }
    return worker, errors


def parse_roster_csv(text: str, *, existing: Iterable[tuple[str, date]] = ()) -> RosterImport:
    """Check a decoded CSV; ``existing`` are the (name, start date) pairs on the roster."""
    parsed = csv_import.read_rows(
        text,
        preview=RosterImport(),
        new_row=RosterRow,
        header_problem=_header_problem,
        max_rows=MAX_ROWS,
        what=gettext_lazy("people"),
    )
    if parsed.error:
        return parsed
    roster = gettext("your roster")
    seen = {(name.casefold(), start): roster for name, start in existing}
    for row in parsed.rows:
        row.worker, errors = _row(row.values)
        row.errors.extend(errors)
        name, start = row.worker["full_name"], row.worker["start_date"]
        key = (name.casefold(), start)
        if name and start and key in seen:
            row.errors.append(
                gettext("%(name)s, who started on %(start)s, is already on %(where)s.")
                % {"name": name, "start": start, "where": seen[key]}
            )
        seen.setdefault(key, gettext("line %(line)s") % {"line": row.line})
    return parsed
