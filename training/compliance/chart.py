"""The data of SCSA's training chart (docs/rules.md#scsa-training-chart).

The chart is read from the compliance assessment (``assess_compliance``), never
worked out again: its entries are a requirement's holders, and its problems are
the same reasons the compliance page gives.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from secor.reasons import Reason

from .assess import ComplianceReport, Holder, RequirementVerdict, _satisfies
from .records import Person
from .rules import ALL_HOLDERS, AT_LEAST_ONE, VALID, CourseRule


@dataclass(frozen=True)
class ChartEntry:
    person: Person
    course_code: str  # the course the record is for (a prior course may be accepted)
    certificate_number: str
    on: date | None  # completion, or proficiency acceptance on proficiency rows
    valid_until: date | None = None  # None: no expiry
    status: str = VALID  # every entry is a holder: its training counts on the chart's date


@dataclass(frozen=True)
class ChartRow:
    requirement_code: str
    label: str
    entries: tuple[ChartEntry, ...]
    slots: int  # lines a printed chart shows: "#1", "#2", ...
    met: bool = True  # the requirement behind the row, on the chart's date
    # Why the requirement is not met (the compliance page's reasons), on its first row only.
    problems: tuple[Reason, ...] = ()


def training_chart(report: ComplianceReport, courses: Iterable[CourseRule]) -> tuple[ChartRow, ...]:
    """The data of SCSA's training chart (docs/rules.md#scsa-training-chart), from `report`.

    "Please use the below chart to track who currently has the required
    training for your company, along with their certificate numbers and
    certification dates." One row per required course and one per proficiency
    (Internal Safety Auditor Certificate, LSE Proficiency). Only people who
    currently hold the training appear — the holders the compliance assessment
    found on ``report.as_of`` — on lines "#1", "#2" (a line per holder for an
    all-holders course such as SCOT). A requirement that is not met carries the
    assessment's own reasons (a course taken before its prerequisite, a
    proficiency missed, an employee without SCOT…) on its first row.
    """
    by_code = {c.code: c for c in courses}
    rows: list[ChartRow] = []
    for verdict in report.verdicts:
        req = verdict.requirement
        if req.kind not in (AT_LEAST_ONE, ALL_HOLDERS):
            continue
        for i, code in enumerate(req.course_codes):
            course = by_code.get(code)
            if course is None:
                continue
            holders = [h for h in verdict.holders if _satisfies(code, h.record, by_code)]
            problems = verdict.reasons if i == 0 else ()
            rows.append(_row(verdict, course.name, holders, problems, proficiency=False))
            if course.proficiency_name:
                label = course.proficiency_name[:1].upper() + course.proficiency_name[1:]
                rows.append(_row(verdict, label, holders, (), proficiency=True))
    return tuple(rows)


def _row(
    verdict: RequirementVerdict,
    label: str,
    holders: list[Holder],
    problems: tuple[Reason, ...],
    *,
    proficiency: bool,
) -> ChartRow:
    entries = tuple(
        ChartEntry(
            person=h.person,
            course_code=h.record.course_code,
            certificate_number="" if proficiency else h.record.certificate_number,
            on=h.record.proficiency_accepted_on if proficiency else h.record.completed_on,
            valid_until=h.valid_until,
        )
        for h in holders
    )
    # The seed's chart prints "#1" and "#2" for each trained-employee course.
    req = verdict.requirement
    slots = max(len(entries), 1) if req.kind == ALL_HOLDERS else max(2, len(entries))
    return ChartRow(req.code, label, entries, slots, verdict.met, problems)
