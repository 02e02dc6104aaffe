"""Reads for employer screens: verdicts, the staff directory, the audit trail, the checklist.

Every function runs in the association's scope (views are wrapped by
``association_view``; services call ``activate``). Each documents its queries: none of
them grows with the number of employers, workers or declarations.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import pairwise

from django.db.models import Count, Exists, OuterRef, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from secor import hooks
from secor.aggregates import related_rows, rows_of
from secor.dates import add_months, association_today
from secor.models import Membership, Program, ProgramKind

from .eligibility import (
    EligibilityVerdict,
    HeadcountPeriod,
    RosterEntry,
    _find_peak,
    assess_eligibility,
)
from .models import (
    EligibilityRule,
    EligibilityStatus,
    Employer,
    Enrollment,
    EnrollmentStatus,
    HeadcountDeclaration,
    WCBAccount,
    Worker,
)


def secor_rule(association) -> EligibilityRule | None:
    """The association's SECOR size rule (1 query).

    None when the association runs no SECOR program or its rule is not set up
    (``services.rules_ensure`` seeds it; an admin creates it otherwise).
    """
    return (
        EligibilityRule.objects.for_association(association)
        .filter(program__kind=ProgramKind.SECOR)
        .select_related("program", "association")
        .first()
    )


def runs_secor(association) -> bool:
    return Program.objects.for_association(association).filter(kind=ProgramKind.SECOR).exists()


def roster_entries(workers: Iterable[Worker]) -> list[RosterEntry]:
    return [
        RosterEntry(
            w.full_name,
            w.role,
            w.employment_status,
            w.province or None,
            w.start_date,
            w.end_date,
            fte=w.fte,
            weekly_hours=w.weekly_hours,
        )
        for w in workers
    ]


def headcount_periods(declarations: Iterable[HeadcountDeclaration]) -> list[HeadcountPeriod]:
    return [HeadcountPeriod(d.period_start, d.period_end, d.counts, d.fte) for d in declarations]


def assess(*, rule, today, employer, workers, declarations) -> EligibilityVerdict | None:
    """The verdict from rows already loaded (no queries); None without a SECOR rule."""
    if rule is None:
        return None
    return assess_eligibility(
        rule.as_rules(),
        today,
        roster_entries(workers),
        headcount_periods(declarations),
        is_general_contractor=employer.is_general_contractor,
        expected_workers=employer.expected_workers,
    )


def status_for(verdict: EligibilityVerdict | None) -> str:
    if verdict is None:
        return ""
    if not verdict.eligible:
        return EligibilityStatus.NOT_ELIGIBLE
    if "no_headcount_data" in verdict.reason_codes:
        return EligibilityStatus.NO_DATA
    return EligibilityStatus.ELIGIBLE


def employer_eligibility(*, employer: Employer, today: date | None = None):
    """The verdict for one employer today (3 queries: rule, workers, declarations)."""
    association = employer.association
    return assess(
        rule=secor_rule(association),
        today=today or association_today(association),
        employer=employer,
        workers=list(employer.workers.all()),
        declarations=list(employer.headcount_declarations.all()),
    )


@dataclass(frozen=True)
class MonthPeak:
    start: date
    end: date
    count: int
    over: bool


@dataclass(frozen=True)
class MonthlyPeaks:
    """The busiest day of each month of the rule's window (numbers only: the view charts them)."""

    bars: list[MonthPeak]
    limit: int


def monthly_peaks(*, rule, today, workers, declarations) -> MonthlyPeaks | None:
    """Largest counted headcount in each month of the rule's window, oldest first."""
    if rule is None:
        return None
    rules = rule.as_rules()
    roster, periods = roster_entries(workers), headcount_periods(declarations)
    window_start = add_months(today, -rules.window_months)
    spans = []
    month = date(window_start.year, window_start.month, 1)
    while month <= today:
        nxt = add_months(month, 1)
        spans.append((max(month, window_start), min(nxt - timedelta(days=1), today)))
        month = nxt
    counts = [_find_peak(rules, span, roster, periods)[0].count for span in spans]
    bars = [
        MonthPeak(start=span[0], end=span[1], count=count, over=count > rules.limit)
        for span, count in zip(spans, counts, strict=True)
    ]
    return MonthlyPeaks(bars=bars, limit=rules.limit)


# --- Checklist ("what is next") -------------------------------------------------------


ChecklistItem = hooks.ChecklistItem


