"""A certificate's PDF is built by a real Celery worker while the page watches; the
employer downloads it; the public verifies it by number and by dropping the file."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from audits import signing
from audits.signing import verify_signature
from secor.models import Role

from ..audits.certificate_setup import current_revision, make_certificate
from ..conftest import member
from .conftest import check_page, log_in, visit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _keys(settings, tmp_path):
    settings.SECOR_SIGNING_KEYS_DIR = ""
    settings.SECOR_SIGNING_DEV_KEYS = True
    settings.SECOR_SIGNING_DEV_KEYS_DIR = str(tmp_path / "keys")
    signing._key_cache.clear()


def _issue(association, employer, live_server, settings):
    """Stand-in for the issue page until the issuing slice's page is merged."""
    from django.db import transaction

    from audits.certificate_pdf import enqueue

    settings.SITE_URL = live_server.url
    today = date.today()
    certificate = make_certificate(
        association,
        employer=employer,
        legal_name="Prairie Roofing & Sons Ltd.",
        issued_on=date(today.year - 1, 1, 5),
        expires_on=date(today.year + 2, 1, 5),
    )
    with transaction.atomic():
        enqueue(current_revision(certificate).pk)
    return certificate


def test_pdf_builds_employer_downloads_public_verifies_by_number_and_file(
    page, association, live_server, settings, celery_worker, tmp_path
):
    admin = member(association, Role.PROGRAM_ADMIN)
    employer_user = member(association, Role.EMPLOYER)
    log_in(page, admin)
    certificate = _issue(association, employer_user.employer, live_server, settings)
    pdf_path = f"/{association.slug}/audits/certificates/{certificate.pk}/pdf/status/"

    # The admin watches the build: the panel polls until the download appears.
    visit(page, pdf_path)
    download = page.get_by_role("link", name="Download the certificate (PDF)")
    expect(download).to_be_visible(timeout=30_000)
    check_page(page)

    # The employer downloads the signed PDF.
    page.context.clear_cookies()
    log_in(page, employer_user)
    visit(page, pdf_path)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the certificate (PDF)").click()
    saved = tmp_path / "certificate.pdf"
    info.value.save_as(saved)
    data = saved.read_bytes()
    assert verify_signature(data).intact

    # The public (signed out) verifies by number…
    page.context.clear_cookies()
    visit(page, "/verify/")
    page.get_by_label("Association").select_option(label=association.name)
    page.get_by_role("textbox", name="Certificate number").fill(certificate.number)
    page.get_by_role("button", name="Check this number").click()
    expect(page.get_by_text("This certificate is genuine and currently valid.")).to_be_visible()
    expect(page.get_by_text("Prairie Roofing & Sons Ltd.")).to_be_visible()
    check_page(page)

    # …and by dropping the file.
    visit(page, "/verify/")
    page.get_by_label("Certificate PDF").set_input_files(str(saved))
    page.get_by_role("button", name="Check this file").click()
    expect(page.get_by_text("The signature is intact")).to_be_visible()
    expect(page.get_by_text("exactly the file the association issued")).to_be_visible()
    check_page(page)

    # An unknown number says so, accessibly.
    visit(page, f"/verify/{association.slug}/NOPE-1/", status=404)
    expect(page.get_by_text("No certificate with this number was found.")).to_be_visible()
