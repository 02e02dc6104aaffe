"""Reads: the rules and tools in force, cycle schedules, the plan check, snapshots for the job.

Functions take model rows and return plain values built by the pure modules.
They query through the tenant-scoped managers, so call them inside an
association scope (a view, `secor.tenancy.activate`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext

from employers.models import Enrollment, EnrollmentStatus, Worker
from secor.aggregates import related_rows, rows_of
from secor.request_memo import once
from training.selectors import compliance_for

from . import planning
from . import schedule as sched
from .models import (
    Audit,
    AuditCycle,
    AuditStatus,
    AuditTool,
    Certificate,
    ConductedBy,
    Element,
    ElementScore,
    MaintenanceDatedBy,
    Milestone,
    MilestoneLetter,
    ProgramRules,
)
from .models import AuditType as AuditTypeChoices
from .schedule import AuditType, Reason, ScheduleRules
from .scoring import ElementSpec, PassMarks
from .snapshot import pass_marks_from_snapshot, rules_from_snapshot, rules_snapshot
from .transitions import (
    CertificateStatus,
    EnrollmentSnapshot,
    MilestoneProgress,
)

logger = logging.getLogger(__name__)
LIVE_CERTIFICATE = (CertificateStatus.VALID, CertificateStatus.SUSPENDED)
AUDIT_TYPE_LABELS = dict(AuditTypeChoices.choices)

FULL_TYPES = (
    AuditType.CERTIFICATION,
    AuditType.BASELINE,
    AuditType.RECERTIFICATION,
    AuditType.RE_AUDIT,
    AuditType.LIMITED_SCOPE,
)


# --- Rules and tools ---------------------------------------------------------


def program_rules(program) -> ProgramRules | None:
    return ProgramRules.objects.for_association(program.association).filter(program=program).first()


def current_tool(program) -> AuditTool | None:
    """The latest published version of the program's audit tool."""
    return (
        AuditTool.objects.for_association(program.association)
        .filter(program=program, status=AuditTool.Status.PUBLISHED)
        .order_by("-version")
        .first()
    )


def audit_rules_for(enrollment) -> ScheduleRules | None:
    """The program's current rules as a pure value (None when not set up)."""
    row = program_rules(enrollment.program)
    return None if row is None else rules_from_snapshot(rules_snapshot(row))


def tool_specs(tool: AuditTool) -> list[ElementSpec]:
    return [
        ElementSpec(e.number, e.name, e.max_points, e.min_percent, e.supplemental)
        for e in Element.objects.for_association(tool.association).filter(tool=tool)
    ]


def audit_specs(audit: Audit) -> list[ElementSpec]:
    """The elements an audit is scored on: its tool's, or only its scope (limited scope)."""
    specs = tool_specs(audit.tool)
    if audit.audit_type == AuditType.LIMITED_SCOPE and audit.scope_elements:
        scope = {int(n) for n in audit.scope_elements}
        specs = [s for s in specs if s.number in scope]
    return specs


def audit_rules(audit: Audit) -> ScheduleRules:
    """The rules the audit started under (its frozen snapshot)."""
    return rules_from_snapshot(audit.rules_snapshot)


def audit_pass_marks(audit: Audit) -> PassMarks:
    return pass_marks_from_snapshot(audit.rules_snapshot, audit.audit_type)


def audit_points(audit: Audit) -> dict[int, object]:
    return {
        s.element.number: s.points
        for s in ElementScore.objects.for_association(audit.association)
        .filter(audit=audit)
        .select_related("element")
    }


# --- Cycles ----------------------------------------------------------------------


def latest_cycle(enrollment: Enrollment) -> AuditCycle | None:
    return (
        AuditCycle.objects.for_association(enrollment.association)
        .filter(enrollment=enrollment)
        .order_by("-certification_date")
        .first()
    )


def cycle_audits(cycle: AuditCycle) -> list[Audit]:
    return list(
        Audit.objects.for_association(cycle.association)
        .filter(cycle=cycle)
        .select_related("tool")
        .order_by("data_gathering_start")
    )


def cycle_schedule_for(
    cycle: AuditCycle, rules: ScheduleRules, audits: list[Audit] | None = None
) -> sched.CycleSchedule:
    """The cycle's schedule: current rules, except where a year's audit has started.

    A year whose audit already started keeps the maintenance window of the
    rules that audit started under; the expiry is the one printed on the
    certificate (stored on the cycle).
    """
    base = sched.cycle_schedule(
        cycle.certification_date, rules, recertification=cycle.recertification
    )
    years = list(base.years)
    for audit in audits if audits is not None else cycle_audits(cycle):
        k = audit.year
        if not k or k > len(years) or audit.status not in AuditStatus.counting_statuses():
            continue
        frozen = sched.cycle_schedule(
            cycle.certification_date, rules_from_snapshot(audit.rules_snapshot)
        )
        if k <= len(frozen.years):
            years[k - 1] = frozen.years[k - 1]
    return replace(base, years=tuple(years), expires_on=cycle.ends_on)


def maintenance_counts_on(audit: Audit) -> date | None:
    """The date a maintenance audit is held to its window by (the audit's own rules).

    Not yet received and dated by receipt: None. Planned and dated by the
    conducted date: its last day of data gathering.
    """
    if audit.rules_snapshot.get("maintenance_dated_by") == MaintenanceDatedBy.RECEIVED:
        return audit.received_on
    return audit.data_gathering_end


