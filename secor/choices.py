"""Django choices for a pure module's enum: the values once, the words once.

Pure rule modules (standard library only) own their status enums; the models
need ``TextChoices`` for fields, forms and ``get_FOO_display``. ``text_choices``
builds the one from the other, so a status's value lives in the rule module and
its label in the ``labels`` map given here — never a second enum or a second
map of status words.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from django.db import models


def text_choices(enum: type[StrEnum], labels: Mapping[str, str], *, mixin: type | None = None):
    """``TextChoices`` named like ``enum``, member for member, labelled by ``labels[value]``.

    ``mixin`` adds class methods (``open_statuses()``…) to the choices class.
    """
    missing = [m.value for m in enum if m.value not in labels]
    if missing:
        raise ValueError(f"{enum.__name__}: no label for {', '.join(missing)}")
    return models.TextChoices(
        enum.__name__,
        [(m.name, (m.value, labels[m.value])) for m in enum],
        module=enum.__module__,
        type=mixin,
    )
