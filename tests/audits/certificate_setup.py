"""Certificates written straight to the database, for the PDF, download and verify tests.

Issuing goes through core's services in their own tests; here the rows are
made directly so each test chooses the exact state (status, dates, revision).
"""

from __future__ import annotations

import itertools
from datetime import date

from audits.models import Certificate, CertificateRevision
from secor.tenancy import activate

from ..factories import EmployerFactory, WCBAccountFactory
from .factories import certified

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
    enrollment, cycle = certified(association, certification_date=issued_on, employer=employer)
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
