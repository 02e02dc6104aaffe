"""What blocks issuing a certificate from an audit: each blocker with its reason.

Read-only; `audits.certificates.certificate_issue` refuses on any blocker and
the issue page lists them all.
"""

from __future__ import annotations

from datetime import date

from .models import Audit, AuditStatus, AuditType, Certificate
from .schedule import Reason

ISSUABLE_TYPES = (
    AuditType.CERTIFICATION,
    AuditType.BASELINE,
    AuditType.RECERTIFICATION,
    AuditType.RE_AUDIT,
    AuditType.LIMITED_SCOPE,
)


def issue_blockers(audit: Audit, *, today: date, wcb_account=None) -> list[Reason]:
    out: list[Reason] = []
    if audit.audit_type not in ISSUABLE_TYPES:
        out.append(
            Reason(
                "not_a_certification",
                "Certificates come from a certification or recertification audit; this is a "
                f"{audit.get_audit_type_display().lower()} audit.",
            )
        )
    if audit.status != AuditStatus.PASSED or audit.cycle_id is None:
        out.append(
            Reason(
                "not_passed",
                f"The audit has not passed (it is {audit.get_status_display().lower()}).",
            )
        )
    elif Certificate.objects.for_association(audit.association).filter(audit=audit).exists():
        out.append(Reason("already_issued", "This audit's certificate is already issued."))
    return out
