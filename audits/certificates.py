"""Certificate writes: issue, re-issue and every status change, one function per action.

`Certificate` owns certificate state (docs/adr/0003-certificate-model.md).
Each function runs in a transaction, locks the rows it changes, writes an
audit-trail row and tells the employer's users in the app. Every one is
idempotent: asking for the state a certificate is already in returns it.

A new revision's PDF is built by `audits.tasks.build_certificate_pdf`,
enqueued once the transaction commits.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils.translation import gettext

from employers.models import WCBAccount
from secor.audit import actor_or_none, record
from secor.dates import association_today
from secor.models import Membership, Notification, Role

from . import numbering, selectors
from . import schedule as sched
from .models import (
    Audit,
    AuditStatus,
    AuditType,
    Certificate,
    CertificateCounter,
    CertificateRevision,
    CertificateStatus,
    PdfStatus,
)

ISSUABLE_TYPES = (
    AuditType.CERTIFICATION,
    AuditType.BASELINE,
    AuditType.RECERTIFICATION,
    AuditType.RE_AUDIT,
    AuditType.LIMITED_SCOPE,
)


def number_pattern(program) -> str:
    rules = selectors.program_rules(program)
    if rules is not None and rules.certificate_number_pattern:
        return rules.certificate_number_pattern
    association = program.association
    return numbering.default_pattern(association.short_name or association.slug, program.kind)


def next_number(program, year: int) -> str:
    """Take the next number of the program's sequence for `year` (inside a transaction).

    The counter row is locked until the transaction ends, so a second issuer
    waits and gets the following number; a rolled-back issue gives its number
    back. No gaps, no duplicates.
    """
    association = program.association
    CertificateCounter.objects.for_association(association).get_or_create(
        association=association, program=program, year=year
    )
    counter = (
        CertificateCounter.objects.for_association(association)
        .select_for_update()
        .get(program=program, year=year)
    )
    pattern = number_pattern(program)
    while True:
        counter.last_seq += 1
        number = numbering.format_number(pattern, year=year, seq=counter.last_seq)
        # An imported certificate may already hold a number of the sequence.
        if not Certificate.objects.for_association(association).filter(number=number).exists():
            break
    counter.save(update_fields=["last_seq"])
    return number


def _notify(certificate: Certificate, *, key: str, title: str, body: str) -> None:
    """An in-app notice to each of the employer's users (once per key)."""
    association = certificate.association
    url = reverse(
        "audits:employer_certificates",
        kwargs={"association_slug": association.slug, "employer_id": certificate.employer_id},
    )
    for membership in (
        Membership.objects.for_association(association)
        .filter(role=Role.EMPLOYER, employer=certificate.employer_id, is_active=True)
        .select_related("user")
    ):
        Notification.objects.for_association(association).get_or_create(
            association=association,
            user=membership.user,
            key=f"audits:certificate:{certificate.pk}:{key}",
            defaults={"title": title, "body": body, "url": url},
        )


def _enqueue_pdf(revision: CertificateRevision) -> None:
    from .tasks import build_certificate_pdf

    revision_id = revision.pk
    transaction.on_commit(lambda: build_certificate_pdf.delay(revision_id))


def _new_revision(certificate: Certificate, *, actor, reason: str) -> CertificateRevision:
    account = certificate.wcb_account
    revision = CertificateRevision.objects.create(
        association=certificate.association,
        certificate=certificate,
        revision=certificate.revision,
        legal_name=certificate.employer.legal_name,
        wcb_account_number=account.account_number if account else "",
        issued_on=certificate.issued_on,
        expires_on=certificate.expires_on,
        reason=reason,
        pdf_status=PdfStatus.PENDING,
        created_by=actor_or_none(actor),
    )
    _enqueue_pdf(revision)
    return revision


def default_wcb_account(employer) -> WCBAccount | None:
    return (
        WCBAccount.objects.for_association(employer.association)
        .filter(employer=employer, is_active=True)
        .order_by("pk")
        .first()
    )


def _lock(certificate: Certificate) -> Certificate:
    return (
        Certificate.objects.for_association(certificate.association)
        .select_for_update(of=("self",))
        .select_related("employer", "wcb_account", "association")
        .get(pk=certificate.pk)
    )


