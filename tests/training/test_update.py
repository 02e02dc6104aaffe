"""Updating a training record after it was added: proficiency, maintenance, a new file."""

import hashlib
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from secor.models import AuditLogEntry, Role
from training import selectors, services
from training.models import TrainingRecord

from ..conftest import member
from ..factories import EmployerFactory, WorkerFactory
from .factories import exe_upload, png_bytes, png_upload
from .helpers import course, record_url, verified
from .test_services import stored_files

D = date
TODAY = D(2025, 6, 1)
pytestmark = pytest.mark.django_db


@pytest.fixture
def employer_user(scsa):
    return member(scsa, Role.EMPLOYER)


@pytest.fixture
def ana(employer_user):
    """A full-time permanent Saskatchewan employee with Safety Management."""
    worker = WorkerFactory(employer=employer_user.employer, province="SK", full_name="Ana Lee")
    verified(worker, "SM", D(2023, 1, 5))
    return worker


def update(record, actor, **kw):
    kw.setdefault("today", TODAY)
    return services.record_update(record=record, actor=actor, **kw)


def form_data(record, **changes):
    """The update form as the browser sends it: every fact as it is, plus ``changes``."""
    data = {
        "course": record.course_id or "",
        "other_course_title": record.other_course_title,
        "other_course_provider": record.other_course_provider,
        "completed_on": f"{record.completed_on:%Y-%m-%d}",
        "certificate_number": record.certificate_number,
        "hours": "" if record.hours is None else str(record.hours),
    }
    return {**data, **changes}


def reload(record):
    return TrainingRecord.objects.for_association(record.association).get(pk=record.pk)


def verdict(worker, code, as_of=TODAY):
    return selectors.compliance_for(employer=worker.employer, as_of=as_of).verdict(code)


def test_staff_record_the_lse_proficiency_acceptance_and_it_counts_at_once(scsa, ana):
    lse = verified(ana, "LSE", D(2025, 1, 10))
    assert not verdict(ana, "LSE").met  # proficiency not accepted yet

    update(lse, member(scsa, Role.REVIEWER), proficiency_accepted_on=D(2025, 5, 20))

    assert reload(lse).status == "verified"
    assert verdict(ana, "LSE").met


def test_an_employers_acceptance_date_goes_back_to_the_queue_and_counts_once_verified(
    scsa, ana, employer_user
):
    lse = verified(ana, "LSE", D(2025, 1, 10))

    update(lse, employer_user, proficiency_accepted_on=D(2025, 5, 20))

    lse = reload(lse)
    assert (lse.status, lse.verified_by, lse.verified_at) == ("pending", None, None)
    assert lse in selectors.pending_records(scsa)
    assert not verdict(ana, "LSE").met  # the unverified acceptance does not count
    services.record_verify(record=lse, actor=member(scsa, Role.REVIEWER))
    assert verdict(ana, "LSE").met


def test_a_waiting_update_keeps_the_verified_status_counting(scsa, ana, employer_user):
    """SAT valid until 2026-03-01: recording the maintenance audit must not drop it."""
    sat = verified(ana, "SAT", D(2023, 3, 1), proficiency_accepted_on=D(2023, 9, 1))
    assert verdict(ana, "SAT").met

    update(sat, employer_user, maintenance_audit_on=D(2025, 5, 1))

    assert reload(sat).status == "pending"
    [holder] = verdict(ana, "SAT").holders
    assert holder.valid_until == D(2026, 3, 1)
    assert holder.record.maintenance_audit_on is None  # the verified version's facts
    matrix = selectors.training_matrix(ana.employer, as_of=TODAY)
    [sat_cell] = [c for c in matrix.rows[0].cells if c.record and c.record.pk == sat.pk]
    assert sat_cell.text == "Valid until 2026-03-01; update waiting for verification"


def test_the_proficiency_submission_date_alone_needs_no_new_verification(ana, employer_user):
    lse = verified(ana, "LSE", D(2025, 1, 10))

    update(lse, employer_user, proficiency_submitted_on=D(2025, 4, 2))

    lse = reload(lse)
    assert (lse.status, lse.proficiency_submitted_on) == ("verified", D(2025, 4, 2))


