"""Writes: one function per action, keyword-only, in a transaction, with an audit-trail row.

Services validate with `full_clean()` and the pure rules, and raise
`ValidationError` with messages a person can act on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from employers.models import Enrollment, EnrollmentStatus
from secor.audit import actor_or_none, record
from secor.dates import association_today
from secor.models import Program
from secor.tenancy import activate

from . import outcomes, selectors
from . import schedule as sched
from .models import (
    Audit,
    AuditCycle,
    AuditStatus,
    AuditTool,
    AuditType,
    ConductedBy,
    Element,
    ElementScore,
    Milestone,
    MilestoneLetter,
    MilestoneOutcome,
    ProgramRules,
)
from .scoring import ElementSpec, ScoreResult, score_audit, validate_tool
from .seeds import seed_association
from .snapshot import PLANNING_RULE_FIELDS, RULE_FIELDS, rules_from_snapshot, rules_snapshot

# The certificate number pattern is edited with the rules but not frozen in an
# audit's snapshot: numbering happens at issue time.
EDITABLE_RULE_FIELDS = (*RULE_FIELDS, *PLANNING_RULE_FIELDS, "certificate_number_pattern")


def _raise(reasons) -> None:
    if reasons:
        raise ValidationError([r.message for r in reasons])


# --- Set-up ------------------------------------------------------------------------


def program_setup_seed(*, association, seed_key: str) -> list[ProgramRules]:
    """Seed an association's program rules and version-1 audit tools (idempotent).

    `seed_key` names an entry of `audits.seeds.SEEDS` ("amta", "acsa", "scsa");
    rows that already exist are left as the admin edited them.
    """
    with transaction.atomic(), activate(association):
        created = seed_association(apps.get_model, association, seed_key)
        for rules in created:
            record(
                association=association,
                actor=None,
                action="audits.rules_seeded",
                obj=rules,
                summary=f"Seeded {rules} from the {seed_key.upper()} seed",
            )
    return created


@transaction.atomic
def rules_update(*, rules: ProgramRules, actor, data: Mapping) -> ProgramRules:
    """Change a program's rules. Audits already started keep their snapshot."""
    before = {
        **rules_snapshot(rules),
        "certificate_number_pattern": rules.certificate_number_pattern,
    }
    for name in EDITABLE_RULE_FIELDS:
        if name in data:
            setattr(rules, name, data[name])
    rules.full_clean()
    rules.save()
    after = {
        **rules_snapshot(rules),
        "certificate_number_pattern": rules.certificate_number_pattern,
    }
    changed = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    _forget_milestones_flag(rules.association_id)
    record(
        association=rules.association,
        actor=actor,
        action="audits.rules_updated",
        obj=rules,
        summary=f"Updated {rules}: {', '.join(changed) or 'no change'}",
        changed=changed,
    )
    return rules


def _forget_milestones_flag(association_id: int) -> None:
    from django.core.cache import cache

    key = selectors.milestones_cache_key(association_id)
    cache.delete(key)
    # Again once committed: a page read between the two may have cached the old rules.
    transaction.on_commit(lambda: cache.delete(key))


@transaction.atomic
def rules_create(*, program: Program, actor, data: Mapping) -> ProgramRules:
    """First rules for a program with no seed (docs/rules.md § Reading — no seed)."""
    rules = ProgramRules(association=program.association, program=program)
    for name in EDITABLE_RULE_FIELDS:
        if name in data:
            setattr(rules, name, data[name])
    rules.full_clean()
    rules.save()
    _forget_milestones_flag(program.association_id)
    record(
        association=program.association,
        actor=actor,
        action="audits.rules_created",
        obj=rules,
        summary=f"Created {rules}",
    )
    return rules


# --- Audit tools ---------------------------------------------------------------------