@transaction.atomic
def certificate_issue(
    *, audit: Audit, actor, wcb_account: WCBAccount | None = None, today: date | None = None
) -> Certificate:
    """Issue the certificate of a passed certification or recertification audit.

    Refused with every blocker of `audits.issuing.issue_blockers` (one message
    each). The issue date is the cycle's certification date, the last day on
    site (the anniversary); expiry is that plus the validity years, 29 February
    becoming 28 February. A recertification's certificate supersedes the
    enrollment's earlier live one. Idempotent: the audit's certificate, if it
    has one, is returned.
    """
    from .issuing import issue_blockers

    association = audit.association
    audit = (
        Audit.objects.for_association(association)
        .select_for_update(of=("self",))
        .select_related("enrollment__program", "employer", "cycle")
        .get(pk=audit.pk)
    )
    existing = Certificate.objects.for_association(association).filter(audit=audit).first()
    if existing is not None:
        return existing
    today = today or association_today(association)
    wcb_account = wcb_account or default_wcb_account(audit.employer)
    blockers = issue_blockers(audit, today=today, wcb_account=wcb_account)
    if blockers:
        raise ValidationError([b.message for b in blockers])
    cycle = audit.cycle
    program = audit.enrollment.program
    issued_on = cycle.certification_date
    validity = selectors.audit_rules(audit).validity_years
    previous = list(
        Certificate.objects.for_association(association)
        .select_for_update()
        .filter(enrollment=audit.enrollment, status__in=selectors.LIVE_CERTIFICATE)
        .exclude(cycle=cycle)
    )
    certificate = Certificate(
        association=association,
        number=next_number(program, issued_on.year),
        employer=audit.employer,
        enrollment=audit.enrollment,
        cycle=cycle,
        audit=audit,
        wcb_account=wcb_account,
        program=program,
        issued_on=issued_on,
        expires_on=sched.add_years(issued_on, validity),
        status=CertificateStatus.VALID,
        status_changed_on=today,
        issued_by=actor_or_none(actor),
    )
    certificate.full_clean()
    certificate.save()
    for old in previous:
        _set_status(
            old,
            CertificateStatus.SUPERSEDED,
            actor=actor,
            on=today,
            reason=f"Superseded by certificate {certificate.number}.",
        )
    _new_revision(certificate, actor=actor, reason="Issued.")
    record(
        association=association,
        actor=actor,
        action="audits.certificate_issued",
        obj=certificate,
        summary=f"Issued {certificate} to {certificate.employer}",
        audit_id=audit.pk,
        issued_on=str(issued_on),
        expires_on=str(certificate.expires_on),
    )
    _notify(
        certificate,
        key="issued",
        title=f"Your {program.get_kind_display().split(' ')[0]} certificate has been issued",
        body=f"Certificate {certificate.number}, valid until {certificate.expires_on}.",
    )
    return certificate


@transaction.atomic
def certificate_import(
    *,
    cycle,
    number: str,
    actor,
    issued_on: date | None = None,
    wcb_account: WCBAccount | None = None,
    build_pdf: bool = False,
) -> Certificate:
    """Record a certificate the association issued before it used this product.

    Marked `imported`, with no audit; keeps the association's own number.
    Idempotent on the number: the same certificate for the same cycle is returned.
    """
    association = cycle.association
    existing = Certificate.objects.for_association(association).filter(number=number).first()
    if existing is not None:
        if existing.cycle_id != cycle.pk:
            raise ValidationError(
                gettext("Certificate number %(number)s is already in use.") % {"number": number}
            )
        return existing
    issued_on = issued_on or cycle.certification_date
    program = cycle.enrollment.program
    rules = selectors.program_rules(program)
    validity = rules.validity_years if rules is not None else 3
    certificate = Certificate(
        association=association,
        number=number,
        employer=cycle.employer,
        enrollment=cycle.enrollment,
        cycle=cycle,
        wcb_account=wcb_account or default_wcb_account(cycle.employer),
        program=program,
        issued_on=issued_on,
        expires_on=sched.add_years(issued_on, validity),
        status=CertificateStatus.VALID,
        imported=True,
        issued_by=actor_or_none(actor),
    )
    certificate.full_clean()
    certificate.save()
    account = certificate.wcb_account
    revision = CertificateRevision.objects.create(
        association=association,
        certificate=certificate,
        revision=1,
        legal_name=certificate.employer.legal_name,
        wcb_account_number=account.account_number if account else "",
        issued_on=certificate.issued_on,
        expires_on=certificate.expires_on,
        reason="Imported from the association's records.",
        pdf_status=PdfStatus.PENDING if build_pdf else PdfStatus.FAILED,
        pdf_error="" if build_pdf else "Imported without a PDF.",
        created_by=actor_or_none(actor),
    )
    if build_pdf:
        _enqueue_pdf(revision)
    record(
        association=association,
        actor=actor,
        action="audits.certificate_imported",
        obj=certificate,
        summary=f"Imported {certificate} of {certificate.employer}",
    )
    return certificate


