"""Digital signatures on certificates (PAdES, pyHanko) with each association's key.

Keys come from configuration: ``SECOR_SIGNING_KEYS_DIR`` holds
``<association-slug>.key.pem`` and ``<association-slug>.cert.pem`` (PEM; the key
may be encrypted with ``SECOR_SIGNING_KEY_PASSPHRASE``). Without that setting,
a self-signed development key is generated on first use under the private
``var/`` folder (never committed) so ``make run`` works; production sets the
folder and, with ``SECOR_SIGNING_DEV_KEYS=false``, refuses to make one up.

RSA-2048 keeps the file at PDF 1.7 (PDF/A-3 is a 1.7 profile); pyHanko labels
a file signed with an EC key PDF 2.0.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import functools
import hashlib
import io
import logging
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from pyhanko.keys import load_cert_from_pemder, load_certs_from_pemder, load_private_key_from_pemder
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata import model as meta_model
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .pdf import parse_keywords_marker

logger = logging.getLogger(__name__)

SIGNATURE_FIELD = "CertificateSignature"


class SigningKeyMissing(RuntimeError):
    """No key is configured for this association (a message staff can act on)."""


@dataclass(frozen=True)
class _CmsTemplate:
    """One real signature container, with where its two varying parts sit.

    For an RSA key (PKCS#1 v1.5, deterministic) and PAdES attributes (content type,
    message digest, signing certificate v2: no signing time), two containers differ
    only in the 32-byte document digest and the signature value, both of fixed
    length. Filling those two slots gives, byte for byte, what pyHanko would build.
    """

    der: bytes
    digest_at: int
    signature_at: int
    signed_attrs: bytes  # the DER that is signed (a SET), with the digest at attrs_digest_at
    attrs_digest_at: int
    digest_size: int
    signature_size: int

    def signed_bytes(self, digest: bytes) -> bytes:
        a = self.attrs_digest_at
        return self.signed_attrs[:a] + digest + self.signed_attrs[a + self.digest_size :]

    def fill(self, digest: bytes, signature: bytes) -> bytes:
        d, g = self.digest_at, self.signature_at
        der = self.der[:d] + digest + self.der[d + self.digest_size :]
        return der[:g] + signature + der[g + self.signature_size :]


_PADES_ATTRS = ["content_type", "message_digest", "signing_certificate_v2"]


class _CachedKeySigner(signers.SimpleSigner):
    """SimpleSigner, lean for the certificate builds.

    1. SimpleSigner re-parses (and re-validates) the private key on every signature:
       ~40 ms for RSA. The key is parsed once here and reused.
    2. pyHanko builds the CMS container through asn1crypto on every signature, most
       of the signing time. The first container of a process becomes a template
       (checked against a second real one before use); later ones fill in its
       digest and signature slots. Anything else (EC keys, timestamps, CAdES
       attributes, a size estimate) takes pyHanko's own path.
    """

    _pyca_key = None
    _templates: dict | None = None
    _template_refused = False

    def _key(self):
        if self._pyca_key is None:
            self._pyca_key = serialization.load_der_private_key(
                self.signing_key.dump(), password=None
            )
        return self._pyca_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
        from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
        from pyhanko.sign.general import get_pyca_cryptography_hash

        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        key = self._key()
        hash_algo = get_pyca_cryptography_hash(digest_algorithm)
        if mechanism == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, PKCS1v15(), hash_algo)
        if mechanism == "ecdsa" and isinstance(key, EllipticCurvePrivateKey):
            return key.sign(data, ECDSA(hash_algo))
        return super().sign_raw(data, digest_algorithm)

    async def async_sign(
        self,
        data_digest,
        digest_algorithm,
        dry_run=False,
        use_pades=False,
        timestamper=None,
        signed_attr_settings=None,
        is_pdf_sig=True,
        encap_content_info=None,
    ):
        kwargs = {
            "dry_run": dry_run,
            "use_pades": use_pades,
            "timestamper": timestamper,
            "signed_attr_settings": signed_attr_settings,
            "is_pdf_sig": is_pdf_sig,
            "encap_content_info": encap_content_info,
        }
        settings_ = signed_attr_settings
        simple = (
            use_pades
            and not dry_run
            and timestamper is None
            and is_pdf_sig
            and encap_content_info is None
            and (
                settings_ is None
                or (settings_.cades_signed_attrs is None and settings_.adobe_revinfo_attr is None)
            )
            and isinstance(self._key(), rsa.RSAPrivateKey)
            and self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
            == "rsassa_pkcs1v15"
            and not self._template_refused
        )
        if not simple:
            return await super().async_sign(data_digest, digest_algorithm, **kwargs)
        if self._templates is None:
            self._templates = {}
        template = self._templates.get(digest_algorithm)
        if template is None:
            real = await super().async_sign(data_digest, digest_algorithm, **kwargs)
            template = self._make_template(real, data_digest)
            if template is not None:
                # Trust it only once it reproduces a second real container exactly.
                probe = hashlib.new(digest_algorithm, b"template check" + data_digest).digest()
                expected = await super().async_sign(probe, digest_algorithm, **kwargs)
                filled = template.fill(
                    probe, self.sign_raw(template.signed_bytes(probe), digest_algorithm)
                )
                if filled != expected.dump():
                    template = None
            if template is None:
                logger.warning("Signature containers cannot be templated; using pyHanko's path")
                self._template_refused = True
            else:
                self._templates[digest_algorithm] = template
            return real
        signature = self.sign_raw(template.signed_bytes(data_digest), digest_algorithm)
        return cms.ContentInfo.load(template.fill(data_digest, signature))

    @staticmethod
    def _make_template(real, digest: bytes) -> _CmsTemplate | None:
        der = real.dump()
        info = real["content"]["signer_infos"][0]
        attrs = info["signed_attrs"]
        if [a["type"].native for a in attrs] != _PADES_ATTRS or info["unsigned_attrs"].native:
            return None
        signed = attrs.untag().dump()
        signature = info["signature"].native
        spots = (der.find(digest), der.find(signature), signed.find(digest))
        unique = der.count(digest) == 1 and der.count(signature) == 1 and signed.count(digest) == 1
        if not unique or min(spots) < 0:
            return None
        return _CmsTemplate(
            der=der,
            digest_at=spots[0],
            signature_at=spots[1],
            signed_attrs=signed,
            attrs_digest_at=spots[2],
            digest_size=len(digest),
            signature_size=len(signature),
        )


_key_cache: dict[tuple[str, float], SigningKey] = {}


@dataclass(frozen=True)
class SigningKey:
    signer: signers.SimpleSigner
    certificate: asn1_x509.Certificate
    development: bool

    @property
    def reserve_bytes(self) -> int:
        certs = [self.certificate, *self.signer.cert_registry]
        size = 8192 + sum(len(c.dump()) for c in certs)
        return size + size % 2  # pyHanko wants an even number

    @property
    def subject(self) -> str:
        return self.certificate.subject.human_friendly


def _keys_dir() -> Path | None:
    configured = getattr(settings, "SECOR_SIGNING_KEYS_DIR", "")
    return Path(configured) if configured else None


def _dev_keys_dir() -> Path:
    configured = getattr(settings, "SECOR_SIGNING_DEV_KEYS_DIR", "")
    return Path(configured) if configured else Path(settings.BASE_DIR) / "var" / "signing-dev"


def _dev_keys_allowed() -> bool:
    return getattr(settings, "SECOR_SIGNING_DEV_KEYS", True)


def _generate_dev_key(key_path: Path, cert_path: Path, *, common_name: str) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Development signing key (not trusted)"),
        ]
    )
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    # Key first, then certificate, each via a temporary name: a reader never sees
    # half a file, and the certificate appearing means the pair is complete.
    for path, data, mode in (
        (
            key_path,
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
            0o600,
        ),
        (cert_path, cert.public_bytes(serialization.Encoding.PEM), 0o644),
    ):
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)


_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,48}$")


def _key_paths(slug: str) -> tuple[Path, Path, bool]:
    # The slug may come from a dropped file's metadata: it names a file here.
    if not _SLUG_RE.match(slug or ""):
        raise SigningKeyMissing("Not an association address.")
    configured = _keys_dir()
    if configured is not None:
        return configured / f"{slug}.key.pem", configured / f"{slug}.cert.pem", False
    directory = _dev_keys_dir()
    return directory / f"{slug}.key.pem", directory / f"{slug}.cert.pem", True


def signing_key(slug: str, *, display_name: str = "") -> SigningKey:
    """The association's signing key; a development key is made on first use if allowed."""
    key_path, cert_path, development = _key_paths(slug)
    if not cert_path.exists():
        if not development or not _dev_keys_allowed():
            raise SigningKeyMissing(
                f"No signing key for {display_name or slug}: install {key_path.name} and "
                f"{cert_path.name} in {key_path.parent} (see the README, 'Signing keys')."
            )
        key_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Two worker processes may both meet a missing key: one makes it.
        with open(key_path.parent / ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not cert_path.exists():
                logger.warning("Generating a development signing key for %s", slug)
                _generate_dev_key(
                    key_path,
                    cert_path,
                    common_name=f"{display_name or slug} (development)",
                )
    cache_key = (str(cert_path), cert_path.stat().st_mtime)
    if cache_key in _key_cache:
        return _key_cache[cache_key]
    passphrase = getattr(settings, "SECOR_SIGNING_KEY_PASSPHRASE", "") or None
    try:
        private_key = load_private_key_from_pemder(
            str(key_path), passphrase=passphrase.encode() if passphrase else None
        )
        certificate = load_cert_from_pemder(str(cert_path))
        # An intermediate chain, if the issuing CA needs one, rides along in the file.
        chain_path = cert_path.with_name(f"{slug}.chain.pem")
        chain = list(load_certs_from_pemder([str(chain_path)])) if chain_path.exists() else []
    except (OSError, ValueError, TypeError) as exc:
        raise SigningKeyMissing(
            f"The signing key for {display_name or slug} could not be read ({exc})."
        ) from exc
    registry = SimpleCertificateStore()
    registry.register_multiple(chain)
    signer = _CachedKeySigner(
        signing_cert=certificate, signing_key=private_key, cert_registry=registry
    )
    key = SigningKey(signer=signer, certificate=signer.signing_cert, development=development)
    _key_cache[cache_key] = key
    return key


def trust_root(slug: str) -> asn1_x509.Certificate | None:
    """The association's certificate, if one exists (never generates a key)."""
    try:
        _, cert_path, _ = _key_paths(slug)
    except SigningKeyMissing:
        return None
    if not cert_path.exists():
        return None
    return load_cert_from_pemder(str(cert_path))


class _PinnedTimeMetadata(meta_model.DocumentMetadata):
    """pyHanko asks for "now" separately for the info dictionary and the XMP packet.

    PDF/A wants both modification dates equal, so one instant is pinned for both.
    """

    def __init__(self, *args, pinned: datetime, **kwargs):
        self._pinned = pinned
        super().__init__(*args, **kwargs)

    @property
    def last_modified(self):
        return self._pinned

    @last_modified.setter
    def last_modified(self, value):
        pass


def _outside_event_loop(fn):
    """pyHanko's sync API calls asyncio.run(), which refuses to run inside an event
    loop (an ASGI view, Playwright's sync API): hop to a worker thread there."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return fn(*args, **kwargs)
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(fn, *args, **kwargs).result()

    return wrapper


@_outside_event_loop
def sign_pdf(pdf_bytes: bytes, key: SigningKey, *, reason: str = "", location: str = "") -> bytes:
    """Sign a PDF/A file in one incremental update, keeping its metadata consistent."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes))
    # pyHanko writes its own name as the XMP producer and appends it to the info
    # dictionary's producer ("WeasyPrint …; pyHanko …"); PDF/A validators reject
    # the mismatch, so both say pyHanko (the creator tool still names the app).
    info = writer.trailer["/Info"]
    info["/Producer"] = generic.TextStringObject(meta_model.VENDOR)
    writer.update_container(info)
    writer._meta = _PinnedTimeMetadata(pinned=datetime.now(UTC).replace(microsecond=0))
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason or None,
        location=location or None,
    )
    out = io.BytesIO()
    signers.sign_pdf(
        writer,
        meta,
        signer=key.signer,
        new_field_spec=fields.SigFieldSpec(sig_field_name=SIGNATURE_FIELD),
        output=out,
        # Reserving room up front skips pyHanko's trial signature (it builds the
        # whole CMS container twice otherwise): the certificates plus slack for
        # the signed attributes and the signature value.
        bytes_reserved=key.reserve_bytes,
    )
    return out.getvalue()


