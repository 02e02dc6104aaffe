"""An admin issues a certificate through the issue page and watches a real Celery worker
build its PDF; the status forms change it and back; the employer downloads it; the public
verifies it by number and by dropping the file. axe runs on every page visited."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from audits import signing
from audits.models import Certificate
from audits.signing import verify_signature
from secor.dates import association_today
from secor.models import Role
from secor.tenancy import activate

from ..audits.certificate_setup import passed_audit
from ..conftest import member
from .conftest import check_page, log_in, visit

pytestmark = pytest.mark.django_db(transaction=True)

DOWNLOAD = "Download the certificate (PDF)"


@pytest.fixture(autouse=True)
def _keys(settings, tmp_path):
    settings.SECOR_SIGNING_KEYS_DIR = ""
    settings.SECOR_SIGNING_DEV_KEYS = True
    settings.SECOR_SIGNING_DEV_KEYS_DIR = str(tmp_path / "keys")
    signing._key_cache.clear()


def _url(name, association, **kwargs):
    return reverse(f"audits:{name}", kwargs={"association_slug": association.slug, **kwargs})


def test_admin_issues_watches_the_build_employer_downloads_public_verifies_by_number_and_file(
    page, association, live_server, settings, celery_worker, tmp_path
):
    settings.SITE_URL = live_server.url
    today = association_today(association)
    audit = passed_audit(
        association,
        start=today - timedelta(days=12),
        end=today - timedelta(days=8),
        trained_on=today - timedelta(days=400),
    )
    with activate(association):
        audit.employer.legal_name = "Prairie Roofing & Sons Ltd."
        audit.employer.save(update_fields=["legal_name"])
    admin = member(association, Role.PROGRAM_ADMIN)
    employer_user = member(association, Role.EMPLOYER, employer=audit.employer)

    # The admin reads the checklist on the issue page and issues.
    log_in(page, admin)
    visit(page, _url("certificate_issue", association, audit_id=audit.pk))
    expect(page.get_by_role("heading", name="Before issuing")).to_be_visible()
    expect(page.get_by_text("(not met)")).to_have_count(0)
    page.get_by_role("button", name="Issue the certificate").click()
    expect(page.get_by_text("issued; its PDF is building.")).to_be_visible()
    with activate(association):
        certificate = Certificate.objects.get(audit=audit)
    assert page.url.endswith(_url("certificate_detail", association, certificate_id=certificate.pk))
    check_page(page)

    # The PDF panel shows the build's progress, polling until the download appears.
    panel = page.locator(f"#certificate-pdf-{certificate.pk} [role=status]")
    first = panel.inner_text()
    assert any(
        words in first
        for words in ("Waiting to build the signed PDF", "Building the signed PDF", "Signed PDF")
    ), first
    expect(page.get_by_role("link", name=DOWNLOAD)).to_be_visible(timeout=60_000)
    check_page(page)

    # The status forms: suspending needs a reason (the error is tied to the field), then
    # suspend, then reinstate; each page checked by axe.
    status_path = _url("certificate_status", association, certificate_id=certificate.pk)
    visit(page, status_path)
    page.get_by_label("Suspend").check()
    page.get_by_role("button", name="Change the status").click()
    expect(page.locator("#id_reason_error")).to_have_text(
        "Give the reason: the employer's users are told it."
    )
    expect(page.get_by_label("Reason")).to_have_attribute(
        "aria-describedby", re.compile(r"\bid_reason_error\b")
    )
    check_page(page)
    page.get_by_label("Reason").fill("Serious incident under review.")
    page.get_by_role("button", name="Change the status").click()
    expect(page.get_by_text("Certificate status changed.")).to_be_visible()
    check_page(page)
    visit(page, status_path)
    expect(page.get_by_label("Cancel")).to_have_count(1)
    page.get_by_label("Reinstate (valid again)").check()
    page.get_by_role("button", name="Change the status").click()
    expect(page.get_by_text("Certificate status changed.")).to_be_visible()
    check_page(page)

    # The employer finds it among their certificates and downloads the signed PDF.
    page.context.clear_cookies()
    log_in(page, employer_user)
    visit(page, _url("employer_certificates", association, employer_id=audit.employer_id))
    page.get_by_role("link", name=f"Signed PDF {certificate.number}").click()
    expect(page.get_by_role("link", name=DOWNLOAD)).to_be_visible()
    check_page(page)
    with page.expect_download() as info:
        page.get_by_role("link", name=DOWNLOAD).click()
    saved = tmp_path / "certificate.pdf"
    info.value.save_as(saved)
    assert verify_signature(saved.read_bytes()).intact

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
