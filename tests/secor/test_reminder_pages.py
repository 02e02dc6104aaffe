"""Reminder pages: preferences, lead times, the staff log, the calendar feed."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django_scopes import scopes_disabled
from icalendar import Calendar

from audits.models import Milestone
from secor import notifications
from secor.dates import association_today
from secor.models import CalendarFeed, Delivery, MutedReminderKind, Reminder, ReminderSetting, Role
from secor.tables import PER_PAGE
from secor.tenancy import activate

from ..audits.factories import audit, certified
from ..conftest import free_port, member
from ..factories import EmployerFactory
from ..training.factories import CourseFactory, TrainingRecordFactory

pytestmark = pytest.mark.django_db


def _url(name, association, **kwargs):
    return reverse(name, kwargs={"association_slug": association.slug, **kwargs})


def test_the_notifications_page_links_to_the_preferences(client, association):
    user = member(association, Role.EMPLOYER)
    client.force_login(user)
    page = client.get(_url("notifications", association)).content.decode()
    assert _url("reminder_preferences", association) in page


def test_a_member_mutes_an_optional_kind_but_cannot_mute_a_mandatory_one(client, association):
    user = member(association, Role.EMPLOYER)
    client.force_login(user)
    url = _url("reminder_preferences", association)
    page = client.get(url).content.decode()
    assert 'value="training_expiring"' in page
    assert 'value="maintenance_due"' not in page  # not offered…
    assert "cannot be turned off" in page  # …and the page says why
    assert 'value="staff_digest"' not in page  # staff only
    response = client.post(url, {"muted": ["training_expiring"]})
    assert response.status_code == 302
    with activate(association):
        assert list(MutedReminderKind.objects.values_list("kind", flat=True)) == [
            "training_expiring"
        ]
    response = client.post(url, {"muted": ["maintenance_due"]})
    assert response.status_code == 200
    assert "is not one of the available choices" in response.content.decode()
    with activate(association):
        assert MutedReminderKind.objects.count() == 1


def test_the_program_admin_edits_lead_days(client, association):
    admin = member(association, Role.PROGRAM_ADMIN)
    client.force_login(admin)
    url = _url("reminder_settings", association)
    page = client.get(url).content.decode()
    assert "Maintenance audit due" in page and "90, 30, 7, 0" in page
    data = {}
    for code, k in notifications.KINDS.items():
        data[f"{code}-lead_days"] = ", ".join(str(d) for d in k.default_leads)
    data["maintenance_due-lead_days"] = "60, 7"
    assert client.post(url, data).status_code == 302
    with activate(association):
        assert ReminderSetting.objects.get(kind="maintenance_due").lead_days == [60, 7]
    data["maintenance_due-lead_days"] = "sixty"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "whole numbers of days" in response.content.decode()


def test_employer_users_cannot_edit_lead_days(client, association):
    client.force_login(member(association, Role.EMPLOYER))
    assert client.get(_url("reminder_settings", association)).status_code == 403


def _sent_reminder(
    association,
    employer,
    user,
    *,
    key="test:1",
    kind="maintenance_due",
    title="Year 2 maintenance audit due 2022-12-31",
):
    with activate(association):
        reminder = Reminder.objects.create(
            association=association,
            kind=kind,
            object_key=key,
            deadline=date(2022, 12, 31),
            lead_days=30,
            send_on=date(2022, 12, 1),
            employer=employer,
            title=title,
            audience=["employer_users"],
        )
        delivery = Delivery.objects.create(
            association=association,
            reminder=reminder,
            user=user,
            address=user.email,
            channel="email",
        )
    return reminder, delivery


def test_a_failed_smtp_send_is_retried_and_its_error_shown_to_staff(client, association, settings):
    # A closed port: the SMTP connection is refused.
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    employer = EmployerFactory(association=association)
    user = member(association, Role.EMPLOYER, employer=employer)
    _, delivery = _sent_reminder(association, employer, user)
    with pytest.raises(OSError):
        notifications.send_delivery(delivery.pk)
    with scopes_disabled():
        delivery.refresh_from_db()
    assert delivery.status == "retrying" and "Connection" in delivery.error
    with pytest.raises(OSError):
        notifications.send_delivery(delivery.pk, final_attempt=True)
    with scopes_disabled():
        delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == 2

    staff = member(association, Role.REVIEWER)
    client.force_login(staff)
    page = client.get(_url("reminder_log", association, employer_id=employer.pk)).content.decode()
    assert user.email in page and "Failed" in page and "Connection" in page


def test_the_staff_log_is_paginated_and_costs_a_fixed_number_of_queries(
    client, association, django_assert_max_num_queries
):
    employer = EmployerFactory(association=association)
    user = member(association, Role.EMPLOYER, employer=employer)
    for i in range(30):
        with activate(association):
            r = Reminder.objects.create(
                association=association,
                kind="training_expiring",
                object_key=f"r:{i}",
                deadline=date(2023, 1, 1),
                lead_days=i,
                send_on=date(2022, 12, 1),
                employer=employer,
                title=f"Reminder {i}",
            )
            Delivery.objects.create(
                association=association, reminder=r, user=user, address=user.email, channel="email"
            )
    staff = member(association, Role.PROGRAM_ADMIN)
    client.force_login(staff)
    url = _url("reminder_log", association, employer_id=employer.pk)
    client.get(url)
    with django_assert_max_num_queries(14):
        table = client.get(url).context["table"]
    assert table.paginator.count == 30 and len(table.page.object_list) == PER_PAGE
    assert [row.record.title for row in table.page.object_list][:2] == [
        "Reminder 29",
        "Reminder 28",
    ]
    assert len(client.get(url + "?page=2").context["table"].page.object_list) == 30 - PER_PAGE
    client.force_login(user)
    assert client.get(url).status_code == 403  # employer users: staff page
    assert (
        client.get(_url("reminder_log_export", association, employer_id=employer.pk)).status_code
        == 403
    )


def test_the_staff_log_filters_and_exports_every_filtered_row(
    client, association, django_assert_max_num_queries
):
    employer = EmployerFactory(association=association)
    user = member(association, Role.EMPLOYER, employer=employer)
    for i in range(PER_PAGE + 3):
        _sent_reminder(
            association, employer, user, key=f"r:{i}", kind="training_expiring", title=f"T{i}"
        )
    failed, delivery = _sent_reminder(association, employer, user, key="m:1")
    with activate(association):
        Delivery.objects.filter(pk=delivery.pk).update(status="failed", error="Connection refused")
    client.force_login(member(association, Role.REVIEWER))
    url = _url("reminder_log", association, employer_id=employer.pk)
    export = _url("reminder_log_export", association, employer_id=employer.pk)

    page = client.get(url, {"status": "failed"})
    assert [row.record.pk for row in page.context["table"].page.object_list] == [failed.pk]
    assert f"{export}?status=failed" in page.content.decode()

    client.get(export)
    with django_assert_max_num_queries(10):
        response = client.get(export)
        rows = list(
            csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
        )
    assert response["Content-Type"].startswith("text/csv")
    assert rows[0] == ["Reminder", "Due to send", "Sent", "To"]
    assert len(rows) == 1 + PER_PAGE + 4  # every row, not one page
    [row] = [r for r in rows if r[0].startswith("Year 2 maintenance")]
    assert row[0] == "Year 2 maintenance audit due 2022-12-31 (30 days before 2022-12-31)"
    assert row[3] == f"{user.email} (Email, Failed: Connection refused)"

    kind_only = client.get(export, {"kind": "training_expiring"})
    assert len(list(csv.reader(io.StringIO(b"".join(kind_only.streaming_content).decode())))) == (
        1 + PER_PAGE + 3
    )


def test_the_employer_page_links_staff_to_the_reminder_log(client, association):
    employer = EmployerFactory(association=association)
    client.force_login(member(association, Role.PROGRAM_ADMIN))
    page = client.get(
        _url("employers:detail", association, employer_id=employer.pk)
    ).content.decode()
    assert _url("reminder_log", association, employer_id=employer.pk) in page


# --- The calendar feed ------------------------------------------------------------------


def _feed_url(client, association, employer):
    client.post(_url("reminder_calendar", association, employer_id=employer.pk))
    with activate(association):
        token = CalendarFeed.objects.get(employer=employer).token
    return reverse("calendar_feed", kwargs={"token": token})


def _events(content: bytes) -> dict[str, tuple]:
    cal = Calendar.from_ical(content)
    out = {}
    for event in cal.walk("VEVENT"):
        out[str(event["summary"])] = (
            event["dtstart"].dt,
            event["dtend"].dt,
            str(event.get("url", "")),
        )
    return out


def test_the_feed_holds_the_schedule_as_all_day_events(client, association):
    e, cycle = certified(association, date(2021, 1, 5))
    employer = e.employer
    audit(
        association,
        employer=employer,
        audit_type="maintenance",
        year=2,
        cycle=cycle,
        data_gathering_start=date(2022, 11, 1),
        data_gathering_end=date(2022, 11, 10),
    )
    with activate(association):
        Milestone.objects.create(
            association=association,
            employer=employer,
            enrollment=e,
            code="manual",
            label="Manual submitted",
            opens_on=date(2021, 1, 1),
            due_on=date(2021, 6, 1),
        )
    course = CourseFactory(association=association, code="SAT", validity_months=36)
    TrainingRecordFactory(
        association=association,
        employer=employer,
        course=course,
        completed_on=date(2021, 3, 1),
        verified=True,
    )
    user = member(association, Role.EMPLOYER, employer=employer)
    client.force_login(user)
    url = _feed_url(client, association, employer)
    page = client.get(_url("reminder_calendar", association, employer_id=employer.pk))
    assert url in page.content.decode()
    client.logout()  # calendar apps do not sign in
    with time_machine.travel(datetime(2022, 10, 1, 12, tzinfo=ZoneInfo("America/Edmonton"))):
        response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = _events(response.content)
    timeline = _url("audits:timeline", association, employer_id=employer.pk)
    assert events["Year 2 maintenance audit due"][:2] == (date(2022, 12, 31), date(2023, 1, 1))
    assert events["Year 2 maintenance audit due"][2].endswith(timeline)
    assert events["Certificate expires"][:2] == (date(2024, 1, 5), date(2024, 1, 6))
    gathering = events["Maintenance audit: data gathering"]
    assert gathering[:2] == (date(2022, 11, 1), date(2022, 11, 11))  # end exclusive
    assert events["Maintenance audit report due"][0] == date(2022, 12, 1)  # 21 days after
    assert events["Manual submitted"][0] == date(2021, 6, 1)
    training = [v for k, v in events.items() if "SAT expires" in k]
    assert training and training[0][0] == date(2024, 3, 1)
    # All-day: DATE values, not date-times, so no time zone can move them.
    assert all(type(v[0]) is date for v in events.values())


def test_rotating_the_feed_makes_the_old_address_404(client, association):
    employer = EmployerFactory(association=association)
    client.force_login(member(association, Role.EMPLOYER, employer=employer))
    old = _feed_url(client, association, employer)
    assert client.get(old).status_code == 200
    new = _feed_url(client, association, employer)
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_another_employers_calendar_page_is_404(client, association):
    mine = EmployerFactory(association=association)
    theirs = EmployerFactory(association=association)
    client.force_login(member(association, Role.EMPLOYER, employer=mine))
    url = _url("reminder_calendar", association, employer_id=theirs.pk)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    with activate(association):
        assert not CalendarFeed.objects.exists()


def test_the_feed_holds_corrections_due(client, association):
    from datetime import timedelta

    from ..submissions.url_kwargs import _submission

    employer = EmployerFactory(association=association)
    due = association_today(association) + timedelta(days=10)
    submission = _submission(association, employer, corrections_due_on=due)
    client.force_login(member(association, Role.EMPLOYER, employer=employer))
    url = _feed_url(client, association, employer)
    events = _events(client.get(url).content)
    start, _end, link = events["Corrections due: Audit evaluation"]
    assert start == due
    assert link.endswith(
        reverse(
            "submissions:detail",
            kwargs={"association_slug": association.slug, "submission_id": submission.pk},
        )
    )


def test_the_reminder_pages_cost_a_fixed_number_of_queries(
    client, association, django_assert_max_num_queries
):
    admin = member(association, Role.PROGRAM_ADMIN)
    client.force_login(admin)
    for name in ("reminder_preferences", "reminder_settings"):
        url = _url(name, association)
        client.get(url)
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200


def test_the_feed_costs_a_bounded_number_of_queries(
    client, association, django_assert_max_num_queries
):
    e, _ = certified(association, date(2021, 1, 5))
    client.force_login(member(association, Role.EMPLOYER, employer=e.employer))
    url = _feed_url(client, association, e.employer)
    client.logout()
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200