def test_proficiency_before_the_course_is_refused_and_nothing_is_half_saved(ana, employer_user):
    lse = verified(ana, "LSE", D(2025, 1, 10))
    files_before = stored_files()

    with pytest.raises(ValidationError) as caught:
        update(
            lse,
            employer_user,
            proficiency_submitted_on=D(2025, 2, 1),
            proficiency_accepted_on=D(2025, 1, 9),
            evidence=SimpleUploadedFile("letter.png", png_bytes()),
        )

    assert caught.value.message_dict["proficiency_accepted_on"] == [
        "The proficiency cannot be accepted (2025-01-09) before the course was completed "
        "(2025-01-10)."
    ]
    after = reload(lse)
    assert (after.status, after.proficiency_submitted_on, after.proficiency_accepted_on) == (
        "verified",
        None,
        None,
    )
    assert after.evidence_file_id == lse.evidence_file_id
    assert stored_files() == files_before
    assert not AuditLogEntry.objects.for_association(ana.association).filter(
        action="training.record_update"
    )


def test_a_new_file_is_a_new_version_and_the_old_one_is_kept(ana, employer_user):
    lse = verified(ana, "LSE", D(2025, 1, 10))
    old = lse.evidence_file

    update(lse, employer_user, evidence=SimpleUploadedFile("acceptance.png", png_bytes()))

    lse = reload(lse)
    new = lse.evidence_file
    assert new.pk != old.pk and new.file.name.endswith(".png")
    assert (new.original_name, new.content_type, new.lineage, new.version, lse.status) == (
        "acceptance.png",
        "image/png",
        old.lineage,
        2,
        "pending",
    )
    assert new.sha256 == hashlib.sha256(png_bytes()).hexdigest()
    assert new.stored_by == employer_user
    kept = {p.name for p in stored_files()}
    assert {Path(old.file.name).name, Path(new.file.name).name} <= kept
    [earlier] = selectors.earlier_evidence(lse)
    assert (earlier.pk, earlier.version, earlier.original_name) == (old.pk, 1, "certificate.pdf")
    # Until staff verify the new file, the verified version (and its file) counts.
    assert lse.verification.evidence_file_id == old.pk
    version, changes = selectors.changes_since_verified(lse)
    assert version is not None
    assert [(c.label, c.before, c.after) for c in changes] == [
        ("Certificate file", "certificate.pdf", "acceptance.png")
    ]


def test_every_problem_is_reported_at_once(ana, employer_user):
    lse = verified(ana, "LSE", D(2025, 1, 10))
    with pytest.raises(ValidationError) as caught:
        update(lse, employer_user, proficiency_accepted_on=D(2025, 7, 1), evidence=exe_upload())
    errors = caught.value.message_dict
    assert errors["proficiency_accepted_on"] == [
        "The proficiency acceptance date 2025-07-01 is in the future (today is 2025-06-01). "
        "Enter the date printed on the certificate."
    ]
    assert "Windows program" in errors["evidence"][0]
    assert reload(lse).proficiency_accepted_on is None


def test_dates_the_course_does_not_have_are_refused(ana, employer_user):
    sm = TrainingRecord.objects.for_association(ana.association).get(course__code="SM")
    with pytest.raises(ValidationError) as caught:
        update(sm, employer_user, proficiency_accepted_on=D(2024, 1, 1), refresher_on=D(2025, 1, 1))
    assert caught.value.message_dict == {
        "proficiency_accepted_on": ["Safety Management has no proficiency to submit or accept."],
        "refresher_on": ["Safety Management is not a status kept by maintenance."],
    }


def test_an_update_that_changes_nothing_is_refused(ana, employer_user):
    lse = verified(ana, "LSE", D(2025, 1, 10))
    with pytest.raises(ValidationError, match="Nothing was changed"):
        update(lse, employer_user, proficiency_accepted_on=None)


def test_a_rejected_record_corrected_by_the_employer_goes_back_to_the_queue(
    scsa, ana, employer_user
):
    record = services.record_add(
        employer=ana.employer,
        worker=ana,
        course=course(scsa, "SM"),
        completed_on=D(2025, 1, 10),
        evidence=SimpleUploadedFile("blurry.png", png_bytes()),
        actor=employer_user,
        today=TODAY,
    )
    services.record_reject(record=record, actor=member(scsa, Role.REVIEWER), reason="Unreadable.")

    update(record, employer_user, evidence=SimpleUploadedFile("sharp.png", png_bytes()))

    record = reload(record)
    assert (record.status, record.rejection_reason) == ("pending", "")
    entry = AuditLogEntry.objects.for_association(scsa).get(action="training.record_update")
    assert entry.actor == employer_user
    assert entry.summary == (
        "SM of Ana Lee updated: new certificate file (version 2); back to verification"
    )


