"""Training screens through the test client: access, uploads, files, verification, catalogue."""

from datetime import date

import pytest
from django.urls import reverse

from secor.models import Role
from training.models import Course, TrainedEmployeeDesignation, TrainingRecord

from ..conftest import member
from ..factories import EmployerFactory, WCBAccountFactory, WorkerFactory
from .factories import TrainingRecordFactory, exe_upload, pdf_upload, png_bytes
from .helpers import course, verified

pytestmark = pytest.mark.django_db


def url(name, association, **kw):
    return reverse(f"training:{name}", kwargs={"association_slug": association.slug, **kw})


def test_employer_sees_the_matrix_with_expired_and_expiring_training(
    client, amta, employer_user, worker, time_machine
):
    time_machine.move_to("2025-06-01 12:00 -06:00")
    verified(worker, "HSSB", date(2020, 1, 1))
    verified(worker, "SE", date(2022, 7, 1))  # valid until 2025-07-01: expiring
    expired = WorkerFactory(employer=worker.employer, full_name="Eli Expired")
    verified(expired, "SE", date(2021, 1, 1))
    client.force_login(employer_user)

    page = client.get(url("employer", amta, employer_id=worker.employer_id)).content.decode()

    assert "Dana Driver" in page and "Expiring until 2025-07-01" in page
    assert "Expired 2024-01-01" in page
    assert "table-warning" in page and "table-danger" in page


def test_employer_adds_a_record_with_a_pdf(client, amta, employer_user, worker):
    client.force_login(employer_user)
    response = client.post(
        url("record_add", amta, employer_id=worker.employer_id),
        {
            "worker": worker.pk,
            "course": course(amta, "SE").pk,
            "completed_on": "2024-05-01",
            "certificate_number": "SE-77",
            "evidence": pdf_upload(),
        },
    )
    assert response.status_code == 302
    record = TrainingRecord.objects.for_association(amta).get()
    assert (record.worker, record.status, record.added_by) == (worker, "pending", employer_user)


def test_a_renamed_executable_gets_a_clear_message_and_nothing_is_saved(
    client, amta, employer_user, worker
):
    client.force_login(employer_user)
    response = client.post(
        url("record_add", amta, employer_id=worker.employer_id),
        {
            "worker": worker.pk,
            "course": course(amta, "SE").pk,
            "completed_on": "2024-05-01",
            "evidence": exe_upload(),
        },
    )
    assert response.status_code == 200
    assert "is a Windows program (.exe or .dll)" in response.content.decode()
    assert not TrainingRecord.objects.for_association(amta).exists()


def test_a_future_completion_date_is_shown_on_its_field(client, amta, employer_user, worker):
    client.force_login(employer_user)
    response = client.post(
        url("record_add", amta, employer_id=worker.employer_id),
        {
            "worker": worker.pk,
            "course": course(amta, "SE").pk,
            "completed_on": "2099-01-01",
            "evidence": pdf_upload(),
        },
    )
    assert "The completion date 2099-01-01 is in the future" in response.content.decode()
    assert not TrainingRecord.objects.for_association(amta).exists()


def test_a_worker_of_another_employer_cannot_be_chosen(client, amta, employer_user):
    client.force_login(employer_user)
    stranger = WorkerFactory(employer=EmployerFactory(association=amta))
    response = client.post(
        url("record_add", amta, employer_id=employer_user.employer.pk),
        {
            "worker": stranger.pk,
            "course": course(amta, "SE").pk,
            "completed_on": "2024-05-01",
            "evidence": pdf_upload(),
        },
    )
    assert response.status_code == 200
    assert not TrainingRecord.objects.for_association(amta).exists()


