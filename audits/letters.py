"""Letters as PDFs, from an enrollment's milestones, letters and status.

Read-only: gathers what a letter prints and hands it to ``audits.pdf.render_letter``.
Letters are rendered on request (they are cheap and their data can change),
and signed with the association's key like certificates.
"""

from __future__ import annotations

from django.http import Http404

from employers.models import EnrollmentStatus

from .certificate_pdf import branding_for
from .models import Milestone, MilestoneLetter
from .pdf import Deadline, LetterData, LetterKind, render_letter
from .signing import sign_pdf, signing_key

# Letters this page can make from an enrollment (maintenance acceptance letters
# come from an audit, not an enrollment).
ENROLLMENT_LETTERS = (
    LetterKind.REGISTRATION,
    LetterKind.MILESTONE_1,
    LetterKind.MILESTONE_2,
    LetterKind.DEROLL,
)


def _base(enrollment, letter_date) -> dict:
    employer = enrollment.employer
    account = employer.wcb_accounts.filter(is_active=True).first()
    city_line = " ".join(p for p in (employer.city, employer.province, employer.postal_code) if p)
    address = "\n".join(p for p in (employer.address, city_line) if p)
    return {
        "legal_name": employer.legal_name,
        "letter_date": letter_date,
        "program_kind": enrollment.program.kind,
        "wcb_account_number": account.account_number if account else "",
        "address": address,
    }


def letter_data(kind: LetterKind, enrollment) -> LetterData:
    """What ``kind`` of letter says for this enrollment; 404 when it has no such letter."""
    milestones = list(Milestone.objects.filter(enrollment=enrollment).order_by("due_on", "pk"))
    if kind == LetterKind.REGISTRATION:
        if not milestones:
            raise Http404("No milestones scheduled: no registration letter yet.")
        return LetterData(
            **_base(enrollment, enrollment.registered_on),
            deadlines=tuple(Deadline(m.label, m.due_on) for m in milestones),
        )
    if kind in (LetterKind.MILESTONE_1, LetterKind.MILESTONE_2):
        number = 1 if kind == LetterKind.MILESTONE_1 else 2
        letter = MilestoneLetter.objects.filter(enrollment=enrollment, number=number).first()
        if letter is None:
            raise Http404("This milestone letter has not been issued.")
        upcoming = tuple(
            Deadline(m.label, m.due_on)
            for m in milestones
            if m.due_on >= letter.issued_on and m.outcome != "accepted"
        )
        return LetterData(
            **_base(enrollment, letter.issued_on),
            expires_on=letter.expires_on,
            deadlines=upcoming,
        )
    if kind == LetterKind.DEROLL:
        if enrollment.status != EnrollmentStatus.DEROLLED:
            raise Http404("This enrollment has not been de-rolled.")
        derolled_on = enrollment.status_changed_on
        missed = next(
            (
                m
                for m in milestones
                if m.outcome != "accepted" and (derolled_on is None or m.due_on <= derolled_on)
            ),
            None,
        )
        return LetterData(
            **_base(enrollment, enrollment.status_changed_on or enrollment.registered_on),
            missed=missed.label if missed else "",
            reapply_on=enrollment.reapply_on,
        )
    raise Http404("Unknown letter.")


def letter_pdf(kind: LetterKind, enrollment) -> bytes:
    association = enrollment.association
    data = letter_data(kind, enrollment)
    pdf = render_letter(kind, data, branding_for(association))
    key = signing_key(association.slug, display_name=association.name)
    return sign_pdf(pdf, key, reason=f"{kind.value} letter", location=association.name)
