"""What stands between a passed audit and its certificate: the pre-issue checklist.

Read-only. `audits.certificates.certificate_issue` refuses on any blocker and
the issue page lists every check with its reasons. The checks (their rules:
docs/rules.md § AMTA — training, § AMTA — size limit, § ACSA — prerequisites,
§ SCSA — milestones for new registrants, § SCSA — standards achieved):

* the audit is a certification, baseline, recertification, re-audit or limited
  scope, and it passed (its cycle is open);
* training compliant on the first and the last day of data gathering (the
  training app's `compliance_for`, the same entry point planning uses);
* SECOR eligibility: the headcount within the size limit at the audit's end;
* the enrollment in good standing: certified, the association membership
  current where the rules require one (ACSA), every milestone met (SCSA);
* the WCB account printed on the certificate active and the employer's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from employers.models import EnrollmentStatus
from secor.models import ProgramKind

from .models import Audit, AuditStatus, AuditType, Certificate, Milestone, MilestoneOutcome
from .schedule import Reason

ISSUABLE_TYPES = (
    AuditType.CERTIFICATION,
    AuditType.BASELINE,
    AuditType.RECERTIFICATION,
    AuditType.RE_AUDIT,
    AuditType.LIMITED_SCOPE,
)


@dataclass
class Check:
    code: str
    label: str
    reasons: list[Reason] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.reasons


def _outcome(audit: Audit) -> Check:
    check = Check("outcome", _("The audit passed"))
    if audit.audit_type not in ISSUABLE_TYPES:
        check.reasons.append(
            Reason(
                "not_a_certification",
                gettext(
                    "Certificates come from a certification or recertification audit; "
                    "this audit is of type: %(type)s."
                )
                % {"type": audit.get_audit_type_display().lower()},
            )
        )
    if audit.status != AuditStatus.PASSED or audit.cycle_id is None:
        check.reasons.append(
            Reason(
                "not_passed",
                gettext("The audit has not passed: it is %(status)s.")
                % {"status": audit.get_status_display().lower()},
            )
        )
    elif Certificate.objects.for_association(audit.association).filter(audit=audit).exists():
        check.reasons.append(
            Reason("already_issued", gettext("This audit's certificate is issued."))
        )
    return check


def _training(audit: Audit) -> Check:
    from training.selectors import compliance_for

    check = Check("training", _("Training compliant at the audit dates"))
    # The named assessor, the employer's own or an external one on the roster.
    assessor = (
        audit.assessor_worker
        if audit.conducted_by in ("trained_assessor", "external_assessor")
        else None
    )
    seen = set()
    for as_of in sorted({audit.data_gathering_start, audit.data_gathering_end}):
        report = compliance_for(
            employer=audit.employer,
            as_of=as_of,
            assessor_worker=assessor,
            program=audit.enrollment.program,
        )
        for verdict in report.verdicts:
            if verdict.met:
                continue
            reasons = verdict.reasons or [
                Reason(
                    "not_met",
                    gettext("Training requirement not met: %(requirement)s.")
                    % {"requirement": getattr(verdict.requirement, "label", "")},
                )
            ]
            for reason in reasons:
                if reason.message in seen:
                    continue
                seen.add(reason.message)
                message = gettext("On %(date)s: %(reason)s") % {
                    "date": as_of,
                    "reason": reason.localized,
                }
                check.reasons.append(Reason(f"training:{reason.code}", message))
    return check


def _eligibility(audit: Audit) -> Check | None:
    from employers.selectors import employer_eligibility

    if audit.enrollment.program.kind != ProgramKind.SECOR:
        return None
    check = Check("eligibility", _("Within the SECOR size limit"))
    verdict = employer_eligibility(employer=audit.employer, today=audit.data_gathering_end)
    if verdict is None:
        # Fail closed: no rule set up means eligibility cannot be shown.
        check.reasons.append(
            Reason(
                "eligibility:rule_missing",
                gettext(
                    "The SECOR size rule is not set up: a program admin enters it on the "
                    "employers' rules page first."
                ),
            )
        )
        return check
    if not verdict.eligible:
        for reason in verdict.reasons:
            if reason.blocking:
                check.reasons.append(Reason(f"eligibility:{reason.code}", reason.localized))
    elif "no_headcount_data" in verdict.reason_codes:
        check.reasons.append(
            Reason(
                "eligibility:no_headcount_data",
                gettext(
                    "No worker or headcount is recorded for the 12 months before the audit: "
                    "the size limit cannot be checked."
                ),
            )
        )
    return check


def _standing(audit: Audit, today: date) -> Check:
    enrollment = audit.enrollment
    check = Check("standing", _("Enrollment in good standing"))
    if enrollment.status != EnrollmentStatus.CERTIFIED:
        check.reasons.append(
            Reason(
                "enrollment_not_certified",
                gettext("The enrollment is %(status)s.")
                % {"status": enrollment.get_status_display().lower()},
            )
        )
    # Good standing on the day the certificate is issued (docs/rules.md#acsa-prerequisites):
    # the same rule planning and submission apply.
    if enrollment.program.kind == ProgramKind.SECOR:
        from .selectors import standing_reasons

        check.reasons.extend(standing_reasons(enrollment, today))
    open_milestones = (
        Milestone.objects.for_association(audit.association)
        .filter(enrollment=enrollment)
        .exclude(outcome=MilestoneOutcome.ACCEPTED)
        .order_by("due_on")
    )
    for milestone in open_milestones:
        check.reasons.append(
            Reason(
                "milestone_not_met",
                gettext("Milestone “%(milestone)s” (due %(due)s) is not met.")
                % {"milestone": milestone.label, "due": milestone.due_on},
            )
        )
    return check


def _wcb(audit: Audit, wcb_account) -> Check:
    check = Check("wcb", _("WCB account active"))
    if wcb_account is None:
        check.reasons.append(
            Reason("wcb_missing", gettext("The employer has no active WCB account to print."))
        )
    elif wcb_account.employer_id != audit.employer_id:
        check.reasons.append(
            Reason("wcb_other_employer", gettext("That WCB account is not theirs."))
        )
    elif not wcb_account.is_active:
        check.reasons.append(
            Reason(
                "wcb_inactive",
                gettext("WCB account %(number)s is not active.")
                % {"number": wcb_account.account_number},
            )
        )
    return check


def issue_checklist(audit: Audit, *, today: date, wcb_account=None) -> list[Check]:
    """Every pre-issue check of `audit`, in the page's order; each lists its blockers."""
    checks = [_outcome(audit), _training(audit), _eligibility(audit), _standing(audit, today)]
    checks.append(_wcb(audit, wcb_account))
    return [c for c in checks if c is not None]


def issue_blockers(audit: Audit, *, today: date, wcb_account=None) -> list[Reason]:
    return [
        reason
        for check in issue_checklist(audit, today=today, wcb_account=wcb_account)
        for reason in check.reasons
    ]