@transaction.atomic
def tool_create_draft(*, program: Program, actor, name: str = "") -> AuditTool:
    """A new draft version, copied from the latest published one (or empty)."""
    association = program.association
    tools = AuditTool.objects.for_association(association).filter(program=program)
    if tools.filter(status=AuditTool.Status.DRAFT).exists():
        raise ValidationError(
            gettext("This program already has a draft: edit or publish it first.")
        )
    latest = selectors.current_tool(program)
    version = (tools.order_by("-version").values_list("version", flat=True).first() or 0) + 1
    tool = AuditTool(
        association=association,
        program=program,
        version=version,
        name=name or (latest.name if latest else f"{program} audit tool"),
    )
    tool.full_clean()
    tool.save()
    if latest is not None:
        Element.objects.bulk_create(
            Element(
                association=association,
                tool=tool,
                number=e.number,
                name=e.name,
                max_points=e.max_points,
                min_percent=e.min_percent,
                supplemental=e.supplemental,
            )
            for e in Element.objects.for_association(association).filter(tool=latest)
        )
    record(
        association=association,
        actor=actor,
        action="audits.tool_draft_created",
        obj=tool,
        summary=f"Started draft {tool}",
    )
    return tool


def _element_specs(rows: Iterable[Mapping]) -> list[ElementSpec]:
    specs = []
    for row in rows:
        specs.append(
            ElementSpec(
                int(row["number"]),
                str(row["name"]),
                Decimal(str(row["max_points"])),
                None if row.get("min_percent") in (None, "") else Decimal(str(row["min_percent"])),
                bool(row.get("supplemental")),
            )
        )
    return specs


@transaction.atomic
def tool_update_elements(*, tool: AuditTool, actor, elements: Iterable[Mapping], name=None):
    """Replace a draft's elements. Published versions never change: audits point at them."""
    tool = AuditTool.objects.for_association(tool.association).select_for_update().get(pk=tool.pk)
    if not tool.is_draft:
        raise ValidationError(
            gettext("Version %(version)s is published and cannot change; start a new draft.")
            % {"version": tool.version}
        )
    specs = _element_specs(elements)
    _raise(validate_tool(specs))
    if name:
        tool.name = name
        tool.full_clean()
        tool.save(update_fields=["name"])
    Element.objects.for_association(tool.association).filter(tool=tool).delete()
    for spec in specs:
        element = Element(
            association=tool.association,
            tool=tool,
            number=spec.number,
            name=spec.name,
            max_points=spec.max_points,
            min_percent=spec.min_percent,
            supplemental=spec.supplemental,
        )
        element.full_clean()
        element.save()
    record(
        association=tool.association,
        actor=actor,
        action="audits.tool_elements_updated",
        obj=tool,
        summary=f"Edited the elements of draft {tool} ({len(specs)} elements)",
    )
    return tool


@transaction.atomic
def tool_publish_version(*, tool: AuditTool, actor) -> AuditTool:
    """Publish a draft: new audits use it; started audits keep their version."""
    tool = AuditTool.objects.for_association(tool.association).select_for_update().get(pk=tool.pk)
    if not tool.is_draft:
        raise ValidationError(
            gettext("Version %(version)s is already published.") % {"version": tool.version}
        )
    _raise(validate_tool(selectors.tool_specs(tool)))
    tool.status = AuditTool.Status.PUBLISHED
    tool.published_at = timezone.now()
    tool.published_by = actor_or_none(actor)
    tool.full_clean()
    tool.save(update_fields=["status", "published_at", "published_by"])
    record(
        association=tool.association,
        actor=actor,
        action="audits.tool_published",
        obj=tool,
        summary=f"Published {tool}",
    )
    return tool


# --- Audits --------------------------------------------------------------------------


