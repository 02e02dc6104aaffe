"""Actions people take on employers: one function per action.

Each is keyword-only, runs in a transaction inside the association's scope, validates
with ``full_clean()`` (so database constraints come back as form errors, not 500s) and
writes a ``secor.audit`` row. Field-level history (who changed which value) comes from
django-simple-history; the acting user is handed to it explicitly so rows written
outside a request (imports, tasks, demo data) still say who did it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from secor import audit
from secor import services as secor_services
from secor.dates import association_today
from secor.models import Association, Invitation, Membership, Program, ProgramKind, Role
from secor.tenancy import activate

from . import selectors, standing
from .eligibility import EMPLOYMENT_STATUSES, EMPLOYMENT_TYPES, ROLES, SEEDED_RULES
from .models import (
    CONTACT_FIELDS,
    PROFILE_FIELDS,
    RULE_FIELDS,
    WORKER_FIELDS,
    EligibilityRule,
    Employer,
    Enrollment,
    EnrollmentStatus,
    HeadcountDeclaration,
    WCBAccount,
    Worker,
)

# Seeds that make an association membership a prerequisite
# (docs/rules.md#acsa-prerequisites).
MEMBERSHIP_REQUIRED = {"acsa"}


def _save(obj, *, actor, reason: str, exclude: Iterable[str] = ()) -> None:
    """Validate (fields, model, constraints) and save, telling simple-history who and why."""
    obj.full_clean(exclude=list(exclude) or None)
    obj._history_user = audit.actor_or_none(actor)
    obj._change_reason = reason
    obj.save()


def _record(obj, *, actor, action: str, summary: str, **data) -> None:
    """The audit-trail row for an action on ``obj``, in ``obj``'s association."""
    audit.record(
        association=obj.association, actor=actor, action=action, obj=obj, summary=summary, **data
    )


def _save_and_record(
    obj, *, actor, reason: str, action: str, summary: str, exclude: Iterable[str] = ()
) -> None:
    _save(obj, actor=actor, reason=reason, exclude=exclude)
    _record(obj, actor=actor, action=action, summary=summary)


def _set(obj, fields: dict, allowed: Iterable[str]) -> list[str]:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    changed = [name for name, value in fields.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, fields[name])
    return changed


def _update(
    obj, fields: dict, allowed: Iterable[str], *, actor, reason: str, action: str, what: str
) -> bool:
    """Apply the fields that differ, validate, save and record them; False if none differ.

    ``what`` names the object in the summary; "{obj}" in it is the object after the edit.
    """
    changed = _set(obj, fields, allowed)
    if not changed:
        return False
    _save(obj, actor=actor, reason=reason)
    summary = f"{what.format(obj=obj)} changed ({', '.join(changed)})"
    _record(obj, actor=actor, action=action, summary=summary, changed=changed)
    return True


def _normalise_account(board: str, account_number: str) -> tuple[str, str]:
    return " ".join(board.split()), "".join(account_number.split())


def _check_account_free(*, association, board, account_number, exclude_pk=None) -> None:
    # The unique constraint says the same; checked first for a message on the field.
    taken = WCBAccount.objects.for_association(association).filter(
        board__iexact=board, account_number__iexact=account_number
    )
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError(
            {
                "account_number": gettext(
                    "WCB account %(account_number)s (%(board)s) is already "
                    "registered with %(association)s. If it is yours, ask the "
                    "association for help."
                )
                % {"account_number": account_number, "board": board, "association": association}
            }
        )


def _check_not_waiting(*, association, board, account_number, program) -> None:
    """A WCB account whose employer was de-rolled registers again only after the wait."""
    derolled = (
        Enrollment.objects.for_association(association)
        .filter(
            program=program,
            status=EnrollmentStatus.DEROLLED,
            employer__wcb_accounts__board__iexact=board,
            employer__wcb_accounts__account_number__iexact=account_number,
        )
        .order_by("-reapply_on")
        .first()
    )
    if derolled is None:
        return
    _refuse(
        standing.reenroll_reasons(
            reapply_on=derolled.reapply_on,
            today=association_today(association),
            what=gettext("register again"),
        ),
        "account_number",
    )


