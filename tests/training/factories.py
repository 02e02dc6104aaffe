"""factory_boy factories for the training app, and small real certificate files."""

import io
from datetime import date

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from secor.evidence_files import sha256_of

from ..factories import EmployerFactory, WorkerFactory


def pdf_bytes(text: str = "Certificate of completion") -> bytes:
    """A real one-page PDF (WeasyPrint)."""
    import weasyprint

    return weasyprint.HTML(string=f"<p>{text}</p>").write_pdf()


_PDF_CACHE: dict[str, bytes] = {}


def pdf_upload(name: str = "certificate.pdf") -> SimpleUploadedFile:
    if "pdf" not in _PDF_CACHE:
        _PDF_CACHE["pdf"] = pdf_bytes()
    return SimpleUploadedFile(name, _PDF_CACHE["pdf"], content_type="application/pdf")


def png_bytes(size=(40, 20)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def png_upload(name: str = "certificate.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def exe_upload(name: str = "certificate.pdf") -> SimpleUploadedFile:
    """A Windows executable's header, renamed .pdf and sent as application/pdf."""
    data = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
    return SimpleUploadedFile(name, data, content_type="application/pdf")


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "training.Course"

    association = factory.SubFactory("tests.factories.AssociationFactory")
    code = factory.Sequence(lambda n: f"C{n}")
    name = factory.LazyAttribute(lambda o: f"Course {o.code}")


class EvidenceFileFactory(factory.django.DjangoModelFactory):
    """A stored certificate file (version 1 of its own lineage), a real small PDF."""

    class Meta:
        model = "secor.EvidenceFile"

    association = factory.SubFactory("tests.factories.AssociationFactory")
    kind = "training.certificate"
    file = factory.LazyFunction(pdf_upload)
    original_name = "certificate.pdf"
    content_type = "application/pdf"
    size = factory.LazyAttribute(lambda o: o.file.size)
    sha256 = factory.LazyAttribute(lambda o: sha256_of(o.file))


class TrainingRecordFactory(factory.django.DjangoModelFactory):
    """A record with a real small PDF; pending unless told otherwise.

    ``verified=True`` also stores the verification (the facts that count).
    """

    class Meta:
        model = "training.TrainingRecord"

    # Everything in one association (the database refuses a record whose worker or
    # course is another association's): the association given, else the employer's
    # or the worker's.
    association = factory.SubFactory("tests.factories.AssociationFactory")
    employer = factory.SubFactory(
        EmployerFactory, association=factory.SelfAttribute("..association")
    )
    worker = factory.SubFactory(
        WorkerFactory,
        employer=factory.SelfAttribute("..employer"),
        association=factory.SelfAttribute("..association"),
    )
    course = factory.SubFactory(CourseFactory, association=factory.SelfAttribute("..association"))
    completed_on = date(2024, 3, 1)
    certificate_number = factory.Sequence(lambda n: f"CERT-{n:05d}")
    evidence_file = factory.SubFactory(
        EvidenceFileFactory, association=factory.SelfAttribute("..association")
    )
    status = "pending"

    @classmethod
    def _generate(cls, strategy, params):
        if "employer" not in params and "worker" in params:
            params["employer"] = params["worker"].employer
        if "association" not in params and "employer" in params:
            params["association"] = params["employer"].association
        return super()._generate(strategy, params)

    class Params:
        verified = factory.Trait(
            status="verified",
            verified_by=factory.SubFactory("tests.factories.UserFactory"),
            verified_at=factory.LazyFunction(timezone.now),
        )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from training.models import VERIFIED_FACTS, RecordVerification

        status = kwargs.get("status")
        if status == "verified":
            kwargs["status"] = "pending"
        record = super()._create(model_class, *args, **kwargs)
        if status == "verified":
            record.verification = RecordVerification.objects.create(
                association=record.association,
                record=record,
                **{f: getattr(record, f) for f in VERIFIED_FACTS},
                verified_by=record.verified_by,
                verified_at=record.verified_at,
            )
            record.status = "verified"
            record.save(update_fields=["verification", "status"])
        return record