# --- Through the browser's door -----------------------------------------------------


url = record_url


def test_employer_updates_a_record_through_the_form(client, ana, employer_user, time_machine):
    time_machine.move_to("2025-06-01 12:00 -06:00")
    lse = verified(ana, "LSE", D(2025, 1, 10))
    client.force_login(employer_user)

    form = client.get(url("record_update", lse)).content.decode()
    assert "LSE proficiency accepted on" in form
    assert "Personal maintenance audit" not in form  # LSE has no maintenance
    response = client.post(
        url("record_update", lse),
        form_data(lse, proficiency_submitted_on="2025-04-02", proficiency_accepted_on="2025-05-20"),
        follow=True,
    )

    assert response.redirect_chain[-1][0] == lse.get_absolute_url()
    page = response.content.decode()
    assert "staff will verify the change" in page
    assert "Changed since staff last verified it" in page
    lse = reload(lse)
    assert (lse.status, lse.proficiency_accepted_on) == ("pending", D(2025, 5, 20))


def test_proficiency_before_the_course_is_shown_on_its_field(client, ana, employer_user):
    lse = verified(ana, "LSE", D(2025, 1, 10))
    client.force_login(employer_user)
    response = client.post(
        url("record_update", lse), form_data(lse, proficiency_accepted_on="2025-01-01")
    )
    assert response.status_code == 200
    assert "The proficiency cannot be accepted (2025-01-01)" in response.content.decode()
    assert reload(lse).status == "verified"


def test_another_employers_record_cannot_be_updated(client, scsa, employer_user):
    other = WorkerFactory(employer=EmployerFactory(association=scsa), province="SK")
    record = verified(other, "LSE", D(2025, 1, 10))
    client.force_login(employer_user)
    mine = url("record_update", record).replace(
        f"/employers/{record.employer_id}/", f"/employers/{employer_user.employer.pk}/"
    )
    for path in (mine, url("record_update", record)):
        assert client.get(path).status_code == 404
        assert client.post(path, {"proficiency_accepted_on": "2025-05-01"}).status_code == 404
    assert reload(record).proficiency_accepted_on is None


def test_staff_see_what_changed_and_can_open_the_replaced_file(client, scsa, ana, employer_user):
    lse = verified(ana, "LSE", D(2025, 1, 10))
    update(
        lse,
        employer_user,
        proficiency_accepted_on=D(2025, 5, 20),
        evidence=SimpleUploadedFile("letter.png", png_bytes()),
    )
    client.force_login(member(scsa, Role.REVIEWER))

    page = client.get(
        reverse(
            "training:verification_detail",
            kwargs={"association_slug": scsa.slug, "record_id": lse.pk},
        )
    ).content.decode()

    assert "An update to a record verified on" in page
    assert '<th scope="row">Proficiency accepted</th><td>—</td><td>2025-05-20</td>' in page
    [earlier] = selectors.earlier_evidence(reload(lse))
    old = client.get(url("record_evidence", lse) + f"?version={earlier.version}")
    assert old["Content-Type"] == "application/pdf"
    assert b"".join(old.streaming_content).startswith(b"%PDF-")
    current = client.get(url("record_evidence", lse))
    assert current["Content-Type"] == "image/png"
    assert client.get(url("record_evidence", lse) + "?version=x").status_code == 404


def test_a_version_of_another_record_is_not_served(client, ana, employer_user):
    mine = verified(ana, "LSE", D(2025, 1, 10))
    other = WorkerFactory(employer=EmployerFactory(association=ana.association), province="SK")
    theirs = verified(other, "LSE", D(2025, 1, 10))
    update(theirs, member(ana.association, Role.REVIEWER), evidence=png_upload())
    assert reload(theirs).evidence_file.version == 2
    client.force_login(employer_user)
    response = client.get(url("record_evidence", mine) + "?version=2")
    assert response.status_code == 404
