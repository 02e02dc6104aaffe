"""Employer screens: who sees what, forms that say what is wrong, the directory, queries."""

import csv
import io
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from employers import selectors, services
from employers.jobs import refresh_eligibility
from employers.models import Employer, EnrollmentStatus, HeadcountDeclaration, WCBAccount, Worker
from secor.dates import association_today
from secor.models import Invitation, Membership, Role
from secor.tenancy import activate

from ..conftest import member
from ..factories import (
    EmployerFactory,
    EnrollmentFactory,
    HeadcountDeclarationFactory,
    UserFactory,
    WCBAccountFactory,
    WorkerFactory,
)

pytestmark = pytest.mark.django_db


def url(name, employer=None, association=None, **kwargs):
    association = association or employer.association
    if employer is not None:
        kwargs["employer_id"] = employer.pk
    return reverse(f"employers:{name}", kwargs={"association_slug": association.slug, **kwargs})


# --- Ownership (healthchecks-style: Charlie has no access to Alice's stuff) ------------


def test_it_checks_ownership(client, employer, charlie):
    worker = WorkerFactory(employer=employer)
    account = WCBAccountFactory(employer=employer)
    enrollment = EnrollmentFactory(employer=employer)
    client.force_login(charlie)
    for name in ("detail", "edit", "invite", "eligibility", "wcb_add", "workers", "headcount"):
        assert client.get(url(name, employer)).status_code == 404, name
        assert client.post(url(name, employer), {}).status_code == 404, name
    for name, kw in [
        ("wcb_edit", {"account_id": account.pk}),
        ("worker_edit", {"worker_id": worker.pk}),
        ("worker_end", {"worker_id": worker.pk}),
    ]:
        assert client.get(url(name, employer, **kw)).status_code == 404, name
    staff_only = url("enrollment_confirm", employer, enrollment_id=enrollment.pk)
    assert client.post(staff_only, {}).status_code == 403


