"""Correcting, withdrawing and versioning training records (docs/rules.md#training-records).

Compliance reads what staff verified from ``RecordVerification`` columns: a
correction waits as a new version, and pruning history changes nobody's status.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from employers.models import Worker
from secor.models import AuditLogEntry, Role
from training import selectors, services
from training.models import RecordVerification, TrainingRecord

from ..conftest import member
from ..factories import EmployerFactory, WorkerFactory
from .factories import pdf_upload
from .helpers import course, record_url, verified

D = date
TODAY = D(2025, 6, 1)
pytestmark = pytest.mark.django_db


def reload(record):
    return TrainingRecord.objects.for_association(record.association).get(pk=record.pk)


def se_met(worker, as_of=TODAY):
    return selectors.compliance_for(employer=worker.employer, as_of=as_of).verdict("self_evaluator")


@pytest.fixture
def owner(employer_user):
    return WorkerFactory(
        employer=employer_user.employer, full_name="Olga Owner", employment_type="owner"
    )


@pytest.fixture
def reviewer(amta):
    return member(amta, Role.REVIEWER)


def add(worker, actor, code="SE", **kw):
    kw.setdefault("completed_on", D(2025, 1, 10))
    kw.setdefault("evidence", pdf_upload())
    kw.setdefault("today", TODAY)
    return services.record_add(
        employer=worker.employer,
        worker=worker,
        course=course(worker.association, code) if code else None,
        actor=actor,
        **kw,
    )


# --- Corrections before and after verification --------------------------------------


def test_an_employer_corrects_date_hours_and_course_of_a_record_not_yet_verified(
    amta, owner, employer_user
):
    record = add(owner, employer_user, code="HSSB", hours=Decimal("4"))

    services.record_update(
        record=record,
        actor=employer_user,
        course=course(amta, "SE"),
        completed_on=D(2025, 1, 12),
        hours=Decimal("7.5"),
        today=TODAY,
    )

    record = reload(record)
    assert (record.course.code, record.completed_on, record.hours) == (
        "SE",
        D(2025, 1, 12),
        Decimal("7.5"),
    )
    assert (record.status, record.verification) == ("pending", None)
    entry = AuditLogEntry.objects.for_association(amta).get(action="training.record_update")
    assert "completion date 2025-01-10 → 2025-01-12" in entry.summary
    assert "hours 4.0 → 7.5" in entry.summary


def test_a_correction_after_verification_is_a_new_version_verified_again(
    amta, owner, employer_user, reviewer
):
    """The last verified version counts until staff verify the correction."""
    record = verified(owner, "SE", D(2022, 1, 10))
    first = record.verification
    services.record_update(
        record=record, actor=employer_user, completed_on=D(2021, 1, 10), today=TODAY
    )

    record = reload(record)
    assert record.status == "pending"
    # Counted as verified (2022), not as corrected (2021, expired by 2024-01-10).
    [(_, fact)] = selectors.counted_records(amta, worker=owner)
    assert fact.completed_on == D(2022, 1, 10)
    assert se_met(owner, D(2024, 6, 1)).met

    services.record_verify(record=record, actor=reviewer)

    record = reload(record)
    assert (record.status, record.verification.number) == ("verified", 2)
    assert record.verification.completed_on == D(2021, 1, 10)
    assert not se_met(owner, D(2024, 6, 1)).met
    # The first version is unchanged: verified facts are never overwritten.
    first.refresh_from_db()
    assert (first.number, first.completed_on) == (1, D(2022, 1, 10))
    with pytest.raises(TypeError, match="immutable"):
        first.save()


def test_a_rejected_correction_leaves_the_verified_version_counting(
    amta, owner, employer_user, reviewer
):
    record = verified(owner, "SE", D(2024, 1, 10))
    services.record_update(
        record=record, actor=employer_user, completed_on=D(2020, 1, 10), today=TODAY
    )
    services.record_reject(record=record, actor=reviewer, reason="The certificate says 2024.")

    assert reload(record).status == "rejected"
    assert se_met(owner).met


def test_correcting_to_a_course_no_longer_accepted_is_refused(amta, owner, employer_user):
    record = add(owner, employer_user, code="HSSB")
    with pytest.raises(ValidationError) as caught:
        services.record_update(
            record=record, actor=employer_user, course=course(amta, "TSB"), today=TODAY
        )
    assert caught.value.message_dict["course"] == [
        "TSB is not accepted after 2019-12-31, so it cannot be recorded any more. "
        "Choose the course that replaced it."
    ]
    assert reload(record).course.code == "HSSB"


def test_compliance_does_not_read_history(amta, owner, employer_user):
    """Pruning history changes who is compliant in nothing (docs/adr/0008)."""
    record = verified(owner, "SE", D(2024, 1, 10))
    services.record_update(
        record=record, actor=employer_user, completed_on=D(2020, 1, 10), today=TODAY
    )
    before = se_met(owner)
    TrainingRecord.history.filter(id=record.pk).delete()
    assert se_met(owner) == before
    assert before.met


# --- Withdrawing -------------------------------------------------------------------


def test_an_employer_withdraws_a_record_not_yet_verified(amta, owner, employer_user):
    record = add(owner, employer_user)
    services.record_withdraw(record=record, actor=employer_user)

    record = reload(record)
    assert record.status == "withdrawn"
    assert record not in selectors.pending_records(amta)
    assert selectors.counted_records(amta, worker=owner) == []
    with pytest.raises(ValidationError, match="withdrawn and cannot be changed"):
        services.record_update(record=record, actor=employer_user, hours=Decimal(8), today=TODAY)
    with pytest.raises(ValidationError, match="already withdrawn"):
        services.record_withdraw(record=record, actor=employer_user)
    with pytest.raises(ValidationError, match="withdrew this record"):
        services.record_verify(record=record, actor=member(amta, Role.REVIEWER))


def test_a_verified_record_is_not_withdrawn_but_its_waiting_correction_is(
    amta, owner, employer_user
):
    record = verified(owner, "SE", D(2024, 1, 10))
    with pytest.raises(ValidationError, match="cannot be withdrawn"):
        services.record_withdraw(record=record, actor=employer_user)

    services.record_update(
        record=record, actor=employer_user, completed_on=D(2024, 1, 12), today=TODAY
    )
    services.record_withdraw(record=record, actor=employer_user)

    record = reload(record)
    assert (record.status, record.completed_on) == ("verified", D(2024, 1, 10))
    assert record.verification.number == 1
    assert AuditLogEntry.objects.for_association(amta).filter(
        action="training.record_correction_withdraw"
    )


# --- Courses no longer accepted, courses outside the catalogue -----------------------


def test_tsb_cannot_be_recorded_any_more_but_old_tsb_records_stay_readable(
    client, amta, owner, employer_user
):
    with pytest.raises(ValidationError) as caught:
        add(owner, employer_user, code="TSB", completed_on=D(2018, 5, 1))
    assert "TSB is not accepted after 2019-12-31" in caught.value.message_dict["course"][0]

    old = verified(owner, "TSB", D(2018, 5, 1))
    client.force_login(employer_user)
    form = client.get(
        reverse(
            "training:record_add",
            kwargs={"association_slug": amta.slug, "employer_id": owner.employer_id},
        )
    ).content.decode()
    assert ">TSB (TSB)<" not in form and ">HSSB (HSSB)<" in form
    page = client.get(old.get_absolute_url()).content.decode()
    assert "TSB (TSB)" in page


def test_an_acsa_course_outside_the_catalogue_counts_once_verified(acsa):
    employer_user = member(acsa, Role.EMPLOYER)
    worker = WorkerFactory(employer=employer_user.employer, employment_type="full_time_permanent")
    record = add(
        worker,
        employer_user,
        code=None,
        other_course_title="Fall Protection",
        other_course_provider="ACSA",
        hours=Decimal("4"),
        completed_on=D(2024, 9, 1),
    )
    report = selectors.compliance_for(employer=worker.employer, as_of=TODAY)
    assert not report.verdict("continuing_education").met  # not verified yet

    services.record_verify(record=record, actor=member(acsa, Role.REVIEWER))

    report = selectors.compliance_for(employer=worker.employer, as_of=TODAY)
    assert report.verdict("continuing_education").met
    assert not report.verdict("hsm").met
    assert reload(record).verification.other_course_title == "Fall Protection"


def test_an_outside_course_needs_its_provider(acsa):
    employer_user = member(acsa, Role.EMPLOYER)
    worker = WorkerFactory(employer=employer_user.employer)
    with pytest.raises(ValidationError) as caught:
        add(worker, employer_user, code=None, other_course_title="Fall Protection", hours=4)
    assert caught.value.message_dict["other_course_provider"] == [
        "Say who gave the course (e.g. ACSA), so staff can verify it."
    ]
    with pytest.raises(ValidationError) as caught:
        add(worker, employer_user, code=None)
    assert "Choose a catalogue course" in caught.value.message_dict["course"][0]


# --- Through the browser's door -------------------------------------------------------


def test_the_withdraw_button_withdraws_and_says_so(client, amta, owner, employer_user):
    record = add(owner, employer_user)
    client.force_login(employer_user)
    page = client.get(record.get_absolute_url()).content.decode()
    assert "Withdraw this record" in page

    response = client.post(record_url("record_withdraw", record), follow=True)

    assert "The record was withdrawn; it does not count." in response.content.decode()
    assert reload(record).status == "withdrawn"


def test_withdrawing_a_verified_record_is_refused_with_a_message(
    client, amta, owner, employer_user
):
    record = verified(owner, "SE", D(2024, 1, 10))
    client.force_login(employer_user)
    response = client.post(record_url("record_withdraw", record), follow=True)
    assert "cannot be withdrawn" in response.content.decode()
    assert reload(record).status == "verified"


def test_another_employers_record_cannot_be_withdrawn(client, amta, employer_user):
    other = WorkerFactory(employer=EmployerFactory(association=amta))
    theirs = add(other, member(amta, Role.PROGRAM_ADMIN))
    client.force_login(employer_user)
    mine = record_url("record_withdraw", theirs).replace(
        f"/employers/{theirs.employer_id}/", f"/employers/{employer_user.employer.pk}/"
    )
    for path in (mine, record_url("record_withdraw", theirs)):
        assert client.post(path).status_code == 404
    assert client.get(record_url("record_withdraw", theirs)).status_code == 404
    assert reload(theirs).status == "pending"


def test_staff_cannot_withdraw_an_employers_record(client, amta, owner, employer_user, reviewer):
    record = add(owner, employer_user)
    client.force_login(reviewer)
    assert client.post(record_url("record_withdraw", record)).status_code in (403, 404)
    assert reload(record).status == "pending"


def test_the_correction_form_corrects_the_completion_date(client, amta, owner, employer_user):
    record = verified(owner, "SE", D(2024, 1, 10))
    client.force_login(employer_user)
    response = client.post(
        record_url("record_update", record),
        {
            "course": record.course_id,
            "completed_on": "2024-01-12",
            "certificate_number": record.certificate_number,
            "hours": "",
        },
        follow=True,
    )
    assert "staff will verify the change" in response.content.decode()
    record = reload(record)
    assert (record.status, record.completed_on) == ("pending", D(2024, 1, 12))
    assert record.verification.completed_on == D(2024, 1, 10)


def test_the_add_form_takes_an_outside_course_and_refuses_one_without_provider(client, acsa):
    employer_user = member(acsa, Role.EMPLOYER)
    worker = WorkerFactory(employer=employer_user.employer)
    client.force_login(employer_user)
    url = reverse(
        "training:record_add",
        kwargs={"association_slug": acsa.slug, "employer_id": worker.employer_id},
    )
    data = {
        "worker": worker.pk,
        "other_course_title": "Fall Protection",
        "completed_on": "2025-01-10",
        "hours": "4",
        "evidence": pdf_upload(),
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Say who gave the course (e.g. ACSA)" in response.content.decode()

    data.update(other_course_provider="ACSA", evidence=pdf_upload())
    assert client.post(url, data).status_code == 302
    record = TrainingRecord.objects.for_association(acsa).get()
    assert (record.course, record.other_course_title, record.other_course_provider) == (
        None,
        "Fall Protection",
        "ACSA",
    )
    assert RecordVerification.objects.for_association(acsa).count() == 0
    assert Worker.objects.for_association(acsa).count() == 1


# --- Query counts: the same at two data sizes ------------------------------------------


def _count_queries(fn) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


def test_compliance_reads_verified_facts_in_the_same_queries_at_two_sizes(amta, employer_user):
    def grow(n):
        for i in range(n):
            worker = WorkerFactory(employer=employer_user.employer, employment_type="owner")
            record = verified(worker, "SE", D(2023, 1, 1 + i % 28))
            if i % 2:
                services.record_update(
                    record=record, actor=employer_user, hours=Decimal(i), today=TODAY
                )

    employer = employer_user.employer
    grow(2)
    small = _count_queries(lambda: selectors.compliance_for(employer=employer, as_of=TODAY))
    grow(20)
    large = _count_queries(lambda: selectors.compliance_for(employer=employer, as_of=TODAY))
    assert small == large


def test_the_record_page_lists_earlier_files_in_the_same_queries_at_two_sizes(
    client, amta, owner, employer_user, reviewer
):
    record = verified(owner, "SE", D(2024, 1, 10))
    client.force_login(employer_user)

    def replace(n):
        for _ in range(n):
            services.record_update(record=record, actor=reviewer, evidence=pdf_upload())

    replace(1)
    client.get(record.get_absolute_url())  # the session's first page loads more
    small = _count_queries(lambda: client.get(record.get_absolute_url()))
    replace(5)
    page = client.get(record.get_absolute_url()).content.decode()
    large = _count_queries(lambda: client.get(record.get_absolute_url()))
    assert small == large
    assert page.count("?version=") == 6  # versions 1…6 are earlier files (7 is current)
