"""Seeded submission rules for AMTA, ACSA and SCSA (starting points the program admin edits).

Used by the data migration (historical models), by `services.rules_seed`
(demo data, new associations) and by tests. Idempotent: an existing row is
left exactly as the admin left it. Rules are cited from docs/rules.md.

* AMTA (docs/rules.md § AMTA — submitting the audit, § AMTA — timelines):
  the evaluation as a zip whose files are named and organised in a
  reasonable manner, or the audit may be rejected; received no later than 21
  days after the end of data gathering — a late upload is not accepted (our
  reading); corrections within 15 days.
* ACSA (docs/rules.md § ACSA — submitting the evaluation): electronic only,
  one zipped folder *or a download link*; one folder per element; the
  evaluation tool as its own document; more documentation than asked may get
  the submission returned — a sample is one or two documents per month (or
  per week for the busiest three months), so an element folder with more
  than 100 documents is flagged (a warning, not a refusal).
* SCSA (docs/rules.md § SCSA — the health and safety manual, § SCSA —
  maintenance, § SCSA — requesting the baseline audit): the manual has the
  same 13 sections and 3 supplemental sections as the audit tool, reviewed
  with corrections and resubmission; the yearly maintenance package is the
  audit tool plus 2 Safe Work Practices and 2 Safe Job Procedures; the
  baseline audit is requested with the Site Assessment Form and the Audit
  Compliance Declaration Form; the self-audit and LSE proficiencies are
  submitted for acceptance.
"""

from __future__ import annotations

GIB = 1024**3

_EVALUATION = {"use_tool_elements": True, "require_tool_document": True}
_DOCUMENTS_ONLY = {"use_tool_elements": False, "require_tool_document": False}

# seed key → program kind → submission kind → field values.
SEEDS: dict[str, dict[str, dict[str, dict]]] = {
    "amta": {
        program: {
            "evaluation": {
                **_EVALUATION,
                "accept_late": False,
                "allow_link": False,
                "corrections_days": 15,
                "instructions": (
                    "Upload the evaluation as one zip file with one folder per element and "
                    "the audit tool as its own document. Name and organise files clearly: a "
                    "disorganised audit may be rejected. Do not submit original documents."
                ),
            }
        }
        for program in ("secor", "cor")
    },
    "acsa": {
        program: {
            "evaluation": {
                **_EVALUATION,
                "accept_late": True,
                "allow_link": True,
                "corrections_days": 15,
                "sample_threshold": 100,
                "instructions": (
                    "Send one zipped folder, or a download link (Dropbox, OneDrive, Google "
                    "Drive). Keep one folder for each element and the evaluation tool as its "
                    "own document; label everything. Submit only what is asked: a sample is "
                    "one or two documents per month, or per week for the busiest three months."
                ),
            }
        }
        for program in ("secor", "cor")
    },
    "scsa": {
        "secor": {
            "evaluation": {**_EVALUATION, "accept_late": True, "corrections_days": 15},
            "safety_manual": {
                "use_tool_elements": True,
                "require_tool_document": False,
                "corrections_days": 15,
                "instructions": (
                    "Upload your health and safety manual as a zip with one folder for each "
                    "of the 13 sections and 3 supplemental sections of the SCSA SECOR audit "
                    "tool. A program auditor reviews it (allow 4-6 weeks); corrections may be "
                    "requested."
                ),
            },
            "maintenance_package": {
                "use_tool_elements": False,
                "require_tool_document": True,
                "required_documents": [
                    ["Safe Work Practice|SWP", 2],
                    ["Safe Job Procedure|SJP", 2],
                ],
                "accept_late": True,
                "instructions": (
                    "Each year before the due date: the completed audit tool with 2 Safe Work "
                    "Practices and 2 Safe Job Procedures, in one zip."
                ),
            },
            "baseline_request": {
                **_DOCUMENTS_ONLY,
                "required_documents": [
                    ["Site Assessment Form", 1],
                    ["Audit Compliance Declaration", 1],
                ],
                "instructions": (
                    "After a successful manual review: the Site Assessment Form and the SECOR "
                    "Audit Compliance Declaration Form, in one zip, to request the baseline "
                    "audit."
                ),
            },
            "proficiency": {
                **_DOCUMENTS_ONLY,
                "instructions": (
                    "The self-audit (internal auditor certification) or the LSE proficiency, "
                    "within 8 months of the course."
                ),
            },
        }
    },
}

# Every program of an association without a seed gets an evaluation rule
# with the defaults, so an employer can always send the evaluation.
DEFAULT = {"evaluation": dict(_EVALUATION)}


def seed_rules(get_model, association, seed_key: str | None) -> list:
    """Create the association's submission rules where missing; returns the rows created.

    ``get_model`` is ``apps.get_model`` in a migration, ``django.apps.apps.get_model``
    elsewhere. Programs the seed does not name get `DEFAULT`.
    """
    Program = get_model("secor", "Program")
    SubmissionRule = get_model("submissions", "SubmissionRule")
    created = []
    seeded = SEEDS.get(seed_key or "", {})
    for program in Program._base_manager.filter(association=association):
        for kind, values in seeded.get(program.kind, DEFAULT).items():
            rule, was_created = SubmissionRule._base_manager.get_or_create(
                association=association, program=program, kind=kind, defaults=values
            )
            if was_created:
                created.append(rule)
    return created