@transaction.atomic
def audit_plan(
    *,
    enrollment: Enrollment,
    data_gathering_start: date,
    data_gathering_end: date,
    conducted_by: str,
    actor,
    assessor_worker=None,
    assessor_name: str = "",
    today: date | None = None,
    limited_scope: bool = False,
    by_staff: bool = False,
    documentation_from: date | None = None,
    documentation_to: date | None = None,
) -> Audit:
    """Plan the next audit of an enrollment; its type comes from the cycle year.

    Raises ValidationError listing everything that would void it
    (docs/rules.md#reading-planning-checks: registration confirmed by staff, good
    standing, the size limit, dates against the rules and the cycle year's window, who
    conducts it, the assessor's own training valid on the first day of data gathering,
    the documentation confirmed). After a failed certification the next audit is a
    re-audit, or with `limited_scope` a limited-scope audit covering only the elements
    that failed. A new audit starts with no scores: nothing is copied from last year's.
    """
    association = enrollment.association
    enrollment = (
        Enrollment.objects.for_association(association).select_for_update().get(pk=enrollment.pk)
    )
    today = today or association_today(association)
    check = selectors.plan_check(
        enrollment=enrollment,
        start=data_gathering_start,
        end=data_gathering_end,
        conducted_by=conducted_by,
        today=today,
        assessor_worker=assessor_worker,
        assessor_name=assessor_name,
        by_staff=by_staff,
        documentation_from=documentation_from,
        documentation_to=documentation_to,
    )
    _raise(check.blockers)
    rules_row = selectors.program_rules(enrollment.program)
    slot = check.slot
    audit_type, scope = slot.audit_type, []
    if limited_scope:
        if slot.follows is None:
            raise ValidationError(
                gettext(
                    "A limited-scope audit follows a failed certification audit; this one is "
                    "a %(audit)s."
                )
                % {"audit": slot.label.lower()}
            )
        if not slot.failing_elements:
            raise ValidationError(
                gettext(
                    "The failed audit fell short overall, not on particular elements: plan a "
                    "full re-audit."
                )
            )
        audit_type, scope = AuditType.LIMITED_SCOPE, list(slot.failing_elements)
    audit = Audit(
        association=association,
        employer=enrollment.employer,
        enrollment=enrollment,
        cycle=slot.cycle,
        year=slot.year,
        audit_type=audit_type,
        follows=slot.follows,
        scope_elements=scope,
        conducted_by=conducted_by,
        assessor_worker=assessor_worker
        if conducted_by in (ConductedBy.TRAINED_ASSESSOR, ConductedBy.EXTERNAL_ASSESSOR)
        else None,
        assessor_name=assessor_name
        or (assessor_worker.full_name if assessor_worker is not None else ""),
        documentation_from=documentation_from,
        documentation_to=documentation_to,
        documentation_confirmed_by=actor
        if documentation_from is not None and actor is not None and actor.is_authenticated
        else None,
        data_gathering_start=data_gathering_start,
        data_gathering_end=data_gathering_end,
        tool=check.tool,
        rules_snapshot=rules_snapshot(rules_row),
        created_by=actor_or_none(actor),
    )
    audit.full_clean()
    audit.save()
    record(
        association=association,
        actor=actor,
        action="audits.audit_planned",
        obj=audit,
        summary=f"Planned {audit}",
        start=str(data_gathering_start),
        end=str(data_gathering_end),
        tool_version=audit.tool.version,
        scope_elements=scope,
        documentation=[str(documentation_from), str(documentation_to)]
        if documentation_from
        else None,
    )
    return audit