def _counts_as_done(audit: Audit, rules: ScheduleRules, today: date) -> bool:
    """Whether a maintenance audit keeps its year: passed or on its way.

    Passed or received: yes. Planned: only while it can still be submitted on
    time, so the job does not cancel a certificate whose audit was conducted
    on Dec 20 and is being written up in January.
    """
    if audit.status in (AuditStatus.FAILED, AuditStatus.CANCELLED):
        return False
    if audit.status != AuditStatus.PLANNED:
        return True
    if audit.rules_snapshot.get("maintenance_dated_by") == MaintenanceDatedBy.RECEIVED:
        return False
    deadline = sched.submission_deadline(audit.data_gathering_end, rules)
    return deadline is not None and today <= deadline and audit.data_gathering_end < today


def maintenance_years_done(
    cycle: AuditCycle,
    today: date,
    *,
    rules: ScheduleRules | None = None,
    audits: list[Audit] | None = None,
) -> frozenset[int]:
    """The one answer to "does a maintenance audit count for year N of this cycle".

    A year counts when one of the cycle's maintenance audits that is passed,
    received, or conducted and still on time to be received, is dated (by its
    own rules: conducted or received) within that year's window. The daily
    job, the timeline and the employer home all read this.
    """
    rules = rules or audit_rules_for(cycle.enrollment)
    if rules is None:
        return frozenset()
    audits = audits if audits is not None else cycle_audits(cycle)
    schedule = cycle_schedule_for(cycle, rules, audits)
    dated = []
    for audit in audits:
        if audit.audit_type != AuditType.MAINTENANCE or audit.cycle_id != cycle.pk:
            continue
        on = maintenance_counts_on(audit)
        if on is not None and _counts_as_done(audit, audit_rules(audit), today):
            dated.append(on)
    done = set()
    for plan in schedule.years:
        opens, due = plan.maintenance_opens, plan.maintenance_due
        if opens is not None and due is not None and any(opens <= d <= due for d in dated):
            done.add(plan.year)
    return frozenset(done)


def audit_counts_for_year(cycle: AuditCycle, year: int, today: date) -> bool:
    """Whether year `year` of the cycle has its maintenance audit (see `maintenance_years_done`)."""
    return year in maintenance_years_done(cycle, today)


def cycle_certificate(cycle: AuditCycle) -> Certificate | None:
    """The cycle's certificate: the live one, else the latest."""
    rows = Certificate.objects.for_association(cycle.association).filter(cycle=cycle)
    return (
        rows.filter(status__in=LIVE_CERTIFICATE).first()
        or rows.order_by("-issued_on", "-pk").first()
    )


# --- The daily job's snapshot ---------------------------------------------------------


def milestone_progress(enrollment: Enrollment) -> tuple[MilestoneProgress, ...]:
    """Milestones as the registration letter sets them, and the letter #2 rule."""
    association = enrollment.association
    return progress_from(
        Milestone.objects.for_association(association).filter(enrollment=enrollment),
        MilestoneLetter.objects.for_association(association).filter(enrollment=enrollment),
    )


def progress_from(milestones, letters) -> tuple[MilestoneProgress, ...]:
    """`milestone_progress` from rows already loaded (the board loads a page's at once).

    docs/rules.md#scsa-milestones (SCSA): "Contact the SCSA for Milestone #2 Letter …
    prior to letter expiration date": letter #1's expiry is a deadline met by
    letter #2's issue.
    """
    progress = [
        MilestoneProgress(
            sched.MilestoneDeadline(m.code, m.label, m.opens_on, m.due_on),
            m.met_on if m.outcome == "accepted" else None,
        )
        for m in milestones
    ]
    by_number = {letter.number: letter for letter in letters}
    first, second = by_number.get(1), by_number.get(2)
    if first is not None:
        progress.append(
            MilestoneProgress(
                sched.MilestoneDeadline(
                    "letter_2", "Milestone #2 letter requested", first.issued_on, first.expires_on
                ),
                second.issued_on if second else None,
            )
        )
    return tuple(progress)


@dataclass(frozen=True)
class JobInput:
    snapshot: EnrollmentSnapshot
    rules: ScheduleRules
    cycle: AuditCycle | None
    certificate: Certificate | None = None


def enrollment_snapshot(enrollment: Enrollment, today: date) -> JobInput | None:
    """What `transitions.decide_transitions` needs for one enrollment, or None without rules."""
    rules_row = program_rules(enrollment.program)
    if rules_row is None:
        return None
    rules = rules_from_snapshot(rules_snapshot(rules_row))
    program = enrollment.program.get_kind_display().split(" ")[0]
    cycle = latest_cycle(enrollment) if enrollment.status == EnrollmentStatus.CERTIFIED else None
    snapshot = EnrollmentSnapshot(program=program, status=enrollment.status, today=today)
    certificate = None
    if cycle is not None:
        audits = cycle_audits(cycle)
        certificate = cycle_certificate(cycle)
        # A cycle whose certificate is not issued yet still runs on the cycle's
        # dates: the enrollment lapses or is cancelled all the same.
        snapshot = replace(
            snapshot,
            certificate_status=certificate.status if certificate else CertificateStatus.VALID,
            certificate_expires_on=certificate.expires_on if certificate else cycle.ends_on,
            schedule=cycle_schedule_for(cycle, rules, audits),
            maintenance_done_years=maintenance_years_done(cycle, today, rules=rules, audits=audits),
        )
    elif enrollment.status in (EnrollmentStatus.REGISTERED, EnrollmentStatus.IN_PROGRESS):
        snapshot = replace(snapshot, milestones=milestone_progress(enrollment))
    return JobInput(snapshot, rules, cycle, certificate)


