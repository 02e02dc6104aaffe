"""SECOR eligibility: is an employer small enough for SECOR on a given date?

Pure functions over dates and values; no Django. The per-association numbers live in
``EligibilityRules`` (seeded below, stored as program-rule data by a migration) so no
association is hard-coded in the logic.

Counting conventions, chosen here once so screens and tests agree:

* The window is inclusive at both ends: ``[as_of - window_months, as_of]``. Month
  arithmetic (``secor.dates``) clamps to the month's last day (2024-02-29 minus 12
  months = 2023-02-28).
* A roster entry's ``end_date`` is the last day the person worked, so someone leaving
  and someone starting on the same day are both counted on that day.
* A day's count is the larger of the roster count and the declared count for that day.
  Each source is a floor on who worked (a declaration covers people the roster may not
  name, such as a seasonal crew), and adding them would count the named people twice.
  Overlapping declarations also give the larger, not the sum, for the same reason.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from secor.dates import add_months
from secor.reasons import Reason  # noqa: F401 (re-exported)

EMPLOYMENT_TYPES: tuple[str, ...] = (
    "owner",
    "full_time_permanent",
    "part_time",
    "casual",
    "temporary",
    "subcontractor",
    "consultant",
    "family_member",
    "volunteer",
    "manager",
    "clerical",
)

EMPLOYMENT_TYPE_LABELS: dict[str, str] = {
    "owner": "Owner",
    "full_time_permanent": "Full-time permanent",
    "part_time": "Part-time",
    "casual": "Casual",
    "temporary": "Temporary",
    "subcontractor": "Subcontractor",
    "consultant": "Consultant",
    "family_member": "Family member",
    "volunteer": "Volunteer",
    "manager": "Manager",
    "clerical": "Clerical or administrative",
}

SOURCE_ROSTER = "roster"
SOURCE_DECLARATION = "declaration"

_ONE_DAY = timedelta(days=1)
_COUNTED, _EXCLUDED, _OUTSIDE = "counted", "excluded", "outside"


def _check_type(employment_type: str) -> None:
    if employment_type not in EMPLOYMENT_TYPES:
        raise ValueError(f"Unknown employment type: {employment_type!r}")


@dataclass(frozen=True)
class EligibilityRules:
    """One association's SECOR size rule, as editable program-rule data.

    ``limit`` is inclusive: ACSA (docs/rules.md#acsa-size-limit) "no more than 10 employees
    at any given time"; SCSA (docs/rules.md#scsa-size-limit) "9 or less Saskatchewan
    employees". ``province`` None counts everyone on the WCB account; "SK" counts only
    people working in Saskatchewan.
    """

    limit: int
    counted_types: frozenset[str]
    window_months: int = 12
    province: str | None = None
    over_limit_program: str = "COR"
    general_contractor_rule: bool = False

    def __post_init__(self) -> None:
        for employment_type in self.counted_types:
            _check_type(employment_type)
        if self.limit < 0 or self.window_months < 1:
            raise ValueError("limit must be >= 0 and window_months >= 1")

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready field values (for a data migration or a JSONField); no seed rule."""
        return {
            "limit": self.limit,
            "counted_types": [t for t in EMPLOYMENT_TYPES if t in self.counted_types],
            "window_months": self.window_months,
            "province": self.province,
            "over_limit_program": self.over_limit_program,
            "general_contractor_rule": self.general_contractor_rule,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EligibilityRules:
        """Inverse of ``as_dict``; accepts any iterable for ``counted_types``."""
        return cls(**{**data, "counted_types": frozenset(data["counted_types"])})


# ACSA, docs/rules.md#acsa-who-counts: "Included in this number are all staff covered under
# your WCB-Alberta account (for example, this includes owners, managers, clerical or
# administrative staff, part-time workers, temporary staff, family members, and
# volunteers)." Subcontractors and consultants are separate businesses, not staff on the
# employer's WCB account, so they are left out; an admin can add them.
ACSA_RULES = EligibilityRules(
    limit=10,
    counted_types=frozenset(EMPLOYMENT_TYPES) - {"subcontractor", "consultant"},
)

# SCSA, docs/rules.md#scsa-size-limit: "9 or less Saskatchewan employees, which includes
# owners, full time, part time, casual, and sub-contractors (both in the field and in
# the office)". Managers, clerical and temporary staff are employees in the office or
# field, so they count; consultants, volunteers and family members are not named and
# are not employees, so they do not.
SCSA_RULES = EligibilityRules(
    limit=9,
    counted_types=frozenset(EMPLOYMENT_TYPES) - {"consultant", "volunteer", "family_member"},
    province="SK",
    general_contractor_rule=True,
)

# AMTA's bulletin states no size rule (docs/rules.md#amta-size-limit); AMTA certifies under
# Alberta's SECOR standard, which is the same "no more than 10, everyone on the WCB
# account" rule ACSA publishes.
AMTA_RULES = ACSA_RULES

# Keyed by ``Association.seed``.
SEEDED_RULES: dict[str, EligibilityRules] = {
    "amta": AMTA_RULES,
    "acsa": ACSA_RULES,
    "scsa": SCSA_RULES,
}


@dataclass(frozen=True)
class RosterEntry:
    """A person on the roster; ``end_date`` is the last day worked (None = still working)."""

    name: str
    employment_type: str
    province: str | None
    start_date: date
    end_date: date | None = None

    def __post_init__(self) -> None:
        _check_type(self.employment_type)
        if self.end_date is not None and self.end_date < self.start_date:
            raise ValueError(f"{self.name}: end_date is before start_date")


@dataclass(frozen=True)
class HeadcountPeriod:
    """A declaration: how many people of each employment type worked from start to end."""

    start: date
    end: date
    counts: Mapping[str, int]

    def __post_init__(self) -> None:
        for employment_type, count in self.counts.items():
            _check_type(employment_type)
            if count < 0:
                raise ValueError(f"Negative count for {employment_type!r}")
        if self.end < self.start:
            raise ValueError("end is before start")


@dataclass(frozen=True)
class EligibilityVerdict:
    """The answer for one employer on one date.

    ``peak_*`` describe the first day with the most counted people (``peak_date`` is None
    when nobody counted worked); ``excluded_at_peak`` and ``outside_province_at_peak`` are
    the people working that day whom the rules leave out, so a screen can explain them.
    """

    eligible: bool
    peak_count: int
    peak_date: date | None
    peak_source: str | None
    peak_breakdown: dict[str, int]
    excluded_types: tuple[str, ...]
    excluded_at_peak: dict[str, int]
    outside_province_at_peak: int
    window_start: date
    window_end: date
    limit: int
    reasons: list[Reason]
    next_steps: list[str]

    @property
    def reason_codes(self) -> list[str]:
        return [reason.code for reason in self.reasons]


@dataclass(frozen=True)
class _Peak:
    count: int = 0
    day: date | None = None
    source: str | None = None
    declaration: HeadcountPeriod | None = None
    counted: dict[str, int] = field(default_factory=dict)
    excluded: dict[str, int] = field(default_factory=dict)
    outside_province: int = 0


def _clip(start: date, end: date | None, lo: date, hi: date) -> tuple[date, date] | None:
    start, end = max(start, lo), min(end or hi, hi)
    return (start, end) if start <= end else None


def _in_order(counts: Mapping[str, int]) -> dict[str, int]:
    return {t: counts[t] for t in EMPLOYMENT_TYPES if counts.get(t)}


def _split(
    rules: EligibilityRules, counts: Mapping[str, int]
) -> tuple[dict[str, int], dict[str, int]]:
    counted = _in_order({t: n for t, n in counts.items() if t in rules.counted_types})
    excluded = _in_order({t: n for t, n in counts.items() if t not in rules.counted_types})
    return counted, excluded


def _bucket(rules: EligibilityRules, entry: RosterEntry) -> str:
    # A missing province is counted: wrongly passing a too-big employer costs more than
    # asking the owner to fill in the province (a warning says so).
    if rules.province and entry.province and entry.province.upper() != rules.province.upper():
        return _OUTSIDE
    return _COUNTED if entry.employment_type in rules.counted_types else _EXCLUDED


def _find_peak(
    rules: EligibilityRules,
    window: tuple[date, date],
    roster: Iterable[RosterEntry],
    declarations: Iterable[HeadcountPeriod],
) -> tuple[_Peak, bool]:
    """Sweep the change points (starts and day-after-ends) instead of every day."""
    roster_changes: dict[date, Counter[tuple[str, str]]] = defaultdict(Counter)
    declaration_changes: dict[date, Counter[int]] = defaultdict(Counter)
    clipped_declarations: list[HeadcountPeriod] = []
    for entry in roster:
        if span := _clip(entry.start_date, entry.end_date, *window):
            key = (_bucket(rules, entry), entry.employment_type)
            roster_changes[span[0]][key] += 1
            roster_changes[span[1] + _ONE_DAY][key] -= 1
    for declaration in declarations:
        if span := _clip(declaration.start, declaration.end, *window):
            index = len(clipped_declarations)
            clipped_declarations.append(declaration)
            declaration_changes[span[0]][index] += 1
            declaration_changes[span[1] + _ONE_DAY][index] -= 1
    declared = [_split(rules, d.counts) for d in clipped_declarations]
    declared_totals = [sum(counted.values()) for counted, _ in declared]

    peak = _Peak()
    working: Counter[tuple[str, str]] = Counter()
    active: Counter[int] = Counter()
    for day in sorted(roster_changes.keys() | declaration_changes.keys()):
        if day > window[1]:
            break
        working.update(roster_changes.get(day, {}))
        active.update(declaration_changes.get(day, {}))
        roster_total = sum(n for (bucket, _), n in working.items() if bucket == _COUNTED)
        best = max(
            (i for i, n in active.items() if n), key=declared_totals.__getitem__, default=None
        )
        declared_total = declared_totals[best] if best is not None else 0
        if max(roster_total, declared_total) <= peak.count:
            continue
        if roster_total >= declared_total:
            by_bucket: dict[str, Counter[str]] = defaultdict(Counter)
            for (bucket, employment_type), n in working.items():
                by_bucket[bucket][employment_type] += n
            peak = _Peak(
                count=roster_total,
                day=day,
                source=SOURCE_ROSTER,
                counted=_in_order(by_bucket[_COUNTED]),
                excluded=_in_order(by_bucket[_EXCLUDED]),
                outside_province=sum(by_bucket[_OUTSIDE].values()),
            )
        else:
            counted, excluded = declared[best]
            peak = _Peak(
                count=declared_total,
                day=day,
                source=SOURCE_DECLARATION,
                declaration=clipped_declarations[best],
                counted=counted,
                excluded=excluded,
            )
    has_data = bool(roster_changes or declaration_changes)
    return peak, has_data


def _people(count: int) -> str:
    return f"{count} person" if count == 1 else f"{count} people"


def _describe(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{EMPLOYMENT_TYPE_LABELS[t].lower()} {n}" for t, n in counts.items())


def _peak_sentence(peak: _Peak, where: str) -> str:
    if peak.declaration is not None:
        period = f"{peak.declaration.start} to {peak.declaration.end}"
        return f"You declared {_people(peak.count)}{where} for {period} ({_describe(peak.counted)})"
    return f"{_people(peak.count)} worked for you{where} on {peak.day} ({_describe(peak.counted)})"


def assess_eligibility(
    rules: EligibilityRules,
    as_of: date,
    roster: Sequence[RosterEntry],
    declarations: Sequence[HeadcountPeriod],
    *,
    is_general_contractor: bool = False,
    expected_workers: int | None = None,
) -> EligibilityVerdict:
    """Decide whether an employer may hold SECOR on ``as_of``, and say why.

    ACSA, docs/rules.md#acsa-size-limit: "your company cannot have more than 10 employees at
    any given time within the past 12 months. Included in this number are all staff
    covered under your Workers' Compensation Board (WCB-) Alberta account" and "If you
    have more than 10, you will need to apply for a Certificate of Recognition (COR)
    instead."

    SCSA, docs/rules.md#scsa-size-limit: "designed for 9 or less Saskatchewan employees, which
    includes owners, full time, part time, casual, and sub-contractors" and "A Small
    Employer in the role of General Contractor (or Management Company) with an
    expectation to engage or employ more than 9 workers (including sub-contractors) no
    longer qualifies ... they must advise the SCSA and start the process for the
    standard Certificate of Recognition (COR)."

    "At any given time" is the largest number of counted people working on one day in
    the inclusive window ``[as_of - rules.window_months, as_of]`` (see module docstring
    for how roster and declarations combine). No data at all is a warning, not a failure.
    """
    window_start = add_months(as_of, -rules.window_months)
    peak, has_data = _find_peak(rules, (window_start, as_of), roster, declarations)
    where = f" in {rules.province}" if rules.province else ""
    past = f"in the past {rules.window_months} months"
    apply_instead = f"Apply for {rules.over_limit_program} instead."
    reasons: list[Reason] = []
    next_steps: list[str] = []

    if peak.count > rules.limit:
        message = (
            f"{_peak_sentence(peak, where)}; SECOR allows no more than {rules.limit}{where}"
            f" at any time {past}."
        )
        reasons.append(Reason("over_limit", message, blocking=True))
        next_steps.append(apply_instead)
    elif has_data:
        message = (
            f"The most people who worked for you{where} on one day {past} was {peak.count}"
            + (f", first on {peak.day} ({_describe(peak.counted)})" if peak.day else "")
            + f"; SECOR allows up to {rules.limit}."
        )
        reasons.append(Reason("within_limit", message))

    if peak.day and (peak.excluded or peak.outside_province):
        parts = [_describe(peak.excluded)] if peak.excluded else []
        if peak.outside_province:
            parts.append(f"{_people(peak.outside_province)} working outside {rules.province}")
        reasons.append(Reason("not_counted", f"Not counted on {peak.day}: {'; '.join(parts)}."))

    if rules.general_contractor_rule and is_general_contractor:
        if expected_workers is None:
            message = (
                "You work as a general contractor: tell us how many workers, subcontractors"
                f" included, you expect to engage or employ; more than {rules.limit} means"
                " SECOR no longer applies."
            )
            reasons.append(Reason("general_contractor_expectation_missing", message))
            next_steps.append("Enter how many workers you expect to engage as general contractor.")
        elif expected_workers > rules.limit:
            message = (
                f"As a general contractor you expect to engage or employ {expected_workers}"
                f" workers, subcontractors included; SECOR allows no more than {rules.limit}."
            )
            reasons.append(Reason("general_contractor_over_limit", message, blocking=True))
            next_steps += [
                "Tell your association that you no longer qualify for SECOR.",
                apply_instead,
            ]

    if rules.province:
        unknown = sorted(
            e.name
            for e in roster
            if not e.province and _clip(e.start_date, e.end_date, window_start, as_of)
        )
        if unknown:
            message = (
                f"No province is recorded for {', '.join(unknown)}; we counted them as working"
                f" in {rules.province}. Record each person's province."
            )
            reasons.append(Reason("province_unknown", message))

    if not has_data:
        period = f"{window_start} to {as_of}"
        message = (
            f"You have not entered any workers or headcount for {period}, so we cannot confirm"
            f" that no more than {rules.limit} people worked for you{where} at any time {past}."
        )
        reasons.append(Reason("no_headcount_data", message))
        next_steps.append(
            f"Add everyone who worked for you from {period} to your roster,"
            " or declare your headcount for that period."
        )

    return EligibilityVerdict(
        eligible=not any(reason.blocking for reason in reasons),
        peak_count=peak.count,
        peak_date=peak.day,
        peak_source=peak.source,
        peak_breakdown=peak.counted,
        excluded_types=tuple(t for t in EMPLOYMENT_TYPES if t not in rules.counted_types),
        excluded_at_peak=peak.excluded,
        outside_province_at_peak=peak.outside_province,
        window_start=window_start,
        window_end=as_of,
        limit=rules.limit,
        reasons=reasons,
        next_steps=list(dict.fromkeys(next_steps)),
    )