@transaction.atomic
def audit_update_dates(
    *, audit: Audit, data_gathering_start: date, data_gathering_end: date, actor, today=None
) -> Audit:
    """Move a planned audit's dates, checked against the rules it started under."""
    audit = Audit.objects.for_association(audit.association).select_for_update().get(pk=audit.pk)
    if audit.status != AuditStatus.PLANNED:
        raise ValidationError(_closed_message(audit, "its dates can no longer change"))
    check = selectors.plan_check(
        enrollment=audit.enrollment,
        start=data_gathering_start,
        end=data_gathering_end,
        conducted_by=audit.conducted_by,
        today=today or association_today(audit.association),
        assessor_worker=audit.assessor_worker,
        assessor_name=audit.assessor_name,
        audit=audit,
    )
    _raise(check.blockers)
    before = (str(audit.data_gathering_start), str(audit.data_gathering_end))
    audit.data_gathering_start = data_gathering_start
    audit.data_gathering_end = data_gathering_end
    audit.full_clean()
    audit.save(update_fields=["data_gathering_start", "data_gathering_end", "updated_at"])
    record(
        association=audit.association,
        actor=actor,
        action="audits.audit_dates_changed",
        obj=audit,
        summary=f"Moved {audit} from {before[0]}–{before[1]}",
    )
    return audit


def _closed_message(audit: Audit, what: str) -> str:
    if audit.status == AuditStatus.RECEIVED:
        return f"This audit was received on {audit.received_on}: {what}."
    return f"This audit is {audit.get_status_display().lower()}: {what}."


@transaction.atomic
def audit_cancel(*, audit: Audit, actor) -> Audit:
    audit = Audit.objects.for_association(audit.association).select_for_update().get(pk=audit.pk)
    if audit.status == AuditStatus.CANCELLED:
        return audit
    if audit.status != AuditStatus.PLANNED:
        raise ValidationError(_closed_message(audit, "it can no longer be cancelled"))
    audit.status = AuditStatus.CANCELLED
    audit.save(update_fields=["status", "updated_at"])
    record(
        association=audit.association,
        actor=actor,
        action="audits.audit_cancelled",
        obj=audit,
        summary=f"Cancelled {audit}",
    )
    return audit


@transaction.atomic
def audit_mark_received(
    *, audit: Audit, actor, received_on: date | None = None, received_at: datetime | None = None
) -> Audit:
    """The audit (or maintenance package) arrived; the submissions issue calls this.

    Give the upload instant as `received_at`: it counts on its local date in the
    association's zone, so a 23:30 Edmonton upload on the due date is on time.
    """
    if received_at is not None:
        received_on = sched.local_date(received_at, audit.association.time_zone)
    if received_on is None:
        raise ValueError("received_on or received_at is required")
    audit = Audit.objects.for_association(audit.association).select_for_update().get(pk=audit.pk)
    if audit.received_on is not None and audit.status != AuditStatus.CANCELLED:
        return audit  # idempotent: the first receipt date stands
    if audit.status != AuditStatus.PLANNED:
        raise ValidationError(_closed_message(audit, "it cannot be received"))
    if received_on < audit.data_gathering_start:
        raise ValidationError(
            gettext("An audit cannot be received before its data gathering starts.")
        )
    audit.received_on = received_on
    audit.status = AuditStatus.RECEIVED
    audit.save(update_fields=["received_on", "status", "updated_at"])
    late = sched.is_submission_late(
        received_on, audit.data_gathering_end, selectors.audit_rules(audit)
    )
    record(
        association=audit.association,
        actor=actor,
        action="audits.audit_received",
        obj=audit,
        summary=f"Received {audit}{' (late)' if late else ''}",
        late=late,
    )
    return audit


def _parse_points(points: Mapping[int, object]) -> tuple[dict[int, Decimal], list[str]]:
    parsed, errors = {}, []
    for number, value in points.items():
        if value in (None, ""):
            continue
        try:
            parsed[int(number)] = Decimal(str(value))
        except (InvalidOperation, ValueError):
            errors.append(f"Element {number}: “{value}” is not a number.")
    return parsed, errors


def score_preview(*, audit: Audit, points: Mapping[int, object]) -> ScoreResult:
    """Running totals and the pass/fail preview of unsaved points (the htmx partial)."""
    parsed, _errors = _parse_points(points)
    return score_audit(selectors.audit_specs(audit), parsed, selectors.audit_pass_marks(audit))