def _set_status(certificate: Certificate, status: str, *, actor, on: date, reason: str):
    previous = certificate.status
    certificate.status = status
    certificate.status_reason = reason
    certificate.status_changed_on = on
    certificate.save(update_fields=["status", "status_reason", "status_changed_on"])
    record(
        association=certificate.association,
        actor=actor,
        action=f"audits.certificate_{status}",
        obj=certificate,
        summary=f"{certificate}: {previous} → {status}" + (f" ({reason})" if reason else ""),
        previous_status=str(previous),
        reason=reason,
    )
    label = CertificateStatus(status).label
    _notify(
        certificate,
        key=f"{status}:{on}",
        title=f"Certificate {certificate.number}: {str(label).lower()}",
        body=reason,
    )
    return certificate


ALLOWED_FROM = {
    CertificateStatus.SUSPENDED: (CertificateStatus.VALID,),
    CertificateStatus.VALID: (CertificateStatus.SUSPENDED,),  # reinstate
    CertificateStatus.CANCELLED: (CertificateStatus.VALID, CertificateStatus.SUSPENDED),
    CertificateStatus.EXPIRED: (CertificateStatus.VALID, CertificateStatus.SUSPENDED),
    CertificateStatus.SUPERSEDED: (CertificateStatus.VALID, CertificateStatus.SUSPENDED),
}


@transaction.atomic
def certificate_change_status(
    *, certificate: Certificate, status: str, actor, reason: str = "", on: date | None = None
) -> Certificate:
    """Suspend, reinstate (back to valid), cancel, expire or supersede a certificate."""
    certificate = _lock(certificate)
    if certificate.status == status:
        return certificate
    allowed = ALLOWED_FROM.get(CertificateStatus(status), ())
    if certificate.status not in allowed:
        raise ValidationError(
            gettext("This certificate is %(status)s: it cannot become %(new)s.")
            % {
                "status": certificate.get_status_display().lower(),
                "new": str(CertificateStatus(status).label).lower(),
            }
        )
    if status in (CertificateStatus.SUSPENDED, CertificateStatus.CANCELLED) and not reason.strip():
        raise ValidationError(gettext("Give the reason: the employer's users are told it."))
    on = on or association_today(certificate.association)
    if status == CertificateStatus.VALID and certificate.expires_on < on:
        raise ValidationError(
            gettext("This certificate expired on %(day)s: it cannot be reinstated.")
            % {"day": certificate.expires_on}
        )
    return _set_status(certificate, status, actor=actor, on=on, reason=reason.strip())


def certificate_suspend(*, certificate, actor, reason: str, on=None) -> Certificate:
    return certificate_change_status(
        certificate=certificate,
        status=CertificateStatus.SUSPENDED,
        actor=actor,
        reason=reason,
        on=on,
    )


def certificate_reinstate(*, certificate, actor, reason: str = "", on=None) -> Certificate:
    return certificate_change_status(
        certificate=certificate, status=CertificateStatus.VALID, actor=actor, reason=reason, on=on
    )


def certificate_cancel(*, certificate, actor, reason: str, on=None) -> Certificate:
    return certificate_change_status(
        certificate=certificate,
        status=CertificateStatus.CANCELLED,
        actor=actor,
        reason=reason,
        on=on,
    )


def certificate_expire(*, certificate, actor=None, on=None) -> Certificate:
    return certificate_change_status(
        certificate=certificate,
        status=CertificateStatus.EXPIRED,
        actor=actor,
        reason=f"Expired on {certificate.expires_on}.",
        on=on,
    )