# --- Program rules -------------------------------------------------------------------


def rules_ensure(*, association: Association) -> list[EligibilityRule]:
    """Give each SECOR program of the association its seeded size rule, when missing.

    Runs when an association is created (the ``association_created`` hook) and from
    the demo; the data migration covered the associations that existed before. An
    association with no seed gets no rule: its screens say the rule is not set up
    until its admin enters one (docs/rules.md#reading-no-seed) — it never borrows
    another association's limit.
    """
    rules = []
    if association.seed not in SEEDED_RULES:
        return rules
    with activate(association), transaction.atomic():
        for program in Program.objects.filter(kind=ProgramKind.SECOR):
            seed = SEEDED_RULES[association.seed].as_dict()
            rule, created = EligibilityRule.objects.get_or_create(
                association=association,
                program=program,
                defaults={
                    **seed,
                    "province": seed["province"] or "",
                    "requires_membership": association.seed in MEMBERSHIP_REQUIRED,
                },
            )
            if created:
                _record(
                    rule,
                    actor=None,
                    action="eligibility_rule.seed",
                    summary=f"SECOR size rule seeded for {association}",
                )
            rules.append(rule)
    return rules


def _in_canonical_order(fields: dict) -> None:
    """Counted roles and statuses stored in the order screens list them."""
    for name, order in (("counted_roles", ROLES), ("counted_statuses", EMPLOYMENT_STATUSES)):
        if name in fields:
            fields[name] = [value for value in order if value in fields[name]]


@transaction.atomic
def eligibility_rule_create(*, association: Association, actor, **fields) -> EligibilityRule:
    """A program admin sets up the SECOR size rule of an association that has none."""
    with activate(association):
        program = Program.objects.filter(kind=ProgramKind.SECOR).first()
        if program is None:
            raise ValidationError(gettext("This association runs no SECOR program."))
        if EligibilityRule.objects.filter(program=program).exists():
            raise ValidationError(
                gettext("The SECOR size rule is already set up: edit it instead.")
            )
        _in_canonical_order(fields)
        rule = EligibilityRule(association=association, program=program)
        _set(rule, fields, RULE_FIELDS)
        _save_and_record(
            rule,
            actor=actor,
            reason="Rule set up",
            action="eligibility_rule.create",
            summary=f"SECOR size rule set up for {association}",
        )
        eligibility_refresh(association=association)
    return rule


@transaction.atomic
def eligibility_rule_update(*, rule: EligibilityRule, actor, **fields) -> EligibilityRule:
    """A program admin edits the SECOR size rule; every employer's verdict is redone."""
    with activate(rule.association):
        _in_canonical_order(fields)
        if _update(
            rule,
            fields,
            RULE_FIELDS,
            actor=actor,
            reason="Rule edited",
            action="eligibility_rule.update",
            what="SECOR size rule",
        ):
            eligibility_refresh(association=rule.association)
    return rule


def eligibility_refresh(
    *, association: Association, employer_ids: Iterable[int] | None = None, stale_only=False
) -> int:
    """Recompute the cached verdict of many employers, a fixed number of queries per 1,000.

    ``stale_only`` picks the rows last assessed before today (the window moved). Writes
    with ``bulk_update`` so the cache columns leave no history rows. Returns the count.
    """
    with activate(association):
        today = association_today(association)
        rule = selectors.secor_rule(association)
        employers = Employer.objects.all()
        if employer_ids is not None:
            employers = employers.filter(pk__in=list(employer_ids))
        if stale_only:
            employers = employers.filter(
                Q(eligibility_assessed_on__isnull=True) | Q(eligibility_assessed_on__lt=today)
            )
        ids = list(employers.order_by("pk").values_list("pk", flat=True))
        # In chunks: the nightly run over 20,000 employers never holds every roster at once.
        for start in range(0, len(ids), _REFRESH_CHUNK):
            chunk = list(
                Employer.objects.filter(pk__in=ids[start : start + _REFRESH_CHUNK])
                .select_related("association")
                .prefetch_related("workers", "headcount_declarations")
            )
            for employer in chunk:
                verdict = selectors.assess(
                    rule=rule,
                    today=today,
                    employer=employer,
                    workers=employer.workers.all(),
                    declarations=employer.headcount_declarations.all(),
                )
                employer.eligibility_status = selectors.status_for(verdict)
                employer.eligibility_peak = verdict.peak_cache if verdict else None
                employer.eligibility_assessed_on = today
            Employer.objects.bulk_update(
                chunk,
                ["eligibility_status", "eligibility_peak", "eligibility_assessed_on"],
                batch_size=500,
            )
    return len(ids)