@transaction.atomic
def scores_save(
    *,
    audit: Audit,
    points: Mapping[int, object],
    actor,
    comments: Mapping[int, str] | None = None,
    today: date | None = None,
) -> ScoreResult:
    """Save element scores against the audit's own tool version and pass marks.

    Missing elements may be saved (a reviewer scores in several sittings);
    negative points, points above an element's maximum, unknown elements and
    non-numbers are refused with one message each. Nothing can be scored
    before data gathering starts; a limited-scope audit scores only its scope.
    """
    audit = Audit.objects.for_association(audit.association).select_for_update().get(pk=audit.pk)
    if audit.status not in AuditStatus.open_statuses():
        raise ValidationError(
            gettext("This audit is %(status)s: its scores can no longer change.")
            % {"status": audit.get_status_display().lower()}
        )
    today = today or association_today(audit.association)
    if today < audit.data_gathering_start:
        raise ValidationError(
            gettext("Data gathering starts on %(start)s: scores can be entered from that day.")
            % {"start": audit.data_gathering_start}
        )
    parsed, errors = _parse_points(points)
    specs = selectors.audit_specs(audit)
    result = score_audit(specs, parsed, selectors.audit_pass_marks(audit))
    errors += [
        r.message
        for r in result.reasons
        if r.code in ("negative_score", "score_above_maximum", "unknown_element")
        or r.code in ("empty_tool", "duplicate_element_number")
    ]
    if errors:
        raise ValidationError(errors)
    elements = {
        e.number: e
        for e in Element.objects.for_association(audit.association).filter(tool=audit.tool)
    }
    comments = comments or {}
    for number, value in parsed.items():
        element = elements[number]
        ElementScore.objects.for_association(audit.association).update_or_create(
            association=audit.association,
            audit=audit,
            element=element,
            defaults={
                "points": value,
                "max_points": element.max_points,
                "comment": comments.get(number, ""),
                "scored_by": actor_or_none(actor),
            },
        )
    audit.overall_percent = (
        None
        if result.overall_percent is None
        else result.overall_percent.quantize(Decimal("0.001"))
    )
    audit.save(update_fields=["overall_percent", "updated_at"])
    record(
        association=audit.association,
        actor=actor,
        action="audits.scores_saved",
        obj=audit,
        summary=f"Scored {len(parsed)} elements of {audit}",
        overall=None if result.overall_display is None else str(result.overall_display),
        passed=result.passed,
    )
    return result


@transaction.atomic
def audit_record_outcome(*, audit: Audit, actor, decided_on: date) -> Audit:
    """Pass or fail the audit on its final scores, under its own rules and pass marks.

    Called when the reviewer accepts the evaluation (accepting is not passing:
    the scores decide). Idempotent: an audit that already has its outcome is
    returned as it is. A passed certification, baseline, recertification,
    re-audit or limited-scope audit opens its cycle and is ready for a
    certificate (`audits.certificates`); a passed maintenance audit counts for
    its year (`selectors.maintenance_counts_for_year`).
    """
    audit = Audit.objects.for_association(audit.association).select_for_update().get(pk=audit.pk)
    if audit.status in (AuditStatus.PASSED, AuditStatus.FAILED):
        return audit
    if audit.status == AuditStatus.CANCELLED:
        raise ValidationError(gettext("This audit was cancelled: it cannot have an outcome."))
    if decided_on < audit.data_gathering_start:
        raise ValidationError(gettext("An outcome cannot be dated before data gathering starts."))
    specs = selectors.audit_specs(audit)
    marks = selectors.audit_pass_marks(audit)
    result = score_audit(specs, selectors.audit_points(audit), marks)
    if result.overall_percent is None:
        _raise(result.reasons)
    audit.status = AuditStatus.PASSED if result.passed else AuditStatus.FAILED
    audit.decided_on = decided_on
    audit.overall_percent = result.overall_percent.quantize(Decimal("0.001"))
    audit.outcome_reasons = outcomes.reasons_from_score(result, marks=marks, elements=specs)
    audit.save(
        update_fields=["status", "decided_on", "overall_percent", "outcome_reasons", "updated_at"]
    )
    record(
        association=audit.association,
        actor=actor,
        action="audits.audit_decided",
        obj=audit,
        summary=f"{audit}: {'passed' if result.passed else 'not achieved'} "
        f"({result.overall_display} %)",
        reasons=audit.outcome_reasons,
    )
    if result.passed and audit.audit_type != AuditType.MAINTENANCE and audit.cycle_id is None:
        cycle = cycle_start(
            enrollment=audit.enrollment,
            certification_date=audit.data_gathering_end,
            recertification=_is_recertification(audit),
            actor=actor,
        )
        audit.cycle = cycle
        audit.year = 1
        audit.save(update_fields=["cycle", "year", "updated_at"])
    return audit