def test_the_certificate_file_streams_inline_with_its_type_and_no_sniffing(
    client, amta, employer_user, worker
):
    record = TrainingRecordFactory(employer=worker.employer, worker=worker)
    client.force_login(employer_user)

    response = client.get(
        url("record_evidence", amta, employer_id=worker.employer_id, record_id=record.pk)
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    download = client.get(
        url("record_evidence", amta, employer_id=worker.employer_id, record_id=record.pk)
        + "?download=1"
    )
    assert download["Content-Disposition"].startswith("attachment;")


def test_pages_keep_refusing_to_be_framed(client, amta, employer_user, worker):
    client.force_login(employer_user)
    response = client.get(url("employer", amta, employer_id=worker.employer_id))
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_another_employers_record_is_404_even_under_my_employer_id(
    client, amta, employer_user, worker
):
    other_record = TrainingRecordFactory(employer=EmployerFactory(association=amta))
    client.force_login(employer_user)
    for name in ("record_detail", "record_evidence"):
        mine = url(name, amta, employer_id=worker.employer_id, record_id=other_record.pk)
        theirs = url(name, amta, employer_id=other_record.employer_id, record_id=other_record.pk)
        assert client.get(mine).status_code == 404
        assert client.get(theirs).status_code == 404


def test_another_associations_record_file_is_404_for_its_staff(client, amta, other_association):
    record = TrainingRecordFactory(employer=EmployerFactory(association=amta))
    client.force_login(member(other_association, Role.PROGRAM_ADMIN))
    evidence_url = url("record_evidence", amta, employer_id=record.employer_id, record_id=record.pk)
    assert client.get(evidence_url).status_code == 404
    foreign = url("verification_detail", other_association, record_id=record.pk)
    assert client.get(foreign).status_code == 404


def test_reviewer_verifies_and_the_compliance_panel_turns_green(client, amta, worker):
    verified(worker, "HSSB", date(2020, 1, 1))
    record = TrainingRecordFactory(
        employer=worker.employer,
        worker=worker,
        course=course(amta, "SE"),
        completed_on=date(2024, 5, 1),
    )
    panel_url = url("compliance", amta, employer_id=worker.employer_id)
    reviewer = member(amta, Role.REVIEWER)
    client.force_login(reviewer)
    assert 'data-compliant="no"' in client.get(panel_url).content.decode()

    queue = client.get(url("verification_queue", amta)).content.decode()
    assert "Dana Driver" in queue
    response = client.post(url("verification_detail", amta, record_id=record.pk), {"verify": "1"})

    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.status, record.verified_by) == ("verified", reviewer)
    assert 'data-compliant="yes"' in client.get(panel_url).content.decode()
    assert "Dana Driver" not in client.get(url("verification_queue", amta)).content.decode()


def test_reject_without_a_reason_is_refused_on_the_form(client, amta, worker):
    record = TrainingRecordFactory(employer=worker.employer, worker=worker)
    client.force_login(member(amta, Role.REVIEWER))
    detail = url("verification_detail", amta, record_id=record.pk)

    response = client.post(detail, {"reject": "1", "reason": ""})
    assert response.status_code == 200
    record.refresh_from_db()
    assert record.status == "pending"

    client.post(detail, {"reject": "1", "reason": "Wrong person's certificate."})
    record.refresh_from_db()
    assert (record.status, record.rejection_reason) == ("rejected", "Wrong person's certificate.")


def test_employer_users_cannot_open_the_verification_queue(client, amta, employer_user, worker):
    record = TrainingRecordFactory(employer=worker.employer, worker=worker)
    client.force_login(employer_user)
    assert client.get(url("verification_queue", amta)).status_code == 403
    detail = url("verification_detail", amta, record_id=record.pk)
    assert client.post(detail, {"verify": "1"}).status_code == 403
    record.refresh_from_db()
    assert record.status == "pending"


def test_the_verification_page_previews_images_with_img_and_pdfs_in_a_frame(client, amta, worker):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = TrainingRecordFactory(employer=worker.employer, worker=worker)
    image = TrainingRecordFactory(
        employer=worker.employer,
        worker=worker,
        evidence_file__file=SimpleUploadedFile("scan.png", png_bytes()),
        evidence_file__content_type="image/png",
    )
    client.force_login(member(amta, Role.REVIEWER))
    pdf_page = client.get(url("verification_detail", amta, record_id=pdf.pk)).content.decode()
    image_page = client.get(url("verification_detail", amta, record_id=image.pk)).content.decode()
    assert '<iframe class="evidence-frame"' in pdf_page
    assert '<img class="evidence-image"' in image_page


def test_audit_dates_check_says_why_training_fails_at_the_start(
    client, amta, employer_user, worker
):
    verified(worker, "HSSB", date(2020, 1, 1))
    verified(worker, "SE", date(2022, 3, 1))
    client.force_login(employer_user)
    page = client.get(
        url("compliance", amta, employer_id=worker.employer_id),
        {"start": "2025-03-02", "end": "2025-03-10"},
    ).content.decode()
    assert "Audit start" in page and "Audit end" in page
    assert "was valid until 2025-03-01" in page


def test_audit_dates_check_refuses_an_end_before_the_start(client, amta, employer_user, worker):
    client.force_login(employer_user)
    page = client.get(
        url("compliance", amta, employer_id=worker.employer_id),
        {"start": "2025-03-10", "end": "2025-03-01"},
    ).content.decode()
    assert "The audit cannot end before it starts." in page