def test_another_employers_worker_is_404_even_under_my_own_employer(client, alice, employer):
    theirs = WorkerFactory(employer=EmployerFactory(association=employer.association))
    client.force_login(alice)
    response = client.post(
        url("worker_end", employer, worker_id=theirs.pk), {"end_date": "2025-01-01"}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.end_date is None


def test_staff_of_another_association_get_404(client, employer, scsa):
    client.force_login(member(scsa, "program_admin"))
    assert client.get(url("detail", employer)).status_code == 404
    # Their own slug with our employer's id: 404 too.
    assert client.get(url("detail", association=scsa, employer_id=employer.pk)).status_code == 404


def test_employer_users_cannot_open_the_directory_import_or_rules(client, alice, amta):
    client.force_login(alice)
    for name in ("directory", "directory_export", "import", "rules"):
        assert client.get(url(name, association=amta)).status_code == 403, name


def test_reviewers_cannot_edit_rules_or_import(client, reviewer_user, amta):
    client.force_login(reviewer_user)
    assert client.get(url("rules", association=amta)).status_code == 403
    assert client.get(url("import", association=amta)).status_code == 403
    assert client.get(url("directory", association=amta)).status_code == 200


# --- Employer portal ------------------------------------------------------------------


def test_employer_home_shows_company_eligibility_and_checklist(client, alice, employer):
    client.force_login(alice)
    page = client.get(f"/{employer.association.slug}/").content.decode()
    assert "Alice Hauling Ltd." in page
    assert "SECOR eligibility" in page
    assert "What is next" in page
    assert "List everyone who worked for you in the past 12 months" in page


def test_employer_user_adds_a_wcb_account(client, alice, employer):
    client.force_login(alice)
    response = client.post(
        url("wcb_add", employer),
        {"board": "WCB-Alberta", "account_number": "8 8 8", "industry_code": "", "is_active": "on"},
    )
    assert response.status_code == 302
    with activate(employer.association):
        assert employer.wcb_accounts.get().account_number == "888"


def test_a_duplicate_wcb_account_number_shows_on_the_field(client, alice, employer):
    WCBAccountFactory(
        employer=EmployerFactory(association=employer.association), account_number="9"
    )
    client.force_login(alice)
    response = client.post(
        url("wcb_add", employer), {"board": "WCB-Alberta", "account_number": "9", "is_active": "on"}
    )
    assert response.status_code == 200
    assert "already registered" in response.context["form"].errors["account_number"][0]
    assert "Please correct the problem below" in response.content.decode()


def worker_data(**given):
    return {
        "full_name": "Sam Driver",
        "role": "manager",
        "employment_status": "full_time_permanent",
        "province": "AB",
        "start_date": "2024-02-01",
        "end_date": "",
        "email": "",
        **given,
    }


def registration(association, name, account_number):
    """A company that registered itself: its employer and its waiting enrollment."""
    employer = services.employer_register(
        user=UserFactory(), association=association, legal_name=name, account_number=account_number
    )
    with activate(association):
        return employer, employer.enrollments.get()


def test_roster_add_edit_and_end_employment(client, alice, employer):
    client.force_login(alice)
    data = worker_data()
    assert client.post(url("worker_add", employer), data).status_code == 302
    with activate(employer.association):
        worker = employer.workers.get()
    data["employment_status"] = "part_time"
    assert client.post(url("worker_edit", employer, worker_id=worker.pk), data).status_code == 302
    response = client.post(
        url("worker_end", employer, worker_id=worker.pk), {"end_date": "2024-12-20"}
    )
    assert response.status_code == 302
    worker.refresh_from_db()
    assert (worker.role, worker.employment_status, worker.end_date) == (
        "manager",
        "part_time",
        date(2024, 12, 20),
    )
    roster = client.get(url("workers", employer)).content.decode()
    assert "Former workers" in roster and "Sam Driver" in roster
    # People words for both facts, never the codes.
    assert "<td>Manager</td><td>Part-time</td>" in roster
    assert "part_time" not in roster and "full_time_permanent" not in roster


def test_a_saved_form_says_so_and_returns_to_the_list_it_came_from(client, alice, employer):
    client.force_login(alice)
    data = worker_data(full_name="  Sam Driver ")
    response = client.post(url("worker_add", employer), data, follow=True)
    assert response.redirect_chain == [(url("workers", employer), 302)]
    assert [str(m) for m in response.context["messages"]] == ["Sam Driver added to your roster."]
    form_page = client.get(url("worker_add", employer)).content.decode()
    assert f'href="{url("workers", employer)}"' in form_page  # Cancel goes back there too


def test_a_service_refusal_without_a_field_shows_above_the_form(client, staff, amta):
    employer, enrollment = registration(amta, "Twice Co", "32")
    path = url("enrollment_confirm", employer, enrollment_id=enrollment.pk)
    client.force_login(staff)
    assert client.post(path, {}).status_code == 302
    response = client.post(path, {})  # a second tab, a double click
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "This registration is already in progress."
    ]
    assert "This registration is already in progress." in response.content.decode()


def test_a_new_wcb_account_does_not_ask_whether_it_is_active(client, alice, employer):
    client.force_login(alice)
    form = client.get(url("wcb_add", employer)).context["form"]
    assert list(form.fields) == ["board", "account_number", "industry_code", "once_token"]
    assert form["board"].value() == employer.association.wcb_board
    account = WCBAccountFactory(employer=employer, account_number="77")
    edit_form = client.get(url("wcb_edit", employer, account_id=account.pk)).context["form"]
    assert "is_active" in edit_form.fields
    assert edit_form["account_number"].value() == "77"


