"""Training services: adding records with certificate files, verifying, the catalogue."""

import hashlib
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from secor.models import AuditLogEntry, Program
from secor.tenancy import activate
from training import services
from training.models import Course, TrainingRecord

from ..factories import EmployerFactory, UserFactory, WorkerFactory
from .factories import (
    CourseFactory,
    TrainingRecordFactory,
    exe_upload,
    pdf_upload,
    png_bytes,
)
from .helpers import course

D = date
TODAY = D(2025, 6, 1)
pytestmark = pytest.mark.django_db


def stored_files() -> list[Path]:
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def add(worker, code="SE", **kw):
    kw.setdefault("completed_on", D(2025, 1, 10))
    kw.setdefault("evidence", pdf_upload())
    kw.setdefault("actor", None)
    kw.setdefault("today", TODAY)
    return services.record_add(
        employer=worker.employer, worker=worker, course=course(worker.association, code), **kw
    )


@pytest.fixture
def worker(amta):
    return WorkerFactory(employer=EmployerFactory(association=amta))


def assert_nothing_saved(association):
    assert not TrainingRecord.objects.for_association(association).exists()
    assert stored_files() == []


def test_record_add_stores_the_pdf_privately_under_a_random_name(worker):
    user = UserFactory()
    record = add(
        worker, actor=user, certificate_number=" SE-1 ", evidence=pdf_upload("My Cert.PDF")
    )

    assert record.status == "pending"
    assert record.certificate_number == "SE-1"
    stored = record.evidence_file
    assert (stored.content_type, stored.original_name) == ("application/pdf", "My Cert.PDF")
    assert (stored.kind, stored.version, stored.stored_by) == ("training.certificate", 1, user)
    assert stored.sha256 == hashlib.sha256(pdf_upload().read()).hexdigest()
    assert stored.file.name.startswith(f"training/evidence/{worker.association_id}/")
    assert stored.file.name.endswith(".pdf") and "Cert" not in stored.file.name
    assert [p.name for p in stored_files()] == [Path(stored.file.name).name]
    entry = AuditLogEntry.objects.for_association(worker.association).get(
        action="training.record_add"
    )
    assert (entry.action, entry.actor, entry.object_id) == (
        "training.record_add",
        user,
        str(record.pk),
    )


def test_png_certificate_is_accepted_and_stored_as_png(worker):
    record = add(worker, evidence=SimpleUploadedFile("scan.pdf", png_bytes()))
    assert record.evidence_file.content_type == "image/png"
    assert record.evidence_file.file.name.endswith(".png")


def test_completion_date_in_the_future_is_refused_and_nothing_is_saved(worker):
    with pytest.raises(ValidationError) as caught:
        add(worker, completed_on=D(2025, 6, 2))
    assert caught.value.message_dict["completed_on"] == [
        "The completion date 2025-06-02 is in the future (today is 2025-06-01). "
        "Enter the date printed on the certificate."
    ]
    assert_nothing_saved(worker.association)


def test_completion_today_is_accepted(worker):
    assert add(worker, completed_on=TODAY).pk


def test_proficiency_before_the_course_is_refused_and_nothing_is_saved(scsa):
    worker = WorkerFactory(employer=EmployerFactory(association=scsa), province="SK")
    with pytest.raises(ValidationError) as caught:
        add(worker, code="LSE", proficiency_accepted_on=D(2025, 1, 9))
    assert caught.value.message_dict["proficiency_accepted_on"] == [
        "The proficiency cannot be accepted (2025-01-09) before the course was completed "
        "(2025-01-10)."
    ]
    assert_nothing_saved(scsa)


def test_proficiency_on_the_course_day_is_accepted(scsa):
    worker = WorkerFactory(employer=EmployerFactory(association=scsa), province="SK")
    assert add(worker, code="LSE", proficiency_accepted_on=D(2025, 1, 10)).pk


def test_a_50_mb_file_is_refused_with_the_size_and_the_limit(worker):
    big = SimpleUploadedFile("scan.pdf", b"%PDF-1.7\n" + b"0" * (50 * 1024 * 1024 - 9))
    with pytest.raises(ValidationError) as caught:
        add(worker, evidence=big)
    assert caught.value.message_dict["evidence"] == [
        "The file is 50.0 MB; the limit is 10 MB. Scan at a lower resolution or split it."
    ]
    assert_nothing_saved(worker.association)


def test_a_file_of_exactly_10_mb_is_within_the_limit(worker):
    data = b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024 - 9 - 6) + b"%%EOF\n"
    record = add(worker, evidence=SimpleUploadedFile("big.pdf", data))
    assert record.evidence_file.size == 10 * 1024**2


def test_a_renamed_windows_program_is_refused_by_its_content(worker):
    with pytest.raises(ValidationError) as caught:
        add(worker, evidence=exe_upload("certificate.pdf"))
    [message] = caught.value.message_dict["evidence"]
    assert message.startswith("This file (certificate.pdf) is a Windows program (.exe or .dll)")
    assert "PDF, PNG or JPEG" in message
    assert_nothing_saved(worker.association)


@pytest.mark.parametrize(
    ("data", "found"),
    [
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 50, "a Linux program"),
        (b"hello, this is text" * 5, "a file of unknown type"),
        (b"<html><script>alert(1)</script></html>", "a web page or SVG drawing"),
        (b"PK\x03\x04" + b"\x00" * 40, "a zip archive"),
        (b"GIF89a" + b"\x00" * 40, "a GIF image"),
    ],
)
def test_non_pdf_non_image_files_are_refused_naming_what_was_found(worker, data, found):
    with pytest.raises(ValidationError) as caught:
        add(worker, evidence=SimpleUploadedFile("cert.pdf", data))
    assert found in caught.value.message_dict["evidence"][0]
    assert_nothing_saved(worker.association)