# --- Planning an audit -------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """Which audit comes next for an enrollment and the window it must fit."""

    audit_type: AuditType
    year: int | None
    cycle: AuditCycle | None
    opens_on: date | None = None
    due_on: date | None = None
    label: str = ""
    # After a failed certification: the audit a re-audit or limited scope repeats,
    # and the elements it failed on (a limited-scope audit's scope).
    follows: Audit | None = None
    failing_elements: tuple[int, ...] = ()


@dataclass
class PlanCheck:
    slot: Slot | None
    rules: ScheduleRules | None = None
    tool: AuditTool | None = None
    blockers: list[Reason] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    submission_due: date | None = None
    training_checked: bool = False

    @property
    def ok(self) -> bool:
        return self.slot is not None and not self.blockers


def _counting_audits(enrollment: Enrollment):
    return Audit.objects.for_association(enrollment.association).filter(
        enrollment=enrollment, status__in=AuditStatus.counting_statuses()
    )


def next_slot(
    enrollment: Enrollment,
    rules: ScheduleRules,
    today: date,
    *,
    conducted_by: str = "",
    exclude: Audit | None = None,
) -> tuple[Slot | None, Reason | None]:
    """The audit to plan next: its type from the cycle year, and its window.

    No certified cycle → the certification (SCSA's external "baseline" when an
    association program auditor conducts it), or a re-audit after a failed one.
    Certified → the first maintenance year whose window has not closed and has
    no audit yet; all done → the recertification, due by the expiry.
    """
    counting = _counting_audits(enrollment)
    if exclude is not None:
        counting = counting.exclude(pk=exclude.pk)
    if enrollment.status not in EnrollmentStatus.open_statuses():
        return None, Reason(
            "enrollment_closed",
            gettext(
                "The enrollment is %(status)s: no audit can be planned until "
                "the employer enrolls again."
            )
            % {"status": enrollment.get_status_display().lower()},
        )
    cycle = latest_cycle(enrollment) if enrollment.status == EnrollmentStatus.CERTIFIED else None
    if cycle is None:
        if counting.filter(cycle__isnull=True, status__in=AuditStatus.open_statuses()).exists():
            return None, Reason(
                "already_planned", gettext("A certification audit is already planned or in review.")
            )
        last = (
            Audit.objects.for_association(enrollment.association)
            .filter(enrollment=enrollment, cycle__isnull=True)
            .exclude(status=AuditStatus.CANCELLED)
            .order_by("-data_gathering_start")
            .first()
        )
        if last is not None and last.status == AuditStatus.FAILED:
            from .outcomes import failing_elements

            failing = tuple(failing_elements(last.outcome_reasons))
            slot = Slot(
                AuditType.RE_AUDIT,
                1,
                None,
                label=AUDIT_TYPE_LABELS[AuditType.RE_AUDIT],
                follows=last,
                failing_elements=failing,
            )
            return slot, None
        elif conducted_by == ConductedBy.PROGRAM_AUDITOR:
            kind = AuditType.BASELINE
        else:
            kind = AuditType.CERTIFICATION
        return Slot(kind, 1, None, label=AUDIT_TYPE_LABELS[kind]), None
    schedule = cycle_schedule_for(cycle, rules)
    taken = set(
        counting.filter(cycle=cycle, audit_type=AuditType.MAINTENANCE).values_list(
            "year", flat=True
        )
    )
    for plan in schedule.years[1:]:
        if plan.year in taken or plan.maintenance_due is None or plan.maintenance_due < today:
            continue
        return (
            Slot(
                AuditType.MAINTENANCE,
                plan.year,
                cycle,
                plan.maintenance_opens,
                plan.maintenance_due,
                f"Year {plan.year} maintenance",
            ),
            None,
        )
    if counting.filter(cycle__isnull=True, status__in=AuditStatus.open_statuses()).exists():
        return None, Reason(
            "already_planned", gettext("The recertification audit is already planned or in review.")
        )
    return (
        Slot(
            AuditType.RECERTIFICATION,
            1,
            None,
            None,
            schedule.expires_on,
            "Recertification",
        ),
        None,
    )


def training_report(*, employer, as_of: date, assessor_worker=None, program=None):
    """The employer's training compliance on ``as_of``.

    Training is a hard dependency of planning: an audit is never planned without
    this check (docs/rules.md#reading-planning-checks).
    """
    return compliance_for(
        employer=employer, as_of=as_of, assessor_worker=assessor_worker, program=program
    )


def assessor_holder_rule(program) -> tuple[frozenset[str] | None, str | None]:
    """Who may hold the program's training: employment types and province (from its rules).

    The union over the program's requirements that name holders (SCSA: full-time
    permanent Saskatchewan employees); the trained-employee types when none do.
    """
    from employers.eligibility import EMPLOYMENT_STATUSES
    from training.compliance import TRAINED_EMPLOYEE_STATUSES
    from training.selectors import requirement_rules

    # Employment statuses (docs/rules.md#reading-role-and-status): the role does not decide.
    rules = [r for r in requirement_rules(program) if not r.anyone]
    if not rules:
        return TRAINED_EMPLOYEE_STATUSES, None
    types = frozenset().union(
        *(
            r.holder_statuses if r.holder_statuses is not None else EMPLOYMENT_STATUSES
            for r in rules
        )
    )
    provinces = {r.province for r in rules}
    return types, provinces.pop() if len(provinces) == 1 else None


