"""Signatures on certificate files: valid when untouched, broken by any change."""

from __future__ import annotations

import os
import stat

import pytest

from audits import signing
from audits.pdf import render_certificate
from audits.signing import SigningKeyMissing, sign_pdf, signing_key, verify_signature

from .pdf_helpers import VERIFY_URL, branding, certificate_data, pdf_info


@pytest.fixture
def dev_keys(settings, tmp_path):
    settings.SECOR_SIGNING_KEYS_DIR = ""
    settings.SECOR_SIGNING_DEV_KEYS = True
    settings.SECOR_SIGNING_DEV_KEYS_DIR = str(tmp_path / "keys")
    signing._key_cache.clear()
    return tmp_path / "keys"


@pytest.fixture
def signed(dev_keys):
    """A certificate signed the way every build after a worker's first one is: the first
    signature of a key makes the CMS template, this second one fills it in."""
    key = signing_key("scsa", display_name="SCSA")
    pdf = render_certificate(certificate_data(), branding=branding(), verify_url=VERIFY_URL)
    sign_pdf(pdf, key, reason="SECOR certificate")
    assert key.signer._templates, "the first signature made no template"
    return sign_pdf(pdf, key, reason="SECOR certificate")


def test_a_templated_signature_container_is_the_one_pyhanko_builds(dev_keys):
    import asyncio
    import hashlib
    from concurrent.futures import ThreadPoolExecutor

    from pyhanko.sign import signers
    from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

    key = signing_key("scsa")
    plain = signers.SimpleSigner(
        signing_cert=key.certificate,
        signing_key=key.signer.signing_key,
        cert_registry=key.signer.cert_registry,
    )

    def container(signer, digest):
        def sign():
            return asyncio.run(
                signer.async_sign(
                    digest, "sha256", use_pades=True, signed_attr_settings=PdfCMSSignedAttributes()
                )
            ).dump()

        # Its own thread: a browser test earlier in the run may leave an event loop here.
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(sign).result()

    first, other = hashlib.sha256(b"first").digest(), hashlib.sha256(b"other").digest()
    assert container(key.signer, first) == container(plain, first)  # makes the template
    assert key.signer._templates
    assert container(key.signer, other) == container(plain, other)  # fills it in
    assert container(key.signer, first) != container(key.signer, other)


def test_development_key_is_made_on_first_use_and_kept_private(dev_keys):
    key = signing_key("scsa", display_name="SCSA")
    assert key.development
    assert "SCSA (development)" in key.subject
    key_file = dev_keys / "scsa.key.pem"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    again = signing_key("scsa")
    assert again.certificate.dump() == key.certificate.dump()


def test_a_configured_keys_folder_without_the_key_refuses_to_sign(settings, tmp_path):
    settings.SECOR_SIGNING_KEYS_DIR = str(tmp_path / "prod")
    with pytest.raises(SigningKeyMissing, match="scsa.key.pem"):
        signing_key("scsa", display_name="SCSA")


def test_production_refuses_to_make_up_a_development_key(dev_keys, settings):
    settings.SECOR_SIGNING_DEV_KEYS = False
    with pytest.raises(SigningKeyMissing):
        signing_key("acsa")


def test_production_key_from_the_keys_folder_is_used(dev_keys, settings, tmp_path):
    signing_key("scsa")  # make a pair, then install it as if it were a real one
    prod = tmp_path / "prod"
    prod.mkdir()
    for name in ("scsa.key.pem", "scsa.cert.pem"):
        (prod / name).write_bytes((dev_keys / name).read_bytes())
    settings.SECOR_SIGNING_KEYS_DIR = str(prod)
    signing._key_cache.clear()
    assert not signing_key("scsa").development


def test_signed_certificate_validates_and_names_itself(signed):
    check = verify_signature(signed)
    assert check.intact
    assert check.signed
    assert check.association_slug == "scsa"
    assert check.number_on_page == "SCSA-SECOR-2021-00007"
    assert check.revision == 1
    assert "SCSA (development)" in check.signed_by


def test_one_changed_byte_breaks_the_signature(signed):
    for position in (len(signed) // 3, len(signed) // 2, 200):
        tampered = bytearray(signed)
        tampered[position] ^= 0x01
        check = verify_signature(bytes(tampered))
        assert not check.intact, position


def test_an_appended_update_is_not_reported_as_intact(signed):
    from io import BytesIO

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(BytesIO(signed))
    info = writer.trailer["/Info"]
    info["/Title"] = generic.TextStringObject("Someone Else Inc.")
    writer.update_container(info)
    out = BytesIO()
    writer.write(out)
    assert not verify_signature(out.getvalue()).intact


def test_signature_by_another_key_is_not_intact(signed, settings, tmp_path):
    settings.SECOR_SIGNING_DEV_KEYS_DIR = str(tmp_path / "other")
    signing._key_cache.clear()
    # Same slug, different key: the file no longer matches the association's certificate.
    signing_key("scsa")
    check = verify_signature(signed)
    assert check.signed
    assert not check.intact


@pytest.mark.parametrize("garbage", [b"", b"not a pdf", b"%PDF-1.7\n%%EOF", os.urandom(5000)])
def test_garbage_is_reported_not_raised(garbage, dev_keys):
    check = verify_signature(garbage)
    assert not check.intact


def test_unsigned_certificate_is_reported_as_unsigned(dev_keys):
    pdf = render_certificate(certificate_data(), branding=branding(), verify_url=VERIFY_URL)
    check = verify_signature(pdf)
    assert (check.signed, check.intact, check.problem) == (False, False, "unsigned")


def test_signing_keeps_pdfa_metadata_consistent(signed, tmp_path):
    assert signed.startswith(b"%PDF-1.7")
    info = pdf_info(signed, tmp_path, "-isodates")
    xmp = pdf_info(signed, tmp_path, "-meta")
    producer = next(line for line in info.splitlines() if line.startswith("Producer:"))
    producer = producer.split(":", 1)[1].strip()
    assert f'pdf:Producer="{producer}"' in xmp or f"<pdf:Producer>{producer}<" in xmp
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    mod = next(line for line in info.splitlines() if line.startswith("ModDate:"))
    mod = mod.split(":", 1)[1].strip()  # e.g. 2026-12-01T21:18:08Z or +00
    import re

    xmp_mod = re.search(r'xmp:ModifyDate="([^"]+)"', xmp).group(1)
    assert mod.replace("Z", "")[:19] == xmp_mod[:19]
