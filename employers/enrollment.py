"""Enrollment statuses: the one list, for the models and the pure rule modules alike.

Standard library only (``audits.transitions`` decides with it; ``employers.models``
labels it with ``secor.choices.text_choices``).
"""

from __future__ import annotations

from enum import StrEnum


class EnrollmentStatus(StrEnum):
    """registered → in progress → certified → (lapsed | cancelled |
    de-rolled | moved to COR)."""

    REGISTERED = "registered"
    IN_PROGRESS = "in_progress"
    CERTIFIED = "certified"
    LAPSED = "lapsed"
    CANCELLED = "cancelled"
    DEROLLED = "derolled"
    MOVED_TO_COR = "moved_to_cor"


# Enrolled and not ended: the employer is in the program.
OPEN_STATUSES = (
    EnrollmentStatus.REGISTERED,
    EnrollmentStatus.IN_PROGRESS,
    EnrollmentStatus.CERTIFIED,
)