_REFRESH_CHUNK = 1000


def _refresh(employer: Employer) -> None:
    eligibility_refresh(association=employer.association, employer_ids=[employer.pk])


# --- Registration and company profile ------------------------------------------------


@transaction.atomic
def employer_register(
    *,
    user,
    association: Association,
    legal_name: str,
    account_number: str,
    board: str = "",
    program_kind: str = ProgramKind.SECOR,
    **profile,
) -> Employer:
    """A new employer user registers their company: employer, WCB account, enrollment.

    The enrollment starts as *registered*; program staff confirm it from their queue.
    The user becomes the employer's first employer user.
    """
    with activate(association):
        if Membership.objects.filter(user=user).exists():
            raise ValidationError(
                gettext(
                    "You already belong to %(association)s. Sign in to it to manage your company."
                )
                % {"association": association}
            )
        program = Program.objects.filter(kind=program_kind, is_active=True).first()
        if program is None:
            raise ValidationError(
                {
                    "program": gettext("%(association)s does not run this program.")
                    % {"association": association}
                }
            )
        board, account_number = _normalise_account(board or association.wcb_board, account_number)
        _check_not_waiting(
            association=association, board=board, account_number=account_number, program=program
        )
        _check_account_free(association=association, board=board, account_number=account_number)
        employer = Employer(association=association, legal_name=legal_name)
        _set(employer, {"legal_name": legal_name, **profile}, PROFILE_FIELDS)
        _save(employer, actor=user, reason="Registered")
        account = WCBAccount(
            association=association, employer=employer, board=board, account_number=account_number
        )
        _save(account, actor=user, reason="Registered")
        enrollment = Enrollment(
            association=association,
            employer=employer,
            program=program,
            registered_on=association_today(association),
        )
        _save(enrollment, actor=user, reason="Registered")
        Membership.objects.create(
            association=association,
            user=user,
            role=Role.EMPLOYER,
            employer=employer,
            # The registrant manages the company's other users (secor/permissions.py).
            is_employer_admin=True,
        )
        _record(
            employer,
            actor=user,
            action="employer.register",
            summary=f"{employer} registered for {program.get_kind_display()} by {user.email}",
        )
        _refresh(employer)
    return employer


@transaction.atomic
def employer_update(*, employer: Employer, actor, **fields) -> Employer:
    """Edit the company profile (name, address, general-contractor facts)."""
    with activate(employer.association):
        if _update(
            employer,
            fields,
            PROFILE_FIELDS,
            actor=actor,
            reason="Profile edited",
            action="employer.update",
            what="Company profile of {obj}",
        ):
            _refresh(employer)
    return employer


@transaction.atomic
def employer_invite_colleague(*, employer: Employer, email: str, actor) -> Invitation:
    """Invite a second employer user to the same employer."""
    with activate(employer.association):
        _, invitation = secor_services.invitation_create(
            association=employer.association,
            email=email,
            role=Role.EMPLOYER,
            invited_by=audit.actor_or_none(actor),
            employer=employer,
        )
    return invitation


# --- WCB accounts ---------------------------------------------------------------------


