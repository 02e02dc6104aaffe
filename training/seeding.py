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


def _has_field(model, name: str) -> bool:
    return any(f.name == name for f in model._meta.get_fields())


def _sorted(values) -> list[str] | None:
    return sorted(values) if values is not None else None


def _seed_requirements(models, association, program, requirements, courses) -> int:
    created = 0
    for position, rule in enumerate(requirements):
        requirement, was_created = models.TrainingRequirement._base_manager.get_or_create(
            association_id=association.pk,
            program=program,
            code=rule.code,
            defaults={
                "label": rule.label,
                "kind": rule.kind,
                # Migrations before the split (0009) knew one field, holding the same
                # status values under its old name.
                **(
                    {
                        "holder_statuses": _sorted(rule.holder_statuses),
                        "holder_roles": _sorted(rule.holder_roles),
                    }
                    if _has_field(models.TrainingRequirement, "holder_statuses")
                    else {"holder_types": _sorted(rule.holder_statuses)}
                ),
                "province": rule.province or "",
                "every_months": rule.every_months,
                "min_hours": _hours(rule.min_hours),
                "one_wcb_account_per_person": rule.one_wcb_account_per_person,
                # Absent from the model in migrations before the field existed.
                **(
                    {"held_by_assessor": rule.held_by_assessor}
                    if _has_field(models.TrainingRequirement, "held_by_assessor")
                    else {}
                ),
                "position": position,
            },
        )
        created += was_created
        if was_created:
            for index, code in enumerate(rule.course_codes):
                models.RequirementCourse._base_manager.create(
                    association_id=association.pk,
                    requirement=requirement,
                    course=courses[code],
                    position=index,
                )
    return created


def seed_rules(
    models, association, rules: TrainingRules, program=None, cor_program=None
) -> dict[str, int]:
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
    if program is not None:
        created["requirements"] += _seed_requirements(
            models, association, program, rules.requirements, courses
        )
    if cor_program is not None:
        created["requirements"] += _seed_requirements(
            models, association, cor_program, rules.cor_requirements, courses
        )
    return created


def seed_by_key(
    models, association, seed_key: str, program=None, cor_program=None
) -> dict[str, int]:
    """Seed ``SEEDED_RULES[seed_key]``; keys are ``Association.seed`` values, any case."""
    seed_key = seed_key.lower()
    if seed_key not in SEEDED_RULES:
        raise ValueError(f"Unknown seed {seed_key!r}; choose one of {sorted(SEEDED_RULES)}.")
    return seed_rules(models, association, SEEDED_RULES[seed_key], program, cor_program)
