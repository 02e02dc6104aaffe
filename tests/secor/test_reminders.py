"""Reminders: each kind on its date and not before, exactly once, late after downtime."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django_scopes import scopes_disabled

from audits.models import Milestone, MilestoneLetter
from employers.models import Enrollment
from secor import notifications
from secor.dates import association_today
from secor.models import (
    Delivery,
    MutedReminderKind,
    Notification,
    Reminder,
    ReminderSetting,
    ReminderSweep,
    Role,
)
from secor.tenancy import activate
from training.models import RequirementCourse, TrainingRequirement

from ..audits.factories import audit, certified, enrollment
from ..conftest import member
from ..factories import EmployerFactory, WorkerFactory
from ..training.factories import CourseFactory, TrainingRecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_day(django_capture_on_commit_callbacks):
    """Sweep one local day of an association at 07:00 there, the send tasks run on commit."""

    def run(association, day, **kwargs):
        morning = datetime(day.year, day.month, day.day, 7, tzinfo=ZoneInfo(association.time_zone))
        with (
            time_machine.travel(morning, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return notifications.sweep(association, day, window_start=day, **kwargs)

    return run


@pytest.fixture
def fan_out_at(django_capture_on_commit_callbacks):
    """The hourly beat task at an instant, send tasks run (eager) on commit."""

    def run(instant, times=1):
        with (
            time_machine.travel(instant, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return [notifications.fan_out() for _ in range(times)][-1]

    return run


def set_leads(association, code, lead_days):
    notifications.reminder_settings_ensure(association)
    with activate(association):
        ReminderSetting.objects.filter(kind=code).update(lead_days=lead_days)


def kinds_sent(association, day=None):
    with activate(association):
        rows = Reminder.objects.all()
        if day:
            rows = rows.filter(send_on=day)
        return sorted(rows.values_list("kind", flat=True))


def _employer_with_user(association):
    employer = EmployerFactory(association=association)
    user = member(association, Role.EMPLOYER, employer=employer)
    return employer, user


# --- Each kind: (builder → the day it must be sent) ---------------------------------


def _maintenance(association):
    # AMTA: certified 2021-01-05, year 2 maintenance due 2022-12-31; 90 days before.
    certified(association, date(2021, 1, 5))
    return "maintenance_due", date(2022, 10, 2)


def _maintenance_final(association):
    certified(association, date(2021, 1, 5))
    return "maintenance_due", date(2022, 12, 31)


def _certificate(association):
    certified(association, date(2021, 1, 5))  # expires 2024-01-05
    return "certificate_expiring", date(2023, 10, 7)


def _anniversary(association):
    certified(association, date(2021, 1, 5))  # year-2 anniversary 2022-01-05
    return "anniversary_approaching", date(2021, 10, 7)


def _submission(association):
    # AMTA: "no longer than 21 days after Audit Assessment End Date"; 7 days before.
    audit(association, data_gathering_start=date(2021, 2, 20), data_gathering_end=date(2021, 3, 1))
    return "submission_due", date(2021, 3, 15)


def _milestone(association):
    e = enrollment(association)
    with activate(association):
        Milestone.objects.create(
            association=association,
            employer=e.employer,
            enrollment=e,
            code="manual",
            label="Manual submitted",
            opens_on=date(2021, 1, 1),
            due_on=date(2021, 6, 1),
        )
    return "milestone_due", date(2021, 5, 2)


def _letter(association):
    e = enrollment(association)
    with activate(association):
        MilestoneLetter.objects.create(
            association=association,
            employer=e.employer,
            enrollment=e,
            number=1,
            issued_on=date(2021, 1, 1),
            expires_on=date(2021, 9, 1),
        )
    return "milestone_letter_expiring", date(2021, 7, 3)


def _reapply(association):
    e = enrollment(association)
    with activate(association):
        Enrollment.objects.filter(pk=e.pk).update(
            status="derolled", status_changed_on=date(2021, 6, 1), reapply_on=date(2021, 12, 1)
        )
    return "reapply_date_reached", date(2021, 12, 1)


def _training(association):
    course = CourseFactory(association=association, validity_months=36)
    TrainingRecordFactory(
        association=association, course=course, completed_on=date(2021, 1, 5), verified=True
    )  # valid until 2024-01-05
    return "training_expiring", date(2023, 10, 7)


def _proficiency(association):
    course = CourseFactory(
        association=association, proficiency_name="LSE proficiency", proficiency_months=8
    )
    TrainingRecordFactory(association=association, course=course, completed_on=date(2025, 1, 10))
    # "accepted within 8 months of training": by 2025-09-10; 14 days before.
    return "proficiency_due", date(2025, 8, 27)


def _auditor_status(association):
    course = CourseFactory(association=association, validity_months=36, maintenance_required=True)
    TrainingRecordFactory(
        association=association, course=course, completed_on=date(2021, 1, 5), verified=True
    )
    # Expires 2024-01-05; maintenance "no later than four months prior": 2023-09-05; 30 days.
    return "auditor_maintenance_due", date(2023, 8, 6)


def _continuing_education(association):
    e = enrollment(association)
    course = CourseFactory(association=association)
    with activate(association):
        requirement = TrainingRequirement.objects.create(
            association=association,
            program=e.program,
            code="ce",
            label="Continuing education",
            kind="continuing_education",
            every_months=36,
        )
        RequirementCourse.objects.create(
            association=association, requirement=requirement, course=course
        )
    TrainingRecordFactory(
        association=association,
        employer=e.employer,
        course=course,
        completed_on=date(2021, 1, 5),
        verified=True,
    )
    return "continuing_education_due", date(2023, 10, 7)  # due 2024-01-05, 90 days


def _trained_left(association):
    e = enrollment(association)
    course = CourseFactory(association=association)
    with activate(association):
        requirement = TrainingRequirement.objects.create(
            association=association,
            program=e.program,
            code="sat",
            label="Trained employee",
            kind="at_least_one",
        )
        RequirementCourse.objects.create(
            association=association, requirement=requirement, course=course
        )
    worker = WorkerFactory(association=association, employer=e.employer, end_date=date(2022, 4, 30))
    TrainingRecordFactory(
        association=association,
        employer=e.employer,
        worker=worker,
        course=course,
        completed_on=date(2021, 1, 5),
        verified=True,
    )
    return "trained_employee_left", date(2022, 4, 30)


KIND_BUILDERS = [
    _maintenance,
    _maintenance_final,
    _certificate,
    _anniversary,
    _submission,
    _milestone,
    _letter,
    _reapply,
    _training,
    _proficiency,
    _auditor_status,
    _continuing_education,
    _trained_left,
]


@pytest.mark.parametrize("builder", KIND_BUILDERS, ids=lambda b: b.__name__.strip("_"))
def test_each_kind_is_sent_on_its_date_and_not_before(run_day, association, builder):
    code, day = builder(association)
    run_day(association, day - timedelta(days=1))
    assert code not in kinds_sent(association), "sent a day early"
    run_day(association, day)
    assert code in kinds_sent(association, day)
    run_day(association, day)  # again: nothing new
    assert kinds_sent(association, day).count(code) == 1


def test_a_maintenance_reminder_reaches_the_employer_users_by_email_and_in_app(
    run_day, association, mailoutbox
):
    e, _ = certified(association, date(2021, 1, 5))
    user = member(association, Role.EMPLOYER, employer=e.employer)
    member(association, Role.EMPLOYER)  # another employer's user: not told
    run_day(association, date(2022, 10, 2))
    with scopes_disabled():
        reminder = Reminder.objects.get(kind="maintenance_due")
        assert reminder.status == "sent" and not reminder.late
        notification = Notification.objects.get(user=user)
        assert "maintenance" in notification.title.lower()
        deliveries = {(d.channel, d.status) for d in Delivery.objects.filter(user=user)}
    assert deliveries == {("email", "sent"), ("in_app", "sent")}
    assert [m.to for m in mailoutbox] == [[user.email]]
    message = mailoutbox[0]
    assert "2022-12-31" in message.subject
    html = message.alternatives[0][0]
    assert association.name in html and association.contact_email in html
    assert "cannot be turned off" in message.body  # a mandatory kind


def test_scsa_anniversary_notice_lists_the_maintenance_package(
    run_day, other_association, mailoutbox
):
    e, _ = certified(other_association, date(2021, 1, 5), seed="scsa")
    user = member(other_association, Role.EMPLOYER, employer=e.employer)
    run_day(other_association, date(2021, 10, 7))
    anniversary = [m for m in mailoutbox if "Anniversary" in m.subject]
    assert [m.to for m in anniversary] == [[user.email]]
    assert "Safe Work Practices (2)" in anniversary[0].body


def test_lead_days_are_association_data(run_day, association):
    certified(association, date(2021, 1, 5))
    set_leads(association, "maintenance_due", [45])
    run_day(association, date(2022, 10, 2))  # the default 90 days: no longer
    assert "maintenance_due" not in kinds_sent(association)
    run_day(association, date(2022, 11, 16))
    assert "maintenance_due" in kinds_sent(association)


def test_muted_optional_kinds_are_not_sent_and_mandatory_ones_are(run_day, association, mailoutbox):
    e, _ = certified(association, date(2021, 1, 5))
    user = member(association, Role.EMPLOYER, employer=e.employer)
    with activate(association):
        for code in ("anniversary_approaching", "maintenance_due"):
            MutedReminderKind.objects.create(association=association, user=user, kind=code)
    set_leads(association, "anniversary_approaching", [90])
    set_leads(association, "maintenance_due", [450])
    # Both fall on 2021-10-07: the anniversary (optional) is muted, maintenance is not.
    run_day(association, date(2021, 10, 7))
    assert sorted(kinds_sent(association)) == ["anniversary_approaching", "maintenance_due"]
    assert len(mailoutbox) == 1 and "maintenance" in mailoutbox[0].subject.lower()
    with scopes_disabled():
        muted = Delivery.objects.filter(reminder__kind="anniversary_approaching")
        assert {d.status for d in muted} == {"muted"}
        assert Notification.objects.filter(user=user).count() == 1


def test_three_days_of_downtime_send_each_missed_reminder_once_marked_late(
    association, mailoutbox, fan_out_at
):
    e, _ = certified(association, date(2021, 1, 5))
    member(association, Role.EMPLOYER, employer=e.employer)
    set_leads(association, "maintenance_due", [90, 89, 88, 87])
    edmonton = ZoneInfo("America/Edmonton")
    # The sweep ran on 2022-10-01; the service was down the 2nd, 3rd and 4th.
    fan_out_at(datetime(2022, 10, 1, 7, tzinfo=edmonton))
    assert kinds_sent(association) == []
    fan_out_at(datetime(2022, 10, 5, 7, tzinfo=edmonton), times=2)  # 2nd tick: nothing more
    with activate(association):
        rows = {r.send_on: r.late for r in Reminder.objects.filter(kind="maintenance_due")}
    assert rows == {
        date(2022, 10, 2): True,
        date(2022, 10, 3): True,
        date(2022, 10, 4): True,
        date(2022, 10, 5): False,
    }
    assert len(mailoutbox) == 4
    assert sum("sent late" in m.body for m in mailoutbox) == 3


@pytest.mark.parametrize(
    "tz_fixture,utc_before,utc_at",
    [
        # Regina stays at UTC-6 all year: 06:00 local is 12:00 UTC.
        ("other_association", datetime(2026, 3, 8, 11, 55), datetime(2026, 3, 8, 12, 5)),
        # Edmonton springs forward on 2026-03-08 (UTC-6 from 02:00): 06:00 is 12:00 UTC.
        ("association", datetime(2026, 3, 8, 11, 55), datetime(2026, 3, 8, 12, 5)),
        # …and falls back on 2026-11-01 (UTC-7): 06:00 is 13:00 UTC.
        ("association", datetime(2026, 11, 1, 12, 55), datetime(2026, 11, 1, 13, 5)),
        # Regina on the same day: still 12:00 UTC.
        ("other_association", datetime(2026, 11, 1, 11, 55), datetime(2026, 11, 1, 12, 5)),
    ],
)
def test_the_sweep_runs_at_the_local_hour_on_daylight_saving_days(
    request, mailoutbox, fan_out_at, tz_fixture, utc_before, utc_at
):
    association = request.getfixturevalue(tz_fixture)
    local_day = utc_at.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(association.time_zone))
    day = local_day.date()
    # A certificate expiring 30 days after the switch day: its 30-day reminder is due that day.
    seed = "scsa" if association.slug == "scsa" else "amta"
    certification = date(day.year - 3, day.month, day.day) + timedelta(days=30)
    e, _ = certified(association, certification, seed=seed)
    member(association, Role.EMPLOYER, employer=e.employer)
    utc = ZoneInfo("UTC")
    fan_out_at(utc_before.replace(tzinfo=utc) - timedelta(days=1))  # the day before: nothing due
    assert fan_out_at(utc_before.replace(tzinfo=utc))[association.slug] == "not yet"
    assert "certificate_expiring" not in kinds_sent(association)
    assert fan_out_at(utc_at.replace(tzinfo=utc))[association.slug] == "sweep queued"
    with activate(association):
        sent = Reminder.objects.get(kind="certificate_expiring")
        assert ReminderSweep.objects.filter(local_date=day, status="done").exists()
    assert sent.send_on == day and sent.deadline == day + timedelta(days=30)
    assert len(mailoutbox) == 1


def test_staff_digest_lists_de_roll_candidates_for_admins(run_day, association, mailoutbox):
    admin = member(association, Role.PROGRAM_ADMIN)
    _milestone(association)
    run_day(association, date(2021, 6, 3))
    digests = [m for m in mailoutbox if "digest" in m.subject]
    assert [m.to for m in digests] == [[admin.email]]
    assert "Manual submitted" in digests[0].body


def test_the_command_sends_once_and_says_so_the_second_time(
    association, mailoutbox, capsys, django_capture_on_commit_callbacks
):
    e, _ = certified(association, date(2021, 1, 5))
    member(association, Role.EMPLOYER, employer=e.employer)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--association", association.slug, "--date", "2022-10-02")
    first = capsys.readouterr().out
    assert "1 reminder(s) recorded" in first and "maintenance_due" in first
    assert len(mailoutbox) == 1
    call_command("send_reminders", "--association", association.slug, "--date", "2022-10-02")
    second = capsys.readouterr().out
    assert "Nothing new to send" in second and "already sent" in second
    assert len(mailoutbox) == 1


def test_the_command_dry_run_lists_and_sends_nothing(association, mailoutbox, capsys):
    certified(association, date(2021, 1, 5))
    call_command(
        "send_reminders", "--association", association.slug, "--date", "2022-10-02", "--dry-run"
    )
    out = capsys.readouterr().out
    assert "would send" in out and "Nothing was sent" in out
    assert mailoutbox == [] and kinds_sent(association) == []


def test_the_command_refuses_an_unknown_association_or_date(association):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No association"):
        call_command("send_reminders", "--association", "nope")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--association", association.slug, "--date", "2022-13-01")


def test_the_sweep_query_count_does_not_grow_with_employers(association):
    """Every source has rows to send, for one employer each and for four: the same queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # One window over every builder's send date: each source returns rows.
    start, end = date(2021, 1, 1), date(2025, 9, 1)

    def sweep():
        with CaptureQueriesContext(connection) as ctx:
            result = notifications.sweep(association, end, window_start=start, enqueue=False)
        with activate(association):
            Reminder.objects.all().delete()
            ReminderSweep.objects.all().delete()
        return len(ctx.captured_queries), result.due

    notifications.reminder_settings_ensure(association)
    codes = {builder(association)[0] for builder in KIND_BUILDERS}
    few, few_due = sweep()
    # (The two that set up the program's one training requirement run once.)
    repeatable = [b for b in KIND_BUILDERS if b not in (_continuing_education, _trained_left)]
    for _ in range(3):
        for builder in repeatable:
            builder(association)
    many, many_due = sweep()
    assert codes <= {d.kind for d in few_due}
    assert len(many_due) > 3 * len([d for d in few_due if d.kind in codes])
    assert many == few