@transaction.atomic
def wcb_account_add(
    *, employer: Employer, actor, board: str, account_number: str, industry_code: str = ""
) -> WCBAccount:
    with activate(employer.association):
        board, account_number = _normalise_account(board, account_number)
        _check_account_free(
            association=employer.association, board=board, account_number=account_number
        )
        account = WCBAccount(
            association=employer.association,
            employer=employer,
            board=board,
            account_number=account_number,
            industry_code=industry_code,
        )
        _save_and_record(
            account,
            actor=actor,
            reason="Account added",
            action="wcb_account.add",
            summary=f"WCB account {account} added to {employer}",
        )
    return account


@transaction.atomic
def wcb_account_update(*, account: WCBAccount, actor, **fields) -> WCBAccount:
    with activate(account.association):
        if "board" in fields or "account_number" in fields:
            board, number = _normalise_account(
                fields.get("board", account.board),
                fields.get("account_number", account.account_number),
            )
            fields.update(board=board, account_number=number)
            _check_account_free(
                association=account.association,
                board=board,
                account_number=number,
                exclude_pk=account.pk,
            )
        _update(
            account,
            fields,
            ("board", "account_number", "industry_code", "is_active"),
            actor=actor,
            reason="Account edited",
            action="wcb_account.update",
            what="WCB account {obj}",
        )
    return account


# --- Roster ---------------------------------------------------------------------------


@transaction.atomic
def worker_add(
    *,
    employer: Employer,
    actor,
    full_name: str,
    employment_status: str,
    start_date: date,
    role: str = "other",
    province: str = "",
    end_date: date | None = None,
    fte=None,
    weekly_hours=None,
    email: str = "",
) -> Worker:
    # The natural key behind a double-entered worker: a duplicate inflates the
    # SECOR headcount, so the same person starting on the same day is refused.
    if (
        Worker.objects.for_association(employer.association)
        .filter(
            employer=employer, full_name__iexact=" ".join(full_name.split()), start_date=start_date
        )
        .exists()
    ):
        raise ValidationError(
            {
                "full_name": f"{' '.join(full_name.split())}, who started on {start_date}, is "
                "already on the roster. Edit that entry instead of adding it again."
            }
        )
    [worker] = roster_add(
        employer=employer,
        actor=actor,
        workers=[
            {
                "full_name": full_name,
                "role": role,
                "employment_status": employment_status,
                "start_date": start_date,
                "province": province,
                "end_date": end_date,
                "fte": fte,
                "weekly_hours": weekly_hours,
                "email": email,
            }
        ],
    )
    return worker


@transaction.atomic
def roster_add(*, employer: Employer, actor, workers: Iterable[dict]) -> list[Worker]:
    """Add people to the roster at once: one insert, one verdict, whatever their number.

    Each is validated as ``worker_add`` validates one (the first invalid one raises its
    ``ValidationError`` and nothing is saved) and gets its own history and audit rows.
    ``workers`` holds dicts of ``WORKER_FIELDS``.
    """
    with activate(employer.association):
        roster = []
        for fields in workers:
            worker = Worker(association=employer.association, employer=employer)
            _set(worker, fields, WORKER_FIELDS)
            # The employer was loaded, so its keys exist: no query per person for them.
            # The check constraints are checked here in Python, not by full_clean, which
            # would run a query per constraint per person; the database still enforces
            # them. Role, status, FTE and hours are field choices and validators.
            worker.full_clean(exclude=["association", "employer"], validate_constraints=False)
            if worker.end_date and worker.start_date and worker.end_date < worker.start_date:
                raise ValidationError(gettext("The end date cannot be before the start date."))
            roster.append(worker)
        roster = bulk_create_with_history(
            roster,
            Worker,
            batch_size=500,
            default_user=audit.actor_or_none(actor),
            default_change_reason="Added to roster",
        )
        for worker in roster:
            _record(
                worker,
                actor=actor,
                action="worker.add",
                summary=f"{worker} added to the roster of {employer}",
            )
        _refresh(employer)
    return roster