def test_scsa_chart_and_printable_page(client, scsa):
    user = member(scsa, Role.EMPLOYER)
    worker = WorkerFactory(employer=user.employer, province="SK", full_name="Ana Trained")
    verified(worker, "SM", date(2024, 1, 10), certificate_number="SM-1")
    # Taken before its prerequisite: it does not count, so Ana is not listed as holding it.
    verified(worker, "SAT", date(2023, 6, 1), certificate_number="SAT-9")
    client.force_login(user)

    page = client.get(url("chart", scsa, employer_id=user.employer.pk)).content.decode()
    printable = client.get(url("chart_print", scsa, employer_id=user.employer.pk)).content.decode()

    for html in (page, printable):
        assert "SECOR Required Course" in html and "Certificate #/Date Completed" in html
        assert "Ana Trained" in html and "SM-1 / 2024-01-10" in html
        assert "Leadership for Safety Excellence" in html
        assert "SAT-9" not in html
        assert "without first completing Safety Management" in html  # the compliance reason
        assert "css/training.css" in html
        assert "style=" not in html and "<script>" not in html


def test_naming_a_trained_employee_for_a_second_account_asks_before_moving_them(client, scsa):
    """SCSA: "A person can only be the 'trained employee' for one WCB account number":
    naming them again is neither a silent move nor a flat refusal, but a question."""
    user = member(scsa, Role.EMPLOYER)
    worker = WorkerFactory(employer=user.employer, province="SK", full_name="Robin Ames")
    first = WCBAccountFactory(employer=user.employer, account_number="111")
    second = WCBAccountFactory(employer=user.employer, account_number="222")
    client.force_login(user)
    add = url("designation_add", scsa, employer_id=user.employer.pk)
    assert client.post(add, {"worker": worker.pk, "wcb_account": first.pk}).status_code == 302

    asked = client.post(add, {"worker": worker.pk, "wcb_account": second.pk})

    assert asked.status_code == 200
    page = asked.content.decode()
    assert "Robin Ames is already the trained employee for WCB account WCB-Alberta 111" in page
    assert 'name="move" value="on"' in page
    [designation] = TrainedEmployeeDesignation.objects.for_association(scsa)
    assert designation.wcb_account == first  # nothing moved yet

    moved = client.post(add, {"worker": worker.pk, "wcb_account": second.pk, "move": "on"})

    assert moved.status_code == 302
    [designation] = TrainedEmployeeDesignation.objects.for_association(scsa)
    assert designation.wcb_account == second


@pytest.mark.parametrize(
    ("status", "words"), [("subcontractor", "a subcontractor"), ("part_time", "a part-time worker")]
)
def test_naming_a_subcontractor_or_part_timer_trained_employee_is_refused(
    client, scsa, status, words
):
    user = member(scsa, Role.EMPLOYER)
    worker = WorkerFactory(
        employer=user.employer, province="SK", full_name="Jo Hire", employment_status=status
    )
    account = WCBAccountFactory(employer=user.employer)
    client.force_login(user)
    add = url("designation_add", scsa, employer_id=user.employer.pk)

    response = client.post(add, {"worker": worker.pk, "wcb_account": account.pk}, follow=True)

    page = response.content.decode()
    assert f"Jo Hire is recorded as {words}, so Jo Hire cannot be the trained employee" in page
    assert "must be a full-time permanent employee in SK" in page
    assert not TrainedEmployeeDesignation.objects.for_association(scsa).exists()


def test_a_full_time_manager_can_be_named_trained_employee(client, scsa):
    user = member(scsa, Role.EMPLOYER)
    manager = WorkerFactory(employer=user.employer, province="SK", role="manager")
    account = WCBAccountFactory(employer=user.employer)
    client.force_login(user)
    add = url("designation_add", scsa, employer_id=user.employer.pk)

    assert client.post(add, {"worker": manager.pk, "wcb_account": account.pk}).status_code == 302
    assert TrainedEmployeeDesignation.objects.for_association(scsa).get().worker == manager


def test_employer_home_shows_the_training_summary(client, amta, employer_user, worker):
    client.force_login(employer_user)
    page = client.get(f"/{amta.slug}/").content.decode()
    assert "training requirements are not met" in page
    assert url("employer", amta, employer_id=worker.employer_id) in page


def test_staff_home_shows_the_verification_queue_count(client, amta, worker):
    TrainingRecordFactory(employer=worker.employer, worker=worker)
    client.force_login(member(amta, Role.PROGRAM_ADMIN))
    page = client.get(f"/{amta.slug}/").content.decode()
    assert "Training records to verify" in page
    assert url("verification_queue", amta) in page


