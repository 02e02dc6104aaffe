"""The one ``Reason``: why a rule's verdict is what it is.

Every pure rule module (eligibility, training compliance, schedule, scoring,
transitions) explains its verdicts with these: a stable ``code`` for code and
tests, a ``message`` for people, and the facts the message is about. Fields
after ``message`` are keyword-only, so each module names the ones it uses.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from datetime import date


@dataclass(frozen=True)
class Reason:
    code: str
    message: str
    _: KW_ONLY
    # Eligibility: a blocking reason makes the employer ineligible.
    blocking: bool = False
    # Scoring: the element the reason is about.
    element_number: int | None = None
    # Training: whose record, which course, and by when.
    person_id: int | str | None = None
    course_code: str | None = None
    due_on: date | None = None