def test_end_date_before_start_date_is_a_clear_form_error(client, alice, employer):
    client.force_login(alice)
    response = client.post(
        url("worker_add", employer),
        {
            "full_name": "Backwards",
            "role": "other",
            "employment_status": "casual",
            "start_date": "2025-05-01",
            "end_date": "2025-04-01",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["end_date"] == [
        "The last day worked cannot be before the first day."
    ]
    with activate(employer.association):
        assert not Worker.objects.exists()


def headcount_data(**counts):
    data = {"period_start": "2025-01-01", "period_end": "2025-01-31"}
    data.update({k: str(v) for k, v in counts.items()})
    return data


def test_declaring_headcount_updates_the_verdict(client, alice, employer):
    client.force_login(alice)
    today = association_today(employer.association)
    data = headcount_data(owner=1, full_time_permanent=11)
    data.update(period_start=str(today), period_end=str(today))
    assert client.post(url("headcount", employer), data).status_code == 302
    page = client.get(url("eligibility", employer)).content.decode()
    assert "Not eligible for SECOR: 12 people worked for you at one time" in page
    assert "Apply for COR instead." in page
    assert "<svg" in page


def test_negative_counts_are_refused_with_a_message(client, alice, employer):
    client.force_login(alice)
    response = client.post(url("headcount", employer), headcount_data(owner=1, casual=-1))
    assert response.status_code == 200
    assert response.context["form"].errors["casual"] == ["A count cannot be negative."]
    with activate(employer.association):
        assert not HeadcountDeclaration.objects.exists()


def test_edit_company_profile_is_recorded_in_the_audit_trail(client, alice, staff, employer):
    client.force_login(alice)
    data = {
        "legal_name": "Alice Hauling Ltd.",
        "operating_name": "Alice Trucks",
        "province": "AB",
        "expected_workers": "",
    }
    assert client.post(url("edit", employer), data).status_code == 302
    client.force_login(staff)
    page = client.get(url("detail", employer)).content.decode()
    assert "Audit trail" in page
    assert "operating name" in page and "Alice Trucks" in page
    assert alice.full_name in page


def test_the_audit_trail_shows_times_as_people_read_them(client, staff, amta):
    employer, enrollment = registration(amta, "Clock Co", "33")
    services.enrollment_confirm(enrollment=enrollment, actor=staff)
    enrollment.refresh_from_db()
    client.force_login(staff)
    page = client.get(url("detail", employer)).content.decode()
    local = enrollment.confirmed_at.astimezone(ZoneInfo(amta.time_zone))
    assert f"<strong>confirmed at</strong>: — → {local:%Y-%m-%d %H:%M}</li>" in page
    assert "+00:00" not in page


def test_employer_users_do_not_see_the_audit_trail(client, alice, employer):
    client.force_login(alice)
    assert "Audit trail" not in client.get(url("detail", employer)).content.decode()


def test_invite_a_colleague_from_the_employer_page(client, alice, employer, mailoutbox):
    client.force_login(alice)
    response = client.post(url("invite", employer), {"email": "bob@example.com"})
    assert response.status_code == 302
    with scopes_disabled():
        invitation = Invitation.objects.get(email="bob@example.com")
    assert (invitation.role, invitation.employer_id) == (Role.EMPLOYER, employer.pk)


def test_the_company_page_shows_only_the_address_parts_on_file(client, alice, employer):
    employer.city = "Red Deer"
    employer.save()
    client.force_login(alice)
    page = client.get(url("detail", employer)).content.decode()
    assert "Red Deer, AB" in page and "—, Red Deer" not in page
    employer.address, employer.postal_code = "12 Main St", "T4N 1A1"
    assert employer.postal_address == "12 Main St, Red Deer, AB T4N 1A1"
    employer.address = employer.city = employer.province = employer.postal_code = ""
    assert employer.postal_address == ""


def test_the_eligibility_page_explains_its_chart(client, alice, employer):
    WorkerFactory(employer=employer, start_date=date(2020, 1, 1))
    client.force_login(alice)
    page = client.get(url("eligibility", employer)).content.decode()
    assert "limit 10</text>" in page  # the dashed line says which number it is
    assert (
        "Eligible for SECOR: at most 1 person at one time in the period checked; the limit is 10."
        in page
    )
    assert "See how this was worked out" not in page  # this page is the explanation
    assert "See how this was worked out" in client.get(url("detail", employer)).content.decode()


# --- Staff ------------------------------------------------------------------------------


def test_program_admins_confirm_a_registration_from_the_queue(client, staff, amta):
    employer, enrollment = registration(amta, "Queue Co", "31")
    client.force_login(staff)
    home = client.get(f"/{amta.slug}/").content.decode()
    assert "1 registration is waiting to be confirmed." in home
    listing = client.get(url("directory", association=amta) + "?status=registered")
    assert [e.legal_name for e in listing.context["table"].data] == ["Queue Co"]
    response = client.post(url("enrollment_confirm", employer, enrollment_id=enrollment.pk), {})
    assert response.status_code == 302, response.context["form"].errors
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.IN_PROGRESS


def test_program_admin_edits_the_size_rule(client, staff, amta):
    client.force_login(staff)
    page = client.get(url("rules", association=amta))
    assert page.status_code == 200
    # Each box beside its own label (Bootstrap's form-check), not floating over the form.
    # 5 roles + 7 employment statuses.
    assert page.content.decode().count('<div class="form-check">') == 12
    # BC construction's kind of rule: up to 19 full-time equivalents.
    data = {
        "limit": "19",
        "count_unit": "fte",
        "full_time_hours": "40",
        "counted_roles": ["owner", "manager", "other"],
        "counted_statuses": ["part_time", "full_time_permanent"],
        "window_months": "12",
        "province": "",
        "over_limit_program": "COR",
    }
    assert client.post(url("rules", association=amta), data).status_code == 302
    rule = selectors.secor_rule(amta)
    assert (rule.limit, rule.count_unit, rule.counted_roles, rule.counted_statuses) == (
        19,
        "fte",
        ["owner", "manager", "other"],
        ["full_time_permanent", "part_time"],
    )


# --- Directory --------------------------------------------------------------------------


@pytest.fixture
def listed(amta):
    """Three employers in different states."""
    today = association_today(amta)
    small = EmployerFactory(association=amta, legal_name="Small Roofing")
    WCBAccountFactory(employer=small, account_number="1111")
    EnrollmentFactory(employer=small, status="certified")
    WorkerFactory(employer=small)
    big = EmployerFactory(association=amta, legal_name="Big Paving")
    WCBAccountFactory(employer=big, account_number="2222")
    EnrollmentFactory(employer=big, status="in_progress")
    HeadcountDeclarationFactory(
        employer=big, period_start=today, period_end=today, full_time_permanent=15
    )
    empty = EmployerFactory(association=amta, legal_name="Empty Co")
    # Factories skip the services: the nightly job works the verdicts out, as it would.
    refresh_eligibility(amta.pk)
    return small, big, empty


def streamed(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def names(response):
    return [row.record.legal_name for row in response.context["table"].page.object_list]


def test_directory_search_by_name_and_wcb_number(client, staff, amta, listed):
    client.force_login(staff)
    base = url("directory", association=amta)
    assert names(client.get(base + "?q=roof")) == ["Small Roofing"]
    assert names(client.get(base + "?q=22 22")) == ["Big Paving"]


def test_directory_filters_by_eligibility_program_and_status(client, staff, amta, listed):
    client.force_login(staff)
    base = url("directory", association=amta)
    assert names(client.get(base + "?eligibility=not_eligible")) == ["Big Paving"]
    assert names(client.get(base + "?eligibility=eligible")) == ["Small Roofing"]
    assert names(client.get(base + "?eligibility=no_data")) == ["Empty Co"]
    assert names(client.get(base + "?program=secor&status=certified")) == ["Small Roofing"]
    assert names(client.get(base + "?program=cor&status=certified")) == []


def test_directory_sorts_and_paginates(client, staff, amta, listed):
    client.force_login(staff)
    base = url("directory", association=amta)
    assert names(client.get(base)) == ["Big Paving", "Empty Co", "Small Roofing"]
    assert names(client.get(base + "?sort=-legal_name")) == [
        "Small Roofing",
        "Empty Co",
        "Big Paving",
    ]
    for i in range(30):
        EmployerFactory(association=amta, legal_name=f"Zed {i:02}")
    page2 = client.get(base + "?page=2")
    assert len(names(page2)) == 8
    assert names(page2)[-1] == "Zed 29"


def test_csv_export_has_what_the_filtered_list_shows(client, staff, amta, listed):
    client.force_login(staff)
    response = client.get(url("directory_export", association=amta) + "?eligibility=eligible")
    assert response["Content-Type"].startswith("text/csv")
    assert response.streaming
    rows = list(csv.reader(io.StringIO(streamed(response))))
    assert rows[0][:4] == ["Employer", "WCB accounts", "Program and status", "SECOR eligibility"]
    assert rows[1][:4] == ["Small Roofing", "WCB-Alberta 1111", "SECOR: Certified", "Eligible"]
    assert len(rows) == 2


def test_csv_export_neutralises_spreadsheet_formulas(client, staff, amta):
    EmployerFactory(association=amta, legal_name="=HYPERLINK(1)")
    client.force_login(staff)
    response = client.get(url("directory_export", association=amta))
    assert "'=HYPERLINK(1)" in streamed(response)


# --- Query counts -----------------------------------------------------------------------


def make_employers(association, count):
    for _ in range(count):
        employer = EmployerFactory(association=association)
        WCBAccountFactory(employer=employer)
        EnrollmentFactory(employer=employer)
        WorkerFactory(employer=employer)
        HeadcountDeclarationFactory(employer=employer)


def queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


# The membership, the switcher and the unread count are one query (secor.selectors).
DIRECTORY_QUERIES = 10
EXPORT_QUERIES = 8
# The checklist includes the training and audit items (hooks.checklist_items);
# +1 since the page lists the employer's pending invitations to staff.
EMPLOYER_PAGE_QUERIES = 22


def test_directory_queries_do_not_grow_with_employers(
    client, staff, amta, django_assert_num_queries
):
    client.force_login(staff)
    path = url("directory", association=amta) + "?sort=-eligibility_status"
    make_employers(amta, 5)
    client.get(path)  # the first visit stores the association in the session
    with django_assert_num_queries(DIRECTORY_QUERIES):
        client.get(path)
    make_employers(amta, 195)
    client.get(path)
    with django_assert_num_queries(DIRECTORY_QUERIES):
        client.get(path)
    export = url("directory_export", association=amta)
    client.get(export)
    with django_assert_num_queries(EXPORT_QUERIES):
        assert len(streamed(client.get(export)).splitlines()) == 201


def test_stale_verdicts_are_redone_by_the_daily_job_in_a_fixed_number_of_queries(amta):
    def job_queries():
        with activate(amta):
            Employer.objects.update(eligibility_assessed_on=None)
        with CaptureQueriesContext(connection) as captured:
            assert refresh_eligibility(amta.pk)["refreshed"] > 0
        return len(captured)

    make_employers(amta, 5)
    five = job_queries()
    make_employers(amta, 195)
    assert job_queries() == five


def test_daily_fan_out_runs_the_eligibility_refresh(amta):
    from secor import hooks

    assert refresh_eligibility in list(hooks.daily_jobs)


def test_directory_get_writes_nothing_and_shows_a_stale_verdict_with_its_date(
    client, staff, amta, listed
):
    client.force_login(staff)
    path = url("directory", association=amta)
    client.get(path)  # the first visit stores the association in the session
    with activate(amta):
        Employer.objects.update(eligibility_assessed_on=date(2020, 1, 31))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    writes = [
        q["sql"] for q in captured if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
    ]
    assert writes == []
    assert "as of 2020-01-31" in response.content.decode()
    with activate(amta):
        assert not Employer.objects.exclude(eligibility_assessed_on=date(2020, 1, 31)).exists()


def test_employer_page_queries_do_not_grow_with_rows(
    client, staff, employer, django_assert_num_queries
):
    client.force_login(staff)
    path = url("detail", employer)

    def add(count):
        for _ in range(count):
            services.worker_add(
                employer=employer,
                actor=staff,
                # Distinct people: the same name and start date is refused as a duplicate.
                full_name=f"W{WorkerFactory._meta.model.objects.for_association(employer.association).count()}",
                employment_status="casual",
                start_date=date(2024, 1, 1),
            )
            WCBAccountFactory(employer=employer)
            HeadcountDeclarationFactory(employer=employer)

    add(5)
    client.get(path)  # the first visit stores the association in the session
    with django_assert_num_queries(EMPLOYER_PAGE_QUERIES):
        client.get(path)
    add(195)
    with django_assert_num_queries(EMPLOYER_PAGE_QUERIES):
        response = client.get(path)
    assert len(response.context["history"]) == 200  # capped, newest first


def test_registration_page_lists_associations_and_registers(client, amta, scsa):
    user = UserFactory()
    client.force_login(user)
    home = client.get("/").content.decode()
    assert "Register your company" in home
    page = client.get(reverse("employer_registration:start"))
    assert {a.slug for a in page.context["form"].fields["association"].queryset} == {
        "amta",
        "scsa",
    }
    response = client.post(
        reverse("employer_registration:start"),
        {
            "association": scsa.pk,
            "program": "secor",
            "legal_name": "Prairie Fencing Ltd.",
            "province": "SK",
            "account_number": "5550001",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        membership = Membership.objects.get(user=user)
        assert membership.employer.legal_name == "Prairie Fencing Ltd."
        assert WCBAccount.objects.get(employer=membership.employer).board == "Saskatchewan WCB"
    assert response.url == membership.employer.get_absolute_url()


def test_registering_a_taken_wcb_account_says_so_on_the_field(client, amta):
    WCBAccountFactory(employer=EmployerFactory(association=amta), account_number="5550002")
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("employer_registration:start"),
        {
            "association": amta.pk,
            "program": "secor",
            "legal_name": "Late Co",
            "account_number": "555 0002",
        },
    )
    assert response.status_code == 200
    assert "already registered with AMTA" in response.context["form"].errors["account_number"][0]
    with scopes_disabled():
        assert not Membership.objects.filter(user=user).exists()
        assert not Employer.objects.filter(legal_name="Late Co").exists()


def test_registration_needs_a_signed_in_user(client):
    response = client.get(reverse("employer_registration:start"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_general_contractors_headline_agrees_with_its_explanation(client, scsa):
    """SCSA: 4 people on the roster, 12 expected as general contractor. The headline
    names the 12 that make it ineligible, as the explanation below it does."""
    contractor = EmployerFactory(
        association=scsa, province="SK", is_general_contractor=True, expected_workers=12
    )
    for n in range(4):
        WorkerFactory(employer=contractor, full_name=f"Crew {n}", province="SK")
    client.force_login(member(scsa, "employer", employer=contractor))

    page = client.get(url("eligibility", contractor)).content.decode()

    assert (
        "Not eligible for SECOR: as a general contractor you expect to engage 12 workers,"
        " subcontractors included; the limit is 9." in page
    )
    assert "At most 4 people" not in page and "at most 4 people" not in page


# The session's user; the membership with its association, employer, the switcher
# and the unread count; the size rule, the workers with the WCB accounts, the
# declarations, the enrollments; the training records, requirements and catalogue;
# the audit rules, the audits, the enrollments with their cycles, milestones,
# letters and certificates. Every panel shares one compliance report and one set
# of timelines. No transaction: the page only reads.
EMPLOYER_HOME_QUERIES = 12


def test_employer_home_queries_do_not_grow_with_the_employer(
    client, amta, django_assert_num_queries, time_machine
):
    from ..audits.factories import busy_employer, seeded_with_training

    time_machine.move_to("2022-02-01 12:00 -07:00")  # in the current cycle (2021-01-05)
    seeded_with_training(amta)
    for workers, cycles in ((1, 1), (30, 8)):
        employer = busy_employer(amta, workers=workers, cycles=cycles)
        for _ in range(cycles):
            HeadcountDeclarationFactory(employer=employer)
        client.force_login(member(amta, Role.EMPLOYER, employer=employer))
        path = reverse("association_home", kwargs={"association_slug": amta.slug})
        client.get(path)  # the first visit stores the association in the session
        with django_assert_num_queries(EMPLOYER_HOME_QUERIES):
            html = client.get(path).content.decode()
        # Every panel is there: the checklist, training, next deadlines and the timeline.
        assert "Keep the required training valid" in html
        assert 'id="home-training-h"' in html
        assert "Next deadlines:" in html and 'role="img"' in html
        assert f'<dd class="col-sm-7">{workers + 1}</dd>' in html  # working now