@dataclass(frozen=True)
class SignatureCheck:
    """What a signature check found. ``intact`` means: signed, unchanged, by that key."""

    intact: bool
    signed: bool
    signed_by: str = ""
    association_slug: str = ""
    number_on_page: str = ""
    revision: int | None = None
    sha256: str = ""
    problem: str = ""


def read_marker(pdf_bytes: bytes) -> tuple[str, str, int] | None:
    """The (association slug, number, revision) a certificate file names in its keywords."""
    with contextlib.suppress(Exception):
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        info = reader.trailer_view.get("/Info")
        if info is not None:
            keywords = info.get_object().get("/Keywords")
            if keywords is not None:
                return parse_keywords_marker(str(keywords))
    return None


@_outside_event_loop
def verify_signature(
    pdf_bytes: bytes, *, trust: asn1_x509.Certificate | None = None
) -> SignatureCheck:
    """Check a certificate file's signature against the association's certificate.

    ``trust`` defaults to the certificate of the association the file names.
    Never raises on garbage: a file that is not a PDF comes back ``intact=False``.
    """
    sha = hashlib.sha256(pdf_bytes).hexdigest()
    marker = read_marker(pdf_bytes)
    slug, number, revision = marker if marker else ("", "", None)
    base = {"association_slug": slug, "number_on_page": number, "revision": revision, "sha256": sha}
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        embedded = reader.embedded_signatures
    except Exception:
        return SignatureCheck(intact=False, signed=False, problem="not_pdf", **base)
    if not embedded:
        return SignatureCheck(intact=False, signed=False, problem="unsigned", **base)
    if trust is None and slug:
        trust = trust_root(slug)
    signature = embedded[-1]
    try:
        signed_by = signature.signer_cert.subject.human_friendly
    except Exception:
        signed_by = ""
    if trust is None:
        return SignatureCheck(
            intact=False, signed=True, signed_by=signed_by, problem="unknown_signer", **base
        )
    try:
        status = validate_pdf_signature(signature, ValidationContext(trust_roots=[trust]))
    except Exception:
        logger.info("Signature validation failed to run", exc_info=True)
        return SignatureCheck(
            intact=False, signed=True, signed_by=signed_by, problem="invalid", **base
        )
    # bottom_line: intact, valid and trusted. A one-byte change leaves `valid`
    # True but `intact` False, so only bottom_line counts. A later incremental
    # update (someone appended a new page) shows as less than whole-file coverage.
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    ok = bool(status.bottom_line) and whole
    problem = "" if ok else ("modified" if status.bottom_line else "invalid")
    return SignatureCheck(intact=ok, signed=True, signed_by=signed_by, problem=problem, **base)