def test_other_apps_in_app_notices_are_emailed_once_by_the_fan_out(
    association, mailoutbox, fan_out_at
):
    user = member(association, Role.EMPLOYER)
    with activate(association):
        Notification.objects.create(
            association=association,
            user=user,
            key="audits:transition:cancel:1:2023-01-01",
            title="Your SECOR has been cancelled",
            body="The year 2 maintenance audit was not received by 2022-12-31.",
        )
    edmonton = ZoneInfo("America/Edmonton")
    now = datetime.now(edmonton)
    fan_out_at(now, times=2)
    assert [m.to for m in mailoutbox] == [[user.email]]
    assert "cancelled" in mailoutbox[0].subject
    assert "2022-12-31" in mailoutbox[0].body
    with activate(association):
        assert Notification.objects.get().emailed_at is not None


def test_a_reminders_in_app_notice_is_not_emailed_twice(
    run_day, association, mailoutbox, fan_out_at
):
    e, _ = certified(association, date(2021, 1, 5))
    member(association, Role.EMPLOYER, employer=e.employer)
    run_day(association, date(2022, 10, 2))
    assert len(mailoutbox) == 1
    fan_out_at(datetime(2022, 10, 2, 9, tzinfo=ZoneInfo("America/Edmonton")))
    assert len(mailoutbox) == 1


