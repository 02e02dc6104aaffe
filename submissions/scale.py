"""Scale data of the submissions app: the evaluation of every received audit, with its manifest.

A decided audit's submission is accepted; a received one waits in the
reviewers' queue (some already in review). Each has the manifest the
inspection would have read (`SubmissionEntry`, one folder per element).
"""

from __future__ import annotations

import hashlib
from datetime import datetime, time, timedelta

from django.utils import timezone

from audits.models import AuditStatus
from audits.schedule import AuditType
from secor.scale import ScalePlan, copy_insert

from .models import Submission, SubmissionEntry, SubmissionKind, SubmissionStatus


def _at(day):
    return timezone.make_aware(datetime.combine(day, time(10)))


def build(plan: ScalePlan) -> None:
    rng = plan.rng
    for association in plan.associations:
        program = plan.made["employers"][association.pk]["program"]
        reviewer = plan.made["staff"][association.pk]
        submissions = []
        for audit in plan.made.get("audits", {}).get(association.pk, []):
            decided = audit.status in (AuditStatus.PASSED, AuditStatus.FAILED)
            if decided:
                status = SubmissionStatus.ACCEPTED
            else:
                status = (
                    SubmissionStatus.IN_REVIEW
                    if rng.random() < 0.3
                    else SubmissionStatus.AWAITING_REVIEW
                )
            kind = (
                SubmissionKind.MAINTENANCE_PACKAGE
                if audit.audit_type == AuditType.MAINTENANCE
                else SubmissionKind.EVALUATION
            )
            received = _at(audit.received_on)
            submissions.append(
                Submission(
                    association=association,
                    employer_id=audit.employer_id,
                    audit=audit,
                    program=program,
                    kind=kind,
                    status=status,
                    file=f"submissions/scale/{audit.pk}.zip",
                    original_name=f"audit-{audit.pk}.zip",
                    size=rng.randint(2_000_000, 40_000_000),
                    sha256=hashlib.sha256(f"scale-{audit.pk}".encode()).hexdigest(),
                    deadline=audit.submission_due_on,
                    received_at=received,
                    status_changed_at=received + timedelta(days=1),
                    inspected_at=received + timedelta(minutes=2),
                    inspection_attempts=1,
                    inflated_bytes=rng.randint(5_000_000, 90_000_000),
                    assigned_to=reviewer if status != SubmissionStatus.AWAITING_REVIEW else None,
                    decided_at=_at(audit.decided_on) if decided else None,
                    decided_by=reviewer if decided else None,
                )
            )
        copy_insert(Submission, submissions, plan)
        entries = []
        for s in submissions:
            position = 0
            for element in range(1, rng.randint(4, 7)):
                for path, is_dir in (
                    (f"Element {element}/", True),
                    (f"Element {element}/evidence-{element}.pdf", False),
                ):
                    size = 0 if is_dir else rng.randint(20_000, 4_000_000)
                    entries.append(
                        SubmissionEntry(
                            association=association,
                            submission=s,
                            position=position,
                            path=path,
                            original_name=path,
                            size=size,
                            compressed_size=size * 9 // 10,
                            crc=rng.getrandbits(32),
                            header_offset=position * 4096,
                            element_number=element,
                            is_dir=is_dir,
                        )
                    )
                    position += 1
        copy_insert(SubmissionEntry, entries, plan)