def _is_recertification(audit: Audit) -> bool:
    while audit is not None:
        if audit.audit_type == AuditType.RECERTIFICATION:
            return True
        if audit.audit_type not in (AuditType.RE_AUDIT, AuditType.LIMITED_SCOPE):
            return False
        audit = audit.follows
    return False


@transaction.atomic
def audit_record_rejection(
    *, audit: Audit, actor, decided_on: date, reason_code: str, note: str = ""
) -> Audit:
    """The reviewer rejected the evaluation: the audit fails with that reason.

    Idempotent: a failed audit is returned as it is; a passed one cannot be
    rejected afterwards.
    """
    audit = Audit.objects.for_association(audit.association).select_for_update().get(pk=audit.pk)
    if audit.status == AuditStatus.FAILED:
        return audit
    if audit.status == AuditStatus.PASSED:
        raise ValidationError(
            gettext("This audit already passed: its evaluation cannot be rejected.")
        )
    if audit.status == AuditStatus.CANCELLED:
        raise ValidationError(gettext("This audit was cancelled: it cannot have an outcome."))
    if not reason_code:
        raise ValidationError(gettext("Give the reason the evaluation was rejected."))
    audit.status = AuditStatus.FAILED
    audit.decided_on = decided_on
    audit.outcome_reasons = [outcomes.rejection_reason(reason_code, note)]
    audit.save(update_fields=["status", "decided_on", "outcome_reasons", "updated_at"])
    record(
        association=audit.association,
        actor=actor,
        action="audits.audit_rejected",
        obj=audit,
        summary=f"{audit}: evaluation rejected ({reason_code})",
        reason_code=reason_code,
        note=note,
    )
    return audit


@transaction.atomic
def cycle_start(
    *, enrollment: Enrollment, certification_date: date, actor, recertification: bool = False
) -> AuditCycle:
    """Open a cycle on the last day on site of a passed certification audit.

    docs/rules.md § AMTA — anniversary date: last day on site 2021-01-05 → the
    certificate expires 2024-01-05; January 5 is the anniversary.
    """
    association = enrollment.association
    rules_row = selectors.program_rules(enrollment.program)
    if rules_row is None:
        raise ValidationError(gettext("The program's rules are not set up."))
    rules = rules_from_snapshot(rules_snapshot(rules_row))
    cycle = AuditCycle(
        association=association,
        employer=enrollment.employer,
        enrollment=enrollment,
        certification_date=certification_date,
        ends_on=sched.add_years(certification_date, rules.validity_years),
        recertification=recertification,
    )
    cycle.full_clean()
    cycle.save()
    enrollment.status = EnrollmentStatus.CERTIFIED
    enrollment.status_changed_on = certification_date
    enrollment.save(update_fields=["status", "status_changed_on"])
    record(
        association=association,
        actor=actor,
        action="audits.cycle_started",
        obj=cycle,
        summary=f"Started {cycle}",
    )
    return cycle


