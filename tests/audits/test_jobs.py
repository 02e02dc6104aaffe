"""The daily transitions job and its Celery task: idempotent, audited, notified once."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from audits import services
from audits.jobs import apply_daily_transitions
from audits.models import Audit, Certificate
from employers.models import Enrollment
from secor.models import AuditLogEntry, Notification, Role
from secor.tasks import daily_fanout, run_daily_for_association
from secor.tenancy import activate

from ..conftest import member
from .factories import certified, enrollment, plannable

pytestmark = pytest.mark.django_db


def run(association, today):
    return apply_daily_transitions(association=association, today=today)


def state(association, e):
    with activate(association):
        e = Enrollment.objects.get(pk=e.pk)
        certificate = Certificate.objects.filter(enrollment=e).first()
    return e.status, e.status_changed_on, e.reapply_on, certificate and certificate.status


def test_maintenance_missed_by_dec_31_cancels_secor_once_with_log_and_notification(association):
    e, _ = certified(association, date(2021, 1, 5))
    user = member(association, Role.EMPLOYER, employer=e.employer)

    assert run(association, date(2022, 12, 31)) == []  # the due date itself is on time
    first = run(association, date(2023, 1, 1))
    second = run(association, date(2023, 1, 1))

    assert [a.transition.kind for a in first] == ["cancel"]
    assert second == []
    assert state(association, e) == ("cancelled", date(2023, 1, 1), None, "cancelled")
    with activate(association):
        assert AuditLogEntry.objects.filter(action="audits.transition_cancel").count() == 1
        notes = list(Notification.objects.filter(user=user))
    assert len(notes) == 1
    assert notes[0].title == "Your SECOR has been cancelled"
    assert "No maintenance audit for year 2 between 2022-01-01 and 2022-12-31" in notes[0].body


def test_running_the_job_twice_changes_nothing_the_second_time(association, other_association):
    amta, _ = certified(association, date(2021, 1, 5))
    registrant = enrollment(other_association, registered_on=date(2021, 3, 15))
    member(association, Role.EMPLOYER, employer=amta.employer)
    with activate(other_association):
        services.milestones_schedule(enrollment=registrant, actor=None)
    today = date(2024, 6, 1)
    assert len(run(association, today)) == 1
    assert len(run(other_association, today)) == 1
    before = (state(association, amta), state(other_association, registrant))
    with activate(association):
        counts = (AuditLogEntry.objects.count(), Notification.objects.count())

    assert run(association, today) == []
    assert run(other_association, today) == []
    assert (state(association, amta), state(other_association, registrant)) == before
    with activate(association):
        assert (AuditLogEntry.objects.count(), Notification.objects.count()) == counts


def test_maintenance_audit_done_in_the_window_keeps_the_certificate(association):
    e, cycle = certified(association, date(2021, 1, 5))
    with activate(association):
        audit = services.audit_plan(
            enrollment=e,
            data_gathering_start=date(2022, 3, 1),
            data_gathering_end=date(2022, 3, 10),
            **plannable(e),
            actor=None,
            today=date(2022, 2, 1),
        )
        services.audit_mark_received(audit=audit, received_on=date(2022, 3, 20), actor=None)
    assert run(association, date(2023, 1, 1)) == []
    assert state(association, e)[0] == "certified"


def test_planned_audit_conducted_in_december_gets_its_submission_time_then_cancels(association):
    e, _ = certified(association, date(2021, 1, 5))
    with activate(association):
        services.audit_plan(
            enrollment=e,
            data_gathering_start=date(2022, 12, 10),
            data_gathering_end=date(2022, 12, 20),
            **plannable(e),
            actor=None,
            today=date(2022, 12, 1),
        )
    assert run(association, date(2023, 1, 10)) == []  # due by 2023-01-10 (21 days)
    applied = run(association, date(2023, 1, 11))
    assert [(a.transition.kind, a.transition.effective_on) for a in applied] == [
        ("cancel", date(2023, 1, 1))
    ]


def test_certificate_past_expiry_is_expired_and_enrollment_lapses(association):
    e, cycle = certified(association, date(2021, 1, 5))
    with activate(association):
        for year, start in ((2, date(2022, 3, 1)), (3, date(2023, 3, 1))):
            audit = Audit.objects.create(
                association=association,
                employer=e.employer,
                enrollment=e,
                cycle=cycle,
                year=year,
                audit_type="maintenance",
                conducted_by="external_assessor",
                data_gathering_start=start,
                data_gathering_end=start,
                status="passed",
                tool=services.selectors.current_tool(e.program),
                rules_snapshot=services.rules_snapshot(services.selectors.program_rules(e.program)),
            )
    assert run(association, date(2024, 1, 5)) == []
    run(association, date(2024, 1, 6))
    assert state(association, e) == ("lapsed", date(2024, 1, 6), None, "expired")
    assert audit.pk


def test_missed_milestone_derolls_with_the_date_reapplication_opens(other_association):
    e = enrollment(other_association, registered_on=date(2021, 3, 15))
    with activate(other_association):
        services.milestones_schedule(enrollment=e, actor=None)
    assert run(other_association, date(2021, 9, 15)) == []  # courses due 2021-09-15
    run(other_association, date(2021, 9, 16))
    assert state(other_association, e) == ("derolled", date(2021, 9, 16), date(2022, 3, 16), None)


def test_letter_one_expiring_without_letter_two_derolls(other_association):
    e = enrollment(other_association, registered_on=date(2021, 3, 15))
    with activate(other_association):
        services.milestone_letter_record(
            enrollment=e,
            number=1,
            issued_on=date(2021, 3, 15),
            expires_on=date(2021, 6, 30),
            actor=None,
        )
    run(other_association, date(2021, 7, 1))
    assert state(other_association, e)[0] == "derolled"


def test_letter_two_issued_in_time_keeps_the_registrant(other_association):
    e = enrollment(other_association, registered_on=date(2021, 3, 15))
    with activate(other_association):
        for number, issued, expires in (
            (1, date(2021, 3, 15), date(2021, 6, 30)),
            (2, date(2021, 6, 1), date(2021, 12, 31)),
        ):
            services.milestone_letter_record(
                enrollment=e, number=number, issued_on=issued, expires_on=expires, actor=None
            )
    assert run(other_association, date(2021, 7, 1)) == []


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        # 23:30 on Dec 31 in Edmonton (MST, UTC-7) is already Jan 1 in UTC: not missed yet.
        (datetime(2023, 1, 1, 6, 30, tzinfo=UTC), "certified"),
        # Midnight in Edmonton: Jan 1 local, the Dec 31 deadline has passed.
        (datetime(2023, 1, 1, 7, 0, tzinfo=UTC), "cancelled"),
    ],
)
def test_daily_task_uses_the_associations_local_date(association, utc, expected):
    e, _ = certified(association, date(2021, 1, 5))
    with time_machine.travel(utc, tick=False):
        daily_fanout()
    assert state(association, e)[0] == expected


def test_daily_task_runs_every_active_association_at_its_own_date(association, other_association):
    # 06:30 UTC Jan 1: 23:30 Dec 31 in Edmonton (UTC-7), 00:30 Jan 1 in Regina (UTC-6).
    amta, _ = certified(association, date(2021, 1, 5))
    scsa, _ = certified(other_association, date(2021, 12, 31))  # SCSA year 2 due 2022-12-31
    with time_machine.travel(datetime(2023, 1, 1, 6, 30, tzinfo=UTC), tick=False):
        enqueued = daily_fanout()
    assert enqueued == {association.slug: "2022-12-31", other_association.slug: "2023-01-01"}
    assert state(association, amta)[0] == "certified"
    assert state(other_association, scsa)[0] == "cancelled"


JOB = "audits.jobs.daily_transitions_job"


def test_one_association_task_reports_applied_and_is_idempotent(association):
    certified(association, date(2021, 1, 5))
    first = run_daily_for_association(association.pk, "2023-01-01")
    second = run_daily_for_association(association.pk, "2023-01-01")
    assert first[JOB] == {"applied": 1, "failed": 0}
    assert second[JOB] == {"applied": 0, "failed": 0}


def test_an_enrollment_with_broken_data_is_counted_and_the_others_still_run(association, caplog):
    broken, broken_cycle = certified(association, date(2021, 1, 5))
    healthy, _ = certified(association, date(2021, 1, 5), employer=None)
    assert broken.pk < healthy.pk  # the broken one comes first
    with activate(association):
        # A maintenance audit whose frozen rules are unreadable (a hand-edited row).
        tool = services.selectors.current_tool(broken.program)
        Audit.objects.create(
            association=association,
            employer=broken.employer,
            enrollment=broken,
            cycle=broken_cycle,
            year=2,
            audit_type="maintenance",
            conducted_by="external_assessor",
            assessor_name="Pat",
            data_gathering_start=date(2022, 3, 1),
            data_gathering_end=date(2022, 3, 5),
            tool=tool,
            rules_snapshot={},
        )
    result = run_daily_for_association(association.pk, "2023-01-01")
    assert result[JOB] == {"applied": 1, "failed": 1}
    assert state(association, healthy)[0] == "cancelled"
    assert state(association, broken)[0] == "certified"
    assert f"enrollment {broken.pk} failed" in caplog.text


def test_an_inactive_association_runs_nothing(association):
    certified(association, date(2021, 1, 5))
    association.is_active = False
    association.save(update_fields=["is_active"])
    assert run_daily_for_association(association.pk, "2023-01-01") == {}
    assert daily_fanout() == {}


@pytest.mark.usefixtures("celery_worker")
def test_the_fan_out_runs_each_association_on_the_real_worker(association, other_association):
    amta, _ = certified(association, date(2021, 1, 5))
    scsa, _ = certified(other_association, date(2021, 12, 31))
    with time_machine.travel(datetime(2023, 1, 1, 12, 0, tzinfo=UTC), tick=False):
        enqueued = daily_fanout.delay().get(timeout=30)
    assert set(enqueued) == {association.slug, other_association.slug}
    import time

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if state(association, amta)[0] == state(other_association, scsa)[0] == "cancelled":
            break
        time.sleep(0.2)
    assert state(association, amta)[0] == "cancelled"
    assert state(other_association, scsa)[0] == "cancelled"
