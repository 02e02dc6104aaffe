"""Program rules as a frozen JSON snapshot, and back to the pure rule values.

An audit stores `rules_snapshot(rules)` when it is planned; everything later
computed for that audit (its data-gathering limit, submission and corrections
deadlines, pass marks, maintenance window) reads the snapshot, never the
editable `ProgramRules` row. Pure: the functions take any object with the
`ProgramRules` attributes, or a dict.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .schedule import AuditType, MaintenanceDeadline, MilestoneRule, ScheduleRules
from .scoring import DEFAULT_PASS_MARKS, PassMarks

SNAPSHOT_VERSION = 1
_SCALARS = (
    "validity_years",
    "maintenance_deadline_kind",
    "maintenance_fixed_month",
    "maintenance_fixed_day",
    "maintenance_dated_by",
    "data_gathering_max_days",
    "submission_within_days",
    "corrections_within_days",
    "min_documentation_months",
    "min_documentation_window_months",
    "maintenance_notice_days",
    "reapply_wait_months",
)
_PERCENTS = (
    "full_overall_min_percent",
    "full_element_min_percent",
    "maintenance_overall_min_percent",
    "maintenance_element_min_percent",
)
# Every `ProgramRules` field an association's admin edits (and a snapshot keeps).
RULE_FIELDS = (*_SCALARS, "maintenance_package", "milestones", *_PERCENTS)
# Read when an audit is planned, never after: not part of an audit's snapshot.
PLANNING_RULE_FIELDS = ("certification_by_program_auditor", "certification_after_milestone")
FULL_AUDIT_TYPES = frozenset(
    {
        AuditType.CERTIFICATION,
        AuditType.BASELINE,
        AuditType.RECERTIFICATION,
        AuditType.RE_AUDIT,
        AuditType.LIMITED_SCOPE,
    }
)


def _percent(value) -> str | None:
    return None if value is None else str(Decimal(str(value)).normalize())


def rules_snapshot(rules: Any) -> dict:
    """A JSON-safe copy of a `ProgramRules` row (or anything with its attributes)."""
    data: dict[str, Any] = {"snapshot_version": SNAPSHOT_VERSION}
    for name in _SCALARS:
        data[name] = getattr(rules, name)
    for name in _PERCENTS:
        data[name] = _percent(getattr(rules, name))
    data["maintenance_package"] = [list(item) for item in (rules.maintenance_package or [])]
    data["milestones"] = [dict(m) for m in (rules.milestones or [])]
    return data


def rules_from_snapshot(data: dict) -> ScheduleRules:
    """The pure `ScheduleRules` of a snapshot; raises ValueError when inconsistent."""
    return ScheduleRules(
        validity_years=int(data["validity_years"]),
        maintenance_deadline_kind=MaintenanceDeadline(data["maintenance_deadline_kind"]),
        maintenance_fixed_month=data.get("maintenance_fixed_month"),
        maintenance_fixed_day=data.get("maintenance_fixed_day"),
        data_gathering_max_days=data.get("data_gathering_max_days"),
        submission_within_days=data.get("submission_within_days"),
        corrections_within_days=data.get("corrections_within_days"),
        min_documentation_months=data.get("min_documentation_months") or 0,
        min_documentation_window_months=data.get("min_documentation_window_months"),
        maintenance_notice_days=data.get("maintenance_notice_days"),
        maintenance_package=tuple(
            (str(name), int(count)) for name, count in data.get("maintenance_package") or ()
        ),
        milestones=tuple(
            MilestoneRule(
                code=str(m["code"]),
                label=str(m["label"]),
                due_month_from_registration=int(m["due_month"]),
                start_month=int(m.get("start_month") or 1),
            )
            for m in data.get("milestones") or ()
        ),
        reapply_wait_months=int(data.get("reapply_wait_months") or 0),
    )


def pass_marks_from_snapshot(data: dict, audit_type: str) -> PassMarks:
    """The pass marks for an audit type under a snapshot.

    Full audits (certification, baseline, recertification, re-audit; limited
    scope too, for want of its own marks in the seeds) share one pair of marks,
    maintenance has its own (docs/rules.md#amta-minimum-scores: 80 % / 50 % per element;
    maintenance 60 %).
    """
    audit_type = AuditType(audit_type)
    prefix = "maintenance" if audit_type == AuditType.MAINTENANCE else "full"
    overall = data.get(f"{prefix}_overall_min_percent")
    if overall is None:
        return DEFAULT_PASS_MARKS.get(audit_type, DEFAULT_PASS_MARKS[AuditType.CERTIFICATION])
    element = data.get(f"{prefix}_element_min_percent")
    return PassMarks(Decimal(overall), None if element is None else Decimal(element))


def schedule_rules_to_fields(rules: ScheduleRules) -> dict:
    """The `ProgramRules` field values for a pure `ScheduleRules` (used by the seeds)."""
    return {
        "validity_years": rules.validity_years,
        "maintenance_deadline_kind": str(rules.maintenance_deadline_kind),
        "maintenance_fixed_month": rules.maintenance_fixed_month,
        "maintenance_fixed_day": rules.maintenance_fixed_day,
        "data_gathering_max_days": rules.data_gathering_max_days,
        "submission_within_days": rules.submission_within_days,
        "corrections_within_days": rules.corrections_within_days,
        "min_documentation_months": rules.min_documentation_months,
        "min_documentation_window_months": rules.min_documentation_window_months,
        "maintenance_notice_days": rules.maintenance_notice_days,
        "maintenance_package": [[name, count] for name, count in rules.maintenance_package],
        "milestones": [
            {
                "code": m.code,
                "label": m.label,
                "start_month": m.start_month,
                "due_month": m.due_month_from_registration,
            }
            for m in rules.milestones
        ],
        "reapply_wait_months": rules.reapply_wait_months,
    }
