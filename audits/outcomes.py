"""An audit's outcome reasons: stored as codes with parameters, worded here with gettext.

The services store `[{"code": ..., "params": {...}}]` on `Audit.outcome_reasons`
(never a sentence), so the wording can change and be translated without
touching the rows. Pure: no ORM.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.utils.translation import gettext_lazy as _

from .scoring import ScoreResult, display_percent

PASSED = "passed"
OVERALL_BELOW_MINIMUM = "overall_below_minimum"
ELEMENT_BELOW_MINIMUM = "element_below_minimum"
EVALUATION_REJECTED = "evaluation_rejected"
RECORDED_AFTER_THE_FACT = "recorded_after_the_fact"

MESSAGES = {
    PASSED: _("Passed with an overall score of {overall} %."),
    OVERALL_BELOW_MINIMUM: _("Overall score {overall} % is below the {minimum} % minimum."),
    ELEMENT_BELOW_MINIMUM: _(
        "{kind} {element} ({name}) scored {percent} %, below its {minimum} % minimum."
    ),
    EVALUATION_REJECTED: _("The evaluation was rejected ({reason}). {note}"),
    RECORDED_AFTER_THE_FACT: _("Recorded after the fact from the association's records."),
}
KINDS = {"element": _("Element"), "supplemental": _("Supplemental section")}


def _fmt(value, *marks) -> str:
    return f"{display_percent(value, *marks).normalize():f}"


def reasons_from_score(result: ScoreResult, *, marks, elements) -> list[dict]:
    """The outcome reasons of a graded `ScoreResult` as JSON-safe codes and params."""
    if result.passed:
        return [
            {
                "code": PASSED,
                "params": {"overall": _fmt(result.overall_percent, result.overall_minimum)},
            }
        ]
    specs = {e.number: e for e in elements}
    scores = {s.number: s for s in result.elements}
    out = []
    for reason in result.reasons:
        if reason.code == OVERALL_BELOW_MINIMUM:
            out.append(
                {
                    "code": OVERALL_BELOW_MINIMUM,
                    "params": {
                        "overall": _fmt(result.overall_percent, marks.overall_min_percent),
                        "minimum": _fmt(marks.overall_min_percent),
                    },
                }
            )
        elif reason.code == ELEMENT_BELOW_MINIMUM and reason.element_number in specs:
            spec = specs[reason.element_number]
            minimum = spec.min_percent
            if minimum is None:
                minimum = marks.element_min_percent
            out.append(
                {
                    "code": ELEMENT_BELOW_MINIMUM,
                    "params": {
                        "element": spec.number,
                        "name": spec.name,
                        "supplemental": spec.supplemental,
                        "percent": _fmt(scores[spec.number].percent or 0, minimum),
                        "minimum": _fmt(minimum or 0),
                    },
                }
            )
        else:
            out.append({"code": reason.code, "params": {"element": reason.element_number}})
    return out


def rejection_reason(reason_code: str, note: str) -> dict:
    return {"code": EVALUATION_REJECTED, "params": {"reason": reason_code, "note": note}}


def failing_elements(reasons: Iterable[Mapping]) -> list[int]:
    """The element numbers a failed audit fell short on (a limited-scope audit's scope)."""
    return sorted(
        {
            int(r["params"]["element"])
            for r in reasons
            if r.get("code") == ELEMENT_BELOW_MINIMUM and r.get("params", {}).get("element")
        }
    )


def reason_message(reason: Mapping) -> str:
    code, params = reason.get("code", ""), dict(reason.get("params") or {})
    template = MESSAGES.get(code)
    if template is None:
        return str(code).replace("_", " ").capitalize()
    if code == ELEMENT_BELOW_MINIMUM:
        params["kind"] = KINDS["supplemental" if params.get("supplemental") else "element"]
    try:
        return str(template).format(**params).strip()
    except (KeyError, IndexError, ValueError):
        return str(code)


def reason_messages(reasons: Iterable[Mapping]) -> list[str]:
    return [reason_message(r) for r in reasons or ()]