def candidate_of(worker: Worker) -> planning.Candidate:
    return planning.Candidate(
        worker.full_name,
        worker.employment_status,
        worker.province or "",
        worker.start_date,
        worker.end_date,
    )


def assessor_choices(employer, program, on: date):
    """The workers offered as the trained assessor: current on ``on``, able to hold the course.

    Former workers and people who cannot hold the course (subcontractors, part-time)
    are not offered (docs/rules.md#scsa-trained-employee).
    """
    holder_types, province = assessor_holder_rule(program) if program else (None, None)
    workers = Worker.objects.filter(employer=employer).order_by("full_name")
    ids = [
        w.pk
        for w in workers
        if planning.can_be_assessor(
            candidate_of(w), on=on, holder_types=holder_types, province=province
        )
    ]
    return workers.filter(pk__in=ids)


EXTERNAL_TYPES = ("consultant",)


def external_assessor_choices(employer, on: date):
    """People recorded as external assessors: consultants on the roster, not gone by ``on``."""
    return (
        Worker.objects.filter(employer=employer, employment_status__in=EXTERNAL_TYPES)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .order_by("full_name")
    )


def membership_of(enrollment: Enrollment) -> planning.Membership:
    """The enrollment's membership and whether the association requires one (1 query)."""
    from employers.selectors import secor_rule

    rule = secor_rule(enrollment.association)
    return planning.Membership(
        required=bool(rule and rule.requires_membership),
        number=enrollment.membership_number,
        expires_on=enrollment.membership_expires_on,
    )


def standing_reasons(enrollment: Enrollment, on: date) -> list[Reason]:
    """Good standing on ``on``: a current membership where one is required.

    Checked when planning, submitting and issuing (docs/rules.md#acsa-prerequisites).
    """
    return planning.membership_reasons(
        membership_of(enrollment), on=on, association=enrollment.association.short_name
    )


def size_limit_reasons(enrollment: Enrollment, today: date) -> list[Reason]:
    """SECOR only: an employer over the size limit applies for COR.

    docs/rules.md#compute-eligibility.
    """
    from employers.selectors import employer_eligibility
    from secor.models import ProgramKind

    if enrollment.program.kind != ProgramKind.SECOR:
        return []
    verdict = employer_eligibility(employer=enrollment.employer, today=today)
    if verdict is None:
        return []
    return planning.size_limit_reasons(
        applies=True,
        eligible=verdict.eligible,
        why=[r.message for r in verdict.reasons if r.blocking],
        apply_instead=verdict_program(enrollment),
    )


def verdict_program(enrollment: Enrollment) -> str:
    from employers.selectors import secor_rule

    rule = secor_rule(enrollment.association)
    return rule.over_limit_program if rule is not None else "COR"


def _milestone_accepted_on(enrollment: Enrollment, code: str) -> tuple[str, date | None]:
    from .models import MilestoneOutcome

    milestone = (
        Milestone.objects.for_association(enrollment.association)
        .filter(enrollment=enrollment, code=code)
        .order_by("-due_on")
        .first()
    )
    if milestone is None:
        return code, None
    accepted = milestone.met_on if milestone.outcome == MilestoneOutcome.ACCEPTED else None
    return milestone.label, accepted