def employer_checklist(association, employer: Employer, today, *, page: dict):
    """This app's "what is next" items (registered on ``hooks.checklist_items``)."""
    slug = association.slug
    kw = {"association_slug": slug, "employer_id": employer.pk}
    verdict, rule = page["verdict"], page["rule"]
    months = rule.window_months if rule is not None else 12
    enrollments = page["enrollments"]
    items = [
        ChecklistItem(
            bool(enrollments) and all(e.status != EnrollmentStatus.REGISTERED for e in enrollments),
            gettext("%(association)s confirms your registration")
            % {"association": employer.association},
            detail=gettext("Program staff check the company and its WCB account.")
            if enrollments
            else "",
        ),
        ChecklistItem(
            any(a.is_active for a in page["wcb_accounts"]),
            gettext("Add your active WCB account"),
            reverse("employers:wcb_add", kwargs=kw),
        ),
        # Either source gives the size rule what it needs: a roster names people, a
        # declaration counts them (say a seasonal crew); nobody has to keep both.
        ChecklistItem(
            bool(page["workers"] or page["declarations"]),
            gettext("List everyone who worked for you in the past %(months)s months")
            % {"months": months},
            reverse("employers:workers", kwargs=kw),
            detail=gettext(
                "By name on your roster, or as a headcount declaration (how many of each "
                "kind worked in a period, for example a seasonal crew)."
            ),
        ),
    ]
    if verdict is not None:
        items.append(
            ChecklistItem(
                verdict.eligible and "no_headcount_data" not in verdict.reason_codes,
                gettext("Stay within the SECOR size limit (%(limit)s)") % {"limit": verdict.limit},
                reverse("employers:eligibility", kwargs=kw),
                detail=" ".join(verdict.next_steps),
            )
        )
    if rule is not None and rule.requires_membership:
        # Good standing is a membership current today, not one merely on file
        # (docs/rules.md#acsa-prerequisites).
        membership = next(
            (e for e in enrollments if e.program_id == rule.program_id and e.membership_number),
            None,
        )
        current = (
            membership is not None
            and membership.membership_expires_on is not None
            and membership.membership_expires_on >= today
        )
        if membership is None:
            detail = ""
        elif current:
            detail = gettext("Membership %(number)s, expires %(day)s") % {
                "number": membership.membership_number,
                "day": membership.membership_expires_on,
            }
        else:
            detail = gettext("Membership %(number)s expired on %(day)s: renew it.") % {
                "number": membership.membership_number,
                "day": membership.membership_expires_on,
            }
        items.append(
            ChecklistItem(
                current,
                gettext("Hold a current %(association)s membership")
                % {"association": employer.association},
                reverse("employers:membership", kwargs=kw) if membership is not None else "",
                detail=detail,
            )
        )
    return items


def checklist(employer: Employer, page: dict) -> list[ChecklistItem]:
    """Every app's items (``hooks.checklist_items``), in ``INSTALLED_APPS`` order."""
    found = hooks.checklist_items.call(employer.association, employer, page["today"], page=page)
    return [item for items in found for item in items]


WORKER_FIELDS = [
    *("association", "employer", "full_name", "role", "employment_status", "province"),
    *("start_date", "end_date", "fte", "weekly_hours", "email"),
]
WCB_ACCOUNT_FIELDS = ["association", "employer", "board", "account_number", "industry_code"]


def _workers_and_accounts(employer: Employer) -> tuple[list[Worker], list[WCBAccount]]:
    """The employer's workers and WCB accounts, each in its model's order (one query)."""
    association = employer.association
    workers, accounts = (
        Employer.objects.for_association(association)
        .filter(pk=employer.pk)
        .annotate(
            worker_rows=related_rows(
                Worker.objects.for_association(association), "employer", WORKER_FIELDS
            ),
            account_rows=related_rows(
                WCBAccount.objects.for_association(association),
                "employer",
                [*WCB_ACCOUNT_FIELDS, "is_active"],
            ),
        )
        .values_list("worker_rows", "account_rows")
        .get()
    )
    return (
        sorted(rows_of(Worker, workers), key=lambda w: (w.full_name, w.pk)),
        sorted(rows_of(WCBAccount, accounts), key=lambda a: (a.board, a.account_number, a.pk)),
    )


def employer_page(employer: Employer) -> dict:
    """Everything the employer page and the employer home need (5 queries + checklist)."""
    association = employer.association
    today = association_today(association)
    rule = secor_rule(association)
    workers, wcb_accounts = _workers_and_accounts(employer)
    declarations = list(employer.headcount_declarations.select_related("declared_by"))
    enrollments = list(employer.enrollments.select_related("program", "confirmed_by"))
    open_programs = {
        e.program.kind for e in enrollments if e.status in EnrollmentStatus.open_statuses()
    }
    # A COR registrant is not judged by SECOR's size limit (docs/rules.md#acsa-size-limit).
    not_secor = bool(open_programs) and ProgramKind.SECOR not in open_programs
    page = {
        "today": today,
        "rule": None if not_secor else rule,
        "not_secor": not_secor,
        "workers": workers,
        "current_workers": [w for w in workers if w.end_date is None or w.end_date >= today],
        "declarations": declarations,
        "wcb_accounts": wcb_accounts,
        "enrollments": enrollments,
        "verdict": None
        if not_secor
        else assess(
            rule=rule, today=today, employer=employer, workers=workers, declarations=declarations
        ),
    }
    # A SECOR program whose size rule nobody set up says so (no silent default).
    page["rule_missing"] = not not_secor and rule is None and runs_secor(association)
    page["checklist"] = checklist(employer, page)
    return page


