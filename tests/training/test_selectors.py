"""compliance_for: database rows in, compliance.py's verdicts out."""

from datetime import date

import pytest

from employers.models import Enrollment
from secor.models import Program
from training.selectors import chart_for, compliance_for

from ..factories import EmployerFactory, WCBAccountFactory, WorkerFactory
from .factories import TrainingRecordFactory
from .helpers import course, verified

D = date
pytestmark = pytest.mark.django_db


def sk_worker(employer, **kw):
    kw.setdefault("start_date", D(2015, 1, 1))
    return WorkerFactory(employer=employer, province="SK", **kw)


def fully_trained(worker, certificate_prefix="X"):
    verified(worker, "SM", D(2024, 1, 10), certificate_number=f"{certificate_prefix}-SM")
    verified(
        worker,
        "SAT",
        D(2024, 2, 10),
        certificate_number=f"{certificate_prefix}-SAT",
        proficiency_accepted_on=D(2024, 8, 1),
    )
    verified(
        worker,
        "LSE",
        D(2024, 3, 10),
        certificate_number=f"{certificate_prefix}-LSE",
        proficiency_accepted_on=D(2024, 9, 1),
    )
    verified(worker, "SCOT", D(2024, 1, 5), certificate_number=f"{certificate_prefix}-SCOT")


def test_scsa_employer_with_verified_training_is_compliant(scsa):
    employer = EmployerFactory(association=scsa, province="SK")
    WCBAccountFactory(employer=employer, board="Saskatchewan WCB")
    fully_trained(sk_worker(employer))

    report = compliance_for(employer=employer, as_of=D(2025, 6, 1))

    assert report.compliant, [r.message for v in report.verdicts for r in v.reasons]
    assert [v.requirement.code for v in report.verdicts] == ["SM", "SAT", "LSE", "SCOT"]
    assert report.wcb_account.startswith("Saskatchewan WCB ")


def test_pending_and_rejected_records_do_not_count(scsa):
    employer = EmployerFactory(association=scsa, province="SK")
    worker = sk_worker(employer)
    TrainingRecordFactory(
        employer=employer, worker=worker, course=course(scsa, "SCOT"), completed_on=D(2024, 1, 5)
    )
    TrainingRecordFactory(
        employer=employer,
        worker=worker,
        course=course(scsa, "SCOT"),
        completed_on=D(2024, 1, 6),
        status="rejected",
        rejection_reason="Blurred",
        verified=True,
    )

    verdict = compliance_for(employer=employer, as_of=D(2025, 6, 1)).verdict("SCOT")

    assert not verdict.met
    assert [r.code for r in verdict.reasons] == ["no_record"]


def test_training_expired_on_the_audit_start_date_fails(amta):
    employer = EmployerFactory(association=amta)
    worker = WorkerFactory(employer=employer, start_date=D(2015, 1, 1))
    verified(worker, "HSSB", D(2020, 5, 1))
    verified(worker, "SE", D(2022, 3, 1))

    assert compliance_for(employer=employer, as_of=D(2025, 3, 1)).compliant
    report = compliance_for(employer=employer, as_of=D(2025, 3, 2))

    assert not report.compliant
    assert [r.code for r in report.verdict("self_evaluator").reasons] == ["expired"]


def test_another_employers_records_do_not_count(amta):
    employer, other = EmployerFactory(association=amta), EmployerFactory(association=amta)
    WorkerFactory(employer=employer)
    stranger = WorkerFactory(employer=other)
    verified(stranger, "HSSB", D(2024, 5, 1))
    verified(stranger, "SE", D(2024, 5, 1))

    assert compliance_for(employer=other, as_of=D(2025, 1, 1)).compliant
    assert not compliance_for(employer=employer, as_of=D(2025, 1, 1)).compliant


def test_person_designated_for_another_employers_account_is_matched_by_certificate(scsa):
    from training import services

    first = EmployerFactory(association=scsa, province="SK")
    first_account = WCBAccountFactory(employer=first, board="Saskatchewan WCB")
    same_human = sk_worker(first, full_name="Pat Lee")
    fully_trained(same_human, "PAT")
    services.designation_set(
        employer=first, worker=same_human, wcb_account=first_account, actor=None
    )
    second = EmployerFactory(association=scsa, province="SK")
    WCBAccountFactory(employer=second, board="Saskatchewan WCB")
    again = sk_worker(second, full_name="Pat Lee")
    fully_trained(again, "PAT")

    report = compliance_for(employer=second, as_of=D(2025, 6, 1))

    assert not report.verdict("SAT").met
    reason = next(r for r in report.verdict("SAT").reasons if r.code == "trained_for_other_account")
    # The second employer learns that Pat is trained for another employer, not which account.
    assert "another employer's WCB account" in reason.localized
    assert first_account.account_number not in reason.localized
    assert first_account.account_number not in repr(reason)
    assert report.verdict("SCOT").met  # SCOT has no one-account rule
    assert compliance_for(employer=first, as_of=D(2025, 6, 1)).compliant