def plan_check(
    *,
    enrollment: Enrollment,
    start: date,
    end: date,
    conducted_by: str,
    today: date,
    assessor_worker: Worker | None = None,
    assessor_name: str = "",
    audit: Audit | None = None,
    by_staff: bool = False,
    documentation_from: date | None = None,
    documentation_to: date | None = None,
) -> PlanCheck:
    """Everything that would void the audit, each with a clear message.

    docs/rules.md#reading-planning-checks. For an audit that already started (`audit`
    given), its own frozen rules and slot apply and only the dates and the assessor's
    training are checked again; otherwise the program's current rules, the next slot,
    the registration, good standing, the size limit, who conducts it and the
    documentation the planner confirms.
    """
    rules_row = None
    if audit is not None:
        rules = audit_rules(audit)
        slot = Slot(audit.audit_type, audit.year, audit.cycle, label=audit.get_audit_type_display())
        if audit.cycle is not None and audit.year:
            plan = cycle_schedule_for(audit.cycle, rules).years[audit.year - 1]
            slot = replace(slot, opens_on=plan.maintenance_opens, due_on=plan.maintenance_due)
        check = PlanCheck(slot, rules, audit.tool)
    else:
        rules_row = program_rules(enrollment.program)
        if rules_row is None:
            return PlanCheck(
                None,
                blockers=[
                    Reason(
                        "no_rules",
                        gettext("The association has not set up this program's rules yet."),
                    )
                ],
            )
        rules = rules_from_snapshot(rules_snapshot(rules_row))
        slot, why_not = next_slot(enrollment, rules, today, conducted_by=conducted_by)
        check = PlanCheck(slot, rules, current_tool(enrollment.program))
        if why_not is not None:
            check.blockers.append(why_not)
        if check.tool is None:
            check.blockers.append(
                Reason("no_tool", gettext("The association has not published an audit tool yet."))
            )
    if check.slot is None:
        return check
    slot = check.slot
    association = enrollment.association.short_name
    if audit is None:
        check.blockers += planning.registration_reasons(
            confirmed=enrollment.status != EnrollmentStatus.REGISTERED, association=association
        )
        check.blockers += standing_reasons(enrollment, max(start, today))
        check.blockers += size_limit_reasons(enrollment, today)

    gathering = sched.check_data_gathering(start, end, rules)
    check.blockers.extend(gathering.reasons)
    if slot.audit_type == AuditType.MAINTENANCE and slot.opens_on and slot.due_on:
        if start < slot.opens_on or end > slot.due_on:
            check.blockers.append(
                Reason(
                    "outside_maintenance_window",
                    gettext(
                        "The year %(year)s maintenance audit must take place between "
                        "%(opens_on)s and %(due_on)s; these dates are %(start)s to "
                        "%(end)s."
                    )
                    % {
                        "year": slot.year,
                        "opens_on": slot.opens_on,
                        "due_on": slot.due_on,
                        "start": start,
                        "end": end,
                    },
                )
            )
    elif slot.due_on and end > slot.due_on:
        check.blockers.append(
            Reason(
                "after_expiry",
                gettext(
                    "The recertification audit must end by the certificate's "
                    "expiry on %(due_on)s; this one ends %(end)s."
                )
                % {"due_on": slot.due_on, "end": end},
            )
        )
    check.submission_due = sched.submission_deadline(end, rules)
    if audit is None:
        check.blockers += planning.past_audit_reasons(
            end=end, submission_due=check.submission_due, today=today, by_staff=by_staff
        )
    if (
        slot.audit_type == AuditType.MAINTENANCE
        and check.submission_due
        and slot.due_on
        and check.submission_due > slot.due_on
    ):
        check.notes.append(
            f"Submit it as soon as it is written up: the report is due by {check.submission_due}."
        )

    # Who conducts it.
    certification = slot.audit_type in (AuditType.CERTIFICATION, AuditType.BASELINE)
    if conducted_by not in ConductedBy.values:
        check.blockers.append(
            Reason("conducted_by_missing", gettext("Choose who conducts the audit."))
        )
    elif audit is None:
        check.blockers += planning.conductor_reasons(
            conducted_by=conducted_by,
            certification=certification,
            program_auditor_only=bool(rules_row and rules_row.certification_by_program_auditor),
            by_staff=by_staff,
            association=association,
        )
    if conducted_by in (ConductedBy.TRAINED_ASSESSOR, ConductedBy.EXTERNAL_ASSESSOR):
        external = conducted_by == ConductedBy.EXTERNAL_ASSESSOR
        if assessor_worker is None:
            message = (
                gettext("Choose the external assessor, or record one first.")
                if external
                else gettext("Choose the trained assessor from your workers.")
            )
            check.blockers.append(Reason("assessor_missing", message))
        elif assessor_worker.employer_id != enrollment.employer_id:
            check.blockers.append(
                Reason(
                    "assessor_missing",
                    gettext("The assessor must be one of the employer's workers."),
                )
            )
        elif external:
            check.blockers += planning.assessor_reasons(
                candidate_of(assessor_worker), on=start, holder_types=None, province=None
            )
        else:
            holder_types, province = assessor_holder_rule(enrollment.program)
            check.blockers += planning.assessor_reasons(
                candidate_of(assessor_worker),
                on=start,
                holder_types=holder_types,
                province=province,
            )

    # SCSA's baseline: after the manual review and 6 months of HSMS.
    if audit is None and certification and rules_row and rules_row.certification_after_milestone:
        label, accepted_on = _milestone_accepted_on(
            enrollment, rules_row.certification_after_milestone
        )
        check.blockers += planning.baseline_milestone_reasons(
            milestone_label=label, accepted_on=accepted_on, audit_start=start
        )
    if audit is None and certification:
        check.blockers += planning.documentation_reasons(
            months=rules.min_documentation_months,
            window_months=rules.min_documentation_window_months,
            starts_on=documentation_from,
            ends_on=documentation_to,
            audit_start=start,
        )

    # Training valid at the start of data gathering (docs/rules.md#amta-training:
    # "Training must be valid and up to date prior to conducting audit").
    report = training_report(
        employer=enrollment.employer,
        as_of=start,
        assessor_worker=assessor_worker
        if conducted_by in (ConductedBy.TRAINED_ASSESSOR, ConductedBy.EXTERNAL_ASSESSOR)
        else None,
        program=enrollment.program,
    )
    check.training_checked = True
    for verdict in report.verdicts:
        if verdict.met:
            continue
        for reason in verdict.reasons:
            check.blockers.append(Reason(f"training:{reason.code}", reason.message))
        if not verdict.reasons:
            name = getattr(verdict.requirement, "label", "") or getattr(
                verdict.requirement, "code", "a training requirement"
            )
            check.blockers.append(
                Reason(
                    "training:not_met",
                    gettext("Training requirement not met on %(start)s: %(name)s.")
                    % {"start": start, "name": name},
                )
            )
    return check


# --- Screens -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    on: date
    label: str
    kind: str  # anniversary, maintenance, notice, expiry, submission, milestone, letter
    done: bool = False


