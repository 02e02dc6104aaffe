"""Training compliance: who holds which required course, until when, and why not.

Pure rules (standard library only) for the training rules of docs/rules.md
(#amta-training, #acsa-prerequisites, #scsa-trained-employee …) and
docs/rules.md#compute-training.
The Django models mirror the rule dataclasses (`CourseRule`, `RequirementRule`)
and a data migration loads `SEEDED_RULES`; after that every number is the
association admin's to edit. The Django layer passes only staff-verified records.

Conventions, decided once here:

- **Validity** runs through the anniversary day itself and ends the day after:
  a course taken 2022-03-01 and valid 3 years is valid through 2025-03-01, so it
  does not cover an audit starting 2025-03-02 (AMTA, docs/rules.md#amta-training:
  "Self-Evaluator training is valid for three years"). This is the certificate
  convention of the same seed ("last day on site ... January 5, 2021 ... issued
  with January 5, 2024 as the expiration"). Month ends clamp: a course taken
  2024-02-29 and valid 12 months is valid through 2025-02-28.
- **Deadlines in months** after a course (proficiency "within 8 months") use the
  same rule: a course on 2025-01-10 must have its proficiency accepted by
  2025-09-10 inclusive.
- **as_of** is the day the training must be valid on, usually the audit's start
  date ("Training must be valid and up to date prior to conducting audit").
  Records completed after as_of are ignored.
- **Trained employees** are people whose employment status is full-time
  permanent, whatever their role (docs/rules.md#reading-role-and-status): SCSA
  (docs/rules.md#scsa-trained-employee) excludes "consultants, sub-contractors, part
  time, and casual employees"; AMTA (docs/rules.md#amta-training) names "The owner
  or key employee" — an owner working full time is full-time permanent too. A
  requirement may also restrict roles (``holder_roles``); the seeds do not.

The package splits what was one module: ``rules`` (the rule data), ``records``
(facts and the date rules of one record), ``messages`` (the words of every
reason), ``assess`` (evaluating requirements), ``chart`` (SCSA's training
chart) and ``seeds`` (the seeded rule sets). Every public name is re-exported
here, so ``from training.compliance import …`` keeps working.
"""

from secor.dates import add_months
from secor.reasons import Reason

from .assess import (
    ComplianceReport,
    Holder,
    RequirementVerdict,
    assess_compliance,
    trained_employee_refusal,
)
from .chart import ChartEntry, ChartRow, training_chart
from .records import (
    Designation,
    Person,
    Record,
    can_hold,
    counts_as_full_time_permanent,
    proficiency_deadline,
    record_status,
    record_valid_until,
)
from .rules import (
    ALL_HOLDERS,
    ASSESSOR,
    AT_LEAST_ONE,
    CONTINUING_EDUCATION,
    EMPLOYMENT_LABELS,
    KINDS,
    ROLE_NAMES,
    TRAINED_EMPLOYEE_STATUSES,
    TRAINED_EMPLOYEE_TYPES,
    VALID,
    CourseRule,
    MaintenanceRule,
    PersonId,
    RequirementRule,
    TrainingRules,
)
from .seeds import ACSA, AMTA, SCSA, SEEDED_RULES

__all__ = [
    "ACSA",
    "ALL_HOLDERS",
    "AMTA",
    "ASSESSOR",
    "AT_LEAST_ONE",
    "CONTINUING_EDUCATION",
    "ChartEntry",
    "ChartRow",
    "ComplianceReport",
    "CourseRule",
    "Designation",
    "EMPLOYMENT_LABELS",
    "Holder",
    "KINDS",
    "MaintenanceRule",
    "Person",
    "PersonId",
    "Reason",
    "Record",
    "RequirementRule",
    "ROLE_NAMES",
    "RequirementVerdict",
    "SCSA",
    "SEEDED_RULES",
    "TRAINED_EMPLOYEE_STATUSES",
    "TRAINED_EMPLOYEE_TYPES",
    "TrainingRules",
    "VALID",
    "add_months",
    "assess_compliance",
    "can_hold",
    "counts_as_full_time_permanent",
    "proficiency_deadline",
    "record_status",
    "record_valid_until",
    "trained_employee_refusal",
    "training_chart",
]
