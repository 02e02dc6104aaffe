"""An employer user mutes an optional reminder and subscribes to the calendar; staff read
the reminder log and the admin edits lead times — every page checked by axe."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from secor.models import Delivery, MutedReminderKind, Reminder, Role
from secor.tenancy import activate

from ..conftest import member
from ..factories import EmployerFactory
from .conftest import check_page, log_in, visit

pytestmark = pytest.mark.django_db(transaction=True)


def test_employer_mutes_a_reminder_and_makes_a_calendar_address(page, association):
    page.set_default_navigation_timeout(30_000)  # the session's first page is slow to build
    user = member(association, Role.EMPLOYER)
    log_in(page, user)
    visit(page, f"/{association.slug}/notifications/")
    page.get_by_role("link", name="Reminder preferences").click()
    check_page(page)
    expect(page.get_by_text("cannot be turned off").first).to_be_visible()
    page.get_by_label("Training expiring").check()
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_text("Your reminder preferences are saved.")).to_be_visible()
    check_page(page)
    with activate(association):
        assert list(MutedReminderKind.objects.values_list("kind", flat=True)) == [
            "training_expiring"
        ]
    visit(page, f"/{association.slug}/notifications/employers/{user.employer.pk}/calendar/")
    page.get_by_role("button", name="Make my calendar address").click()
    check_page(page)
    expect(page.get_by_label("Your secret calendar address")).to_have_value(
        re.compile(r"/calendar/.+\.ics$")
    )


def test_staff_read_the_log_and_the_admin_edits_lead_times(page, association):
    employer = EmployerFactory(association=association)
    recipient = member(association, Role.EMPLOYER, employer=employer)
    with activate(association):
        reminder = Reminder.objects.create(
            association=association,
            kind="maintenance_due",
            object_key="b:1",
            deadline=date(2022, 12, 31),
            lead_days=30,
            send_on=date(2022, 12, 1),
            employer=employer,
            title="Year 2 maintenance audit due 2022-12-31",
            status="sent",
        )
        Delivery.objects.create(
            association=association,
            reminder=reminder,
            user=recipient,
            address=recipient.email,
            channel="email",
            status="failed",
            error="SMTPRecipientsRefused: 550 no such mailbox",
        )
        Reminder.objects.create(
            association=association,
            kind="maintenance_due",
            object_key="b:2",
            deadline=date(2023, 12, 31),
            lead_days=30,
            send_on=date(2023, 12, 1),
            employer=employer,
            title="Year 3 maintenance audit due 2023-12-31",
            status="sent",
        )
    admin = member(association, Role.PROGRAM_ADMIN)
    log_in(page, admin)
    visit(page, f"/{association.slug}/employers/{employer.pk}/")
    page.get_by_role("link", name="Reminders sent").click()
    check_page(page)
    expect(page.get_by_text("550 no such mailbox")).to_be_visible()
    expect(page.get_by_text("Year 3 maintenance audit due 2023-12-31")).to_be_visible()
    # Staff narrow the log to the reminders someone did not receive.
    page.get_by_label("Status").select_option(label="A delivery failed")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("Year 3 maintenance audit due 2023-12-31")).to_have_count(0)
    expect(page.get_by_text("Year 2 maintenance audit due 2022-12-31")).to_be_visible()
    check_page(page)
    visit(page, f"/{association.slug}/notifications/settings/")
    page.get_by_label("Maintenance audit due").fill("60, 7")
    page.get_by_role("button", name="Save lead times").click()
    expect(page.get_by_text("Reminder lead times saved.")).to_be_visible()
    check_page(page)