def test_program_admin_adds_a_course_with_a_prerequisite(client, amta):
    client.force_login(member(amta, Role.PROGRAM_ADMIN))
    response = client.post(
        url("course_add", amta),
        {
            "code": "adv",
            "name": "Advanced auditing",
            "validity_months": "24",
            "maintenance_submit_lead_months": "4",
            "maintenance_name": "maintenance",
            "is_active": "on",
            "prerequisites": [course(amta, "SE").pk],
        },
    )
    assert response.status_code == 302, response.content.decode()
    added = Course.objects.for_association(amta).get(code="ADV")
    assert added.validity_months == 24
    from secor.tenancy import activate

    with activate(amta):
        assert [c.code for c in added.prerequisites.all()] == ["SE"]


def test_a_duplicate_course_code_is_shown_on_the_form(client, amta):
    client.force_login(member(amta, Role.PROGRAM_ADMIN))
    response = client.post(
        url("course_add", amta),
        {"code": "SE", "name": "Again", "maintenance_submit_lead_months": "4"},
    )
    assert "already in the catalogue" in response.content.decode()


def test_program_admin_edits_a_requirement(client, amta):
    from training.models import TrainingRequirement

    requirement = TrainingRequirement.objects.for_association(amta).get(code="self_evaluator")
    client.force_login(member(amta, Role.PROGRAM_ADMIN))
    response = client.post(
        url("requirement_edit", amta, requirement_id=requirement.pk),
        {
            "code": "self_evaluator",
            "label": "Self-Evaluator or COR auditor",
            "kind": "at_least_one",
            "holder_statuses": ["full_time_permanent", "part_time"],
            "holder_roles": ["owner", "manager"],
            "courses": [course(amta, "SE").pk, course(amta, "CCA").pk],
            "position": "1",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    requirement.refresh_from_db()
    assert requirement.label == "Self-Evaluator or COR auditor"
    assert requirement.holder_statuses == ["full_time_permanent", "part_time"]
    assert requirement.holder_roles == ["owner", "manager"]
    page = client.get(url("courses", amta)).content.decode()
    # People words on the catalogue page, never the stored codes.
    assert "Full-time permanent, Part-time; roles: Owner, Manager" in page
    assert "full_time_permanent" not in page


def test_reviewers_see_the_catalogue_but_cannot_edit_it(client, amta):
    client.force_login(member(amta, Role.REVIEWER))
    assert client.get(url("courses", amta)).status_code == 200
    assert client.get(url("course_add", amta)).status_code == 403
    assert client.post(url("catalogue_seed", amta), {"seed": "AMTA"}).status_code == 403


def test_admin_loads_a_seeded_catalogue_into_a_new_association(client, db):
    from ..factories import AssociationFactory

    fresh = AssociationFactory(slug="esc")
    client.force_login(member(fresh, Role.PROGRAM_ADMIN))
    client.post(url("catalogue_seed", fresh), {"seed": "ACSA"})
    assert Course.objects.for_association(fresh).count() == 3


def test_an_empty_catalogue_shows_no_lone_unlabelled_boxes(client, association):
    from secor.models import Program
    from secor.tenancy import activate

    with activate(association):
        Program.objects.create(association=association, kind="secor")
    client.force_login(member(association, Role.PROGRAM_ADMIN))
    html = client.get(url("course_add", association)).content.decode()
    assert html.count("Nothing to choose from yet.") == 2  # prerequisites, accepted before
    assert 'name="prerequisites"' not in html
    assert 'name="accepted_prior"' not in html


def test_a_course_validity_past_its_maximum_is_refused_on_the_field(client, amta):
    client.force_login(member(amta, Role.PROGRAM_ADMIN))
    response = client.post(
        url("course_add", amta),
        {
            "code": "huge",
            "name": "Huge",
            "validity_months": "99999999",
            "maintenance_submit_lead_months": "4",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_validity_months_error"' in html
    assert not Course.objects.for_association(amta).filter(code="HUGE").exists()


# The session's user; the membership with its association, employer, the switcher
# and the unread count; the program (open enrollment); workers; records; the
# requirements and the catalogue (one query each); the WCB accounts; the records
# table's count and page. No transaction: the page only reads.
MATRIX_QUERIES = 10


def test_training_matrix_queries_do_not_grow_with_workers_and_records(
    client, association, django_assert_num_queries
):
    from ..audits.factories import busy_employer, seeded_with_training

    seeded_with_training(association)
    for size in (1, 30):
        employer = busy_employer(association, workers=size, cycles=size // 10)
        client.force_login(member(association, Role.EMPLOYER, employer=employer))
        path = url("employer", association, employer_id=employer.pk)
        client.get(path)  # the first visit stores the association in the session
        with django_assert_num_queries(MATRIX_QUERIES):
            html = client.get(path).content.decode()
        # Every worker is a row of the matrix; the records table pages (25 a page).
        assert html.count('<th scope="row">') == size + 1
        assert "Worker 0" in html and f"Worker {size - 1}" in html
