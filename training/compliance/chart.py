"""The data of SCSA's training chart (docs/rules.md#scsa-training-chart)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from .assess import _person_blockers, _satisfies
from .records import Person, Record, _Facts, _facts, record_status
from .rules import ALL_HOLDERS, AT_LEAST_ONE, CourseRule, PersonId, RequirementRule


@dataclass(frozen=True)
class ChartEntry:
    person: Person
    course_code: str | None  # None: not trained yet
    certificate_number: str
    on: date | None  # completion, or proficiency acceptance on proficiency rows
    # With an as_of: "valid" or the reason code why the record does not count.
    status: str | None = None


@dataclass(frozen=True)
class ChartRow:
    requirement_code: str
    label: str
    entries: tuple[ChartEntry, ...]
    slots: int  # lines a printed chart shows: "#1", "#2", ...


def training_chart(
    rules: Iterable[RequirementRule],
    courses: Iterable[CourseRule],
    people: Iterable[Person],
    records: Iterable[Record],
    *,
    as_of: date | None = None,
) -> tuple[ChartRow, ...]:
    """The data of SCSA's training chart (docs/rules.md#scsa-training-chart).

    "Please use the below chart to track who currently has the required
    training for your company, along with their certificate numbers and
    certification dates." One row per required course and one per proficiency
    (Internal Safety Auditor Certificate, LSE Proficiency) with trained
    employees "#1", "#2"; for an all-holders course (SCOT) one entry per
    eligible employee, blank when untrained. Entries show each person's latest
    record, valid or not; `assess_compliance` judges them. Without `as_of`,
    employment dates are not checked.
    """
    facts = _facts(courses, people, records, as_of or date.max, "")
    rows: list[ChartRow] = []
    for req in rules:
        if req.kind not in (AT_LEAST_ONE, ALL_HOLDERS):
            continue
        eligible = [p for p in facts.people.values() if not _person_blockers(p, req, as_of)]
        for code in req.course_codes:
            course = facts.courses[code]
            latest = {p.id: _latest_record(code, p, facts) for p in eligible}
            shown = [p for p in eligible if req.kind == ALL_HOLDERS or latest[p.id]]
            status = {
                pid: record_status(facts.courses[r.course_code], r, as_of)
                for pid, r in latest.items()
                if r and as_of and r.course_code in facts.courses
            }
            rows.append(_chart_row(req, course.name, shown, latest, status, _completion))
            if course.proficiency_name:
                label = course.proficiency_name[:1].upper() + course.proficiency_name[1:]
                rows.append(_chart_row(req, label, shown, latest, status, _proficiency))
    return tuple(rows)


def _latest_record(code: str, person: Person, facts: _Facts) -> Record | None:
    matching = [r for r in facts.records.get(person.id, ()) if _satisfies(code, r, facts.courses)]
    return max(matching, key=lambda r: r.completed_on, default=None)


def _completion(record: Record) -> tuple[str, date | None]:
    return record.certificate_number, record.completed_on


def _proficiency(record: Record) -> tuple[str, date | None]:
    return "", record.proficiency_accepted_on


def _chart_row(
    req: RequirementRule,
    label: str,
    people: list[Person],
    latest: Mapping[PersonId, Record | None],
    status: Mapping[PersonId, str],
    view: Callable[[Record], tuple[str, date | None]],
) -> ChartRow:
    entries = []
    for person in people:
        record = latest[person.id]
        certificate, on = view(record) if record else ("", None)
        code = record.course_code if record else None
        entries.append(ChartEntry(person, code, certificate, on, status.get(person.id)))
    # The seed's chart prints "#1" and "#2" for each trained-employee course.
    slots = len(entries) if req.kind == ALL_HOLDERS else max(2, len(entries))
    return ChartRow(req.code, label, tuple(entries), slots)
