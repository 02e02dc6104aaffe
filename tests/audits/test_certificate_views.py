"""Certificate screens: issue with the checklist, list with filters and CSV, detail, status."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from audits import certificates
from audits.models import Certificate, CertificateRevision
from employers.models import Worker
from secor.models import Role
from secor.tenancy import activate

from ..conftest import member
from .certificate_setup import passed_audit

pytestmark = pytest.mark.django_db
TODAY = date(2021, 2, 1)


def url(name, association, **kwargs):
    return reverse(f"audits:{name}", kwargs={"association_slug": association.slug, **kwargs})


@pytest.fixture
def admin(client, association):
    client.force_login(member(association, Role.PROGRAM_ADMIN))
    return client


def issued(association, **kwargs):
    audit = passed_audit(association, **kwargs)
    with activate(association):
        return certificates.certificate_issue(audit=audit, actor=None, today=TODAY)


def test_issue_page_lists_the_checklist_and_issues(
    admin, association, django_assert_max_num_queries
):
    audit = passed_audit(association)
    with django_assert_max_num_queries(60):
        response = admin.get(url("certificate_issue", association, audit_id=audit.pk))
    html = response.content.decode()
    assert response.status_code == 200
    for label in (
        "The audit passed",
        "Training compliant at the audit dates",
        "WCB account active",
    ):
        assert label in html
    with activate(association):
        account = certificates.default_wcb_account(audit.employer)
    response = admin.post(
        url("certificate_issue", association, audit_id=audit.pk), {"wcb_account": account.pk}
    )
    with activate(association):
        certificate = Certificate.objects.get(audit=audit)
    assert response.status_code == 302
    assert response.url == url("certificate_detail", association, certificate_id=certificate.pk)
    # Once issued, the issue page leads to the certificate.
    again = admin.get(url("certificate_issue", association, audit_id=audit.pk))
    assert again.status_code == 302 and again.url == response.url


def test_a_blocked_issue_shows_each_reason_and_issues_nothing(admin, association):
    audit = passed_audit(association)
    with activate(association):
        Worker.objects.filter(pk=audit.worker.pk).update(end_date=date(2020, 12, 1))
        account = certificates.default_wcb_account(audit.employer)
    response = admin.post(
        url("certificate_issue", association, audit_id=audit.pk), {"wcb_account": account.pk}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Sam Lee left on 2020-12-01" in html
    assert "cannot be issued until every item above is met" in html
    with activate(association):
        assert not Certificate.objects.filter(audit=audit).exists()


def test_employer_users_cannot_open_the_issue_page(client, association):
    audit = passed_audit(association)
    client.force_login(member(association, Role.EMPLOYER, employer=audit.employer))
    assert client.get(url("certificate_issue", association, audit_id=audit.pk)).status_code == 403


def test_certificate_list_filters_pages_and_exports(
    admin, association, django_assert_max_num_queries
):
    first = issued(association)
    second = issued(association, employer=None)
    with activate(association):
        certificates.certificate_suspend(certificate=second, actor=None, reason="Investigation.")
    with django_assert_max_num_queries(16):
        response = admin.get(url("certificate_list", association))
    html = response.content.decode()
    assert first.number in html and second.number in html
    html = admin.get(url("certificate_list", association), {"status": "suspended"}).content.decode()
    assert second.number in html and first.number not in html
    html = admin.get(url("certificate_list", association), {"q": first.number}).content.decode()
    assert first.number in html and second.number not in html
    export = admin.get(url("certificate_export", association), {"status": "suspended"})
    rows = b"".join(export.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert export["Content-Type"].startswith("text/csv")
    assert rows[0].startswith("Number,Employer,WCB account,Program,Issued,Expires,Status")
    assert len(rows) == 2 and rows[1].startswith(second.number) and "Suspended" in rows[1]


def test_detail_shows_revisions_and_history(admin, association, django_assert_max_num_queries):
    certificate = issued(association)
    with django_assert_max_num_queries(18):
        response = admin.get(url("certificate_detail", association, certificate_id=certificate.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert certificate.number in html and "Issued." in html
    assert f"Issued Certificate {certificate.number}" in html  # the history


def test_suspend_form_needs_a_reason_then_suspends(admin, association):
    certificate = issued(association)
    target = url("certificate_status", association, certificate_id=certificate.pk)
    response = admin.post(target, {"action": "suspend", "reason": ""})
    assert response.status_code == 200
    assert "Give the reason" in response.content.decode()
    response = admin.post(target, {"action": "suspend", "reason": "Fatality investigation."})
    assert response.status_code == 302
    with activate(association):
        certificate.refresh_from_db()
    assert (certificate.status, certificate.status_reason) == (
        "suspended",
        "Fatality investigation.",
    )
    # Reinstate is offered now, suspend no longer.
    html = admin.get(target).content.decode()
    assert 'value="reinstate"' in html and 'value="suspend"' not in html


def test_reissue_form_adds_a_revision(admin, association):
    certificate = issued(association)
    response = admin.post(
        url("certificate_reissue", association, certificate_id=certificate.pk),
        {"reason": "Legal name corrected."},
    )
    assert response.status_code == 302
    with activate(association):
        assert CertificateRevision.objects.filter(certificate=certificate).count() == 2


def test_an_expired_certificate_says_plainly_it_cannot_be_re_issued(admin, association):
    certificate = issued(association)
    with activate(association):
        Certificate.objects.filter(pk=certificate.pk).update(status="expired")

    html = admin.get(url("certificate_reissue", association, certificate_id=certificate.pk))

    assert "This certificate is expired: it cannot be re-issued." in html.content.decode()


def test_the_employer_sees_their_certificates(client, association, django_assert_max_num_queries):
    certificate = issued(association)
    client.force_login(member(association, Role.EMPLOYER, employer=certificate.employer))
    with django_assert_max_num_queries(14):
        response = client.get(
            url("employer_certificates", association, employer_id=certificate.employer_id)
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert certificate.number in html and "Valid" in html


def test_holders_import_previews_then_imports_on_confirm(admin, association):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .factories import seeded

    seeded(association)
    csv = (
        b"legal_name,wcb_account_number,program,certificate_number,issued_on\n"
        b"Prairie Hauling Ltd.,1234567,SECOR,AMTA-OLD-1,2025-01-05\n"
    )
    upload = SimpleUploadedFile("holders.csv", csv, content_type="text/csv")
    response = admin.post(url("holders_import", association), {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 rows are ready: 1 new certificate holders" in html
    with activate(association):
        assert not Certificate.objects.exists()  # nothing until confirmed
    token = response.context["token"]
    response = admin.post(url("holders_import_confirm", association), {"token": token})
    assert response.status_code == 302
    with activate(association):
        assert Certificate.objects.get().number == "AMTA-OLD-1"
    again = admin.post(url("holders_import_confirm", association), {"token": token})
    assert again.status_code == 302 and again.url == url("holders_import", association)


def test_holders_import_shows_row_errors_and_offers_no_import(admin, association):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .factories import seeded

    seeded(association)
    csv = b"legal_name,wcb_account_number,program,certificate_number,issued_on\nX,1,SECOR,C,bad\n"
    response = admin.post(
        url("holders_import", association),
        {"file": SimpleUploadedFile("h.csv", csv, content_type="text/csv")},
    )
    html = response.content.decode()
    assert "is not a date like 2021-01-05" in html
    assert "Import these rows" not in html


def test_a_past_audit_is_entered_by_hand_on_its_page(admin, association):
    from .factories import enrollment

    e = enrollment(association, status="in_progress")
    response = admin.post(
        url("historic_audit", association, employer_id=e.employer_id),
        {
            "enrollment": e.pk,
            "audit_type": "certification",
            "data_gathering_start": "2020-12-28",
            "data_gathering_end": "2021-01-05",
            "passed": "yes",
            "overall_percent": "88",
            "assessor_name": "Pat",
        },
    )
    assert response.status_code == 302
    detail = admin.get(response.url).content.decode()
    assert "recorded after the fact" in detail