# --- Staff directory ------------------------------------------------------------------


def directory_queryset():
    """Employers for the staff directory; 2 prefetch queries per page, whatever its size."""
    return Employer.objects.select_related("association").prefetch_related(
        Prefetch("wcb_accounts", queryset=WCBAccount.objects.order_by("board", "account_number")),
        Prefetch("enrollments", queryset=Enrollment.objects.select_related("program")),
    )


def enrollment_exists(*, program: str = "", status: str = ""):
    """``Exists`` for the directory's program/status filters (one enrollment matches both)."""
    enrollments = Enrollment.objects.filter(employer=OuterRef("pk"))
    if program:
        enrollments = enrollments.filter(program__kind=program)
    if status:
        enrollments = enrollments.filter(status=status)
    return Exists(enrollments)


def registrations_waiting(association) -> int:
    return (
        Enrollment.objects.for_association(association)
        .filter(status=EnrollmentStatus.REGISTERED)
        .count()
    )


def accounts_by_key(association) -> dict[tuple[str, str], WCBAccount]:
    """Every WCB account of the association by (board, number), lower-cased (1 query)."""
    return {
        (a.board.lower(), a.account_number.lower()): a
        for a in WCBAccount.objects.for_association(association).select_related("employer")
    }


def employer_users(employer: Employer, *, include_inactive: bool = False) -> list[Membership]:
    """The company's users; deactivated ones too for those who manage them."""
    users = Membership.objects.for_association(employer.association).filter(employer=employer)
    if not include_inactive:
        users = users.filter(is_active=True)
    return list(users.select_related("user").order_by("-is_active", "user__email"))


# --- Audit trail ----------------------------------------------------------------------


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    what: str
    action: str
    reason: str
    changes: list[Change] = field(default_factory=list)


_ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
_HIDDEN = {
    "id",
    "association",
    "employer",
    "created_at",
    "updated_at",
    "declared_at",
    "declared_by",
    "confirmed_by",
}


def _display(model_field, value) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, datetime):
        # In the active (association's) time zone, like the "When" column.
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _describe(model, record, programs) -> str:
    # From the historical row's own columns: ``record.instance`` would query for the
    # fields history leaves out, and Enrollment.__str__ follows two foreign keys.
    if model is Employer:
        return f"Company {record.operating_name or record.legal_name}"
    if model is WCBAccount:
        return f"WCB account {record.board} {record.account_number}"
    if model is Worker:
        return f"Worker {record.full_name}"
    if model is HeadcountDeclaration:
        return f"Headcount {record.period_start} – {record.period_end}"
    return f"Enrollment in {programs.get(record.program_id, 'a program')}"


def _entries(model, records, programs) -> list[HistoryEntry]:
    entries = []
    by_object: dict[int, list] = {}
    for record in records:  # oldest first
        by_object.setdefault(record.id, []).append(record)
    for versions in by_object.values():
        for previous, record in pairwise([None, *versions]):
            changes = []
            if previous is not None and record.history_type == "~":
                delta = record.diff_against(previous)
                for change in delta.changes:
                    if change.field in _HIDDEN:
                        continue
                    model_field = model._meta.get_field(change.field)
                    changes.append(
                        Change(
                            str(model_field.verbose_name),
                            _display(model_field, change.old),
                            _display(model_field, change.new),
                        )
                    )
                if not changes:
                    continue
            user = record.history_user
            entries.append(
                HistoryEntry(
                    when=record.history_date,
                    who=(user.full_name or user.email) if user else "system",
                    what=_describe(model, record, programs),
                    action=_ACTIONS[record.history_type],
                    reason=record.history_change_reason or "",
                    changes=changes,
                )
            )
    return entries


def employer_history(employer: Employer, *, limit: int = 200) -> list[HistoryEntry]:
    """Who changed what on the employer and its rows, newest first (6 queries)."""
    sources = [
        (Employer, Employer.history.filter(id=employer.pk)),
        (WCBAccount, WCBAccount.history.filter(employer_id=employer.pk)),
        (Worker, Worker.history.filter(employer_id=employer.pk)),
        (HeadcountDeclaration, HeadcountDeclaration.history.filter(employer_id=employer.pk)),
        (Enrollment, Enrollment.history.filter(employer_id=employer.pk)),
    ]
    programs = {
        p.pk: p.get_kind_display() for p in Program.objects.for_association(employer.association)
    }
    entries = []
    for model, records in sources:
        records = records.filter(association_id=employer.association_id).select_related(
            "history_user"
        )
        entries += _entries(model, records.order_by("history_date", "history_id"), programs)
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


# --- Program dashboard ------------------------------------------------------------------


def enrollments_by_status(association) -> dict[str, int]:
    """How many enrollments are in each status, every program (one query)."""
    rows = (
        Enrollment.objects.for_association(association)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["status"]: row["n"] for row in rows}