def audit_deadlines(audit: Audit) -> list[Deadline]:
    rules = audit_rules(audit)
    out = []
    due = sched.submission_deadline(audit.data_gathering_end, rules)
    if due is not None:
        out.append(
            Deadline(
                due,
                gettext("%(audit_type)s audit report due")
                % {"audit_type": audit.get_audit_type_display()},
                "submission",
                audit.received_on is not None,
            )
        )
    return out


def cycle_deadlines(schedule: sched.CycleSchedule, done_years=frozenset()) -> list[Deadline]:
    """A cycle's dates (pure): each anniversary, maintenance due date and notice, the expiry.

    `done_years`: the years whose maintenance audit is done (received, or
    conducted and still on time to be).
    """
    out = []
    for plan in schedule.years:
        out.append(
            Deadline(
                plan.period_start,
                gettext("Anniversary, start of year %(year)s") % {"year": plan.year},
                "anniversary",
            )
        )
        if plan.maintenance_due:
            out.append(
                Deadline(
                    plan.maintenance_due,
                    gettext("Year %(year)s maintenance audit due") % {"year": plan.year},
                    "maintenance",
                    plan.year in done_years,
                )
            )
        if plan.notice_on:
            out.append(
                Deadline(
                    plan.notice_on,
                    gettext("Year %(year)s maintenance notice") % {"year": plan.year},
                    "notice",
                )
            )
    out.append(Deadline(schedule.expires_on, gettext("Certificate expires"), "expiry"))
    return out


@dataclass
class EnrollmentTimeline:
    enrollment: Enrollment
    cycle: AuditCycle | None
    start: date
    end: date
    today: date
    years: list[sched.YearPlan]
    audits: list[Audit]
    deadlines: list[Deadline]
    certificate: Certificate | None = None

    @property
    def closed_on(self) -> date | None:
        """When the enrollment closed (cancelled, de-rolled, lapsed…); None while open."""
        if self.enrollment.status in EnrollmentStatus.open_statuses():
            return None
        return self.enrollment.status_changed_on or self.today

    @property
    def next_deadline(self) -> Deadline | None:
        """The next date the employer must meet (an anniversary or a notice is not one)."""
        if self.closed_on is not None:
            return None
        upcoming = [
            d
            for d in self.deadlines
            if d.on >= self.today and not d.done and d.kind not in ("anniversary", "notice")
        ]
        return min(upcoming, key=lambda d: d.on) if upcoming else None


def enrollment_timeline(enrollment: Enrollment, today: date) -> EnrollmentTimeline:
    return timelines_for([enrollment], today)[0]


def _group(rows, key) -> dict:
    grouped: dict = {}
    for row in rows:
        grouped.setdefault(getattr(row, key), []).append(row)
    return grouped


def timelines_for(
    enrollments: list[Enrollment], today: date, *, association=None
) -> list[EnrollmentTimeline]:
    """The timeline of each enrollment (one association's), in order.

    3 queries whatever the number of enrollments, cycles, audits, milestones
    and certificates: the rules, the audits, and the enrollments with their other rows.
    """
    if not enrollments:
        return []
    association = association or enrollments[0].association
    ids = [e.pk for e in enrollments]
    rules_of = {}
    for row in ProgramRules.objects.for_association(association).filter(
        program__in={e.program_id for e in enrollments}
    ):
        rules_of.setdefault(row.program_id, rules_from_snapshot(rules_snapshot(row)))
    audits_of = _group(
        Audit.objects.for_association(association)
        .filter(enrollment__in=ids)
        .select_related("tool")
        .order_by("data_gathering_start"),
        "enrollment_id",
    )
    # One query: each enrollment's cycles, milestones, letters and certificates.
    children = {
        pk: rows
        for pk, *rows in Enrollment.objects.for_association(association)
        .filter(pk__in=ids)
        .annotate(
            cycle_rows=related_rows(
                AuditCycle.objects.for_association(association),
                "enrollment",
                ["association", "employer", "enrollment", "certification_date", "ends_on"]
                + ["recertification"],
            ),
            milestone_rows=related_rows(
                Milestone.objects.for_association(association),
                "enrollment",
                ["association", "employer", "enrollment", "code", "label", "opens_on"]
                + ["due_on", "outcome", "met_on"],
            ),
            letter_rows=related_rows(
                MilestoneLetter.objects.for_association(association),
                "enrollment",
                ["association", "employer", "enrollment", "number", "issued_on", "expires_on"],
            ),
            certificate_rows=related_rows(
                Certificate.objects.for_association(association),
                "enrollment",
                ["association", "number", "employer", "enrollment", "cycle", "program"]
                + ["issued_on", "expires_on", "status"],
            ),
        )
        .values_list("pk", "cycle_rows", "milestone_rows", "letter_rows", "certificate_rows")
    }
    latest, milestones_of, letters_of, certificates_of = {}, {}, {}, {}
    for pk, (cycles, milestones, letters, certificates) in children.items():
        # Newest first, as `latest_cycle` and the models' orderings read them.
        cycles = rows_of(AuditCycle, cycles)
        latest[pk] = max(cycles, key=lambda c: c.certification_date, default=None)
        milestones_of[pk] = sorted(rows_of(Milestone, milestones), key=lambda m: (m.due_on, m.code))
        letters_of[pk] = sorted(rows_of(MilestoneLetter, letters), key=lambda m: m.number)
        for certificate in sorted(
            rows_of(Certificate, certificates), key=lambda c: (c.issued_on, c.pk), reverse=True
        ):
            certificates_of.setdefault(certificate.cycle_id, []).append(certificate)
    return [
        _timeline(
            enrollment,
            today,
            rules=rules_of.get(enrollment.program_id),
            cycle=latest.get(enrollment.pk),
            every_audit=audits_of.get(enrollment.pk, []),
            milestones=milestones_of.get(enrollment.pk, []),
            letters=letters_of.get(enrollment.pk, []),
            certificates=certificates_of,
        )
        for enrollment in enrollments
    ]