@transaction.atomic
def roster_import(*, employer: Employer, actor, text: str):
    """Add everyone in a roster CSV (``roster_csv``), or nobody when a row is wrong.

    Returns the ``RosterImport``: its ``workers`` were added when ``ok``; otherwise its
    errors say what to fix and nothing was written.
    """
    from .roster_csv import parse_roster_csv

    existing = Worker.objects.for_association(employer.association).filter(employer=employer)
    parsed = parse_roster_csv(text, existing=existing.values_list("full_name", "start_date"))
    if parsed.ok:
        roster_add(employer=employer, actor=actor, workers=parsed.workers)
    return parsed


@transaction.atomic
def worker_update(*, worker: Worker, actor, **fields) -> Worker:
    with activate(worker.association):
        if _update(
            worker,
            fields,
            WORKER_FIELDS,
            actor=actor,
            reason="Roster entry edited",
            action="worker.update",
            what="Roster entry {obj}",
        ):
            _refresh(worker.employer)
    return worker


@transaction.atomic
def worker_end_employment(*, worker: Worker, actor, end_date: date) -> Worker:
    """Record the last day a person worked; they stay on the roster for the window."""
    with activate(worker.association):
        worker.end_date = end_date
        _save_and_record(
            worker,
            actor=actor,
            reason="Employment ended",
            action="worker.end",
            summary=f"{worker} last worked for {worker.employer} on {end_date}",
        )
        _refresh(worker.employer)
    return worker


# --- Headcount ------------------------------------------------------------------------


@transaction.atomic
def headcount_declare(
    *,
    employer: Employer,
    actor,
    period_start: date,
    period_end: date,
    counts: dict[str, int],
    fte=None,
) -> HeadcountDeclaration:
    """Declare how many people of each category (and, optionally, how many FTE) worked."""
    unknown = set(counts) - set(EMPLOYMENT_TYPES)
    if unknown:
        raise TypeError(f"Unknown employment types: {sorted(unknown)}")
    with activate(employer.association):
        declaration = HeadcountDeclaration(
            association=employer.association,
            employer=employer,
            period_start=period_start,
            period_end=period_end,
            declared_by=audit.actor_or_none(actor),
            fte=fte,
            **counts,
        )
        _save_and_record(
            declaration,
            actor=actor,
            reason="Headcount declared",
            action="headcount.declare",
            summary=f"{employer} declared {sum(counts.values())} people for "
            f"{period_start} to {period_end}",
            # declared_by is empty for a declaration made by an import or the demo.
            exclude=["declared_by"],
        )
        _refresh(employer)
    return declaration


# --- Enrollment -----------------------------------------------------------------------


@transaction.atomic
def enrollment_confirm(
    *,
    enrollment: Enrollment,
    actor,
    membership_number: str = "",
    membership_expires_on: date | None = None,
) -> Enrollment:
    """Program staff confirm a registration: registered → in progress."""
    with activate(enrollment.association):
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if enrollment.status != EnrollmentStatus.REGISTERED:
            raise ValidationError(
                gettext("This registration is already %(status)s.")
                % {"status": enrollment.get_status_display().lower()}
            )
        rule = selectors.secor_rule(enrollment.association)
        if rule is not None and rule.requires_membership:
            errors = {}
            if not membership_number.strip():
                errors["membership_number"] = (
                    f"{enrollment.association} requires a membership: enter its number."
                )
            if membership_expires_on is None:
                errors["membership_expires_on"] = "Enter the date the membership expires."
            if errors:
                raise ValidationError(errors)
        enrollment.status = EnrollmentStatus.IN_PROGRESS
        enrollment.confirmed_at = timezone.now()
        enrollment.confirmed_by = audit.actor_or_none(actor)
        enrollment.status_changed_on = association_today(enrollment.association)
        enrollment.membership_number = membership_number.strip()
        enrollment.membership_expires_on = membership_expires_on
        _save_and_record(
            enrollment,
            actor=actor,
            reason="Registration confirmed",
            action="enrollment.confirm",
            summary=f"Registration of {enrollment.employer} confirmed",
        )
    return enrollment


