"""Certificates and letters rendered for real, then read back with poppler and zbar."""

from __future__ import annotations

import re
import subprocess
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from audits import pdf as pdfmod
from audits.pdf import (
    Deadline,
    FetchRefused,
    LetterData,
    LetterKind,
    SafeURLFetcher,
    parse_keywords_marker,
    render_certificate,
    render_letter,
    static_url,
)

from .pdf_helpers import (
    VERIFY_URL,
    branding,
    certificate_data,
    page_png,
    pdf_info,
    pdf_text,
    qr_codes,
)


@pytest.fixture(scope="module")
def certificate_pdf():
    return render_certificate(certificate_data(), branding=branding(), verify_url=VERIFY_URL)


def test_certificate_prints_name_account_number_and_dates_in_words(certificate_pdf, tmp_path):
    text = pdf_text(certificate_pdf, tmp_path)
    assert "Prairie Roofing & Sons Ltd." in text
    assert "Saskatchewan WCB account 7654321" in text
    assert "SCSA-SECOR-2021-00007" in text
    assert "January 5, 2021" in text
    assert "January 5, 2024" in text
    assert "Small Employer Certificate of Recognition" in text
    assert "Jordan Tremblay" in text
    assert "Saskatchewan Construction Safety Association" in " ".join(text.split())


def test_certificate_qr_code_decodes_to_the_verification_url(certificate_pdf, tmp_path):
    assert qr_codes(page_png(certificate_pdf, tmp_path)) == [VERIFY_URL]


