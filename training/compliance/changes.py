"""What an employer may do to a training record, and what follows (pure rules).

docs/rules.md#training-records: an employer corrects a record's dates, hours and
course until staff verify it, and may withdraw it; after verification a
correction is a new version that staff verify again, and compliance keeps the
last verified version until then. docs/rules.md#amta-tsb: a course that is no
longer accepted is not offered for new records.
"""

from __future__ import annotations

from datetime import date

from secor.reasons import Reason, gettext_noop

from .rules import CourseRule

PENDING, VERIFIED, REJECTED, WITHDRAWN = "pending", "verified", "rejected", "withdrawn"

_MESSAGES = {
    "course_not_offered": gettext_noop(
        "{course} is not accepted after {accepted_until}, so it cannot be recorded any more. "
        "Choose the course that replaced it."
    ),
    "course_inactive": gettext_noop(
        "{course} is no longer offered in the catalogue. Choose another course."
    ),
    "withdrawn": gettext_noop(
        "This record was withdrawn and cannot be changed. Add a new record instead."
    ),
    "already_withdrawn": gettext_noop("This record is already withdrawn."),
    "verified_cannot_withdraw": gettext_noop(
        "This record is verified and counts for compliance, so it cannot be withdrawn. "
        "Correct it instead (the correction is verified again), or ask the association's staff."
    ),
}


def _reason(code: str, **fields) -> Reason:
    return Reason.from_template(code, _MESSAGES[code], fields)


def course_offer_refusal(course: CourseRule, *, is_active: bool, today: date) -> Reason | None:
    """Why ``course`` cannot be chosen for a new record (or a correction) today; None if it can.

    AMTA, docs/rules.md#amta-tsb: "TSB is not accepted after 31 December 2019":
    after its ``accepted_until`` day a course is not offered. Old records of it
    stay as they are (they are only judged, never re-entered).
    """
    if course.accepted_until is not None and today > course.accepted_until:
        return _reason(
            "course_not_offered", course=course.name, accepted_until=f"{course.accepted_until}"
        )
    if not is_active:
        return _reason("course_inactive", course=course.name)
    return None


def change_refusal(status: str) -> Reason | None:
    """Why a record in ``status`` cannot be corrected at all; None if it can.

    docs/rules.md#training-records: a withdrawn record is closed.
    """
    return _reason("withdrawn") if status == WITHDRAWN else None


def withdraw_refusal(status: str) -> Reason | None:
    """Why the employer cannot withdraw a record now; None if they can.

    docs/rules.md#training-records: a record not yet verified can be withdrawn
    (it never counted). A verified record with a correction waiting can withdraw
    the correction (back to the verified version). A verified record with
    nothing waiting counts for compliance: it is corrected, not withdrawn.
    """
    if status == WITHDRAWN:
        return _reason("already_withdrawn")
    if status == VERIFIED:
        return _reason("verified_cannot_withdraw")
    return None


def status_after_change(
    status: str, *, by_staff: bool, counted_change: bool, new_file: bool
) -> str:
    """The record's status after a change (docs/rules.md#training-records).

    Staff (who verify) keep the status: a verified record's change is verified
    by the change itself. An employer's change to anything compliance counts, a
    new file, or any correction of a rejected record sends it back to the
    verification queue; a change that counts for nothing (the proficiency
    submission date) does not.
    """
    if by_staff:
        return status
    if status == REJECTED or counted_change or new_file:
        return PENDING
    return status
