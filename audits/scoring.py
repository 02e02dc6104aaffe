"""Scoring of an audit against the audit tool and the pass marks of its type.

Pure functions, no Django. Conventions:

* Percentages are `Decimal` and compared **unrounded**: 79.95 % fails an 80 %
  minimum. For display they are rounded half-up to one decimal (55 of 60 shows
  91.7 %), except where that rounding would cross a pass mark the exact value
  is on the other side of: then as many decimals as it takes to stay truthful
  (a failing 79.95 % shows "79.95 %", never "80.0 %"). See `display_percent`.
* The overall percentage is points over maximum points of the **core**
  elements (a weighted score, not the mean of element percentages).
  **Supplemental** elements (SCSA's "13 sections and 3 Supplemental sections")
  are scored and shown but left out of the overall, and are held only to their
  own minimum.
* An element's own `min_percent` applies in every audit type, because it is
  part of the tool; core elements without one fall back on the audit type's
  `element_min_percent` (80/50 audits: 50 %; maintenance: none).
* An audit with invalid input (missing, negative or excessive points, a score
  for an element not in the tool, a broken tool) is not graded: it gets no
  overall percentage and fails with the input reasons only, so a forgotten
  element is fixed by the reviewer instead of failing the employer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from types import MappingProxyType

from audits.schedule import AuditType, Reason

HUNDRED = Decimal(100)
Number = Decimal | int


@dataclass(frozen=True)
class ElementSpec:
    number: int
    name: str
    max_points: Number
    min_percent: Number | None = None
    supplemental: bool = False


@dataclass(frozen=True)
class PassMarks:
    overall_min_percent: Number
    element_min_percent: Number | None = None


# docs/rules.md#amta-minimum-scores (AMTA): "Certification/Recertification: Minimum overall
# score of 80%, and minimum 50% per element. Maintenance: Minimum overall 60%".
# A baseline (SCSA's name for the certification audit) and a re-audit repeat the
# certification, so they carry its marks. Limited-scope audits have no seeded
# marks: the seeds do not say how they are scored.
DEFAULT_PASS_MARKS: Mapping[AuditType, PassMarks] = MappingProxyType(
    {
        AuditType.CERTIFICATION: PassMarks(80, 50),
        AuditType.BASELINE: PassMarks(80, 50),
        AuditType.RECERTIFICATION: PassMarks(80, 50),
        AuditType.RE_AUDIT: PassMarks(80, 50),
        AuditType.MAINTENANCE: PassMarks(60, None),
    }
)


def _dec(value: Number) -> Decimal:
    # str() first so a stray float such as 0.1 becomes Decimal("0.1"), not its binary value.
    return value if isinstance(value, Decimal) else Decimal(str(value))


# Past this many decimals a value still on the wrong side of a mark is cut towards
# zero instead (a repeating fraction would otherwise never settle).
_MAX_DECIMALS = 6


def _crosses(exact: Decimal, shown: Decimal, marks: Sequence[Decimal]) -> bool:
    return any((exact < mark) != (shown < mark) for mark in marks)


def display_percent(percent: Decimal, *marks: Number | None) -> Decimal:
    """The percentage to show: half-up to one decimal, unless that would lie about a mark.

    55 of 60 (91.666… %) shows 91.7. When the one-decimal figure is on the other
    side of one of ``marks`` than the exact value (79.95 % against an 80 % pass
    mark would show 80.0), more decimals are shown until it is not: 79.95. A
    repeating value still crossing at six decimals is cut towards zero. Only for
    display: pass/fail always compares the exact value.
    """
    exact = _dec(percent)
    bounds = [_dec(m) for m in marks if m is not None]
    for places in range(1, _MAX_DECIMALS + 1):
        shown = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        if not _crosses(exact, shown, bounds):
            return shown
    return exact.quantize(Decimal(1).scaleb(-_MAX_DECIMALS), rounding=ROUND_DOWN)


def _fmt(percent: Number, *marks: Number | None) -> str:
    return f"{display_percent(_dec(percent), *marks)} %"


@dataclass(frozen=True)
class ElementScore:
    number: int
    name: str
    points: Decimal | None
    max_points: Decimal
    percent: Decimal | None  # unrounded; None when the points are missing or invalid
    supplemental: bool = False
    minimum: Decimal | None = None  # the minimum this element is held to, if any

    @property
    def percent_display(self) -> Decimal | None:
        return None if self.percent is None else display_percent(self.percent, self.minimum)


@dataclass(frozen=True)
class ScoreResult:
    elements: tuple[ElementScore, ...]
    overall_percent: Decimal | None  # unrounded; None when the audit cannot be graded
    passed: bool
    reasons: tuple[Reason, ...]
    overall_minimum: Decimal | None = None  # the overall pass mark the audit was held to

    @property
    def overall_display(self) -> Decimal | None:
        if self.overall_percent is None:
            return None
        return display_percent(self.overall_percent, self.overall_minimum)


def validate_tool(elements: Sequence[ElementSpec]) -> list[Reason]:
    """Problems that make an audit tool unusable for scoring.

    Codes: "empty_tool" (no core element to compute an overall on),
    "duplicate_element_number", "non_positive_max_points", "minimum_out_of_range".
    """
    reasons = []
    if not any(not e.supplemental for e in elements):
        reasons.append(Reason("empty_tool", "The audit tool has no core element."))
    counts = Counter(e.number for e in elements)
    reasons += [
        Reason("duplicate_element_number", f"Element {n} appears {c} times.", element_number=n)
        for n, c in sorted(counts.items())
        if c > 1
    ]
    for e in elements:
        if _dec(e.max_points) <= 0:
            reasons.append(
                Reason(
                    "non_positive_max_points",
                    f"Element {e.number} has {e.max_points} maximum points.",
                    element_number=e.number,
                )
            )
        if e.min_percent is not None and not 0 <= _dec(e.min_percent) <= HUNDRED:
            reasons.append(
                Reason(
                    "minimum_out_of_range",
                    f"Element {e.number} has a minimum of {e.min_percent} %.",
                    element_number=e.number,
                )
            )
    return reasons


def _input_problem(element: ElementSpec, points: Decimal | None) -> Reason | None:
    n = element.number
    if points is None:
        return Reason("element_missing_score", f"Element {n} has no score.", element_number=n)
    if points < 0:
        return Reason("negative_score", f"Element {n} scored {points} points.", element_number=n)
    if points > _dec(element.max_points):
        message = f"Element {n} scored {points} of at most {element.max_points} points."
        return Reason("score_above_maximum", message, element_number=n)
    return None


def score_audit(
    elements: Sequence[ElementSpec], points: Mapping[int, Number], marks: PassMarks
) -> ScoreResult:
    """Per-element and overall percentages, and pass/fail with every failing reason.

    docs/rules.md#amta-minimum-scores (AMTA): "MINIMUM SCORES: Certification/Recertification:
    Minimum overall score of 80%, and minimum 50% per element. Maintenance:
    Minimum overall 60%". Supplemental sections (docs/rules.md#scsa-manual, SCSA:
    "13 sections and 3 Supplemental sections") are held to their own minimum.

    Failing codes: "overall_below_minimum", "element_below_minimum"; input codes
    (the audit is not graded): "element_missing_score", "negative_score",
    "score_above_maximum", "unknown_element", and those of `validate_tool`.
    """
    tool_reasons = validate_tool(elements)
    if tool_reasons:
        return ScoreResult((), None, False, tuple(tool_reasons))

    scores: list[ElementScore] = []
    problems: list[Reason] = []
    for element in elements:
        value = points.get(element.number)
        earned = None if value is None else _dec(value)
        maximum = _dec(element.max_points)
        problem = _input_problem(element, earned)
        percent = None if problem or earned is None else earned / maximum * HUNDRED
        if problem:
            problems.append(problem)
        minimum = element.min_percent
        if minimum is None and not element.supplemental:
            minimum = marks.element_min_percent
        scores.append(
            ElementScore(
                element.number,
                element.name,
                earned,
                maximum,
                percent,
                element.supplemental,
                None if minimum is None else _dec(minimum),
            )
        )
    known = {e.number for e in elements}
    problems += [
        Reason("unknown_element", f"Element {n} is not in this audit tool.", element_number=n)
        for n in sorted(points)
        if n not in known
    ]
    overall_min = _dec(marks.overall_min_percent)
    if problems:
        return ScoreResult(tuple(scores), None, False, tuple(problems), overall_min)

    # From here every element has valid points and a percent (the `or 0`s are for typing).
    core = [s for s in scores if not s.supplemental]
    overall = sum(s.points or 0 for s in core) / sum(s.max_points for s in core) * HUNDRED
    reasons = []
    if overall < overall_min:
        reasons.append(
            Reason(
                "overall_below_minimum",
                f"Overall score {_fmt(overall, overall_min)} is below the "
                f"{_fmt(overall_min)} minimum.",
            )
        )
    for element, score in zip(elements, scores, strict=True):
        minimum = score.minimum
        percent = score.percent or Decimal(0)
        if minimum is not None and percent < _dec(minimum):
            kind = "Supplemental section" if element.supplemental else "Element"
            reasons.append(
                Reason(
                    "element_below_minimum",
                    f"{kind} {element.number} ({element.name}) scored {_fmt(percent, minimum)}, "
                    f"below its {_fmt(minimum)} minimum.",
                    element_number=element.number,
                )
            )
    return ScoreResult(tuple(scores), overall, not reasons, tuple(reasons), overall_min)