# --- Milestones ------------------------------------------------------------------------


@transaction.atomic
def milestones_schedule(*, enrollment: Enrollment, actor) -> list[Milestone]:
    """Create a registrant's milestones from the rules (idempotent: existing ones stay)."""
    association = enrollment.association
    rules_row = selectors.program_rules(enrollment.program)
    if rules_row is None:
        return []
    rules = rules_from_snapshot(rules_snapshot(rules_row))
    existing = set(
        Milestone.objects.for_association(association)
        .filter(enrollment=enrollment)
        .values_list("code", flat=True)
    )
    created = []
    for deadline in sched.milestone_deadlines(enrollment.registered_on, rules):
        if deadline.code in existing:
            continue
        created.append(
            Milestone.objects.create(
                association=association,
                employer=enrollment.employer,
                enrollment=enrollment,
                code=deadline.code,
                label=deadline.label,
                opens_on=deadline.opens_on,
                due_on=deadline.due_on,
            )
        )
    if created:
        record(
            association=association,
            actor=actor,
            action="audits.milestones_scheduled",
            obj=enrollment,
            summary=f"Scheduled {len(created)} milestones for {enrollment}",
        )
    return created


@transaction.atomic
def milestone_record(
    *,
    milestone: Milestone,
    outcome: str,
    actor,
    met_on: date | None = None,
    due_on: date | None = None,
    notes: str | None = None,
) -> Milestone:
    """Record a milestone's outcome (proficiency, manual review…) or the letter's due date."""
    milestone = (
        Milestone.objects.for_association(milestone.association)
        .select_for_update()
        .get(pk=milestone.pk)
    )
    if outcome not in MilestoneOutcome.values:
        raise ValidationError(gettext("Unknown outcome."))
    if outcome == MilestoneOutcome.ACCEPTED and met_on is None:
        raise ValidationError(gettext("Give the date the milestone was met."))
    milestone.outcome = outcome
    milestone.met_on = met_on if outcome == MilestoneOutcome.ACCEPTED else None
    if due_on is not None:
        milestone.due_on = due_on
    if notes is not None:
        milestone.notes = notes
    milestone.recorded_by = actor_or_none(actor)
    milestone.full_clean()
    milestone.save()
    record(
        association=milestone.association,
        actor=actor,
        action="audits.milestone_recorded",
        obj=milestone,
        summary=f"{milestone.label}: {milestone.get_outcome_display()}",
    )
    return milestone


@transaction.atomic
def milestone_letter_record(
    *, enrollment: Enrollment, number: int, issued_on: date, expires_on: date, actor
) -> MilestoneLetter:
    association = enrollment.association
    letter = (
        MilestoneLetter.objects.for_association(association)
        .filter(enrollment=enrollment, number=number)
        .first()
    ) or MilestoneLetter(
        association=association, employer=enrollment.employer, enrollment=enrollment
    )
    letter.number = number
    letter.issued_on = issued_on
    letter.expires_on = expires_on
    letter.full_clean()
    try:
        letter.save()
    except IntegrityError as error:  # pragma: no cover - full_clean checks the same
        raise ValidationError(str(error)) from error
    record(
        association=association,
        actor=actor,
        action="audits.milestone_letter_recorded",
        obj=letter,
        summary=f"Milestone letter #{number} for {enrollment.employer}, expires {expires_on}",
    )
    return letter


# --- Audits recorded after the fact ------------------------------------------------------


HISTORIC_TYPES = (
    AuditType.CERTIFICATION,
    AuditType.BASELINE,
    AuditType.RECERTIFICATION,
    AuditType.MAINTENANCE,
)


