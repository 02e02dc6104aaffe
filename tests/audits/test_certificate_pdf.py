"""The certificate PDF build (task, sweep), the download and status pages."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from audits import certificate_pdf, signing
from audits.models import CertificateRevision
from audits.signing import verify_signature
from audits.tasks import build_certificate_pdf, sweep_certificate_pdfs
from secor.models import Notification
from secor.tenancy import activate, scopes_disabled

from ..conftest import member
from .certificate_setup import current_revision, make_certificate
from .pdf_helpers import page_png, pdf_text, qr_codes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _dev_keys(settings, tmp_path_factory):
    settings.SECOR_SIGNING_KEYS_DIR = ""
    settings.SECOR_SIGNING_DEV_KEYS = True
    settings.SECOR_SIGNING_DEV_KEYS_DIR = str(tmp_path_factory.getbasetemp() / "signing-keys")
    settings.SITE_URL = "https://secor.example.ca"
    signing._key_cache.clear()


def _revision(certificate):
    return current_revision(certificate)


def test_build_renders_signs_stores_and_marks_ready(association, tmp_path):
    certificate = make_certificate(association, legal_name="Prairie Roofing & Sons Ltd.")
    revision = _revision(certificate)
    assert build_certificate_pdf(revision.pk) == "ready"
    revision.refresh_from_db()
    assert revision.pdf_status == "ready"
    assert revision.pdf_error == ""
    assert revision.built_at is not None
    with revision.pdf.open("rb") as f:
        data = f.read()
    assert hashlib.sha256(data).hexdigest() == revision.pdf_sha256
    check = verify_signature(data)
    assert check.intact
    assert check.number_on_page == certificate.number
    text = pdf_text(data, tmp_path)
    assert "Prairie Roofing & Sons Ltd." in text
    assert certificate.number in text
    assert "January 5, 2021" in text and "January 5, 2024" in text
    url = f"https://secor.example.ca/verify/{association.slug}/{certificate.number}/"
    assert qr_codes(page_png(data, tmp_path)) == [url]


def test_build_is_idempotent_a_ready_revision_is_left_alone(association):
    revision = _revision(make_certificate(association))
    build_certificate_pdf(revision.pk)
    revision.refresh_from_db()
    first = (revision.pdf.name, revision.pdf_sha256, revision.built_at)
    assert build_certificate_pdf(revision.pk) == "skipped"
    revision.refresh_from_db()
    assert (revision.pdf.name, revision.pdf_sha256, revision.built_at) == first


def test_a_revision_another_worker_is_building_is_not_built_twice(association):
    revision = _revision(make_certificate(association))
    with activate(association):
        CertificateRevision.objects.filter(pk=revision.pk).update(
            pdf_status="building", built_at=timezone.now()
        )
    assert build_certificate_pdf(revision.pk) == "skipped"


def test_a_build_whose_worker_died_is_taken_over(association):
    revision = _revision(make_certificate(association))
    with activate(association):
        CertificateRevision.objects.filter(pk=revision.pk).update(
            pdf_status="building", built_at=timezone.now() - timedelta(hours=1)
        )
    assert build_certificate_pdf(revision.pk) == "ready"


def test_missing_signing_key_fails_with_a_message_staff_can_act_on(association, settings, tmp_path):
    settings.SECOR_SIGNING_KEYS_DIR = str(tmp_path / "empty")
    revision = _revision(make_certificate(association))
    assert build_certificate_pdf(revision.pk) == "failed"
    revision.refresh_from_db()
    assert revision.pdf_status == "failed"
    assert "No signing key" in revision.pdf_error
    assert f"{association.slug}.key.pem" in revision.pdf_error


def test_unknown_revision_id_is_a_no_op(association):
    assert build_certificate_pdf(987654) == "missing"


def test_employer_users_are_notified_and_emailed_once(association):
    certificate = make_certificate(association)
    user = member(association, "employer", employer=certificate.employer)
    revision = _revision(certificate)
    mail.outbox.clear()
    build_certificate_pdf(revision.pk)
    # Re-running the notice (a retried task) sends nothing new.
    certificate_pdf.notify_ready(
        CertificateRevision.objects.for_association(association)
        .select_related("association", "certificate")
        .get(pk=revision.pk)
    )
    with activate(association):
        notes = list(Notification.objects.filter(user=user))
    assert len(notes) == 1
    assert certificate.number in notes[0].title
    assert notes[0].emailed_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert certificate.number in mail.outbox[0].subject


def test_sweep_reenqueues_pending_revisions_after_a_few_minutes(association):
    old = _revision(make_certificate(association))
    fresh = _revision(make_certificate(association))
    with scopes_disabled():
        CertificateRevision.objects.filter(pk=old.pk).update(
            created_at=timezone.now() - timedelta(minutes=10)
        )
    # Eager Celery in tests: the sweep's enqueue builds at once.
    assert sweep_certificate_pdfs() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.pdf_status == "ready"
    assert fresh.pdf_status == "pending"
    assert sweep_certificate_pdfs() == 0


@pytest.mark.worker
def test_real_worker_builds_the_pdf(association, celery_worker):
    from django.db import transaction

    from audits.certificate_pdf import enqueue

    revision = _revision(make_certificate(association))
    with transaction.atomic():
        enqueue(revision.pk)
    import time

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        revision.refresh_from_db()
        if revision.pdf_status == "ready":
            break
        time.sleep(0.2)
    assert revision.pdf_status == "ready"


# --- pages ------------------------------------------------------------------------


def _status_url(certificate):
    return reverse(
        "audits:certificate_pdf_status",
        kwargs={"association_slug": certificate.association.slug, "certificate_id": certificate.pk},
    )


def _download_url(certificate):
    return reverse(
        "audits:certificate_pdf",
        kwargs={"association_slug": certificate.association.slug, "certificate_id": certificate.pk},
    )


def test_status_fragment_polls_while_pending_and_offers_the_download_when_ready(
    client, association, django_assert_max_num_queries
):
    certificate = make_certificate(association)
    client.force_login(member(association, "employer", employer=certificate.employer))
    pending = client.get(_status_url(certificate), HTTP_HX_REQUEST="true")
    assert pending.status_code == 200
    assert 'hx-trigger="every 2s"' in pending.content.decode()
    build_certificate_pdf(_revision(certificate).pk)
    with django_assert_max_num_queries(12):
        ready = client.get(_status_url(certificate), HTTP_HX_REQUEST="true")
    body = ready.content.decode()
    assert "hx-trigger" not in body
    assert _download_url(certificate) in body


def test_employer_user_downloads_their_certificate(client, association):
    certificate = make_certificate(association)
    build_certificate_pdf(_revision(certificate).pk)
    client.force_login(member(association, "employer", employer=certificate.employer))
    response = client.get(_download_url(certificate))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF")
    assert verify_signature(data).intact
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"].startswith("private")


def test_another_employers_user_gets_404(client, association):
    certificate = make_certificate(association)
    build_certificate_pdf(_revision(certificate).pk)
    client.force_login(member(association, "employer"))
    assert client.get(_download_url(certificate)).status_code == 404
    assert client.get(_status_url(certificate)).status_code == 404


def test_another_associations_certificate_pdf_is_404(client, association, other_association):
    certificate = make_certificate(other_association)
    build_certificate_pdf(_revision(certificate).pk)
    client.force_login(member(association, "program_admin"))
    url = reverse(
        "audits:certificate_pdf",
        kwargs={"association_slug": association.slug, "certificate_id": certificate.pk},
    )
    assert client.get(url).status_code == 404


def test_download_before_the_pdf_is_ready_is_404(client, association):
    certificate = make_certificate(association)
    client.force_login(member(association, "employer", employer=certificate.employer))
    assert client.get(_download_url(certificate)).status_code == 404


def test_staff_retrieve_old_revisions_employers_cannot(client, association):
    certificate = make_certificate(association, revision=2)
    with activate(association):
        for rev in CertificateRevision.objects.filter(certificate=certificate):
            build_certificate_pdf(rev.pk)
    old_url = reverse(
        "audits:certificate_revision_pdf",
        kwargs={
            "association_slug": association.slug,
            "certificate_id": certificate.pk,
            "revision": 1,
        },
    )
    client.force_login(member(association, "program_admin"))
    response = client.get(old_url)
    assert response.status_code == 200
    assert verify_signature(b"".join(response.streaming_content)).revision == 1
    status = client.get(_status_url(certificate)).content.decode()
    assert old_url in status

    client.force_login(member(association, "employer", employer=certificate.employer))
    assert client.get(old_url).status_code == 403


def test_failed_build_shows_the_reason_and_an_admin_can_retry(
    client, association, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.SECOR_SIGNING_KEYS_DIR = str(tmp_path / "empty")
    certificate = make_certificate(association)
    revision = _revision(certificate)
    build_certificate_pdf(revision.pk)
    admin = member(association, "program_admin")
    client.force_login(admin)
    body = client.get(_status_url(certificate)).content.decode()
    assert "No signing key" in body
    assert "Try again" in body
    settings.SECOR_SIGNING_KEYS_DIR = ""
    retry_url = reverse(
        "audits:certificate_pdf_retry",
        kwargs={
            "association_slug": association.slug,
            "certificate_id": certificate.pk,
            "revision": revision.revision,
        },
    )
    assert client.get(retry_url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry_url, {"next": "https://evil.example/"})
    assert response.status_code == 302
    assert not response.url.startswith("https://evil.example")
    revision.refresh_from_db()
    assert revision.pdf_status == "ready"
    from secor.models import AuditLogEntry

    with activate(association):
        entry = AuditLogEntry.objects.get(action="audits.certificate_pdf_retry")
    assert entry.actor == admin
    assert "No signing key" in entry.data["previous_error"]


def test_employer_user_cannot_retry(client, association):
    certificate = make_certificate(association)
    client.force_login(member(association, "employer", employer=certificate.employer))
    url = reverse(
        "audits:certificate_pdf_retry",
        kwargs={
            "association_slug": association.slug,
            "certificate_id": certificate.pk,
            "revision": 1,
        },
    )
    assert client.post(url).status_code == 403


def test_an_imported_certificate_without_a_pdf_offers_to_build_one(
    client, association, django_capture_on_commit_callbacks
):
    from audits import certificates

    from .factories import certified

    _e, cycle = certified(association, certificate=False)
    with activate(association):
        certificate = certificates.certificate_import(cycle=cycle, number="OLD-0001", actor=None)
    client.force_login(member(association, "program_admin"))
    body = client.get(_status_url(certificate)).content.decode()
    assert "imported from the association's records without a PDF" in body
    assert "Build a signed PDF" in body
    retry_url = reverse(
        "audits:certificate_pdf_retry",
        kwargs={
            "association_slug": association.slug,
            "certificate_id": certificate.pk,
            "revision": 1,
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(retry_url)
    assert _revision(certificate).pdf_status == "ready"
