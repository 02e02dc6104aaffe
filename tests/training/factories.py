"""factory_boy factories for the training app, and small real certificate files."""

import io
from datetime import date

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

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


class TrainingRecordFactory(factory.django.DjangoModelFactory):
    """A record with a real small PDF; pending unless told otherwise."""

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
    evidence = factory.LazyFunction(pdf_upload)
    evidence_name = "certificate.pdf"
    evidence_content_type = "application/pdf"
    evidence_size = factory.LazyAttribute(lambda o: o.evidence.size)
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
