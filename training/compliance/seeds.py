"""The seeded training rule sets of AMTA, ACSA and SCSA (docs/rules.md)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from .rules import (
    ALL_HOLDERS,
    ASSESSOR,
    AT_LEAST_ONE,
    CONTINUING_EDUCATION,
    CourseRule,
    MaintenanceRule,
    RequirementRule,
    TrainingRules,
)

# --- Seeded rule sets -------------------------------------------------------

AMTA = TrainingRules(
    association="AMTA",
    seed="docs/rules.md#amta-training",
    courses=(
        CourseRule("HSSB", "HSSB"),
        CourseRule("HSPB", "HSPB"),
        CourseRule("TSB", "TSB", accepted_until=date(2019, 12, 31)),
        CourseRule("SE", "Self-Evaluator", validity_months=36),
        CourseRule("CCA", "Certified COR Auditor", validity_months=36),
    ),
    requirements=(
        RequirementRule("basics", "HSSB or HSPB", AT_LEAST_ONE, ("HSSB", "HSPB", "TSB")),
        # "Who can take it? The owner or key employee completing the audit": the
        # assessor's own training, valid on the first day (docs/rules.md#amta-training).
        RequirementRule(
            "self_evaluator",
            "Self-Evaluator training",
            AT_LEAST_ONE,
            ("SE",),
            held_by_assessor=True,
        ),
    ),
    # "HSSB or HSPB required for all COR/SECOR"; a COR is audited by a Certified COR
    # Auditor (docs/rules.md#amta-training).
    cor_requirements=(
        RequirementRule("basics", "HSSB or HSPB", AT_LEAST_ONE, ("HSSB", "HSPB", "TSB")),
        RequirementRule(
            "cor_auditor",
            "Certified COR Auditor (the auditor's own)",
            ASSESSOR,
            ("CCA",),
            holder_statuses=None,
        ),
    ),
)
"""AMTA SECOR: "HSSB or HSPB required for all COR/SECOR"; "Self-Evaluator (3 years)";
"Certified COR Auditor (3 years)" (kept in the catalogue for COR programs); "TSB is no
longer accepted as of Dec. 31, 2019"; "Who can take it? The owner or key employee
completing the audit." The seed spells out no course names beyond the acronyms."""

ACSA = TrainingRules(
    association="ACSA",
    seed="docs/rules.md#acsa-prerequisites",
    courses=(
        CourseRule("PHSM", "Principles of Health and Safety Management", accepted_prior=("SEHSM",)),
        CourseRule("SEHSM", "Small Employer Health and Safety Management"),
        CourseRule("CSTS", "Construction Safety Training System"),
    ),
    requirements=(
        RequirementRule(
            "hsm", "Health and Safety Management (SECOR course)", AT_LEAST_ONE, ("PHSM",)
        ),
        RequirementRule("csts", "CSTS (SECOR course)", AT_LEAST_ONE, ("CSTS",)),
        RequirementRule(
            "assessor",
            "Assessor training",
            ASSESSOR,
            ("PHSM",),
            holder_statuses=None,
        ),
        RequirementRule(
            "continuing_education",
            "Continuing education",
            CONTINUING_EDUCATION,
            every_months=36,
            min_hours=4,
        ),
    ),
)
"""ACSA SECOR: "A full-time employee at your company must complete the following SECOR
courses ... each course can be divided among different employees"; the assessor "must
have a certificate in Small Employer (or Principles of) Health and Safety Management";
"Every three years, at least one full-time employee ... must complete an ACSA course";
"a four (4) hour minimum". The seed lost its list of SECOR courses: PHSM and CSTS are
from ACSA's public training-requirements page and are for ACSA's admin to confirm."""

SCSA = TrainingRules(
    association="SCSA",
    seed="docs/rules.md#scsa-trained-employee",
    courses=(
        CourseRule("SM", "Safety Management", accepted_prior=("SESM",)),
        CourseRule("SESM", "Small Employer Safety Management"),
        CourseRule(
            "SAT",
            "Safety Auditor Training",
            validity_months=36,
            prerequisites=("SM",),
            proficiency_name="self-audit and Internal Auditor Certification",
            proficiency_months=8,
            maintenance=MaintenanceRule(),
        ),
        CourseRule(
            "LSE",
            "Leadership for Safety Excellence",
            proficiency_name="LSE proficiency",
            proficiency_months=8,
        ),
        CourseRule(
            "SCOT", "Safety Construction Orientation Training", accepted_prior=("CSO", "PST")
        ),
        # The seed only asks for "a valid ... certificate"; 3 years is Energy Safety
        # Canada's usual term and is for SCSA's admin to confirm.
        CourseRule("CSO", "Common Safety Orientation", validity_months=36),
        CourseRule("PST", "Petroleum Safety Training", validity_months=36),
    ),
    requirements=(
        *(
            RequirementRule(
                code,
                label,
                AT_LEAST_ONE,
                (code,),
                province="SK",
                one_wcb_account_per_person=True,
                # "SECOR audits are accepted only from someone with valid Internal
                # Auditor status" (docs/rules.md#scsa-safety-auditor-training).
                held_by_assessor=code == "SAT",
            )
            for code, label in (
                ("SM", "Safety Management"),
                ("SAT", "Safety Auditor Training with Internal Auditor Certification"),
                ("LSE", "Leadership for Safety Excellence with proficiency"),
            )
        ),
        RequirementRule(
            "SCOT",
            "SCOT for all full-time permanent employees",
            ALL_HOLDERS,
            ("SCOT",),
            province="SK",
        ),
    ),
)
"""SCSA SECOR: "Training courses and proficiencies shall be completed and maintained by at
least one full time permanent Saskatchewan employee, or a combination of full time
Saskatchewan employees. ... A person can only be the 'trained employee' for one WCB
account number." Safety Management "(No recertification ...)"; Safety Auditor Training
"(Pre-requisite of Safety Management or Small Employer Safety Management)", proficiency
"within 8 months", status valid three years and kept by maintenance; LSE "One time
certification providing the proficiency is submitted and accepted within 8 months";
SCOT: "All permanent full-time employees must complete" it, CSO or PST accepted."""

# Keyed by ``Association.seed``.
SEEDED_RULES: Mapping[str, TrainingRules] = {r.association.lower(): r for r in (AMTA, ACSA, SCSA)}
