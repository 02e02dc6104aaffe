"""Letters downloaded as signed PDFs from an enrollment's milestones and status."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from audits import signing
from audits.models import Milestone, MilestoneLetter
from audits.signing import verify_signature
from secor.tenancy import activate

from ..conftest import member
from .factories import enrollment
from .pdf_helpers import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _dev_keys(settings, tmp_path_factory):
    settings.SECOR_SIGNING_KEYS_DIR = ""
    settings.SECOR_SIGNING_DEV_KEYS = True
    settings.SECOR_SIGNING_DEV_KEYS_DIR = str(tmp_path_factory.getbasetemp() / "signing-keys")
    signing._key_cache.clear()


def _url(e, kind):
    return reverse(
        "audits:enrollment_letter_pdf",
        kwargs={
            "association_slug": e.association.slug,
            "employer_id": e.employer_id,
            "enrollment_id": e.pk,
            "kind": kind,
        },
    )


def _milestones(e):
    with activate(e.association):
        for code, label, due in (
            ("courses", "Courses completed", date(2026, 6, 30)),
            ("manual", "Manual submitted", date(2026, 10, 31)),
        ):
            Milestone.objects.create(
                association=e.association,
                employer=e.employer,
                enrollment=e,
                code=code,
                label=label,
                opens_on=date(2026, 1, 1),
                due_on=due,
            )


def test_employer_downloads_a_signed_registration_letter(client, association, tmp_path):
    e = enrollment(association, registered_on=date(2026, 1, 15))
    _milestones(e)
    client.force_login(member(association, "employer", employer=e.employer))
    response = client.get(_url(e, "registration"))
    assert response.status_code == 200
    assert verify_signature(response.content, trust=signing.trust_root(association.slug)).intact
    text = " ".join(pdf_text(response.content, tmp_path).split())
    assert e.employer.legal_name in text
    assert "January 15, 2026" in text
    assert "Manual submitted" in text and "October 31, 2026" in text


def test_milestone_letter_prints_its_expiry(client, association, tmp_path):
    e = enrollment(association)
    _milestones(e)
    with activate(association):
        MilestoneLetter.objects.create(
            association=association,
            employer=e.employer,
            enrollment=e,
            number=1,
            issued_on=date(2026, 3, 1),
            expires_on=date(2026, 12, 1),
        )
    client.force_login(member(association, "program_admin"))
    response = client.get(_url(e, "milestone_1"))
    assert response.status_code == 200
    assert "December 1, 2026" in pdf_text(response.content, tmp_path)
    assert client.get(_url(e, "milestone_2")).status_code == 404


def test_deroll_letter_gives_the_reapply_date(client, association, tmp_path):
    e = enrollment(association)
    _milestones(e)
    client.force_login(member(association, "program_admin"))
    assert client.get(_url(e, "deroll")).status_code == 404
    with activate(association):
        type(e).objects.filter(pk=e.pk).update(
            status="derolled", status_changed_on=date(2026, 7, 1), reapply_on=date(2027, 1, 1)
        )
    response = client.get(_url(e, "deroll"))
    text = " ".join(pdf_text(response.content, tmp_path).split())
    assert "January 1, 2027" in text
    assert "Courses completed" in text


def test_another_employers_letter_is_404(client, association):
    e = enrollment(association)
    _milestones(e)
    client.force_login(member(association, "employer"))
    assert client.get(_url(e, "registration")).status_code == 404


def test_unknown_letter_kind_is_404(client, association):
    e = enrollment(association)
    client.force_login(member(association, "program_admin"))
    assert client.get(_url(e, "maintenance_accepted")).status_code == 404
    assert client.get(_url(e, "nonsense")).status_code == 404
