"""Loading a seeded catalogue (``compliance.SEEDED_RULES``) into an association.

One function serves the data migration (historical models) and
``services.catalogue_seed`` (real models): it takes the model classes and goes
through ``_base_manager``, a plain manager that needs no tenant scope, always
filtering on the association explicitly.

Idempotent: it creates what is missing and never overwrites what an admin has
edited since.
"""

from __future__ import annotations

from decimal import Decimal

from .compliance import SEEDED_RULES, TrainingRules


def _hours(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def seed_rules(models, association, rules: TrainingRules, program=None) -> dict[str, int]:
    """Create ``rules``' courses (and, given a program, its requirements).

    ``models`` has attributes Course, CoursePrerequisite, CourseEquivalent,
    TrainingRequirement and RequirementCourse. Returns counts of created rows.
    """
    created = {"courses": 0, "requirements": 0}
    courses = {}
    new_codes = set()
    for rule in rules.courses:
        course, was_created = models.Course._base_manager.get_or_create(
            association_id=association.pk,
            code=rule.code,
            defaults={
                "name": rule.name,
                "validity_months": rule.validity_months,
                "proficiency_name": rule.proficiency_name or "",
                "proficiency_months": rule.proficiency_months,
                "accepted_until": rule.accepted_until,
                "min_hours": _hours(rule.min_hours),
                "maintenance_required": rule.maintenance is not None,
                **(
                    {
                        "maintenance_name": rule.maintenance.name,
                        "maintenance_submit_lead_months": rule.maintenance.submit_lead_months,
                    }
                    if rule.maintenance
                    else {}
                ),
            },
        )
        courses[rule.code] = course
        if was_created:
            new_codes.add(rule.code)
    created["courses"] = len(new_codes)
    # Links only for courses created now: an admin's later edits stay as they are.
    for rule in (r for r in rules.courses if r.code in new_codes):
        for code in rule.prerequisites:
            models.CoursePrerequisite._base_manager.get_or_create(
                association_id=association.pk,
                course=courses[rule.code],
                prerequisite=courses[code],
            )
        for code in rule.accepted_prior:
            models.CourseEquivalent._base_manager.get_or_create(
                association_id=association.pk, course=courses[rule.code], accepted=courses[code]
            )
    if program is None:
        return created
    for position, rule in enumerate(rules.requirements):
        holders = {
            "holder_statuses": sorted(rule.holder_statuses)
            if rule.holder_statuses is not None
            else None,
            "holder_roles": sorted(rule.holder_roles) if rule.holder_roles is not None else None,
        }
        # Migration 0002 runs this on the models of its day, whose one field held the
        # (same) status values under its old name.
        fields = {f.name for f in models.TrainingRequirement._meta.get_fields()}
        if "holder_statuses" not in fields:
            holders = {"holder_types": holders["holder_statuses"]}
        requirement, was_created = models.TrainingRequirement._base_manager.get_or_create(
            association_id=association.pk,
            program=program,
            code=rule.code,
            defaults={
                "label": rule.label,
                "kind": rule.kind,
                **holders,
                "province": rule.province or "",
                "every_months": rule.every_months,
                "min_hours": _hours(rule.min_hours),
                "one_wcb_account_per_person": rule.one_wcb_account_per_person,
                "position": position,
            },
        )
        created["requirements"] += was_created
        if was_created:
            for index, code in enumerate(rule.course_codes):
                models.RequirementCourse._base_manager.create(
                    association_id=association.pk,
                    requirement=requirement,
                    course=courses[code],
                    position=index,
                )
    return created


def seed_by_key(models, association, seed_key: str, program=None) -> dict[str, int]:
    """Seed ``SEEDED_RULES[seed_key]``; keys are ``Association.seed`` values, any case."""
    seed_key = seed_key.lower()
    if seed_key not in SEEDED_RULES:
        raise ValueError(f"Unknown seed {seed_key!r}; choose one of {sorted(SEEDED_RULES)}.")
    return seed_rules(models, association, SEEDED_RULES[seed_key], program)
