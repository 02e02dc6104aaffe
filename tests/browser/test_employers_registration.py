"""A new employer registers, fills in the basics, sees the verdict; staff confirm it."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from employers.models import Enrollment
from employers.services import rules_ensure
from secor.dates import association_today
from secor.models import Program, ProgramKind, Role

from ..conftest import member
from .conftest import check_page, log_in, visit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def amta(association):
    with scopes_disabled():
        for kind in ProgramKind.values:
            Program.objects.create(association=association, kind=kind)
        # What creating the association does: its seeded SECOR size rule.
        rules_ensure(association=association)
    return association


def fill_date(page, label, value):
    page.get_by_label(label, exact=True).fill(value)


def add_worker(page, name, role, status, start):
    page.get_by_role("link", name="Add a worker").click()
    check_page(page)
    page.get_by_label("Full name").fill(name)
    # Two facts, two fields: a full-time manager has a correct choice.
    page.get_by_label("Role").select_option(label=role)
    page.get_by_label("Employment status").select_option(label=status)
    fill_date(page, "First day worked *", start)
    page.get_by_role("button", name="Add to roster").click()
    expect(page.get_by_text(f"{name} added to your roster.")).to_be_visible()
    check_page(page)


def test_new_employer_registers_and_staff_confirm(page, amta):
    # Sign up with allauth and confirm the address from the email.
    visit(page, "/accounts/signup/")
    page.get_by_label("Email").fill("owner@prairie-roofing.example")
    page.get_by_label("Password", exact=False).first.fill("a-long-pass-phrase-2026")
    page.get_by_label("Password (again)").fill("a-long-pass-phrase-2026")
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/"))
    check_page(page)
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    visit(page, urlsplit(link).path)
    page.get_by_role("button", name="Confirm").click()

    # Not linked to any association yet: register the company.
    expect(page.get_by_text("not linked to any association yet")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Register your company").click()
    expect(page.get_by_role("heading", name="Register your company")).to_be_visible()
    check_page(page)
    page.get_by_label("Safety association").select_option(label=str(amta))
    page.get_by_label("Legal company name").fill("Prairie Roofing Ltd.")
    page.get_by_label("City or town").fill("Red Deer")
    page.get_by_label("Province or territory").select_option("AB")
    page.get_by_label("WCB account number").fill("4455667")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="Prairie Roofing Ltd.")).to_be_visible()
    expect(page.get_by_text("is registered with AMTA")).to_be_visible()
    check_page(page)

    # A second WCB account.
    page.get_by_role("link", name="Add a WCB account").click()
    check_page(page)
    page.get_by_label("Account number").fill("4455668")
    page.get_by_role("button", name="Add account").click()
    expect(page.get_by_role("cell", name="4455668", exact=True)).to_be_visible()
    check_page(page)

    # Two workers on the roster.
    page.get_by_role("link", name="Roster").first.click()
    check_page(page)
    add_worker(page, "Robin Owner", "Owner", "Full-time permanent", "2019-04-01")
    add_worker(page, "Sam Roofer", "Manager", "Full-time permanent", "2024-03-01")
    roster = page.locator("main").inner_text()
    assert "Manager" in roster and "full_time_permanent" not in roster

    # A seasonal crew the roster does not name: 9 people, so 2 + 9 = 11, over AMTA's 10.
    page.get_by_role("link", name="Headcount").first.click()
    check_page(page)
    today = str(association_today(amta))  # the association's date, not the browser's
    fill_date(page, "Period from *", today)
    fill_date(page, "Period to *", today)
    page.get_by_label("Temporary", exact=True).fill("9")
    page.get_by_role("button", name="Declare").click()
    expect(page.get_by_text("Headcount declared.")).to_be_visible()
    check_page(page)

    # The verdict, with its reasons and what to do: named plus declared.
    page.get_by_role("link", name="Eligibility").first.click()
    expect(
        page.get_by_text("Not eligible for SECOR: 11 people worked for you at one time")
    ).to_be_visible()
    expect(page.get_by_text("Apply for COR instead.").first).to_be_visible()
    check_page(page)

    # A program admin confirms the registration from the queue (only admins may:
    # secor.permissions).
    visit(page, "/accounts/logout/")
    page.get_by_role("button", name="Sign Out").click()
    staff = member(amta, Role.PROGRAM_ADMIN)
    log_in(page, staff)
    expect(page.get_by_text("1 registration is waiting to be confirmed.")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Registrations to confirm").click()
    check_page(page)
    page.get_by_role("link", name="Prairie Roofing Ltd.").click()
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Confirm registration").click()
    check_page(page)
    page.get_by_role("button", name="Confirm registration").click()
    expect(page.get_by_text("Registration of Prairie Roofing Ltd. confirmed.")).to_be_visible()
    expect(page.get_by_role("cell", name="In progress", exact=True)).to_be_visible()
    check_page(page)
    with scopes_disabled():
        assert Enrollment.objects.get().status == "in_progress"


def test_staff_and_employer_pages_pass_accessibility_checks(page, amta):
    from ..factories import EmployerFactory, WCBAccountFactory, WorkerFactory

    employer = EmployerFactory(association=amta, legal_name="Checked Co")
    WCBAccountFactory(employer=employer)
    WorkerFactory(employer=employer)
    admin = member(amta, Role.PROGRAM_ADMIN)
    log_in(page, admin)
    for path in (
        "",
        "employers/",
        "employers/?eligibility=eligible",
        "employers/import/",
        "employers/rules/",
        f"employers/{employer.pk}/",
        f"employers/{employer.pk}/eligibility/",
    ):
        visit(page, f"/{amta.slug}/{path}")
    visit(page, "/accounts/logout/")
    page.get_by_role("button", name="Sign Out").click()
    log_in(page, member(amta, Role.EMPLOYER, employer=employer))
    expect(page.get_by_role("heading", name="What is next")).to_be_visible()
    check_page(page)
    for path in ("workers/", "headcount/", "edit/", "workers/add/", "workers/import/"):
        visit(page, f"/{amta.slug}/employers/{employer.pk}/{path}")
