"""SECOR eligibility: is an employer small enough for SECOR on a given date?

Pure functions over dates and values; no Django. The per-association numbers live in
``EligibilityRules`` (seeded below, stored as program-rule data by a migration) so no
association is hard-coded in the logic.

A worker has two facts (docs/rules.md#reading-role-and-status): a **role** (owner,
manager, clerical, family member, other) and an **employment status** (full-time
permanent, part-time, casual, temporary, subcontractor, consultant, volunteer). A size
rule names the roles and the statuses it counts; a person counts when both are named.

Counting conventions, chosen here once so screens and tests agree:

* The window is inclusive at both ends: ``[as_of - window_months, as_of]``. Month
  arithmetic (``secor.dates``) clamps to the month's last day (2024-02-29 minus 12
  months = 2023-02-28).
* A roster entry's ``end_date`` is the last day the person worked, so someone leaving
  and someone starting on the same day are both counted on that day.
* A day's count is the named workers on the roster that day **plus** the people declared
  for a period covering that day (docs/rules.md#reading-headcount): a declaration covers
  people the roster does not name, such as a seasonal crew. Two declarations covering
  the same day describe the same unnamed people twice (say a correction), so the larger
  of them is added, not their sum.
* A rule counts people or full-time equivalents (docs/rules.md#other-bc-construction:
  "up to 19 full-time equivalents"). A worker's FTE is the fraction recorded, else their
  weekly hours over the rule's full-time week, else 1 (a warning names them): wrongly
  passing a too-big employer costs more than asking for the hours.
* A declaration's columns are the headcount categories (``EMPLOYMENT_TYPES``): each is
  a role or a status, mapped to the pair by ``role_and_status``. Under an FTE rule a
  declaration counts the FTE it declares, else one per counted person.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from secor.dates import add_months
from secor.reasons import Reason, gettext_noop

# --- The two facts of a worker ----------------------------------------------------

ROLES: tuple[str, ...] = ("owner", "manager", "clerical", "family_member", "other")
ROLE_LABELS: dict[str, str] = {
    "owner": "Owner",
    "manager": "Manager",
    "clerical": "Clerical or administrative",
    "family_member": "Family member",
    "other": "Other",
}
EMPLOYMENT_STATUSES: tuple[str, ...] = (
    "full_time_permanent",
    "part_time",
    "casual",
    "temporary",
    "subcontractor",
    "consultant",
    "volunteer",
)
STATUS_LABELS: dict[str, str] = {
    "full_time_permanent": "Full-time permanent",
    "part_time": "Part-time",
    "casual": "Casual",
    "temporary": "Temporary",
    "subcontractor": "Subcontractor",
    "consultant": "Consultant",
    "volunteer": "Volunteer",
}

# Headcount categories: the columns of a declaration and the words of a breakdown. Each
# is a role or a status; ``role_and_status`` gives the pair. (Before roles and statuses
# were split these were a worker's one "kind"; the data migration maps old rows the
# same way.)
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
EMPLOYMENT_TYPE_LABELS: dict[str, str] = {**STATUS_LABELS, **ROLE_LABELS}
EMPLOYMENT_TYPE_LABELS = {t: EMPLOYMENT_TYPE_LABELS[t] for t in EMPLOYMENT_TYPES}

# The old single kind → (role, status). Owners, managers and clerical staff are taken
# to be full-time permanent (the usual case; the roster shows it and the employer can
# correct it); a family member was "an unpaid family member who helps out", so a
# volunteer — which keeps every earlier verdict as it was.
KIND_TO_ROLE_AND_STATUS: dict[str, tuple[str, str]] = {
    "owner": ("owner", "full_time_permanent"),
    "manager": ("manager", "full_time_permanent"),
    "clerical": ("clerical", "full_time_permanent"),
    "family_member": ("family_member", "volunteer"),
    **{status: ("other", status) for status in EMPLOYMENT_STATUSES},
}

COUNT_PEOPLE = "people"
COUNT_FTE = "fte"
COUNT_UNITS = (COUNT_PEOPLE, COUNT_FTE)

SOURCE_ROSTER = "roster"
SOURCE_DECLARATION = "declaration"
SOURCE_BOTH = "roster_and_declaration"

_ONE_DAY = timedelta(days=1)
_COUNTED, _EXCLUDED, _OUTSIDE = "counted", "excluded", "outside"


def role_and_status(kind: str) -> tuple[str, str]:
    """The (role, employment status) of an old single kind or a headcount category."""
    try:
        return KIND_TO_ROLE_AND_STATUS[kind]
    except KeyError:
        raise ValueError(f"Unknown kind of worker: {kind!r}") from None


def category_of(role: str, status: str) -> str:
    """The headcount category a worker is shown under: the role, or the status for "other"."""
    return status if role == "other" else role


def _check_type(employment_type: str) -> None:
    if employment_type not in EMPLOYMENT_TYPES:
        raise ValueError(f"Unknown employment type: {employment_type!r}")


def _check(value: str, allowed: tuple[str, ...], what: str) -> None:
    if value not in allowed:
        raise ValueError(f"Unknown {what}: {value!r}")


def _fte(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@dataclass(frozen=True)
class EligibilityRules:
    """One association's SECOR size rule, as editable program-rule data.

    ``limit`` is inclusive: ACSA (docs/rules.md#acsa-size-limit) "no more than 10 employees
    at any given time"; SCSA (docs/rules.md#scsa-size-limit) "9 or less Saskatchewan
    employees". A person counts when their role is in ``counted_roles`` and their
    employment status in ``counted_statuses``. ``province`` None counts everyone on the
    WCB account; "SK" counts only people working in Saskatchewan. ``count_unit`` is
    "people" or "fte" (full-time equivalents, a ``full_time_hours`` week each).
    """

    limit: int
    counted_roles: frozenset[str]
    counted_statuses: frozenset[str]
    window_months: int = 12
    province: str | None = None
    over_limit_program: str = "COR"
    general_contractor_rule: bool = False
    count_unit: str = COUNT_PEOPLE
    full_time_hours: int = 40

    def __post_init__(self) -> None:
        for role in self.counted_roles:
            _check(role, ROLES, "role")
        for status in self.counted_statuses:
            _check(status, EMPLOYMENT_STATUSES, "employment status")
        _check(self.count_unit, COUNT_UNITS, "count unit")
        if self.limit < 0 or self.window_months < 1 or self.full_time_hours < 1:
            raise ValueError("limit must be >= 0, window_months and full_time_hours >= 1")

    def counts(self, role: str, status: str) -> bool:
        """Whether a person with this role and status counts towards the limit."""
        return role in self.counted_roles and status in self.counted_statuses

    def counts_category(self, category: str) -> bool:
        return self.counts(*role_and_status(category))

    @property
    def excluded_roles(self) -> tuple[str, ...]:
        return tuple(r for r in ROLES if r not in self.counted_roles)

    @property
    def excluded_statuses(self) -> tuple[str, ...]:
        return tuple(s for s in EMPLOYMENT_STATUSES if s not in self.counted_statuses)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready field values (for a data migration or a JSONField); no seed rule."""
        return {
            "limit": self.limit,
            "counted_roles": [r for r in ROLES if r in self.counted_roles],
            "counted_statuses": [s for s in EMPLOYMENT_STATUSES if s in self.counted_statuses],
            "window_months": self.window_months,
            "province": self.province,
            "over_limit_program": self.over_limit_program,
            "general_contractor_rule": self.general_contractor_rule,
            "count_unit": self.count_unit,
            "full_time_hours": self.full_time_hours,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EligibilityRules:
        """Inverse of ``as_dict``; accepts any iterable for the counted roles and statuses."""
        return cls(
            **{
                **data,
                "counted_roles": frozenset(data["counted_roles"]),
                "counted_statuses": frozenset(data["counted_statuses"]),
            }
        )


def counted_from_kinds(kinds: Iterable[str]) -> tuple[list[str], list[str]]:
    """(counted roles, counted statuses) for a rule that counted old single kinds.

    Statuses come from every kind; a role is counted when its kind was, and "other"
    when any plain status was. Used by the data migration; keeps every verdict as it was.
    """
    kinds = set(kinds)
    statuses = {role_and_status(k)[1] for k in kinds}
    roles = {k for k in kinds if k in ROLES}
    if kinds & set(EMPLOYMENT_STATUSES):
        roles.add("other")
    return (
        [r for r in ROLES if r in roles],
        [s for s in EMPLOYMENT_STATUSES if s in statuses],
    )


# ACSA, docs/rules.md#acsa-who-counts: "Included in this number are all staff covered under
# your WCB-Alberta account (for example, this includes owners, managers, clerical or
# administrative staff, part-time workers, temporary staff, family members, and
# volunteers)." Every role counts; subcontractors and consultants are separate
# businesses, not staff on the employer's WCB account, so those statuses are left out;
# an admin can add them.
ACSA_RULES = EligibilityRules(
    limit=10,
    counted_roles=frozenset(ROLES),
    counted_statuses=frozenset(EMPLOYMENT_STATUSES) - {"subcontractor", "consultant"},
)

# SCSA, docs/rules.md#scsa-size-limit: "9 or less Saskatchewan employees, which includes
# owners, full time, part time, casual, and sub-contractors (both in the field and in
# the office)". Every role counts (a family member working full-time is a full-time
# employee); temporary staff are employees and count; consultants and volunteers are
# not named and are not employees, so they do not.
SCSA_RULES = EligibilityRules(
    limit=9,
    counted_roles=frozenset(ROLES),
    counted_statuses=frozenset(EMPLOYMENT_STATUSES) - {"consultant", "volunteer"},
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
    """A person on the roster; ``end_date`` is the last day worked (None = still working).

    ``fte`` (a fraction such as 0.5) or ``weekly_hours`` matter only to an FTE rule.
    """

    name: str
    role: str
    employment_status: str
    province: str | None
    start_date: date
    end_date: date | None = None
    fte: Decimal | None = None
    weekly_hours: Decimal | None = None

    def __post_init__(self) -> None:
        _check(self.role, ROLES, "role")
        _check(self.employment_status, EMPLOYMENT_STATUSES, "employment status")
        if self.end_date is not None and self.end_date < self.start_date:
            raise ValueError(f"{self.name}: end_date is before start_date")
        for value in (self.fte, self.weekly_hours):
            if value is not None and value < 0:
                raise ValueError(f"{self.name}: negative FTE or hours")

    @classmethod
    def of_kind(cls, name: str, kind: str, province, start_date, end_date=None, **kw):
        """An entry from a headcount category (the role or status), e.g. "owner"."""
        return cls(name, *role_and_status(kind), province, start_date, end_date, **kw)

    @property
    def category(self) -> str:
        return category_of(self.role, self.employment_status)

    def fte_under(self, rules: EligibilityRules) -> Decimal | None:
        """This person's full-time equivalent; None when neither FTE nor hours is known."""
        if self.fte is not None:
            return _fte(self.fte)
        if self.weekly_hours is not None:
            return (_fte(self.weekly_hours) / rules.full_time_hours).quantize(Decimal("0.01"))
        return None


@dataclass(frozen=True)
class HeadcountPeriod:
    """A declaration: how many people of each category worked from start to end.

    ``fte``: the full-time equivalents the employer declared for the counted people, if
    given (used by an FTE rule).
    """

    start: date
    end: date
    counts: Mapping[str, int]
    fte: Decimal | None = None

    def __post_init__(self) -> None:
        for employment_type, count in self.counts.items():
            _check_type(employment_type)
            if count < 0:
                raise ValueError(f"Negative count for {employment_type!r}")
        if self.end < self.start:
            raise ValueError("end is before start")
        if self.fte is not None and self.fte < 0:
            raise ValueError("Negative FTE")


@dataclass(frozen=True)
class EligibilityVerdict:
    """The answer for one employer on one date.

    ``peak_*`` describe the first day with the most counted people (``peak_date`` is None
    when nobody counted worked): ``peak_count`` is named plus declared (people, or FTE
    under an FTE rule), ``peak_named`` and ``peak_declared`` its two parts.
    ``excluded_at_peak`` and ``outside_province_at_peak`` are the people working that
    day whom the rules leave out, so a screen can explain them. ``headline`` is the one
    sentence a screen shows above the reasons; it always agrees with them.
    """

    eligible: bool
    peak_count: int | Decimal
    peak_date: date | None
    peak_source: str | None
    peak_breakdown: dict[str, int]
    excluded_roles: tuple[str, ...]
    excluded_statuses: tuple[str, ...]
    excluded_at_peak: dict[str, int]
    outside_province_at_peak: int
    window_start: date
    window_end: date
    limit: int
    reasons: list[Reason]
    next_steps: list[str]
    headline: Reason
    count_unit: str = COUNT_PEOPLE
    peak_named: int | Decimal = 0
    peak_declared: int | Decimal = 0

    @property
    def reason_codes(self) -> list[str]:
        return [reason.code for reason in self.reasons]

    @property
    def peak_cache(self) -> int:
        """The peak as a whole number for the staff directory (an FTE peak rounds up)."""
        return math.ceil(self.peak_count)


@dataclass(frozen=True)
class _Peak:
    count: int | Decimal = 0
    day: date | None = None
    named: int | Decimal = 0
    declared: int | Decimal = 0
    declaration: HeadcountPeriod | None = None
    named_counted: dict[str, int] = field(default_factory=dict)
    declared_counted: dict[str, int] = field(default_factory=dict)
    excluded: dict[str, int] = field(default_factory=dict)
    outside_province: int = 0

    @property
    def source(self) -> str | None:
        if self.day is None:
            return None
        if self.named and self.declared:
            return SOURCE_BOTH
        return SOURCE_DECLARATION if self.declared else SOURCE_ROSTER

    @property
    def counted(self) -> dict[str, int]:
        return _in_order(Counter(self.named_counted) + Counter(self.declared_counted))


def _clip(start: date, end: date | None, lo: date, hi: date) -> tuple[date, date] | None:
    start, end = max(start, lo), min(end or hi, hi)
    return (start, end) if start <= end else None


def _in_order(counts: Mapping[str, int]) -> dict[str, int]:
    return {t: counts[t] for t in EMPLOYMENT_TYPES if counts.get(t)}


def _split(
    rules: EligibilityRules, counts: Mapping[str, int]
) -> tuple[dict[str, int], dict[str, int]]:
    counted = _in_order({t: n for t, n in counts.items() if rules.counts_category(t)})
    excluded = _in_order({t: n for t, n in counts.items() if not rules.counts_category(t)})
    return counted, excluded


def _bucket(rules: EligibilityRules, entry: RosterEntry) -> str:
    # A missing province is counted: wrongly passing a too-big employer costs more than
    # asking the owner to fill in the province (a warning says so).
    if rules.province and entry.province and entry.province.upper() != rules.province.upper():
        return _OUTSIDE
    return _COUNTED if rules.counts(entry.role, entry.employment_status) else _EXCLUDED


def _weight(rules: EligibilityRules, entry: RosterEntry) -> int | Decimal:
    if rules.count_unit != COUNT_FTE:
        return 1
    fte = entry.fte_under(rules)
    return Decimal(1) if fte is None else fte


def _declared_total(rules: EligibilityRules, declaration: HeadcountPeriod, counted) -> Any:
    people = sum(counted.values())
    if rules.count_unit == COUNT_FTE:
        return _fte(declaration.fte) if declaration.fte is not None else Decimal(people)
    return people


def _find_peak(
    rules: EligibilityRules,
    window: tuple[date, date],
    roster: Iterable[RosterEntry],
    declarations: Iterable[HeadcountPeriod],
) -> tuple[_Peak, bool]:
    """Sweep the change points (starts and day-after-ends) instead of every day."""
    # (bucket, category) → people, and counted weight (1 each, or FTE)
    roster_changes: dict[date, Counter[tuple[str, str]]] = defaultdict(Counter)
    weight_changes: dict[date, Counter[str]] = defaultdict(Counter)
    declaration_changes: dict[date, Counter[int]] = defaultdict(Counter)
    clipped_declarations: list[HeadcountPeriod] = []
    for entry in roster:
        if span := _clip(entry.start_date, entry.end_date, *window):
            bucket = _bucket(rules, entry)
            key = (bucket, entry.category)
            roster_changes[span[0]][key] += 1
            roster_changes[span[1] + _ONE_DAY][key] -= 1
            if bucket == _COUNTED:
                weight = _weight(rules, entry)
                weight_changes[span[0]]["w"] += weight
                weight_changes[span[1] + _ONE_DAY]["w"] -= weight
    for declaration in declarations:
        if span := _clip(declaration.start, declaration.end, *window):
            index = len(clipped_declarations)
            clipped_declarations.append(declaration)
            declaration_changes[span[0]][index] += 1
            declaration_changes[span[1] + _ONE_DAY][index] -= 1
    declared = [_split(rules, d.counts) for d in clipped_declarations]
    declared_totals = [
        _declared_total(rules, d, counted)
        for d, (counted, _) in zip(clipped_declarations, declared, strict=True)
    ]

    peak = _Peak()
    working: Counter[tuple[str, str]] = Counter()
    named: Any = 0
    active: Counter[int] = Counter()
    days = roster_changes.keys() | weight_changes.keys() | declaration_changes.keys()
    for day in sorted(days):
        if day > window[1]:
            break
        working.update(roster_changes.get(day, {}))
        named += weight_changes.get(day, {}).get("w", 0)
        active.update(declaration_changes.get(day, {}))
        best = max(
            (i for i, n in active.items() if n), key=declared_totals.__getitem__, default=None
        )
        declared_total = declared_totals[best] if best is not None else 0
        total = named + declared_total
        if total <= peak.count:
            continue
        by_bucket: dict[str, Counter[str]] = defaultdict(Counter)
        for (bucket, category), n in working.items():
            by_bucket[bucket][category] += n
        excluded = Counter(by_bucket[_EXCLUDED])
        declared_counted: dict[str, int] = {}
        if best is not None:
            declared_counted, declared_excluded = declared[best]
            excluded.update(declared_excluded)
        peak = _Peak(
            count=total,
            day=day,
            named=named,
            declared=declared_total,
            declaration=clipped_declarations[best] if best is not None and declared_total else None,
            named_counted=_in_order(by_bucket[_COUNTED]),
            declared_counted=declared_counted if declared_total else {},
            excluded=_in_order(excluded),
            outside_province=sum(by_bucket[_OUTSIDE].values()),
        )
    has_data = bool(roster_changes or declaration_changes)
    return peak, has_data


def _amount(count: int | Decimal, unit: str = COUNT_PEOPLE) -> str:
    """ "1 person", "11 people", "12.5 full-time equivalents"."""
    if unit == COUNT_FTE:
        value = f"{Decimal(count).normalize():f}"
        return f"{value} full-time equivalent" + ("" if Decimal(count) == 1 else "s")
    return f"{count} person" if count == 1 else f"{count} people"


def _people(count: int) -> str:
    return _amount(count)


def _describe(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{EMPLOYMENT_TYPE_LABELS[t].lower()} {n}" for t, n in counts.items())


def _parts(peak: _Peak, unit: str) -> str:
    """ "6 people named on your roster (…) and 5 people declared for A to B (…)"."""
    parts = []
    if peak.named:
        parts.append(
            f"{_amount(peak.named, unit)} named on your roster ({_describe(peak.named_counted)})"
        )
    if peak.declared and peak.declaration is not None:
        period = f"{peak.declaration.start} to {peak.declaration.end}"
        what = _describe(peak.declared_counted)
        parts.append(
            f"{_amount(peak.declared, unit)} declared for {period}" + (f" ({what})" if what else "")
        )
    return " and ".join(parts)


def _peak_sentence(peak: _Peak, where: str, unit: str) -> str:
    return f"On {peak.day}, {_amount(peak.count, unit)} worked for you{where}: {_parts(peak, unit)}"


_HEADLINES = {
    "eligible": gettext_noop(
        "Eligible for SECOR: at most {peak} at one time in the period checked; "
        "the limit is {limit}."
    ),
    "eligible_nobody": gettext_noop(
        "Eligible for SECOR: nobody counted worked for you in the period checked; "
        "the limit is {limit}."
    ),
    "unknown": gettext_noop("Not yet known: we need your headcount."),
    "over_limit": gettext_noop(
        "Not eligible for SECOR: {peak} worked for you at one time in the period checked; "
        "the limit is {limit}."
    ),
    "general_contractor_over_limit": gettext_noop(
        "Not eligible for SECOR: as a general contractor you expect to engage "
        "{expected} workers, subcontractors included; the limit is {limit}."
    ),
    "both_over_limit": gettext_noop(
        "Not eligible for SECOR: {peak} worked for you at one time in the period checked, "
        "and as a general contractor you expect to engage {expected} workers, "
        "subcontractors included; the limit is {limit}."
    ),
}


def _headline(codes: list[str], peak: _Peak, rules: EligibilityRules, expected) -> Reason:
    if "over_limit" in codes and "general_contractor_over_limit" in codes:
        key = "both_over_limit"
    elif "over_limit" in codes:
        key = "over_limit"
    elif "general_contractor_over_limit" in codes:
        key = "general_contractor_over_limit"
    elif "no_headcount_data" in codes:
        key = "unknown"
    else:
        key = "eligible" if peak.day else "eligible_nobody"
    limit = _amount(rules.limit, rules.count_unit) if rules.count_unit == COUNT_FTE else rules.limit
    fields = {"peak": _amount(peak.count, rules.count_unit), "limit": limit, "expected": expected}
    return Reason.from_template(f"headline_{key}", _HEADLINES[key], fields)


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

    "At any given time" is the largest count on one day in the inclusive window
    ``[as_of - rules.window_months, as_of]``: named workers plus declared people
    (docs/rules.md#reading-headcount; see the module docstring). No data at all is a
    warning, not a failure.
    """
    unit = rules.count_unit
    window_start = add_months(as_of, -rules.window_months)
    peak, has_data = _find_peak(rules, (window_start, as_of), roster, declarations)
    where = f" in {rules.province}" if rules.province else ""
    past = f"in the past {rules.window_months} months"
    apply_instead = f"Apply for {rules.over_limit_program} instead."
    limit_text = _amount(rules.limit, unit) if unit == COUNT_FTE else str(rules.limit)
    reasons: list[Reason] = []
    next_steps: list[str] = []

    if peak.count > rules.limit:
        message = (
            f"{_peak_sentence(peak, where, unit)}; SECOR allows no more than {limit_text}{where}"
            f" at any time {past}."
        )
        reasons.append(Reason("over_limit", message, blocking=True))
        next_steps.append(apply_instead)
    elif has_data:
        most = "full-time equivalents" if unit == COUNT_FTE else "people"
        message = (
            f"The most {most} who worked for you{where} on one day {past} was "
            + (f"{Decimal(peak.count).normalize():f}" if unit == COUNT_FTE else f"{peak.count}")
            + (f", first on {peak.day}: {_parts(peak, unit)}" if peak.day else "")
            + f"; SECOR allows up to {limit_text}."
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

    in_window = [e for e in roster if _clip(e.start_date, e.end_date, window_start, as_of)]
    if rules.province:
        unknown = sorted(e.name for e in in_window if not e.province)
        if unknown:
            message = (
                f"No province is recorded for {', '.join(unknown)}; we counted them as working"
                f" in {rules.province}. Record each person's province."
            )
            reasons.append(Reason("province_unknown", message))

    if unit == COUNT_FTE:
        no_hours = sorted(
            e.name
            for e in in_window
            if _bucket(rules, e) == _COUNTED and e.fte_under(rules) is None
        )
        if no_hours:
            message = (
                f"No hours or full-time equivalent are recorded for {', '.join(no_hours)}; we"
                " counted each as 1 full-time equivalent. Record their weekly hours or FTE."
            )
            reasons.append(Reason("fte_unknown", message))
        no_fte = [
            d
            for d in declarations
            if d.fte is None
            and _clip(d.start, d.end, window_start, as_of)
            and _split(rules, d.counts)[0]
        ]
        if no_fte:
            periods = ", ".join(f"{d.start} to {d.end}" for d in no_fte)
            message = (
                f"Your headcount for {periods} gives no full-time equivalents; we counted each"
                " person as 1 full-time equivalent. Declare the full-time equivalents."
            )
            reasons.append(Reason("declaration_fte_unknown", message))

    if not has_data:
        period = f"{window_start} to {as_of}"
        message = (
            f"You have not entered any workers or headcount for {period}, so we cannot confirm"
            f" that no more than {limit_text} worked for you{where} at any time {past}."
            if unit == COUNT_FTE
            else f"You have not entered any workers or headcount for {period}, so we cannot"
            f" confirm that no more than {rules.limit} people worked for you{where} at any"
            f" time {past}."
        )
        reasons.append(Reason("no_headcount_data", message))
        next_steps.append(
            f"Add everyone who worked for you from {period} to your roster,"
            " or declare your headcount for that period."
        )

    codes = [reason.code for reason in reasons]
    return EligibilityVerdict(
        eligible=not any(reason.blocking for reason in reasons),
        peak_count=peak.count,
        peak_date=peak.day,
        peak_source=peak.source,
        peak_breakdown=peak.counted,
        excluded_roles=rules.excluded_roles,
        excluded_statuses=rules.excluded_statuses,
        excluded_at_peak=peak.excluded,
        outside_province_at_peak=peak.outside_province,
        window_start=window_start,
        window_end=as_of,
        limit=rules.limit,
        reasons=reasons,
        next_steps=list(dict.fromkeys(next_steps)),
        headline=_headline(codes, peak, rules, expected_workers),
        count_unit=unit,
        peak_named=peak.named,
        peak_declared=peak.declared,
    )