def test_certificate_is_one_landscape_letter_page_tagged_pdfa_with_embedded_fonts(
    certificate_pdf, tmp_path
):
    info = pdf_info(certificate_pdf, tmp_path)
    assert re.search(r"Pages:\s+1\b", info)
    assert "792 x 612 pts (letter)" in info
    assert re.search(r"Tagged:\s+yes", info)
    assert certificate_pdf.startswith(b"%PDF-1.7")
    xmp = pdf_info(certificate_pdf, tmp_path, "-meta")
    assert 'pdfaid:part="3"' in xmp
    assert 'pdfaid:conformance="B"' in xmp
    fonts = subprocess.run(
        ["pdffonts", str(tmp_path / "doc.pdf")], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    assert fonts, "no fonts listed"
    for line in fonts:
        # name, type…, then the emb/sub/uni columns: every font embedded.
        assert " yes yes yes " in line, line


def test_markup_in_a_legal_name_prints_as_text_and_reads_no_file(tmp_path):
    name = '<img src="file:///etc/passwd"> Evil & Co <b>Ltd</b>'
    pdf = render_certificate(
        certificate_data(legal_name=name), branding=branding(), verify_url=VERIFY_URL
    )
    text = pdf_text(pdf, tmp_path)
    assert '<img src="file:///etc/passwd"> Evil & Co <b>Ltd</b>' in " ".join(text.split())
    assert "root:" not in text
    # No image came in at all (the QR code is vector SVG, there is no logo).
    assert _images(tmp_path) == []


class _CountingHandler(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_renderer_never_fetches_network_or_files_even_from_raw_html(tmp_path, settings):
    """If markup ever got past autoescaping, the fetcher still reads nothing outside static/."""
    server = HTTPServer(("127.0.0.1", 0), _CountingHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    secret = tmp_path / "secret.css"
    secret.write_text("body { background: url(data:,leak); }")
    try:
        port = server.server_address[1]
        html = (
            f'<html><head><link rel="stylesheet" href="{secret.as_uri()}"></head><body>'
            f'<img src="http://127.0.0.1:{port}/tracker.png">'
            f'<img src="file:///etc/passwd"><p>ok</p></body></html>'
        )
        pdf = pdfmod._write(html)
    finally:
        server.shutdown()
    assert pdf.startswith(b"%PDF")
    assert _CountingHandler.hits == []


def test_fetcher_allows_data_urls_and_static_files_only(tmp_path):
    fetcher = SafeURLFetcher()
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
    assert b"@page" in fetcher.fetch(static_url("pdf/certificate.css")).read()
    for url in (
        "file:///etc/passwd",
        static_url("../../etc/passwd"),
        static_url("pdf/../../pyproject.toml"),
        "file://evil.example/etc/passwd",
        "http://127.0.0.1:9/x.png",
        "https://example.com/logo.png",
        "ftp://example.com/x",
        "javascript:alert(1)",
        "relative/path.png",
    ):
        with pytest.raises(FetchRefused):
            fetcher.fetch(url)


def test_a_symlink_inside_static_pointing_outside_is_refused(tmp_path, settings):
    static = tmp_path / "static"
    static.mkdir()
    (static / "ok.css").write_text("p {}")
    (static / "leak.css").symlink_to("/etc/passwd")
    settings.STATICFILES_DIRS = [static]
    fetcher = SafeURLFetcher()
    assert fetcher.fetch((static / "ok.css").as_uri()).read() == b"p {}"
    with pytest.raises(FetchRefused):
        fetcher.fetch((static / "leak.css").as_uri())


def test_brand_colour_that_is_not_hex_cannot_inject_css():
    assert pdfmod.safe_colour("#AbC123") == "#AbC123"
    assert pdfmod.safe_colour("red; } body { background: url(file:///etc/passwd)") == (
        pdfmod.DEFAULT_COLOUR
    )


def _png(width=240, height=80) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (0, 87, 63)).save(buffer, format="PNG")
    return buffer.getvalue()


def _images(tmp_path) -> list[str]:
    listing = subprocess.run(
        ["pdfimages", "-list", str(tmp_path / "doc.pdf")], capture_output=True, text=True
    ).stdout
    return listing.splitlines()[2:]


def test_logo_is_embedded_from_a_data_url(tmp_path):
    pdf = render_certificate(
        certificate_data(), branding=branding(logo=_png()), verify_url=VERIFY_URL
    )
    pdf_text(pdf, tmp_path)
    assert len(_images(tmp_path)) == 1


def test_long_legal_name_stays_on_one_page(tmp_path):
    name = "Northern Lights Excavating, Hauling and Heavy Equipment Rentals (2019) Inc. " * 2
    pdf = render_certificate(
        certificate_data(legal_name=name.strip()), branding=branding(), verify_url=VERIFY_URL
    )
    assert re.search(r"Pages:\s+1\b", pdf_info(pdf, tmp_path))
    assert qr_codes(page_png(pdf, tmp_path)) == [VERIFY_URL]


def test_keywords_name_the_certificate_and_survive_odd_numbers():
    marker = pdfmod.keywords_marker("scsa", "SCSA/SECOR, 2021:7", 2)
    assert parse_keywords_marker(f"SECOR, {marker}") == ("scsa", "SCSA/SECOR, 2021:7", 2)
    assert parse_keywords_marker("nothing here") is None
    assert parse_keywords_marker("") is None


def test_date_in_words_follows_the_seed_example():
    assert pdfmod.date_in_words(date(2024, 1, 5)) == "January 5, 2024"
    assert pdfmod.date_in_words(date(2024, 2, 29)) == "February 29, 2024"


@pytest.mark.parametrize(
    ("kind", "data", "expected"),
    [
        (
            LetterKind.REGISTRATION,
            {
                "deadlines": (
                    Deadline("Courses completed", date(2026, 6, 30)),
                    Deadline("Manual submitted", date(2026, 10, 31)),
                )
            },
            ["Welcome to the SECOR program", "Courses completed", "June 30, 2026", "six months"],
        ),
        (
            LetterKind.MILESTONE_1,
            {"expires_on": date(2027, 3, 1)},
            ["Milestone #1 achieved", "March 1, 2027"],
        ),
        (
            LetterKind.MILESTONE_2,
            {"expires_on": date(2027, 9, 1)},
            ["Milestone #2 achieved", "September 1, 2027"],
        ),
        (
            LetterKind.MAINTENANCE_ACCEPTED,
            {
                "audit_year": 2025,
                "next_due_on": date(2026, 12, 31),
                "certificate_number": "SCSA-SECOR-2024-00012",
            },
            ["2025 maintenance audit is accepted", "December 31, 2026", "SCSA-SECOR-2024-00012"],
        ),
        (
            LetterKind.DEROLL,
            {"missed": "Manual submitted", "reapply_on": date(2027, 5, 15)},
            ["de-rolled", "Manual submitted", "May 15, 2027"],
        ),
    ],
)
def test_letters_render_with_their_dates(kind, data, expected, tmp_path):
    letter = LetterData(
        legal_name="Prairie Roofing & Sons Ltd.",
        letter_date=date(2026, 11, 15),
        contact_name="Pat Lee",
        wcb_account_number="7654321",
        **data,
    )
    pdf = render_letter(kind, letter, branding())
    text = " ".join(pdf_text(pdf, tmp_path).split())
    assert "Prairie Roofing & Sons Ltd." in text
    assert "November 15, 2026" in text
    assert "Dear Pat Lee," in text
    for fragment in expected:
        assert fragment in text
    assert 'pdfaid:part="3"' in pdf_info(pdf, tmp_path, "-meta")
