"""Validators shared by forms and file imports."""

from __future__ import annotations

import re

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