def test_a_truncated_png_is_refused(worker):
    broken = SimpleUploadedFile("scan.png", png_bytes()[:40])
    with pytest.raises(ValidationError) as caught:
        add(worker, evidence=broken)
    assert "cannot be read as one" in caught.value.message_dict["evidence"][0]


def test_every_problem_is_reported_at_once(worker):
    with pytest.raises(ValidationError) as caught:
        add(worker, completed_on=D(2030, 1, 1), evidence=exe_upload(), hours=-1)
    assert {"completed_on", "evidence", "hours"} <= set(caught.value.message_dict)
    assert_nothing_saved(worker.association)


def test_a_worker_of_another_employer_is_refused(amta):
    employer = EmployerFactory(association=amta)
    stranger = WorkerFactory(employer=EmployerFactory(association=amta))
    with pytest.raises(ValidationError) as caught:
        services.record_add(
            employer=employer,
            worker=stranger,
            course=course(amta, "SE"),
            completed_on=D(2025, 1, 1),
            evidence=pdf_upload(),
            actor=None,
            today=TODAY,
        )
    assert "worker" in caught.value.message_dict


def test_a_course_of_another_association_is_refused(worker, other_association):
    with pytest.raises(ValidationError) as caught:
        services.record_add(
            employer=worker.employer,
            worker=worker,
            course=CourseFactory(association=other_association),
            completed_on=D(2025, 1, 1),
            evidence=pdf_upload(),
            actor=None,
            today=TODAY,
        )
    assert "course" in caught.value.message_dict


def test_the_database_refuses_a_proficiency_before_the_course(worker):
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingRecordFactory(
            employer=worker.employer,
            worker=worker,
            completed_on=D(2025, 1, 10),
            proficiency_accepted_on=D(2025, 1, 1),
        )


def test_the_database_refuses_negative_hours(worker):
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingRecordFactory(employer=worker.employer, worker=worker, hours=-2)


def test_verify_records_who_and_when_and_cannot_run_twice(worker):
    record = add(worker)
    staff = UserFactory()

    services.record_verify(record=record, actor=staff)

    record.refresh_from_db()
    assert (record.status, record.verified_by) == ("verified", staff)
    assert record.verified_at is not None
    with pytest.raises(ValidationError, match="already verified"):
        services.record_verify(record=record, actor=staff)
    with pytest.raises(ValidationError, match="already verified"):
        services.record_reject(record=record, actor=staff, reason="late")


def test_reject_needs_a_reason_and_keeps_it(worker):
    record = add(worker)
    staff = UserFactory()
    with pytest.raises(ValidationError) as caught:
        services.record_reject(record=record, actor=staff, reason="  ")
    assert "reason" in caught.value.message_dict
    services.record_reject(record=record, actor=staff, reason="The name on the file differs.")
    record.refresh_from_db()
    assert (record.status, record.rejection_reason) == ("rejected", "The name on the file differs.")
    assert record.history.count() == 2  # added, rejected


def test_course_codes_are_unique_per_association_only(amta, other_association):
    with pytest.raises(ValidationError) as caught:
        services.course_save(association=amta, actor=None, code="se", name="Duplicate")
    assert "A course with this code is already in the catalogue." in str(caught.value)
    other = services.course_save(association=other_association, actor=None, code="se", name="SE")
    assert other.code == "SE"


def test_course_save_refuses_a_prerequisite_loop(scsa):
    sm, sat = course(scsa, "SM"), course(scsa, "SAT")  # SAT requires SM
    with pytest.raises(ValidationError, match="loop"):
        services.course_save(association=scsa, actor=None, course=sm, prerequisites=[sat])
    with pytest.raises(ValidationError, match="own prerequisite"):
        services.course_save(association=scsa, actor=None, course=sm, prerequisites=[sm])


def test_course_save_replaces_prerequisites_and_equivalents(scsa):
    scot, cso = course(scsa, "SCOT"), course(scsa, "CSO")
    services.course_save(
        association=scsa, actor=None, course=scot, accepted_prior=[cso], validity_months=60
    )
    scot = Course.objects.for_association(scsa).get(code="SCOT")
    with activate(scsa):
        assert list(scot.accepted_prior.values_list("code", flat=True)) == ["CSO"]
    assert scot.validity_months == 60


def test_course_save_refuses_courses_of_another_association(scsa, association):
    foreign = CourseFactory(association=association)
    with pytest.raises(ValidationError):
        services.course_save(
            association=scsa, actor=None, course=course(scsa, "SAT"), prerequisites=[foreign]
        )


def test_requirement_save_needs_courses_except_for_continuing_education(amta):
    program = Program.objects.for_association(amta).get(kind="secor")
    with pytest.raises(ValidationError) as caught:
        services.requirement_save(
            program=program, actor=None, code="x", label="X", kind="at_least_one"
        )
    assert "courses" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.requirement_save(
            program=program, actor=None, code="ce", label="CE", kind="continuing_education"
        )
    assert "every_months" in caught.value.message_dict
    requirement = services.requirement_save(
        program=program,
        actor=None,
        code="ce",
        label="CE",
        kind="continuing_education",
        every_months=36,
        min_hours=4,
    )
    assert requirement.pk
