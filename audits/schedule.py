"""Schedule rules of a SECOR/COR audit cycle: pure functions, no Django.

Every number comes from a `ScheduleRules` value (mirrored by a Django model and
seeded per association), never from an association name in code.

Conventions, decided once here and used everywhere:

* **Dates are local dates** in the association's time zone. Convert an instant
  with `local_date` before comparing it with a due date; `deadline_instant` is
  the last instant of a due date in that zone.
* **A due date is inclusive**: something done on the due date is on time; it
  is missed from the next day, which is when a transition takes effect.
* **"N days" of data gathering counts both the start and the end date**
  (`end - start + 1`): an audit on site on one day gathered data for one day,
  so a 15-day SECOR window starting 2021-01-01 ends 2021-01-15 at the latest.
* **"N days after" / "within N days" adds N calendar days**: an audit ended
  2021-03-01 must be received by 2021-03-22 (21 days after).
* **Months and years keep the day of month**, clamped to the month's end
  (2020-02-29 + 1 year = 2021-02-28), and are always added to the original
  date, never chained, so clamping never drifts.
* **Cycle year k** (1..validity_years) is the certificate year starting on the
  (k-1)th anniversary. Year 1 is the certification/recertification; the
  maintenance audit of year k >= 2 is the one that keeps the certificate for
  that year, so it is tied to the anniversary that opens the year (see
  `MaintenanceDeadline`).
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

# Re-exported: `schedule.add_months` / `add_years` are this module's calendar arithmetic.
from secor.dates import add_months, add_years, local_date  # noqa: F401 (re-exported)
from secor.reasons import Reason  # noqa: F401 (re-exported)

ONE_DAY = timedelta(days=1)


class AuditType(StrEnum):
    """Audit types (docs/rules.md#amta-audit-cycle, #scsa-not-achieved).

    Values match the Django `TextChoices`.
    """

    CERTIFICATION = "certification"
    BASELINE = "baseline"
    RECERTIFICATION = "recertification"
    MAINTENANCE = "maintenance"
    RE_AUDIT = "re_audit"
    LIMITED_SCOPE = "limited_scope"


class MaintenanceDeadline(StrEnum):
    """When the maintenance audit of cycle year k (k >= 2) is due.

    `A_k` is the anniversary opening year k (certification date + k-1 years).
    The audit counts for year k if it is dated within the window shown.

    * CALENDAR_YEAR_END — AMTA (docs/rules.md#amta-maintenance-deadline): "This must be done
      within each calendar year no later than December 31." Window: the
      calendar year of `A_k`, Jan 1–Dec 31. Certified 2021-01-05 → due
      2022-12-31 and 2023-12-31. A maintenance audit in the certification's
      own calendar year does not count: that year is covered by the
      certification.
    * FIXED_MONTH_DAY — BC forestry, audits due Nov 30 (docs/rules.md#other-bc-forestry): due on the
      fixed month/day in the calendar year of `A_k`; the window opens the day
      after the previous year's fixed date (or after the certification, if
      later). CALENDAR_YEAR_END is this kind with Dec 31.
    * ON_OR_BEFORE_ANNIVERSARY — SCSA (docs/rules.md#scsa-maintenance): "notified
      approx. 90 days in advance of their anniversary date … submit … annually
      prior to the audit due date." Due on `A_k` itself, window opens the day
      after the previous anniversary. Certified 2021-01-05 → due 2022-01-05
      (the first anniversary) and 2023-01-05; the recertification is due by
      expiry 2024-01-05. Reading it as 2023-01-05 and 2024-01-05 would leave
      the certificate's first year without any audit and make the last
      maintenance coincide with the recertification.
    * ANNIVERSARY_MONTH / EXPIRY_MONTH — Energy Safety Canada, "maintenance
      due in the certificate's expiry month"
      (docs/rules.md#other-energy-safety-canada): window is the whole
      calendar month of `A_k`. The expiry date is the anniversary plus the
      validity years, so both names give the same month; both exist because
      associations phrase the rule either way.
    """

    CALENDAR_YEAR_END = "calendar_year_end"
    FIXED_MONTH_DAY = "fixed_month_day"
    ON_OR_BEFORE_ANNIVERSARY = "on_or_before_anniversary"
    ANNIVERSARY_MONTH = "anniversary_month"
    EXPIRY_MONTH = "expiry_month"


_MONTH_KINDS = (MaintenanceDeadline.ANNIVERSARY_MONTH, MaintenanceDeadline.EXPIRY_MONTH)


# Sane bounds of every numeric program rule, far past any association's real
# value (docs/rules.md: 15/45 days, 21 days, 90 days, 3 years, 18 months). They
# stop a typing mistake (a notice of 99,999,999 days) from overflowing the date
# arithmetic below. The model's validators and CheckConstraints and the rules
# form all read them from here. (low, high), both inclusive.
RULE_BOUNDS: dict[str, tuple[int, int]] = {
    "validity_years": (1, 10),
    "maintenance_fixed_month": (1, 12),
    "maintenance_fixed_day": (1, 31),
    "data_gathering_max_days": (1, 366),
    "submission_within_days": (0, 366),
    "corrections_within_days": (0, 366),
    "min_documentation_months": (0, 60),
    "min_documentation_window_months": (1, 120),
    "maintenance_notice_days": (0, 730),
    "reapply_wait_months": (0, 120),
}
# The maintenance package: at most this many documents, each wanted 1..99 times.
PACKAGE_MAX_ITEMS = 20
PACKAGE_COUNT_BOUNDS = (1, 99)
# Registration milestones: at most this many, months 1..120 from registration.
MILESTONES_MAX = 20
MILESTONE_MONTH_BOUNDS = (1, 120)


def fixed_deadline_problem(month: int | None, day: int | None) -> tuple[str, str] | None:
    """(field, code) when a fixed month/day deadline cannot be a date, else None.

    Codes: "month_missing", "day_missing", "no_such_day" (Feb 30; Feb 29 is allowed).
    """
    if month is None:
        return "maintenance_fixed_month", "month_missing"
    if day is None:
        return "maintenance_fixed_day", "day_missing"
    try:
        date(2000, month, day)  # a leap year, so Feb 29 is accepted
    except ValueError:
        return "maintenance_fixed_day", "no_such_day"
    return None


def package_problems(items) -> list[str]:
    """What is wrong with a maintenance package value ([[document, count], …])."""
    if not isinstance(items, list | tuple):
        return ["The maintenance package must be a list of documents and counts."]
    problems = []
    if len(items) > PACKAGE_MAX_ITEMS:
        problems.append(f"At most {PACKAGE_MAX_ITEMS} documents in a maintenance package.")
    low, high = PACKAGE_COUNT_BOUNDS
    for n, item in enumerate(items, 1):
        if not (isinstance(item, list | tuple) and len(item) == 2):
            problems.append(f"Document {n}: give a name and a count.")
            continue
        name, count = item
        if not isinstance(name, str) or not name.strip() or len(name) > 200:
            problems.append(f"Document {n}: give a name of at most 200 characters.")
        if not _whole_in(count, low, high):
            problems.append(f"Document {n}: the count must be a whole number from {low} to {high}.")
    return problems


def _whole_in(value, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def milestone_problems(items) -> list[str]:
    """What is wrong with a milestones value ([{code, label, start_month, due_month}, …])."""
    if not isinstance(items, list | tuple):
        return ["The milestones must be a list."]
    problems = []
    if len(items) > MILESTONES_MAX:
        problems.append(f"At most {MILESTONES_MAX} milestones.")
    low, high = MILESTONE_MONTH_BOUNDS
    codes = set()
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict):
            problems.append(f"Milestone {n}: give a code, a label and its months.")
            continue
        code, label = item.get("code"), item.get("label")
        if not isinstance(code, str) or not code.strip() or len(code) > 40:
            problems.append(f"Milestone {n}: give a code of at most 40 characters.")
        elif code in codes:
            problems.append(f"Milestone {n}: the code {code} is used twice.")
        else:
            codes.add(code)
        if not isinstance(label, str) or not label.strip() or len(label) > 200:
            problems.append(f"Milestone {n}: give a label of at most 200 characters.")
        months = [item.get("start_month", 1), item.get("due_month")]
        if any(not _whole_in(m, low, high) for m in months):
            problems.append(f"Milestone {n}: months must be whole numbers from {low} to {high}.")
        elif months[1] < months[0]:
            problems.append(f"Milestone {n}: it cannot be due before the month it opens.")
    return problems


@dataclass(frozen=True)
class MilestoneRule:
    """A registration milestone, met within months `start_month`..`due_month_from_registration`."""

    code: str
    label: str
    due_month_from_registration: int
    start_month: int = 1


@dataclass(frozen=True)
class ScheduleRules:
    """Program rules of one association's program (docs/rules.md), as plain data.

    A timeline of `None` means the association sets no such limit (its seed is
    silent), not zero.
    """

    validity_years: int
    maintenance_deadline_kind: MaintenanceDeadline
    maintenance_fixed_month: int | None = None
    maintenance_fixed_day: int | None = None
    data_gathering_max_days: int | None = None
    submission_within_days: int | None = None
    corrections_within_days: int | None = None
    min_documentation_months: int = 3
    min_documentation_window_months: int | None = 12
    maintenance_notice_days: int | None = None
    maintenance_package: tuple[tuple[str, int], ...] = ()
    milestones: tuple[MilestoneRule, ...] = ()
    reapply_wait_months: int = 0

    def __post_init__(self) -> None:
        MaintenanceDeadline(self.maintenance_deadline_kind)  # raises on an unknown kind
        if self.validity_years < 1:
            raise ValueError("validity_years must be at least 1")
        if self.maintenance_deadline_kind == MaintenanceDeadline.FIXED_MONTH_DAY:
            month, day = self.maintenance_fixed_month, self.maintenance_fixed_day
            if month is None or day is None:
                raise ValueError("a fixed_month_day deadline needs a month and a day")
            date(2000, month, day)  # a leap year, so Feb 29 is accepted; raises if invalid


# Seeded rules (docs/rules.md). The data migration copies these; admins edit them after.

# docs/rules.md#amta-timelines, #amta-minimum-documentation: "Data Gathering
# 45 DAYS / 15 DAYS; Audit Report Writing and Submission 21 DAYS; Audit
# Corrections 15 DAYS"; "Three months documentation within a 12 month period";
# Dec 31 deadline. The bulletin names no notice lead.
AMTA_SECOR = ScheduleRules(
    validity_years=3,
    maintenance_deadline_kind=MaintenanceDeadline.CALENDAR_YEAR_END,
    data_gathering_max_days=15,
    submission_within_days=21,
    corrections_within_days=15,
    min_documentation_months=3,
    min_documentation_window_months=12,
)
AMTA_COR = replace(AMTA_SECOR, data_gathering_max_days=45)

# docs/rules.md#acsa-certificate-validity: ACSA states only: valid three
# years, maintenance in the two interim years, "a minimum of three months'
# worth" of documentation. ACSA runs the same Alberta Partnerships program
# whose "15 days allowed by Partnerships" AMTA quotes, so the Alberta timelines
# and Dec 31 deadline are the seed values here, for ACSA's admin to confirm.
ACSA_SECOR = replace(AMTA_SECOR)

# docs/rules.md#scsa-external-audit. Audits are conducted by an SCSA program auditor, so the
# seed sets no data-gathering, submission or corrections limit.
SCSA_SECOR = ScheduleRules(
    validity_years=3,
    maintenance_deadline_kind=MaintenanceDeadline.ON_OR_BEFORE_ANNIVERSARY,
    # "a minimum of 6 months Saskatchewan documentation, which is both recent and
    # thorough" — no window is given.
    min_documentation_months=6,
    min_documentation_window_months=None,
    maintenance_notice_days=90,
    maintenance_package=(
        ("Small Employer Certificate of Recognition Audit Tool", 1),
        ("Safe Work Practices", 2),
        ("Safe Job Procedures", 2),
    ),
    # "Suggested Milestone Completion Timeline". The Milestone #2 letter has no
    # month: it is due before the Milestone #1 letter's own expiry date.
    milestones=(
        MilestoneRule("courses", "SECOR courses completed", 6, 1),
        MilestoneRule("self_audit_lse", "Self-Audit and LSE Proficiency accepted", 8, 6),
        MilestoneRule("manual", "Health and Safety Manual submitted", 10, 9),
        MilestoneRule("audit_booked", "External Audit booked", 13, 12),
        MilestoneRule("audit_conducted", "External Audit conducted", 16, 14),
    ),
    reapply_wait_months=6,
)

SEEDED_RULES: dict[tuple[str, str], ScheduleRules] = {
    ("AMTA", "SECOR"): AMTA_SECOR,
    ("AMTA", "COR"): AMTA_COR,
    ("ACSA", "SECOR"): ACSA_SECOR,
    ("SCSA", "SECOR"): SCSA_SECOR,
}


# --- Calendar arithmetic ----------------------------------------------------


def _clamped(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, monthrange(year, month)[1]))


# --- Cycle schedule ----------------------------------------------------------


@dataclass(frozen=True)
class YearPlan:
    """One certificate year of a cycle: `period_*` is anniversary to the day
    before the next; `maintenance_opens`..`maintenance_due` is the window in
    which year k's maintenance audit counts (None in year 1)."""

    year: int
    audit_type: AuditType
    period_start: date
    period_end: date
    maintenance_opens: date | None = None
    maintenance_due: date | None = None
    notice_on: date | None = None


@dataclass(frozen=True)
class CycleSchedule:
    certification_date: date
    anniversary_month: int
    anniversary_day: int
    expires_on: date
    years: tuple[YearPlan, ...]

    def anniversary_in(self, year: int) -> date:
        """The anniversary in a calendar year (Feb 29 → Feb 28 in a common year)."""
        return _clamped(year, self.anniversary_month, self.anniversary_day)


def _maintenance_due_for(anniversary: date, rules: ScheduleRules) -> date:
    kind = rules.maintenance_deadline_kind
    if kind == MaintenanceDeadline.CALENDAR_YEAR_END:
        return date(anniversary.year, 12, 31)
    if kind == MaintenanceDeadline.FIXED_MONTH_DAY:
        month, day = rules.maintenance_fixed_month, rules.maintenance_fixed_day
        assert month is not None and day is not None  # enforced by ScheduleRules.__post_init__
        return _clamped(anniversary.year, month, day)
    if kind == MaintenanceDeadline.ON_OR_BEFORE_ANNIVERSARY:
        return anniversary
    return _clamped(anniversary.year, anniversary.month, 31)  # month kinds: end of month


def _maintenance_window(certified: date, year: int, rules: ScheduleRules) -> tuple[date, date]:
    due = _maintenance_due_for(add_years(certified, year - 1), rules)
    if rules.maintenance_deadline_kind in _MONTH_KINDS:
        return due.replace(day=1), due
    # The window starts where the previous year's deadline ended, but never
    # before the certification: the certification audit is not a maintenance.
    previous_due = _maintenance_due_for(add_years(certified, year - 2), rules)
    return max(certified, previous_due) + ONE_DAY, due


def cycle_schedule(
    certification_date: date, rules: ScheduleRules, *, recertification: bool = False
) -> CycleSchedule:
    """The dates of a cycle that starts at `certification_date`.

    docs/rules.md#amta-audit-cycle, #amta-anniversary-date: "Year 1: Certification/Recert, Year 2:
    Maintenance Audit, Year 3: Maintenance Audit"; "your last day on site for
    your audit was January 5, 2021. Your certificate will be issued with
    January 5, 2024 as the expiration. January 5 of every year going forward
    will be your anniversary date." The maintenance due dates follow
    `rules.maintenance_deadline_kind` (see `MaintenanceDeadline`); the notice
    date is `maintenance_notice_days` before the due date (docs/rules.md#scsa-maintenance,
    SCSA: "notified approx. 90 days in advance of their anniversary date", which
    is its due date).
    """
    first_type = AuditType.RECERTIFICATION if recertification else AuditType.CERTIFICATION
    plans = []
    for year in range(1, rules.validity_years + 1):
        period = (
            add_years(certification_date, year - 1),
            add_years(certification_date, year) - ONE_DAY,
        )
        if year == 1:
            plans.append(YearPlan(year, first_type, *period))
            continue
        opens, due = _maintenance_window(certification_date, year, rules)
        lead = rules.maintenance_notice_days
        notice = None if lead is None else due - timedelta(days=lead)
        plans.append(YearPlan(year, AuditType.MAINTENANCE, *period, opens, due, notice))
    return CycleSchedule(
        certification_date=certification_date,
        anniversary_month=certification_date.month,
        anniversary_day=certification_date.day,
        expires_on=add_years(certification_date, rules.validity_years),
        years=tuple(plans),
    )


# --- Audit timelines -----------------------------------------------------------


@dataclass(frozen=True)
class DataGatheringCheck:
    days: int  # inclusive of start and end
    last_allowed_day: date | None
    reasons: tuple[Reason, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.reasons


def last_data_gathering_day(start: date, rules: ScheduleRules) -> date | None:
    """The last end date allowed for data gathering that starts on `start`.

    docs/rules.md#amta-data-gathering (AMTA): "Audit/Assessment Start Date … End Date: This is
    your data gathering time. It must not exceed the 15 days allowed by
    Partnerships" (COR: 45 days). Both dates count, so 15 days from
    2021-01-01 end on 2021-01-15.
    """
    if rules.data_gathering_max_days is None:
        return None
    return start + timedelta(days=rules.data_gathering_max_days - 1)


def check_data_gathering(start: date, end: date, rules: ScheduleRules) -> DataGatheringCheck:
    """Whether an audit's start and end dates respect the data-gathering limit.

    docs/rules.md#amta-data-gathering (AMTA): "It must not exceed the 15 days allowed by
    Partnerships" (SECOR 15 days, COR 45 days). Days are counted inclusively:
    2021-01-01 to 2021-01-15 is 15 days (accepted), to 2021-01-16 is 16 (refused).
    """
    days = (end - start).days + 1
    last_day = last_data_gathering_day(start, rules)
    if end < start:
        reason = Reason("end_before_start", f"The end date {end} is before the start {start}.")
        return DataGatheringCheck(days, last_day, (reason,))
    if last_day is not None and end > last_day:
        reason = Reason(
            "data_gathering_too_long",
            f"Data gathering from {start} to {end} is {days} days; at most "
            f"{rules.data_gathering_max_days} are allowed (start and end day included), "
            f"so it must end by {last_day}.",
        )
        return DataGatheringCheck(days, last_day, (reason,))
    return DataGatheringCheck(days, last_day)


def submission_deadline(end: date, rules: ScheduleRules) -> date | None:
    """The last day the audit may be received.

    docs/rules.md#amta-data-gathering (AMTA): "Audit must be received by AMTA no longer than
    21 days after Audit Assessment End Date." End 2021-03-01 → 2021-03-22.
    """
    if rules.submission_within_days is None:
        return None
    return end + timedelta(days=rules.submission_within_days)


def is_submission_late(received_on: date, end: date, rules: ScheduleRules) -> bool:
    """Whether an audit received on the local date `received_on` is late.

    docs/rules.md#amta-data-gathering (AMTA): "no longer than 21 days after Audit Assessment
    End Date": received 21 days after the end is on time, 22 days is late.
    Use `local_date` to turn an upload instant into `received_on`.
    """
    deadline = submission_deadline(end, rules)
    return deadline is not None and received_on > deadline


def corrections_deadline(requested_on: date, rules: ScheduleRules) -> date | None:
    """The last day to answer corrections requested on `requested_on`.

    docs/rules.md#amta-timelines (AMTA): "Audit Corrections 15 DAYS".
    Requested 2021-04-01 → due 2021-04-16.
    """
    if rules.corrections_within_days is None:
        return None
    return requested_on + timedelta(days=rules.corrections_within_days)


# --- Milestones and de-rolling ---------------------------------------------------


@dataclass(frozen=True)
class MilestoneDeadline:
    code: str
    label: str
    opens_on: date
    due_on: date


def milestone_deadlines(
    registration_date: date, rules: ScheduleRules
) -> tuple[MilestoneDeadline, ...]:
    """Milestone dates for a registrant, from the program's suggested timeline.

    docs/rules.md#scsa-milestones (SCSA): "SECOR courses completed: Within months 1-6 …
    Self-Audit and LSE Proficiency submitted and accepted: Within months 6-8 …
    Submission of Health and Safety Manual: Within months 9-10 … book External
    Audit: Within months 12-13; External Audit Conducted: Within months 14-16".
    Month m runs from registration + (m-1) months to registration + m months,
    so "by month 6" of a 2021-03-15 registration is 2021-09-15 — the same
    day-of-month convention as a certificate's validity. The registration
    letter's own dates, when they differ, are what the job should use.
    """
    return tuple(
        MilestoneDeadline(
            code=rule.code,
            label=rule.label,
            opens_on=add_months(registration_date, rule.start_month - 1),
            due_on=add_months(registration_date, rule.due_month_from_registration),
        )
        for rule in rules.milestones
    )


def reapply_date(derolled_on: date, rules: ScheduleRules) -> date:
    """The first day a de-rolled employer may re-apply.

    docs/rules.md#scsa-de-roll (SCSA): "Failure to meet the SECOR Milestone Deadlines …
    will result in your company being de-rolled from the program. There will be
    a 6 month waiting period before your company is eligible to re-apply."
    """
    return add_months(derolled_on, rules.reapply_wait_months)


# --- Time zones ------------------------------------------------------------------


def deadline_instant(due: date, tz_name: str) -> datetime:
    """The last instant of the local due date: on time iff `instant <= deadline_instant`.

    America/Edmonton moves between UTC-7 and UTC-6; America/Regina (Saskatchewan
    keeps no DST) stays at UTC-6, so in winter the two deadlines are an hour apart.
    """
    return datetime.combine(due, time.max, tzinfo=ZoneInfo(tz_name))


def is_late(instant: datetime, due: date, tz_name: str) -> bool:
    """Whether an instant is after the local due date (any deadline of this module)."""
    return local_date(instant, tz_name) > due