def _timeline(
    enrollment, today, *, rules, cycle, every_audit, milestones, letters, certificates
) -> EnrollmentTimeline:
    """One enrollment's timeline from its rows, already read (no query)."""
    audits = [a for a in every_audit if a.status != AuditStatus.CANCELLED]
    deadlines: list[Deadline] = []
    years: list[sched.YearPlan] = []
    if cycle is not None and rules is not None:
        schedule = cycle_schedule_for(
            cycle, rules, [a for a in every_audit if a.cycle_id == cycle.pk]
        )
        years = list(schedule.years)
        done_years = maintenance_years_done(
            cycle, today, rules=rules, audits=[a for a in audits if a.cycle_id == cycle.pk]
        )
        deadlines.extend(cycle_deadlines(schedule, done_years))
        start, end = cycle.certification_date, schedule.expires_on
    else:
        start = enrollment.registered_on
        end = sched.add_months(start, 18)
    for m in milestones:
        deadlines.append(Deadline(m.due_on, m.label, "milestone", m.outcome == "accepted"))
    for letter in letters:
        deadlines.append(
            Deadline(
                letter.expires_on,
                gettext("Milestone letter #%(number)s expires") % {"number": letter.number},
                "letter",
            )
        )
    for audit in audits:
        if audit.is_open:
            deadlines.extend(audit_deadlines(audit))
    if cycle is None:
        end = max([end] + [d.on for d in deadlines] + [a.data_gathering_end for a in audits])
    deadlines.sort(key=lambda d: (d.on, d.label))
    visible = [a for a in audits if a.data_gathering_end >= start and a.data_gathering_start <= end]
    certificate = None
    if cycle is not None:
        # As `cycle_certificate`: the live one, else the latest (rows newest first).
        rows = certificates.get(cycle.pk, [])
        certificate = next((c for c in rows if c.status in LIVE_CERTIFICATE), None) or next(
            iter(rows), None
        )
    return EnrollmentTimeline(
        enrollment, cycle, start, end, today, years, visible, deadlines, certificate
    )


def open_enrollments(employer) -> list[Enrollment]:
    return list(
        Enrollment.objects.for_association(employer.association)
        .filter(employer=employer, status__in=EnrollmentStatus.open_statuses())
        .select_related("program", "association")
        .order_by("registered_on")
    )


def employer_enrollments(employer) -> list[Enrollment]:
    """Open enrollments first, then the most recent closed one (its timeline explains why)."""
    rows = list(
        Enrollment.objects.for_association(employer.association)
        .filter(employer=employer)
        .select_related("program", "association")
        .order_by("-registered_on")
    )
    opened = [e for e in rows if e.status in EnrollmentStatus.open_statuses()]
    return opened or rows[:1]


def shown_enrollments(rows: list[Enrollment]) -> list[Enrollment]:
    """``employer_enrollments`` of the employer's enrollments already read (any order)."""
    rows = sorted(rows, key=lambda e: e.registered_on, reverse=True)
    opened = [e for e in rows if e.status in EnrollmentStatus.open_statuses()]
    return opened or rows[:1]


def employer_timelines(
    employer, today: date, *, enrollments: list[Enrollment] | None = None
) -> list[EnrollmentTimeline]:
    """The timelines of ``employer_enrollments``, read once per request (at most 4 queries).

    The employer home's audits panel and its checklist read this one result
    (``secor.request_memo``). ``enrollments``: the employer's enrollments with
    their programs, when read already (the employer home's).
    """

    def read():
        shown = (
            employer_enrollments(employer)
            if enrollments is None
            else shown_enrollments(enrollments)
        )
        return timelines_for(shown, today, association=employer.association)

    return once(("audits.employer_timelines", employer.pk, today), read)


def employer_next_deadline(
    employer, today: date, *, enrollments: list[Enrollment] | None = None
) -> Deadline | None:
    """The earliest next deadline of the employer's open enrollments."""
    timelines = employer_timelines(employer, today, enrollments=enrollments)
    found = [
        d
        for tl in sorted(timelines, key=lambda t: t.enrollment.registered_on)
        if (d := tl.next_deadline) is not None
    ]
    return min(found, key=lambda d: d.on) if found else None


def staff_audit_counts(association, today: date, *, soon_days: int = 30) -> dict[str, int]:
    """Open audits whose report is due soon, and overdue ones (by their own rules).

    One aggregate over the stored due dates (`Audit.submission_due_on`, an indexed
    copy of the schedule's deadline): no audit is loaded.
    """
    counts = (
        Audit.objects.for_association(association)
        .filter(status=AuditStatus.PLANNED, submission_due_on__isnull=False)
        .aggregate(
            overdue=Count("pk", filter=Q(submission_due_on__lt=today)),
            due_soon=Count(
                "pk",
                filter=Q(
                    submission_due_on__gte=today,
                    submission_due_on__lte=today + timedelta(days=soon_days),
                ),
            ),
        )
    )
    return {"due_soon": counts["due_soon"], "overdue": counts["overdue"]}