def test_designation_for_the_employers_other_account_blocks_the_first_account(scsa):
    from training import services

    employer = EmployerFactory(association=scsa, province="SK")
    first = WCBAccountFactory(employer=employer, board="Saskatchewan WCB", account_number="1")
    second = WCBAccountFactory(employer=employer, board="Saskatchewan WCB", account_number="2")
    worker = sk_worker(employer)
    fully_trained(worker)
    services.designation_set(employer=employer, worker=worker, wcb_account=second, actor=None)

    assert not compliance_for(employer=employer, as_of=D(2025, 6, 1)).compliant
    assert compliance_for(employer=employer, as_of=D(2025, 6, 1), wcb_account=second).compliant
    assert first.pk  # the default account is the first one


def test_external_assessor_from_another_roster_counts_only_for_the_assessor(acsa):
    employer = EmployerFactory(association=acsa)
    staff = WorkerFactory(employer=employer, start_date=D(2015, 1, 1))
    verified(staff, "CSTS", D(2024, 1, 1), hours=8)
    consultancy = EmployerFactory(association=acsa)
    assessor = WorkerFactory(
        employer=consultancy, employment_type="consultant", start_date=D(2015, 1, 1)
    )
    verified(assessor, "PHSM", D(2024, 1, 1), hours=16)

    report = compliance_for(employer=employer, as_of=D(2025, 1, 1), assessor_worker=assessor)

    assert report.verdict("assessor").met
    assert not report.verdict("hsm").met  # an external assessor is not on the payroll
    no_assessor = compliance_for(employer=employer, as_of=D(2025, 1, 1))
    assert [r.code for r in no_assessor.verdict("assessor").reasons] == ["assessor_not_named"]


def test_program_comes_from_the_open_secor_enrollment_else_the_associations(amta):
    employer = EmployerFactory(association=amta)
    program = Program.objects.for_association(amta).get(kind="secor")
    Enrollment.objects.create(
        association=amta, employer=employer, program=program, registered_on=D(2024, 1, 1)
    )
    report = compliance_for(employer=employer, as_of=D(2025, 1, 1))
    assert [v.requirement.code for v in report.verdicts] == ["basics", "self_evaluator"]
    cor = Program.objects.create(association=amta, kind="cor")
    assert compliance_for(employer=employer, as_of=D(2025, 1, 1), program=cor).verdicts == ()


def test_wcb_account_and_assessor_of_another_tenant_are_refused(amta, other_association):
    employer = EmployerFactory(association=amta)
    stranger = WorkerFactory(employer=EmployerFactory(association=other_association))
    with pytest.raises(ValueError):
        compliance_for(employer=employer, as_of=D(2025, 1, 1), assessor_worker=stranger)
    with pytest.raises(ValueError):
        compliance_for(
            employer=employer,
            as_of=D(2025, 1, 1),
            wcb_account=WCBAccountFactory(employer=EmployerFactory(association=amta)),
        )


def test_chart_lists_scot_holders_and_two_slots_per_course(scsa):
    employer = EmployerFactory(association=scsa, province="SK")
    trained = sk_worker(employer, full_name="Ana Trained")
    fully_trained(trained, "ANA")
    sk_worker(employer, full_name="Ben New")

    rows = chart_for(employer, as_of=D(2025, 7, 2)).rows

    labels = [r.label for r in rows]
    assert labels[:5] == [
        "Safety Management",
        "Safety Auditor Training",
        "Self-audit and Internal Auditor Certification",
        "Leadership for Safety Excellence",
        "LSE proficiency",
    ]
    scot = rows[-1]
    # Only Ana holds SCOT; Ben New's missing SCOT is the compliance assessment's reason.
    assert scot.slots == 1 and [e.person.name for e in scot.entries] == ["Ana Trained"]
    assert [dict(p.params)["who"] for p in scot.problems] == ["Ben New"]
    assert rows[0].slots == 2 and rows[0].entries[0].certificate_number == "ANA-SM"


def test_the_service_refuses_a_part_time_trained_employee_and_asks_before_a_move(scsa):
    from django.core.exceptions import ValidationError

    from training import services

    employer = EmployerFactory(association=scsa, province="SK")
    first = WCBAccountFactory(employer=employer, board="Saskatchewan WCB", account_number="1")
    second = WCBAccountFactory(employer=employer, board="Saskatchewan WCB", account_number="2")
    part_timer = sk_worker(employer, full_name="Part Timer", employment_status="part_time")
    with pytest.raises(ValidationError) as refused:
        services.designation_set(
            employer=employer, worker=part_timer, wcb_account=first, actor=None
        )
    assert "Part Timer is recorded as a part-time worker" in refused.value.message_dict["worker"][0]

    worker = sk_worker(employer)
    services.designation_set(employer=employer, worker=worker, wcb_account=first, actor=None)
    with pytest.raises(services.DesignationMoveNeeded) as needed:
        services.designation_set(employer=employer, worker=worker, wcb_account=second, actor=None)
    assert needed.value.designation.wcb_account == first
    moved = services.designation_set(
        employer=employer, worker=worker, wcb_account=second, actor=None, move=True
    )
    assert moved.wcb_account == second