@transaction.atomic
def audit_record_historic(
    *,
    enrollment: Enrollment,
    audit_type: str,
    data_gathering_start: date,
    data_gathering_end: date,
    passed: bool,
    actor,
    overall_percent: Decimal | None = None,
    conducted_by: str = ConductedBy.EXTERNAL_ASSESSOR,
    assessor_name: str = "",
    cycle: AuditCycle | None = None,
    today: date | None = None,
) -> Audit:
    """Enter an audit that took place before the association used this product.

    Flagged `recorded_after_the_fact`; no plan check (its windows have passed),
    but a maintenance audit must fall in a maintenance year of the enrollment's
    cycle, once per year. A passed certification or recertification opens its
    cycle (unless `cycle`, the one it certified, is given).
    """
    association = enrollment.association
    today = today or association_today(association)
    if audit_type not in HISTORIC_TYPES:
        raise ValidationError(
            gettext("Choose certification, baseline, recertification or maintenance.")
        )
    if data_gathering_end < data_gathering_start:
        raise ValidationError(gettext("The end date cannot be before the start date."))
    if data_gathering_end >= today:
        raise ValidationError(
            gettext(
                "An audit recorded after the fact must have ended before today; plan a current one."
            )
        )
    rules_row = selectors.program_rules(enrollment.program)
    tool = selectors.current_tool(enrollment.program)
    if rules_row is None or tool is None:
        raise ValidationError(gettext("The program's rules and audit tool must be set up first."))
    year = None
    if audit_type == AuditType.MAINTENANCE:
        cycle = cycle or selectors.latest_cycle(enrollment)
        if cycle is None:
            raise ValidationError(
                gettext("A maintenance audit needs the cycle it belongs to: none yet.")
            )
        schedule = selectors.cycle_schedule_for(
            cycle, rules_from_snapshot(rules_snapshot(rules_row))
        )
        year = next(
            (
                p.year
                for p in schedule.years[1:]
                if p.maintenance_opens
                and p.maintenance_due
                and p.maintenance_opens <= data_gathering_end <= p.maintenance_due
            ),
            None,
        )
        if year is None:
            raise ValidationError(
                gettext(
                    "A maintenance audit ending %(end)s falls in no maintenance year of the "
                    "cycle certified %(certified)s."
                )
                % {"end": data_gathering_end, "certified": cycle.certification_date}
            )
        if (
            Audit.objects.for_association(association)
            .filter(
                cycle=cycle,
                year=year,
                audit_type=AuditType.MAINTENANCE,
                status__in=AuditStatus.counting_statuses(),
            )
            .exists()
        ):
            raise ValidationError(
                gettext("Year %(year)s already has its maintenance audit.") % {"year": year}
            )
    elif cycle is not None:
        year = 1
    audit = Audit(
        association=association,
        employer=enrollment.employer,
        enrollment=enrollment,
        cycle=cycle,
        year=year,
        audit_type=audit_type,
        conducted_by=conducted_by,
        assessor_name=assessor_name,
        data_gathering_start=data_gathering_start,
        data_gathering_end=data_gathering_end,
        status=AuditStatus.PASSED if passed else AuditStatus.FAILED,
        tool=tool,
        rules_snapshot=rules_snapshot(rules_row),
        received_on=data_gathering_end,
        decided_on=data_gathering_end,
        overall_percent=overall_percent,
        outcome_reasons=[{"code": "recorded_after_the_fact", "params": {}}],
        recorded_after_the_fact=True,
        created_by=actor_or_none(actor),
    )
    audit.full_clean()
    audit.save()
    record(
        association=association,
        actor=actor,
        action="audits.audit_recorded_after_the_fact",
        obj=audit,
        summary=f"Recorded after the fact: {audit} ({'passed' if passed else 'not achieved'})",
    )
    if passed and audit_type != AuditType.MAINTENANCE and cycle is None:
        audit.cycle = cycle_start(
            enrollment=enrollment,
            certification_date=data_gathering_end,
            recertification=audit_type == AuditType.RECERTIFICATION,
            actor=actor,
        )
        audit.year = 1
        audit.save(update_fields=["cycle", "year", "updated_at"])
    return audit
