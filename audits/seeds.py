"""Seeded program rules and audit tools for the associations of the seeds.

Used by the data migration (with historical models) and by
`services.program_setup_seed` (demo data, association creation). Idempotent:
an existing rules row or tool is left exactly as the admin left it.

The element lists come from public information and are starting points for
each association's program admin to confirm in the browser:

* SCSA (docs/rules.md#scsa-manual): "the same 13 sections and 3 Supplemental
  sections as per the SCSA SECOR Audit Tool" — the 13 sections of the
  national construction standard, and Saskatchewan's three supplemental
  policies (harassment, violence, working alone).
* AMTA and ACSA: the ten elements of Alberta's 2019 Partnerships standard
  (docs/rules.md#alberta-audit-tool).

Point values are not in the seeds; each element starts at 100 points so the
percentages read naturally until the admin enters the tool's own values.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from .schedule import ACSA_SECOR, AMTA_COR, AMTA_SECOR, SCSA_SECOR, ScheduleRules
from .snapshot import schedule_rules_to_fields

ALBERTA_ELEMENTS = [
    "Management leadership and organizational commitment",
    "Hazard identification and assessment",
    "Hazard control",
    "Ongoing inspections",
    "Qualifications, orientation and training",
    "Emergency response",
    "Incident investigation",
    "Worker participation",
    "Contractor management",
    "System administration",
]
SCSA_SECTIONS = [
    "Health and safety policy",
    "Hazard assessment",
    "Safe work practices",
    "Safe job procedures",
    "Company safety rules",
    "Personal protective equipment",
    "Preventive maintenance",
    "Training and communication",
    "Inspections",
    "Investigations and reporting",
    "Emergency preparedness",
    "Records and statistics",
    "Legislation",
]
SCSA_SUPPLEMENTAL = [
    "Harassment prevention",
    "Violence prevention",
    "Working alone",
]


def _elements(core: list[str], supplemental: list[str] = ()) -> list[dict]:
    rows = [
        {"number": i, "name": name, "max_points": Decimal(100), "supplemental": False}
        for i, name in enumerate(core, start=1)
    ]
    rows += [
        {"number": 100 + i, "name": name, "max_points": Decimal(100), "supplemental": True}
        for i, name in enumerate(supplemental, start=1)
    ]
    return rows


def _program(rules: ScheduleRules, tool_name: str, elements: list[dict], **extra) -> dict:
    return {
        "rules": {**schedule_rules_to_fields(rules), **extra},
        "tool_name": tool_name,
        "elements": elements,
    }


# seed key → program kind → rules, tool. Pass marks are the model defaults
# (80/50, maintenance 60: docs/rules.md#amta-minimum-scores).
SEEDS: dict[str, dict[str, dict]] = {
    "amta": {
        "secor": _program(AMTA_SECOR, "AMTA SECOR audit tool", _elements(ALBERTA_ELEMENTS)),
        "cor": _program(AMTA_COR, "AMTA COR audit tool", _elements(ALBERTA_ELEMENTS)),
    },
    "acsa": {
        "secor": _program(ACSA_SECOR, "ACSA SECOR evaluation", _elements(ALBERTA_ELEMENTS)),
        "cor": _program(
            replace(ACSA_SECOR, data_gathering_max_days=45),
            "ACSA COR audit tool",
            _elements(ALBERTA_ELEMENTS),
        ),
    },
    "scsa": {
        "secor": _program(
            SCSA_SECOR,
            "SCSA SECOR audit tool",
            _elements(SCSA_SECTIONS, SCSA_SUPPLEMENTAL),
            # "submit the … Audit Tool along with 2 Safe Work Practices and 2 Safe
            # Job Procedures … prior to the audit due date": dated by receipt.
            maintenance_dated_by="received",
            # docs/rules.md#scsa-external-audit, docs/rules.md#scsa-baseline-request: the
            # baseline audit is an SCSA program auditor's, after the manual review.
            certification_by_program_auditor=True,
            certification_after_milestone="manual",
        ),
    },
}


def seed_association(get_model, association, seed_key: str) -> list:
    """Create the seeded programs' rules and version-1 tools where missing.

    ``get_model(app_label, model_name)`` is ``apps.get_model`` in a migration
    and ``django.apps.apps.get_model`` elsewhere. Returns the rules rows
    created. Unknown seed keys create nothing.
    """
    from django.utils import timezone

    Program = get_model("secor", "Program")
    ProgramRules = get_model("audits", "ProgramRules")
    AuditTool = get_model("audits", "AuditTool")
    Element = get_model("audits", "Element")
    created = []
    for kind, seed in SEEDS.get(seed_key, {}).items():
        program, _ = Program._base_manager.get_or_create(association=association, kind=kind)
        known = {f.name for f in ProgramRules._meta.get_fields()}
        rules_qs = ProgramRules._base_manager.filter(association=association, program=program)
        if not rules_qs.exists():
            created.append(
                ProgramRules._base_manager.create(
                    association=association,
                    program=program,
                    # A migration's historical model may predate some rule fields.
                    **{k: v for k, v in seed["rules"].items() if k in known},
                )
            )
        tools = AuditTool._base_manager.filter(association=association, program=program)
        if not tools.exists():
            tool = AuditTool._base_manager.create(
                association=association,
                program=program,
                version=1,
                name=seed["tool_name"],
                status="published",
                published_at=timezone.now(),
            )
            Element._base_manager.bulk_create(
                Element(association=association, tool=tool, **row) for row in seed["elements"]
            )
    return created