def certificate_supersede(*, certificate, actor, by: Certificate, on=None) -> Certificate:
    return certificate_change_status(
        certificate=certificate,
        status=CertificateStatus.SUPERSEDED,
        actor=actor,
        reason=f"Superseded by certificate {by.number}.",
        on=on,
    )


@transaction.atomic
def certificate_reissue(*, certificate: Certificate, actor, reason: str) -> CertificateRevision:
    """Print the certificate again (e.g. a corrected legal name): same number, new revision.

    The earlier revisions and their PDFs stay, for staff.
    """
    certificate = _lock(certificate)
    if not certificate.is_live:
        raise ValidationError(
            gettext("This certificate is %(status)s: it cannot be re-issued.")
            % {"status": certificate.get_status_display().lower()}
        )
    if not reason.strip():
        raise ValidationError(
            gettext("Say why the certificate is re-issued (e.g. corrected legal name).")
        )
    if certificate.wcb_account_id and not certificate.wcb_account.is_active:
        certificate.wcb_account = default_wcb_account(certificate.employer)
    certificate.revision += 1
    certificate.save(update_fields=["revision", "wcb_account"])
    revision = _new_revision(certificate, actor=actor, reason=reason.strip())
    record(
        association=certificate.association,
        actor=actor,
        action="audits.certificate_reissued",
        obj=certificate,
        summary=f"Re-issued {certificate} as revision {revision.revision}: {reason.strip()}",
        revision=revision.revision,
    )
    _notify(
        certificate,
        key=f"reissued:{revision.revision}",
        title=f"Certificate {certificate.number} re-issued",
        body=reason.strip(),
    )
    return revision


def status_actions(certificate: Certificate) -> list[str]:
    """The status changes a program admin may make now (the form's choices)."""
    if certificate.status == CertificateStatus.VALID:
        return ["suspend", "cancel"]
    if certificate.status == CertificateStatus.SUSPENDED:
        return ["reinstate", "cancel"]
    return []


ACTION_SERVICES = {
    "suspend": certificate_suspend,
    "reinstate": certificate_reinstate,
    "cancel": certificate_cancel,
}


__all__ = [
    "AuditStatus",
    "certificate_cancel",
    "certificate_change_status",
    "certificate_expire",
    "certificate_import",
    "certificate_issue",
    "certificate_reinstate",
    "certificate_reissue",
    "certificate_supersede",
    "certificate_suspend",
    "next_number",
]


# --- Bringing in today's certificate holders ------------------------------------------------


