"""Validators shared by forms and file imports."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# C0 and C1 control characters and DEL, except tab, line feed and carriage return
# (which text areas and CSV cells legitimately hold). They are invisible on
# screen, break CSV exports and PDFs, and are never part of a name or address.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def first_control_character(value: str) -> str | None:
    """The first forbidden control character in ``value``, written as U+XXXX, or None."""
    match = CONTROL_CHARACTERS.search(value or "")
    return f"U+{ord(match.group()):04X}" if match else None


def no_control_characters(value) -> None:
    if isinstance(value, str) and (code := first_control_character(value)):
        raise ValidationError(
            _(
                "This contains an invisible control character (%(code)s). "
                "Retype the text instead of pasting it, or remove that character."
            ),
            code="control_character",
            params={"code": code},
        )


# Dates people enter: events from 1950 to 2100. Far dates (year 1, 9999) are
# typing mistakes and overflow date arithmetic in the rules.
EARLIEST_DATE = date(1950, 1, 1)
LATEST_DATE = date(2100, 12, 31)
# Whole numbers fit the database's integer column whatever the form.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1


def date_in_range(value) -> None:
    if isinstance(value, date) and not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s."),
            code="date_range",
            params={"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
        )


def integer_in_range(value) -> None:
    if isinstance(value, int) and not INT_MIN <= value <= INT_MAX:
        raise ValidationError(
            _("Enter a number between %(low)s and %(high)s."),
            code="integer_range",
            params={"low": f"{INT_MIN:,}", "high": f"{INT_MAX:,}"},
        )


def install_form_field_limits() -> None:
    """Every form field in the project refuses far dates, huge numbers, control characters.

    Set on Django's field classes once (from ``SecorConfig.ready``), so no form —
    ours, a ModelForm's generated fields, allauth's — can forget it. Services
    and the database check what matters to the rules on top of this.
    """
    from django import forms

    forms.DateField.default_validators = [date_in_range]
    forms.IntegerField.default_validators = [integer_in_range]
    forms.CharField.default_validators = [no_control_characters]


# The same ranges in the database: CheckConstraints a model lists in its Meta.


def bounded_validators(bounds: tuple[int, int]) -> list:
    from django.core.validators import MaxValueValidator, MinValueValidator

    low, high = bounds
    return [MinValueValidator(low), MaxValueValidator(high)]


def bounds_constraints(prefix: str, bounds: dict[str, tuple]) -> list:
    """One CheckConstraint per field of ``bounds`` ({field: (low, high)}; NULL passes)."""
    from django.db.models import CheckConstraint, Q

    return [
        CheckConstraint(
            condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__range": low_high}),
            name=f"{prefix}_{name}_range",
            violation_error_message=f"{name} must be between {low_high[0]} and {low_high[1]}.",
        )
        for name, low_high in bounds.items()
    ]


def date_range_constraint(prefix: str, *fields: str):
    """Every date in ``fields`` between EARLIEST_DATE and LATEST_DATE (NULL passes)."""
    from django.db.models import CheckConstraint, Q

    condition = Q()
    for name in fields:
        condition &= Q(**{f"{name}__isnull": True}) | Q(
            **{f"{name}__range": (EARLIEST_DATE, LATEST_DATE)}
        )
    return CheckConstraint(condition=condition, name=f"{prefix}_dates_in_range")
