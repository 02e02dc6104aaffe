"""Read real PDFs back the way a person would: text, a picture of page 1, the QR code."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

from audits.pdf import Branding, CertificateData

VERIFY_URL = "http://testserver/verify/scsa/SCSA-SECOR-2021-00007/"


def branding(**overrides) -> Branding:
    values = {
        "name": "Saskatchewan Construction Safety Association",
        "short_name": "SCSA",
        "colour": "#00573f",
        "signatory_name": "Jordan Tremblay",
        "signatory_title": "Manager, SECOR Program",
        "address": "498 Henderson Drive\nRegina SK S4N 5W7",
        "phone": "306-525-0175",
    }
    values.update(overrides)
    return Branding(**values)


def certificate_data(**overrides) -> CertificateData:
    values = {
        "association_slug": "scsa",
        "number": "SCSA-SECOR-2021-00007",
        "legal_name": "Prairie Roofing & Sons Ltd.",
        "wcb_account_number": "7654321",
        "wcb_board": "Saskatchewan WCB",
        "program_kind": "secor",
        "issued_on": date(2021, 1, 5),
        "expires_on": date(2024, 1, 5),
    }
    values.update(overrides)
    return CertificateData(**values)


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def page_png(pdf: bytes, tmp_path: Path) -> Path:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
        check=True,
        capture_output=True,
    )
    return next(tmp_path.glob("page*.png"))


def qr_codes(png: Path) -> list[str]:
    # zbarimg prints a D-Bus "Connection Error" on stderr and still exits 0.
    result = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True
    )
    return [line for line in result.stdout.splitlines() if line]


def pdf_info(pdf: bytes, tmp_path: Path, *args: str) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdfinfo", *args, str(path)], check=True, capture_output=True, text=True
    ).stdout