def reapply_wait_months(enrollment: Enrollment) -> int:
    """The program's wait after a de-roll (its program rules; 0 when not set up)."""
    from django.apps import apps

    rules = (
        apps.get_model("audits", "ProgramRules")
        .objects.for_association(enrollment.association)
        .filter(program=enrollment.program)
        .first()
    )
    return rules.reapply_wait_months if rules is not None else 0


def _refuse(reasons, field=None) -> None:
    if reasons:
        messages = [r.message for r in reasons]
        raise ValidationError({field: messages} if field else messages)


@transaction.atomic
def enrollment_set_status(
    *, enrollment: Enrollment, actor, status: str, reapply_on: date | None = None
) -> Enrollment:
    """A program admin records a status the workflow does not set by itself.

    A de-roll's re-apply date defaults to the program's wait after today and is never
    earlier (docs/rules.md#reading-de-roll-reapply); a de-rolled enrollment is not set
    back to an open status before that date.
    """
    with activate(enrollment.association):
        if status not in EnrollmentStatus.values:
            raise ValidationError({"status": gettext("Unknown status.")})
        today = association_today(enrollment.association)
        if status == EnrollmentStatus.DEROLLED:
            wait = reapply_wait_months(enrollment)
            reapply_on = reapply_on or standing.earliest_reapply(today, wait)
            _refuse(
                standing.reapply_date_reasons(
                    derolled_on=today, wait_months=wait, reapply_on=reapply_on
                ),
                "reapply_on",
            )
        elif (
            enrollment.status == EnrollmentStatus.DEROLLED
            and status in EnrollmentStatus.open_statuses()
        ):
            _refuse(
                standing.reenroll_reasons(
                    reapply_on=enrollment.reapply_on,
                    today=today,
                    what=gettext("be set back to an open status"),
                ),
                "status",
            )
        old = enrollment.get_status_display()
        enrollment.status = status
        enrollment.reapply_on = reapply_on if status == EnrollmentStatus.DEROLLED else None
        enrollment.status_changed_on = association_today(enrollment.association)
        _save_and_record(
            enrollment,
            actor=actor,
            reason="Status changed",
            action="enrollment.status",
            summary=f"{enrollment} changed from {old} to {enrollment.get_status_display()}",
        )
    return enrollment


@transaction.atomic
def enrollment_membership_renew(
    *, enrollment: Enrollment, actor, membership_number: str, membership_expires_on: date
) -> Enrollment:
    """Record a renewed association membership (number and new expiry date).

    Good standing is checked on the dates that matter (planning, submission, issue:
    docs/rules.md#acsa-prerequisites); an expiry already past renews nothing.
    """
    with activate(enrollment.association):
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        errors = {}
        if not (membership_number or "").strip():
            errors["membership_number"] = gettext("Enter the membership number.")
        today = association_today(enrollment.association)
        if membership_expires_on is None:
            errors["membership_expires_on"] = gettext("Enter the date the membership expires.")
        elif membership_expires_on < today:
            errors["membership_expires_on"] = gettext(
                "A membership that expired on %(day)s is not current: enter the new expiry date."
            ) % {"day": membership_expires_on}
        if errors:
            raise ValidationError(errors)
        enrollment.membership_number = membership_number.strip()
        enrollment.membership_expires_on = membership_expires_on
        _save_and_record(
            enrollment,
            actor=actor,
            reason="Membership renewed",
            action="enrollment.membership_renew",
            summary=f"Membership of {enrollment.employer} renewed until {membership_expires_on}",
        )
    return enrollment


