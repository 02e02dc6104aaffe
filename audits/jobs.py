"""The daily status transitions (expiry, missed maintenance, missed milestones), per association.

`transitions.decide_transitions` decides; this module applies what it decides,
one enrollment per transaction, re-reading and locking the enrollment first so
two workers or a repeated run never apply the same transition twice. A
transition moves the enrollment to a status the rules ignore, so the second
run of a day finds nothing to do.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from employers.models import Enrollment, EnrollmentStatus
from secor.audit import record
from secor.tenancy import activate

from . import reminders, selectors
from .models import Certificate, CertificateStatus
from .transitions import Transition, TransitionKind, decide_transitions

logger = logging.getLogger(__name__)

ENROLLMENT_STATUS = {
    TransitionKind.CANCEL: EnrollmentStatus.CANCELLED,
    TransitionKind.EXPIRE: EnrollmentStatus.LAPSED,
    TransitionKind.DEROLL: EnrollmentStatus.DEROLLED,
}
CERTIFICATE_STATUS = {
    TransitionKind.CANCEL: CertificateStatus.CANCELLED,
    TransitionKind.EXPIRE: CertificateStatus.EXPIRED,
}


@dataclass(frozen=True)
class Applied:
    enrollment_id: int
    transition: Transition


def apply_daily_transitions(
    *, association, today: date, failed: list[int] | None = None
) -> list[Applied]:
    """Apply every transition due on the association's local date `today`.

    Each enrollment is its own transaction: one that raises (bad data, a
    deadlock) is logged and its id appended to `failed`; the others go on.
    """
    applied = []
    with activate(association):
        ids = list(
            Enrollment.objects.filter(status__in=EnrollmentStatus.open_statuses())
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for enrollment_id in ids:
            try:
                result = _apply_one(association, enrollment_id, today)
            except Exception:
                logger.exception("daily transitions: enrollment %s failed", enrollment_id)
                if failed is not None:
                    failed.append(enrollment_id)
                continue
            if result is not None:
                applied.append(result)
    return applied


HOLDER_PREVIEW_DIR = "certificate-imports"


def holder_preview_path(association_id: int, token: str) -> str:
    return f"{HOLDER_PREVIEW_DIR}/{association_id}/{token}.csv"


def sweep_holder_previews(association_id: int, local_date: date | None = None) -> dict[str, int]:
    """The daily sweep of certificate-holder import previews never confirmed."""
    from employers.jobs import sweep_previews

    return sweep_previews(HOLDER_PREVIEW_DIR, association_id)


def daily_transitions_job(association_id: int, today: date) -> dict[str, int]:
    """The `secor.hooks.daily_jobs` entry: counts of applied and failed enrollments."""
    from secor.models import Association

    association = Association.objects.get(pk=association_id)
    failed: list[int] = []
    applied = apply_daily_transitions(association=association, today=today, failed=failed)
    return {"applied": len(applied), "failed": len(failed)}


@transaction.atomic
def _apply_one(association, enrollment_id: int, today: date) -> Applied | None:
    enrollment = (
        Enrollment.objects.select_for_update()
        .select_related("program", "employer", "association")
        .filter(pk=enrollment_id, status__in=EnrollmentStatus.open_statuses())
        .first()
    )
    if enrollment is None:  # changed since the list was read
        return None
    job_input = selectors.enrollment_snapshot(enrollment, today)
    if job_input is None:
        return None
    decided = decide_transitions(job_input.snapshot, job_input.rules)
    if not decided:
        return None
    transition = decided[0]
    kind = TransitionKind(transition.kind)
    previous = enrollment.status
    enrollment.status = ENROLLMENT_STATUS[kind]
    enrollment.status_changed_on = transition.effective_on
    fields = ["status", "status_changed_on"]
    if transition.reapply_on is not None:
        enrollment.reapply_on = transition.reapply_on
        fields.append("reapply_on")
    enrollment.save(update_fields=fields)
    certificate = job_input.certificate
    if certificate is not None and kind in CERTIFICATE_STATUS:
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.is_live:
            certificate.status = CERTIFICATE_STATUS[kind]
            certificate.status_reason = transition.reason
            certificate.status_changed_on = transition.effective_on
            certificate.save(update_fields=["status", "status_reason", "status_changed_on"])
            record(
                association=association,
                actor=None,
                action=f"audits.certificate_{certificate.status}",
                obj=certificate,
                summary=f"{certificate}: {transition.reason}",
                effective_on=str(transition.effective_on),
            )
    record(
        association=association,
        actor=None,
        action=f"audits.transition_{kind}",
        obj=enrollment,
        summary=transition.reason,
        previous_status=str(previous),
        effective_on=str(transition.effective_on),
        reapply_on=str(transition.reapply_on) if transition.reapply_on else None,
    )
    program = job_input.snapshot.program
    # The notification rows commit with the status change: both or neither.
    reminders.on_transition(enrollment=enrollment, transition=transition, program=program)
    logger.info("%s: %s", enrollment, transition.reason)
    return Applied(enrollment.pk, transition)