@transaction.atomic
def holders_import(*, association, actor, text: str, today: date | None = None) -> dict:
    """Import current certificate holders from CSV: all rows or none; re-importing is a no-op.

    Each new row gets its employer and WCB account (found by the account when
    they exist), an enrollment, the cycle from the issue date (anniversary and
    maintenance deadlines follow), the certificate marked imported (no PDF),
    and the last audit recorded after the fact when the file gives one: the
    same rows and audit trail as `cycle_start`, `audit_record_historic` and
    `certificate_import`, written in bulk: the number of queries does not grow
    with the number of rows (10,000 rows are a few dozen queries).
    """
    from django.db.models.functions import Lower

    from employers.models import Employer, Enrollment, EnrollmentStatus
    from secor.models import AuditLogEntry, Program

    from .holders import HoldersRefused, parse_holders_csv
    from .models import AuditCycle, ConductedBy
    from .snapshot import rules_from_snapshot, rules_snapshot

    today = today or association_today(association)
    preview = parse_holders_csv(text, association=association, today=today)
    if not preview.ok:
        raise HoldersRefused(preview)
    rows = [row for row in preview.rows if row.action != "unchanged"]
    actor_row = actor_or_none(actor)
    programs = {p.kind: p for p in Program.objects.for_association(association)}
    setup = {}
    for kind, program in programs.items():
        rules_row = selectors.program_rules(program)
        setup[kind] = (
            rules_row,
            rules_from_snapshot(rules_snapshot(rules_row)) if rules_row else None,
            rules_snapshot(rules_row) if rules_row else None,
            selectors.current_tool(program),
        )
    for row in rows:
        rules_row, _, _, tool = setup.get(row.program, (None, None, None, None))
        if rules_row is None:
            row.errors.append("The program's rules are not set up.")
        elif row.last_type and tool is None:
            row.errors.append("The program's audit tool must be set up before its audits.")
    if preview.has_row_errors:
        raise HoldersRefused(preview)

    # Employers and WCB accounts: found by the account, else made (one per account).
    def account_key(row):
        return (
            (row.values.get("wcb_board") or association.wcb_board).lower(),
            row.account_number.lower(),
        )

    keys = {account_key(row) for row in rows}
    accounts = {
        (a.board.lower(), a.account_number.lower()): a
        for a in WCBAccount.objects.for_association(association)
        .annotate(number_lower=Lower("account_number"))
        .filter(number_lower__in={n for _, n in keys})
        .select_related("employer")
    }
    new_accounts = {}
    for row in rows:
        key = account_key(row)
        if key not in accounts and key not in new_accounts:
            employer = Employer(association=association, legal_name=row.values["legal_name"])
            employer.clean_fields(exclude=["association"])
            board = row.values.get("wcb_board") or association.wcb_board
            new_accounts[key] = WCBAccount(
                association=association,
                employer=employer,
                board=board,
                account_number=row.account_number,
            )
    Employer.objects.bulk_create([a.employer for a in new_accounts.values()])
    for account in new_accounts.values():
        account.employer = account.employer  # sets employer_id now that it has one
    WCBAccount.objects.bulk_create(list(new_accounts.values()))
    accounts.update(new_accounts)

    # Enrollments: the employer's open one in the program, else a new one; certified now.
    employer_ids = {accounts[account_key(row)].employer_id for row in rows}
    enrollments = {}
    for e in (
        Enrollment.objects.for_association(association)
        .filter(employer_id__in=employer_ids, status__in=EnrollmentStatus.open_statuses())
        .order_by("pk")
    ):
        enrollments.setdefault((e.employer_id, e.program_id), e)
    # An enrollment holds one live certificate: those already here, and each row's.
    holder = dict(
        Certificate.objects.for_association(association)
        .filter(
            enrollment__in=[e.pk for e in enrollments.values()],
            status__in=selectors.LIVE_CERTIFICATE,
        )
        .values_list("enrollment_id", "number")
    )
    holds = {id(e): holder[e.pk] for e in enrollments.values() if e.pk in holder}
    new_enrollments, plan = [], []
    for row in rows:
        account = accounts[account_key(row)]
        program = programs[row.program]
        key = (account.employer_id, program.pk)
        enrollment = enrollments.get(key)
        if enrollment is None:
            enrollment = Enrollment(
                association=association,
                employer=account.employer,
                program=program,
                status=EnrollmentStatus.IN_PROGRESS,
                registered_on=row.issued_on,
            )
            enrollments[key] = enrollment
            new_enrollments.append(enrollment)
        if id(enrollment) in holds:
            row.errors.append(
                f"{account.employer} already holds certificate {holds[id(enrollment)]}."
            )
            continue
        holds[id(enrollment)] = row.number
        plan.append((row, account, enrollment))
    if preview.has_row_errors:
        raise HoldersRefused(preview)  # nothing written is kept: the transaction rolls back
    # Each certified on its row's issue date (as cycle_start does): new enrollments are
    # written certified, open ones already here in one UPDATE.
    already = {e.pk: row.issued_on for row, _, e in plan if e.pk is not None}
    for row, _, enrollment in plan:
        enrollment.status = EnrollmentStatus.CERTIFIED
        enrollment.status_changed_on = row.issued_on
    Enrollment.objects.bulk_create(new_enrollments)
    if already:
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Enrollment._meta.db_table} AS e"  # noqa: S608 (a model's table name)
                " SET status = %s, status_changed_on = v.day"
                " FROM (SELECT unnest(%s::bigint[]) AS id, unnest(%s::date[]) AS day) AS v"
                " WHERE e.id = v.id AND e.association_id = %s",
                [EnrollmentStatus.CERTIFIED, list(already), list(already.values()), association.pk],
            )

    # Cycles (the anniversary and the maintenance deadlines follow from the issue date).
    existing_cycles = {
        (c.enrollment_id, c.certification_date): c
        for c in AuditCycle.objects.for_association(association).filter(
            enrollment__in=[e.pk for _, _, e in plan]
        )
    }
    cycles, new_cycles = [], []
    for row, _, enrollment in plan:
        cycle = existing_cycles.get((enrollment.pk, row.issued_on))
        if cycle is None:
            rules = setup[row.program][1]
            cycle = AuditCycle(
                association=association,
                employer=enrollment.employer,
                enrollment=enrollment,
                certification_date=row.issued_on,
                ends_on=sched.add_years(row.issued_on, rules.validity_years),
                recertification=row.last_type == "recertification",
            )
            cycle.clean()
            new_cycles.append(cycle)
        cycles.append(cycle)
    AuditCycle.objects.bulk_create(new_cycles)

    # The last audit, recorded after the fact.
    audits, audit_of_row = [], {}
    for (row, _, enrollment), cycle in zip(plan, cycles, strict=True):
        if not row.last_type:
            continue
        rules_row, _, snapshot, tool = setup[row.program]
        audit = Audit(
            association=association,
            employer=enrollment.employer,
            enrollment=enrollment,
            cycle=cycle,
            year=row.maintenance_year if row.last_type == "maintenance" else 1,
            audit_type=row.last_type,
            conducted_by=ConductedBy.EXTERNAL_ASSESSOR,
            data_gathering_start=row.last_start,
            data_gathering_end=row.last_end,
            status=AuditStatus.PASSED if row.last_passed else AuditStatus.FAILED,
            tool=tool,
            rules_snapshot=snapshot,
            received_on=row.last_end,
            decided_on=row.last_end,
            overall_percent=row.last_score,
            outcome_reasons=[{"code": "recorded_after_the_fact", "params": {}}],
            recorded_after_the_fact=True,
            created_by=actor_row,
        )
        audit.refresh_deadlines()  # what Audit.save does
        audits.append(audit)
        audit_of_row[id(row)] = audit
    Audit.objects.bulk_create(audits)

    # The certificates, marked imported, each with its first revision (no PDF).
    certs, revisions = [], []
    for (row, account, enrollment), cycle in zip(plan, cycles, strict=True):
        audit = audit_of_row.get(id(row))
        certificate = Certificate(
            association=association,
            number=row.number,
            employer=enrollment.employer,
            enrollment=enrollment,
            cycle=cycle,
            wcb_account=account,
            program=programs[row.program],
            issued_on=row.issued_on,
            expires_on=row.expires_on,
            status=CertificateStatus.VALID,
            imported=True,
            issued_by=actor_row,
            audit=audit if audit is not None and row.last_type != "maintenance" else None,
        )
        certs.append(certificate)
        revisions.append(
            CertificateRevision(
                association=association,
                certificate=certificate,
                revision=1,
                legal_name=account.employer.legal_name,
                wcb_account_number=account.account_number,
                issued_on=row.issued_on,
                expires_on=row.expires_on,
                reason="Imported from the association's records.",
                pdf_status=PdfStatus.FAILED,
                pdf_error="Imported without a PDF.",
                created_by=actor_row,
            )
        )
    Certificate.objects.bulk_create(certs)
    for revision in revisions:
        revision.certificate = revision.certificate  # sets certificate_id
    CertificateRevision.objects.bulk_create(revisions)

    # The audit trail: the same rows the one-at-a-time services write.
    who = actor_or_none(actor)

    def entry(action, obj, summary):
        return AuditLogEntry(
            association=association,
            actor=who,
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            summary=summary[:300],
        )

    log = [entry("audits.cycle_started", c, f"Started {c}") for c in new_cycles]
    log += [
        entry(
            "audits.audit_recorded_after_the_fact",
            a,
            f"Recorded after the fact: {a} "
            f"({'passed' if a.status == AuditStatus.PASSED else 'not achieved'})",
        )
        for a in audits
    ]
    log += [entry("audits.certificate_imported", c, f"Imported {c} of {c.employer}") for c in certs]
    AuditLogEntry.objects.bulk_create(log)
    created = len(certs)
    record(
        association=association,
        actor=actor,
        action="audits.holders_imported",
        obj=None,
        summary=f"Imported {created} certificate holders ({preview.unchanged} already here)",
        rows=len(preview.rows),
        created=created,
    )
    return {"rows": len(preview.rows), "created": created, "unchanged": preview.unchanged}