@transaction.atomic
def enrollment_apply(*, employer: Employer, actor, program_kind: str) -> Enrollment:
    """An employer applies for another program (over the SECOR limit: COR).

    docs/rules.md#acsa-size-limit: "you will need to apply for a Certificate of
    Recognition (COR) instead". The enrollment starts as registered; staff confirm it.
    """
    association = employer.association
    with activate(association):
        program = Program.objects.filter(kind=program_kind, is_active=True).first()
        if program is None:
            raise ValidationError(
                gettext("%(association)s does not run this program.") % {"association": association}
            )
        if Enrollment.objects.filter(
            employer=employer, program=program, status__in=EnrollmentStatus.open_statuses()
        ).exists():
            raise ValidationError(
                gettext("%(employer)s has already applied for %(program)s.")
                % {"employer": employer, "program": program.get_kind_display()}
            )
        enrollment = Enrollment(
            association=association,
            employer=employer,
            program=program,
            registered_on=association_today(association),
        )
        _save_and_record(
            enrollment,
            actor=actor,
            reason="Applied",
            action="enrollment.apply",
            summary=f"{employer} applied for {program.get_kind_display()}",
        )
    return enrollment


# --- CSV import -----------------------------------------------------------------------


def employers_import(*, association: Association, actor, text: str) -> dict[str, int]:
    """Import a CSV of employers all at once, or nothing at all.

    Re-validates everything (the preview may be stale) and refuses when any row is in
    error. Keyed by (WCB board, account number): a row whose account exists updates that
    employer, so importing the same file twice creates no duplicates.
    """
    from .imports import ImportRefused, parse_employers_csv

    with activate(association), transaction.atomic():
        preview = parse_employers_csv(text, association=association)
        if preview.error or preview.has_row_errors:
            raise ImportRefused(preview)
        today = association_today(association)
        programs = {p.kind: p for p in Program.objects.all()}
        existing = selectors.accounts_by_key(association)
        open_enrollments = set(
            Enrollment.objects.filter(status__in=EnrollmentStatus.open_statuses()).values_list(
                "employer_id", "program_id"
            )
        )
        to_create, to_update = [], []
        for row in preview.rows:
            account = existing.get(row.key)
            if account is None:
                employer = Employer(association=association, **row.profile)
                to_create.append((employer, row))
            else:
                employer = account.employer
                if any(getattr(employer, k) != v for k, v in row.profile.items()):
                    for name, value in row.profile.items():
                        setattr(employer, name, value)
                    to_update.append(employer)
        user = audit.actor_or_none(actor)
        reason = "CSV import"
        created = bulk_create_with_history(
            [e for e, _ in to_create],
            Employer,
            batch_size=500,
            default_user=user,
            default_change_reason=reason,
        )
        if to_update:
            bulk_update_with_history(
                to_update,
                Employer,
                list(CONTACT_FIELDS),
                batch_size=500,
                default_user=user,
                default_change_reason=reason,
            )
        accounts, enrollments = [], []
        for employer, (_, row) in zip(created, to_create, strict=True):
            accounts.append(
                WCBAccount(
                    association=association,
                    employer=employer,
                    board=row.board,
                    account_number=row.account_number,
                    industry_code=row.industry_code,
                )
            )
        created_by_key = {r.key: e for e, (_, r) in zip(created, to_create, strict=True)}
        for row in preview.rows:
            employer = created_by_key.get(row.key) or existing[row.key].employer
            program = programs.get(row.program)
            if program is None or (employer.pk, program.pk) in open_enrollments:
                continue
            open_enrollments.add((employer.pk, program.pk))
            enrollments.append(
                Enrollment(
                    association=association,
                    employer=employer,
                    program=program,
                    status=row.status,
                    registered_on=row.registered_on or today,
                )
            )
        bulk_create_with_history(
            accounts, WCBAccount, batch_size=500, default_user=user, default_change_reason=reason
        )
        bulk_create_with_history(
            enrollments, Enrollment, batch_size=500, default_user=user, default_change_reason=reason
        )
        result = {"created": len(created), "updated": len(to_update), "rows": len(preview.rows)}
        audit.record(
            association=association,
            actor=actor,
            action="employer.import",
            summary=f"CSV import: {result['created']} employers created, "
            f"{result['updated']} updated, {result['rows']} rows",
            **result,
        )
        eligibility_refresh(association=association, employer_ids=[e.pk for e in created])
    return result