def audit_due_on(audit: Audit) -> date | None:
    """When the audit is next due: its report while planned, else nothing."""
    if audit.status != AuditStatus.PLANNED:
        return None
    return audit.submission_due_on


@dataclass(frozen=True)
class BoardRow:
    enrollment: Enrollment
    current: Milestone | None
    milestones: list[Milestone]
    letters: list[MilestoneLetter]
    letter_expiring: MilestoneLetter | None
    missed: list[str]

    @property
    def deroll_candidate(self) -> bool:
        return bool(self.missed)


def milestone_board_queryset(association):
    """Registrants on the board: open enrollments with a milestone or a letter.

    `Exists` on the indexed foreign keys: an association whose program has no
    milestones (ACSA) gets an empty board from one cheap query.
    """
    has_milestones = Milestone.objects.for_association(association).filter(
        enrollment=OuterRef("pk")
    )
    has_letters = MilestoneLetter.objects.for_association(association).filter(
        enrollment=OuterRef("pk")
    )
    return (
        Enrollment.objects.for_association(association)
        .filter(status__in=[EnrollmentStatus.REGISTERED, EnrollmentStatus.IN_PROGRESS])
        .filter(Exists(has_milestones) | Exists(has_letters))
        .select_related("employer", "program", "association")
        .order_by("registered_on", "pk")
    )


def board_rows(
    association, enrollments, today: date, *, letter_days: int = 30
) -> dict[int, BoardRow]:
    """The board rows of `enrollments` (a page of them), in two queries whatever their number."""
    ids = [e.pk for e in enrollments]
    milestones: dict[int, list[Milestone]] = {}
    for m in Milestone.objects.for_association(association).filter(enrollment_id__in=ids):
        milestones.setdefault(m.enrollment_id, []).append(m)
    letters: dict[int, list[MilestoneLetter]] = {}
    for letter in MilestoneLetter.objects.for_association(association).filter(
        enrollment_id__in=ids
    ):
        letters.setdefault(letter.enrollment_id, []).append(letter)
    rows = {}
    for enrollment in enrollments:
        ms = milestones.get(enrollment.pk, [])
        ls = letters.get(enrollment.pk, [])
        current = next((m for m in ms if m.outcome != "accepted"), None)
        numbers = {letter.number for letter in ls}
        expiring = next(
            (
                letter
                for letter in sorted(ls, key=lambda x: x.expires_on)
                if letter.number + 1 not in numbers
                and letter.number < 2
                and today <= letter.expires_on <= today + timedelta(days=letter_days)
            ),
            None,
        )
        missed = [
            f"{p.deadline.label} (due {p.deadline.due_on})"
            for p in progress_from(ms, ls)
            if not p.met and p.deadline.due_on < today
        ]
        rows[enrollment.pk] = BoardRow(enrollment, current, ms, ls, expiring, missed)
    return rows


def milestone_board(association, today: date, *, letter_days: int = 30) -> list[BoardRow]:
    """Registrants: which milestone each is at, letters expiring, de-roll candidates."""
    enrollments = list(milestone_board_queryset(association))
    rows = board_rows(association, enrollments, today, letter_days=letter_days)
    return [rows[e.pk] for e in enrollments]


def certificate_status_label(cycle: AuditCycle | None) -> str:
    certificate = None if cycle is None else cycle_certificate(cycle)
    return "" if certificate is None else CertificateStatus(certificate.status).value


def score_audit_of(audit: Audit):
    """The saved scores of an audit, scored against its own tool version and pass marks."""
    from .scoring import score_audit

    return score_audit(audit_specs(audit), audit_points(audit), audit_pass_marks(audit))


# --- Program dashboard ------------------------------------------------------------------


def audits_by_status(association) -> dict[str, int]:
    """How many audits are in each stored status (one query)."""
    rows = Audit.objects.for_association(association).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows.order_by()}


def certificates_expiring_by_month(
    association, *, today: date, days: int = 90
) -> list[tuple[date, int]]:
    """Valid certificates expiring from ``today`` to ``today + days``, per calendar month
    of expiry, every month of that window listed (one query)."""
    from django.db.models.functions import TruncMonth

    horizon = today + timedelta(days=days)
    found = {
        row["month"]: row["n"]
        for row in Certificate.objects.for_association(association)
        .filter(status=CertificateStatus.VALID, expires_on__gte=today, expires_on__lte=horizon)
        .annotate(month=TruncMonth("expires_on"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    }
    months, month = [], today.replace(day=1)
    while month <= horizon:
        months.append((month, found.get(month, 0)))
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def association_has_milestones(association) -> bool:
    """True when a program's rules name registration milestones.

    An association without milestones gets no milestone menu. Asked on every
    staff page (the menu), so cached; the rules services clear it on a change.
    """
    from django.core.cache import cache

    key = milestones_cache_key(association.pk)
    found = cache.get(key)
    if found is None:
        rules = ProgramRules.objects.for_association(association).exclude(milestones=[])
        found = rules.exists()
        cache.set(key, found, timeout=600)
    return found


def milestones_cache_key(association_id: int) -> str:
    return f"audits:has-milestones:{association_id}"
