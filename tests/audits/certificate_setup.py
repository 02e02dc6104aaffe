"""Certificates for tests: written straight to the database, or issued from a passed audit.

`make_certificate` writes the rows directly so the PDF, download and verify
tests choose the exact state (status, dates, revision); `passed_audit` builds
a certification audit ready for `audits.certificates.certificate_issue`.
"""

from __future__ import annotations

import itertools
from datetime import date

from audits import services
from audits.models import Certificate, CertificateRevision
from secor.tenancy import activate

from ..factories import EmployerFactory, WCBAccountFactory
from .factories import audit as make_audit
from .factories import certified, enrollment, seed_key_for, seeded
from .training_setup import amta_trained_assessor

_numbers = itertools.count(1)


def make_certificate(
    association,
    *,
    employer=None,
    number=None,
    legal_name=None,
    status="valid",
    issued_on=date(2021, 1, 5),
    expires_on=date(2024, 1, 5),
    pdf_status="pending",
    revision=1,
    city="",
) -> Certificate:
    employer = employer or EmployerFactory(
        association=association, **({"city": city} if city else {})
    )
    enrollment, cycle = certified(
        association, certification_date=issued_on, employer=employer, certificate=False
    )
    with activate(association):
        account = employer.wcb_accounts.first() or WCBAccountFactory(
            association=association, employer=employer
        )
        certificate = Certificate.objects.create(
            association=association,
            number=number
            or f"{association.short_name}-SECOR-{issued_on.year}-{next(_numbers):05d}",
            employer=employer,
            enrollment=enrollment,
            cycle=cycle,
            wcb_account=account,
            program=enrollment.program,
            issued_on=issued_on,
            expires_on=expires_on,
            status=status,
            revision=revision,
        )
        for n in range(1, revision + 1):
            CertificateRevision.objects.create(
                association=association,
                certificate=certificate,
                revision=n,
                legal_name=(legal_name or employer.legal_name)
                + ("" if n == revision else f" (old {n})"),
                wcb_account_number=account.account_number,
                issued_on=issued_on,
                expires_on=expires_on,
                pdf_status=pdf_status,
            )
    return certificate


def current_revision(certificate) -> CertificateRevision:
    with activate(certificate.association):
        return CertificateRevision.objects.get(
            certificate=certificate, revision=certificate.revision
        )


def passed_audit(
    association,
    *,
    start=date(2021, 1, 1),
    end=date(2021, 1, 5),
    employer=None,
    trained_on=date(2019, 3, 1),
):
    """An AMTA-style employer with a worker trained on `trained_on`, full-time, and an active
    WCB account, whose certification audit (data gathering `start`–`end`) passed at 85 %."""
    from employers.services import rules_ensure

    seeded(association)
    if not association.seed:
        association.seed = seed_key_for(association)
        association.save(update_fields=["seed"])
    rules_ensure(association=association)  # the SECOR size rule of the seed
    e = enrollment(association, employer=employer, status="in_progress")
    worker = amta_trained_assessor(e.employer, self_evaluator_on=trained_on)
    audit = make_audit(
        association,
        employer=e.employer,
        data_gathering_start=start,
        data_gathering_end=end,
    )
    with activate(association):
        services.scores_save(
            audit=audit, points=dict.fromkeys(range(1, 11), 85), actor=None, today=end
        )
        services.audit_record_outcome(audit=audit, decided_on=end, actor=None)
        audit.refresh_from_db()
    audit.worker = worker
    return audit
