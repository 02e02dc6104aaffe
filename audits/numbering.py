"""Certificate numbers from an association's pattern: pure, no ORM.

A pattern names two fields, `{year}` (the issue year) and `{seq}` (the
sequence within the program and year), with an optional zero-padded width:
`SCSA-SECOR-{year}-{seq:05}`. Only these two fields are allowed: a pattern is
admin-entered text and must not reach `str.format`'s attribute access.
"""

from __future__ import annotations

import re

from secor.reasons import gettext_noop

FIELD = re.compile(r"\{(year|seq)(?::0?(\d{1,2})d?)?\}")
DEFAULT_PATTERN = "{short}-{program}-{{year}}-{{seq:05}}"


class PatternError(ValueError):
    pass


def default_pattern(association_short: str, program_kind: str) -> str:
    short = re.sub(r"[^A-Z0-9]", "", association_short.upper()) or "CERT"
    return DEFAULT_PATTERN.format(short=short, program=program_kind.upper())


def check_pattern(pattern: str) -> None:
    """Raise PatternError unless `pattern` has `{seq}` and no other braces than its fields."""
    if "{seq" not in pattern:
        raise PatternError(gettext_noop("The pattern needs {seq}, the sequence number."))
    rest = FIELD.sub("", pattern)
    if "{" in rest or "}" in rest:
        raise PatternError(
            gettext_noop("Only {year} and {seq} (e.g. {seq:05}) may appear in braces.")
        )
    if len(format_number(pattern, year=2000, seq=1)) > 80:
        raise PatternError(gettext_noop("The pattern makes numbers longer than 80 characters."))


def format_number(pattern: str, *, year: int, seq: int) -> str:
    def field(match: re.Match) -> str:
        value = year if match.group(1) == "year" else seq
        width = int(match.group(2) or 0)
        return f"{value:0{width}d}" if width else str(value)

    return FIELD.sub(field, pattern)