def test_corrections_due_reaches_the_employer_and_the_assigned_reviewer_muted_or_not(
    run_day, association, mailoutbox
):
    from ..submissions.url_kwargs import _submission

    employer = EmployerFactory(association=association)
    user = member(association, Role.EMPLOYER, employer=employer)
    reviewer = member(association, Role.REVIEWER)
    member(association, Role.REVIEWER)  # not assigned: not told
    today = association_today(association)
    _submission(
        association, employer, assigned_to=reviewer, corrections_due_on=today + timedelta(days=7)
    )
    with activate(association):
        MutedReminderKind.objects.create(association=association, user=user, kind="corrections_due")
    run_day(association, today - timedelta(days=1))
    assert "corrections_due" not in kinds_sent(association)
    run_day(association, today)
    corrections = [m for m in mailoutbox if "Corrections" in m.subject]
    assert sorted(m.to[0] for m in corrections) == sorted([user.email, reviewer.email])


def test_the_staff_digest_is_one_email_with_every_apps_lists(run_day, association, mailoutbox):
    from django.utils import timezone

    from submissions.models import Submission

    from ..submissions.url_kwargs import _submission

    admin = member(association, Role.PROGRAM_ADMIN)
    _milestone(association)  # due 2021-06-01, still pending: a de-roll candidate
    today = association_today(association)
    waiting = _submission(
        association, EmployerFactory(association=association), status="awaiting_review"
    )
    with activate(association):
        Submission.objects.filter(pk=waiting.pk).update(
            status_changed_at=timezone.now() - timedelta(days=20)
        )
    run_day(association, today)
    digests = [m for m in mailoutbox if "digest" in m.subject]
    assert [m.to for m in digests] == [[admin.email]]
    assert "Manual submitted" in digests[0].body
    assert "waiting more than 14 days" in digests[0].body
