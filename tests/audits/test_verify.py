"""Public verification (/verify/) and the public registry."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audits import public_views, signing
from audits.tasks import build_certificate_pdf
from audits.verification import public_status

from .certificate_setup import current_revision, make_certificate

pytestmark = pytest.mark.django_db

EDMONTON = ZoneInfo("America/Edmonton")


@pytest.fixture(autouse=True)
def _dev_keys(settings, tmp_path_factory):
    settings.SECOR_SIGNING_KEYS_DIR = ""
    settings.SECOR_SIGNING_DEV_KEYS = True
    settings.SECOR_SIGNING_DEV_KEYS_DIR = str(tmp_path_factory.getbasetemp() / "signing-keys")
    settings.SECOR_VERIFY_RATE_LIMIT = "1000/60"
    signing._key_cache.clear()


def _verify_url(certificate):
    return reverse(
        "verify_certificate",
        kwargs={"association_slug": certificate.association.slug, "number": certificate.number},
    )


def _built(certificate) -> bytes:
    revision = current_revision(certificate)
    build_certificate_pdf(revision.pk)
    revision.refresh_from_db()
    with revision.pdf.open("rb") as f:
        return f.read()


def test_qr_code_address_shows_the_public_fields_only(
    client, association, django_assert_max_num_queries
):
    certificate = make_certificate(
        association,
        legal_name="Prairie Roofing & Sons Ltd.",
        issued_on=date(2025, 1, 5),
        expires_on=date(2028, 1, 5),
    )
    with django_assert_max_num_queries(3):
        response = client.get(_verify_url(certificate))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Valid" in body
    assert "Prairie Roofing &amp; Sons Ltd." in body
    assert association.name in body
    assert "January 5, 2025" in body and "January 5, 2028" in body
    assert certificate.number in body
    # Nothing private: no WCB account, no contact details, no internal ids.
    account = certificate.wcb_account.account_number
    assert account not in body
    assert certificate.employer.contact_email not in body


def test_the_page_reads_the_same_rows_with_few_or_many_certificates(
    client, association, django_assert_num_queries
):
    # The association, the certificate with its program, the printed revision.
    first = make_certificate(association)
    with django_assert_num_queries(3):
        assert client.get(_verify_url(first)).status_code == 200
    for _ in range(6):
        make_certificate(association)
    last = make_certificate(association)
    with django_assert_num_queries(3):
        assert client.get(_verify_url(last)).status_code == 200
    # The next visitor gets the kept page: no row read, still counted by the limit.
    with django_assert_num_queries(0):
        response = client.get(_verify_url(last))
    assert last.number in response.content.decode()


def test_a_kept_page_shows_a_status_change_at_once(client, association):
    from audits import certificates

    today = date.today()
    certificate = make_certificate(
        association, issued_on=date(today.year - 1, 1, 5), expires_on=date(today.year + 2, 1, 5)
    )
    url = _verify_url(certificate)

    def status_shown():
        body = client.get(url).content.decode()
        client.get(url)  # the kept copy, read once more before the next change
        return body

    assert "currently valid" in status_shown()
    certificates.certificate_suspend(certificate=certificate, actor=None, reason="Audit overdue")
    assert "currently suspended" in status_shown()
    certificates.certificate_reinstate(certificate=certificate, actor=None)
    assert "currently valid" in status_shown()
    certificates.certificate_cancel(certificate=certificate, actor=None, reason="Fraud")
    assert "has been cancelled" in status_shown()

    other = make_certificate(
        association, issued_on=date(today.year - 1, 1, 5), expires_on=date(today.year + 2, 1, 5)
    )
    assert "currently valid" in client.get(_verify_url(other)).content.decode()
    certificates.certificate_expire(certificate=other, actor=None)
    assert "has expired" in client.get(_verify_url(other)).content.decode()


def test_a_kept_valid_page_reads_expired_from_the_day_after_expiry(client, association):
    import time_machine

    certificate = make_certificate(
        association, status="valid", issued_on=date(2025, 1, 5), expires_on=date(2028, 1, 5)
    )
    url = _verify_url(certificate)
    with time_machine.travel(datetime(2028, 1, 5, 23, 59, 30, tzinfo=EDMONTON), tick=False):
        assert "currently valid" in client.get(url).content.decode()
    with time_machine.travel(datetime(2028, 1, 6, 0, 0, 1, tzinfo=EDMONTON), tick=False):
        assert "has expired" in client.get(url).content.decode()


def test_a_signed_in_visitor_sees_their_own_page_and_nobody_else_does(
    client, association, django_user_model
):
    certificate = make_certificate(association)
    user = django_user_model.objects.create_user(
        email="private-person@example.com", password="x-long-password-2026"
    )
    signed_in = type(client)()
    signed_in.force_login(user)
    assert user.email in signed_in.get(_verify_url(certificate)).content.decode()
    response = client.get(_verify_url(certificate))
    assert user.email not in response.content.decode()
    assert "Sign in" in response.content.decode()
    assert not response.cookies  # a public page: no session, no CSRF cookie to hand out


@pytest.mark.parametrize(
    ("status", "label"),
    [("suspended", "Suspended"), ("cancelled", "Cancelled"), ("superseded", "Superseded")],
)
def test_each_status_is_shown(client, association, status, label):
    certificate = make_certificate(
        association, status=status, issued_on=date(2025, 1, 5), expires_on=date(2028, 1, 5)
    )
    assert label in client.get(_verify_url(certificate)).content.decode()


def test_a_valid_certificate_past_its_expiry_reads_expired_before_the_daily_job(
    client, association
):
    certificate = make_certificate(
        association, status="valid", issued_on=date(2021, 1, 5), expires_on=date(2024, 1, 5)
    )
    assert "Expired" in client.get(_verify_url(certificate)).content.decode()
    assert public_status("valid", date(2024, 1, 5), date(2024, 1, 5)) == "valid"
    assert public_status("valid", date(2024, 1, 5), date(2024, 1, 6)) == "expired"


def test_unknown_number_says_so_without_near_matches(client, association):
    certificate = make_certificate(association, number="AMTA-SECOR-2025-00011")
    url = reverse(
        "verify_certificate",
        kwargs={"association_slug": association.slug, "number": "AMTA-SECOR-2025-0001"},
    )
    response = client.get(url)
    assert response.status_code == 404
    body = response.content.decode()
    assert "No certificate with this number" in body
    assert certificate.number not in body
    assert certificate.employer.legal_name not in body


def test_the_number_is_looked_up_in_that_association_only(client, association, other_association):
    certificate = make_certificate(other_association, number="SHARED-0001")
    url = reverse(
        "verify_certificate", kwargs={"association_slug": association.slug, "number": "SHARED-0001"}
    )
    assert client.get(url).status_code == 404
    assert client.get(_verify_url(certificate)).status_code == 200


def test_the_form_leads_to_the_result(client, association):
    certificate = make_certificate(association)
    home = client.get(reverse("verify_home"))
    assert home.status_code == 200
    assert association.name in home.content.decode()
    response = client.get(
        reverse("verify_home"), {"association": association.slug, "number": certificate.number}
    )
    assert response.status_code == 302
    assert response.url == _verify_url(certificate)


def test_rate_limit_answers_429_with_when_to_retry(client, association, settings):
    settings.SECOR_VERIFY_RATE_LIMIT = "3/60"
    url = reverse("verify_home")
    for _ in range(3):
        assert client.get(url).status_code == 200
    response = client.get(url)
    assert response.status_code == 429
    retry = int(response["Retry-After"])
    assert 1 <= retry <= 60
    body = response.content.decode()
    assert "try again in" in body
    # Another client has its own window.
    assert client.get(url, REMOTE_ADDR="10.9.8.7").status_code == 200


def test_a_kept_page_still_counts_against_the_limit(client, association, settings):
    settings.SECOR_VERIFY_RATE_LIMIT = "2/60"
    url = _verify_url(make_certificate(association))
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]
    assert "try again in" in client.get(url).content.decode()


def test_a_spoofed_forwarded_header_does_not_escape_the_limit(client, settings):
    settings.SECOR_VERIFY_RATE_LIMIT = "2/60"
    url = reverse("verify_home")
    codes = [client.get(url, HTTP_X_FORWARDED_FOR=f"10.0.0.{i}").status_code for i in range(4)]
    assert codes == [200, 200, 429, 429]


def _post_file(client, data: bytes, name="certificate.pdf"):
    return client.post(
        reverse("verify_file"),
        {"file": SimpleUploadedFile(name, data, content_type="application/pdf")},
    )


def test_dropped_certificate_file_is_confirmed_genuine(client, association):
    certificate = make_certificate(
        association, issued_on=date(2025, 1, 5), expires_on=date(2028, 1, 5)
    )
    data = _built(certificate)
    response = _post_file(client, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "The signature is intact" in body
    assert "exactly the file the association issued" in body
    assert certificate.number in body


def test_a_changed_file_is_not_genuine(client, association):
    certificate = make_certificate(association)
    data = bytearray(_built(certificate))
    data[len(data) // 2] ^= 0x01
    body = _post_file(client, bytes(data)).content.decode()
    assert "could not be confirmed as genuine" in body


@pytest.mark.parametrize(
    "garbage",
    [b"", b"hello", b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF", bytes(range(256)) * 40],
)
def test_garbage_files_get_a_clear_answer_not_a_500(client, garbage):
    response = _post_file(client, garbage)
    assert response.status_code in (200, 400)
    assert "genuine" in response.content.decode() or "file" in response.content.decode()


def test_a_file_naming_a_path_as_its_association_reads_no_key(client, association):
    from audits.pdf import keywords_marker
    from audits.signing import verify_signature

    marker = keywords_marker("../../etc", "X-1", 1)
    assert verify_signature(f"%PDF-1.7 /Keywords ({marker})".encode()).intact is False


def test_oversized_upload_gets_413(client):
    response = _post_file(client, b"%PDF" + b"0" * (5 * 1024 * 1024 + 10))
    assert response.status_code == 413


def test_get_on_the_file_address_goes_back_to_the_form(client):
    assert client.get(reverse("verify_file")).status_code == 302


# --- registry ------------------------------------------------------------------


def _opt_in(association):
    association.public_registry = True
    association.save(update_fields=["public_registry"])


def test_registry_is_404_unless_the_association_opts_in(client, association):
    url = reverse("verify_registry", kwargs={"association_slug": association.slug})
    assert client.get(url).status_code == 404
    _opt_in(association)
    assert client.get(url).status_code == 200


def test_registry_lists_employers_certified_today_searchable(
    client, association, django_assert_max_num_queries
):
    _opt_in(association)
    today = date.today()
    live = make_certificate(
        association,
        legal_name="Alpha Roofing",
        city="Regina",
        issued_on=date(today.year - 1, 1, 5),
        expires_on=date(today.year + 2, 1, 5),
    )
    make_certificate(
        association,
        status="suspended",
        issued_on=date(today.year - 1, 1, 5),
        expires_on=date(today.year + 2, 1, 5),
    )
    make_certificate(association, issued_on=date(2018, 1, 5), expires_on=date(2021, 1, 5))
    url = reverse("verify_registry", kwargs={"association_slug": association.slug})
    with django_assert_max_num_queries(8):
        body = client.get(url).content.decode()
    assert live.number in body
    assert "1 employer" in body
    assert live.number in client.get(url, {"city": "regi"}).content.decode()
    assert live.number not in client.get(url, {"city": "Saskatoon"}).content.decode()
    account = live.wcb_account.account_number
    assert live.number in client.get(url, {"wcb": account}).content.decode()
    assert live.number in client.get(url, {"q": live.employer.legal_name[:6]}).content.decode()


def test_registry_csv_download(client, association):
    _opt_in(association)
    today = date.today()
    live = make_certificate(
        association, issued_on=date(today.year - 1, 1, 5), expires_on=date(today.year + 2, 1, 5)
    )
    live.employer.legal_name = "=HYPERLINK(1)"
    live.employer.save(update_fields=["legal_name"])
    url = reverse("verify_registry_csv", kwargs={"association_slug": association.slug})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")  # Excel's byte-order mark
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:3] == ["employer", "city", "wcb_account"]
    assert rows[1][0] == "'=HYPERLINK(1)"
    assert rows[1][4] == live.number


def test_registry_paginates(client, association):
    _opt_in(association)
    today = date.today()
    for _ in range(3):
        make_certificate(
            association, issued_on=date(today.year - 1, 1, 5), expires_on=date(today.year + 2, 1, 5)
        )
    old = public_views.REGISTRY_PAGE
    public_views.REGISTRY_PAGE = 2
    try:
        url = reverse("verify_registry", kwargs={"association_slug": association.slug})
        first = client.get(url).content.decode()
        assert "Page 1 of 2" in first
        assert "Page 2 of 2" in client.get(url, {"page": 2}).content.decode()
        assert client.get(url, {"page": "nonsense"}).status_code == 200
    finally:
        public_views.REGISTRY_PAGE = old
