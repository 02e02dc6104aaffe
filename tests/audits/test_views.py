"""Audits screens: timeline, plan form, scoring with running totals, rules and tools, boards."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
import time_machine
from django.urls import reverse

from audits import selectors, services
from audits.models import Audit, AuditTool, ElementScore, ProgramRules
from secor.models import Role
from secor.tenancy import activate

from ..conftest import member
from ..factories import WorkerFactory
from .factories import audit as make_audit
from .factories import certified, enrollment

pytestmark = pytest.mark.django_db
NOON_2022_02_01 = datetime(2022, 2, 1, 19, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def compliant_training(monkeypatch):
    monkeypatch.setattr(
        selectors, "training_report", lambda **kw: SimpleNamespace(compliant=True, verdicts=())
    )


@pytest.fixture
def today():
    with time_machine.travel(NOON_2022_02_01, tick=False):
        yield date(2022, 2, 1)


def url(name, association, **kwargs):
    return reverse(f"audits:{name}", kwargs={"association_slug": association.slug, **kwargs})


def page(response) -> str:
    return response.content.decode()


# --- Employer: timeline and plan -----------------------------------------------------------


def test_timeline_lists_every_deadline_and_marks_today(client, association, today):
    e, _ = certified(association, date(2021, 1, 5))
    client.force_login(member(association, Role.EMPLOYER, employer=e.employer))
    response = client.get(url("timeline", association, employer_id=e.employer_id))
    html = page(response)
    assert response.status_code == 200
    for text in (
        "2022-12-31</time></td><td>Year 2 maintenance audit due",
        "2023-12-31</time></td><td>Year 3 maintenance audit due",
        "2024-01-05</time></td><td>Certificate expires",
        'class="today"',
        "Next deadline:",
    ):
        assert text in html
    assert 'role="img"' in html and "style=" not in html  # CSP: no inline styles


def test_employer_plans_a_maintenance_audit_and_it_is_on_the_timeline(client, association, today):
    e, _ = certified(association, date(2021, 1, 5))
    client.force_login(member(association, Role.EMPLOYER, employer=e.employer))
    plan_url = url("plan", association, employer_id=e.employer_id)
    assert "Year 2 maintenance" in page(client.get(plan_url))
    pat = WorkerFactory(employer=e.employer, association=association, employment_type="consultant")
    response = client.post(
        plan_url,
        {
            "enrollment": e.pk,
            "conducted_by": "external_assessor",
            "external_assessor": pat.pk,
            "data_gathering_start": "2022-03-01",
            "data_gathering_end": "2022-03-15",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url("timeline", association, employer_id=e.employer_id)
    assert "Maintenance audit planned for 2022-03-01 to 2022-03-15." in page(response)
    assert "2022-04-05</time></td><td>Maintenance audit report due" in page(response)


def test_plan_form_says_exactly_what_blocks_it(client, association, today, monkeypatch):
    e, _ = certified(association, date(2021, 1, 5))
    worker = WorkerFactory(employer=e.employer, association=association, full_name="Sam Lee")
    reason = SimpleNamespace(code="expired", message="Sam Lee's Self-Evaluator expired 2022-01-10.")
    monkeypatch.setattr(
        selectors,
        "training_report",
        lambda **kw: SimpleNamespace(
            compliant=False, verdicts=(SimpleNamespace(met=False, reasons=(reason,)),)
        ),
    )
    client.force_login(member(association, Role.EMPLOYER, employer=e.employer))
    response = client.post(
        url("plan", association, employer_id=e.employer_id),
        {
            "enrollment": e.pk,
            "conducted_by": "trained_assessor",
            "assessor_worker": worker.pk,
            "data_gathering_start": "2022-03-01",
            "data_gathering_end": "2022-03-20",
        },
    )
    html = page(response)
    assert response.status_code == 200
    assert "This audit cannot be planned:" in html
    assert "Sam Lee&#x27;s Self-Evaluator expired 2022-01-10." in html
    assert "is 20 days; at most 15 are allowed" in html
    with activate(association):
        assert not Audit.objects.exists()


def test_timeline_numbers_each_date_and_draws_the_cycle_years(client, association, today):
    e, _ = certified(association, date(2021, 1, 5))
    client.force_login(member(association, Role.EMPLOYER, employer=e.employer))
    html = page(client.get(url("timeline", association, employer_id=e.employer_id)))
    assert "<td>3</td>" in html and "Year 2 maintenance audit due</text>" in html
    assert "Year 2 · maintenance</text>" in html and "Today, Feb 1, 2022</text>" in html
    assert html.count('role="img"') == 2  # a wide and a compact (phone) layout


def test_a_failed_maintenance_audit_leaves_its_year_to_do(client, association, today):
    e, cycle = certified(association, date(2021, 1, 5))
    make_audit(
        association,
        employer=e.employer,
        cycle=cycle,
        audit_type="maintenance",
        year=2,
        status="failed",
        data_gathering_start=date(2022, 1, 10),
        data_gathering_end=date(2022, 1, 20),
    )
    with activate(association):
        timeline = selectors.enrollment_timeline(e, today)
    year_2 = next(d for d in timeline.deadlines if d.label == "Year 2 maintenance audit due")
    assert not year_2.done
    assert timeline.next_deadline == year_2


def test_next_deadline_is_never_an_anniversary(association):
    e, _ = certified(association, date(2021, 1, 5))
    with activate(association):  # between the Dec 31 due date and the Jan 5 anniversary
        timeline = selectors.enrollment_timeline(e, date(2023, 1, 2))
    assert timeline.next_deadline.label == "Year 3 maintenance audit due"


def test_a_cancelled_secor_timeline_says_what_was_missed_and_no_next_deadline(
    client, association, today
):
    e, _ = certified(association, date(2020, 1, 5))  # Year 2 was due 2021-12-31
    e.status, e.status_changed_on = "cancelled", date(2022, 1, 1)
    e.save(update_fields=["status", "status_changed_on"])
    client.force_login(member(association, Role.EMPLOYER, employer=e.employer))
    html = page(client.get(url("timeline", association, employer_id=e.employer_id)))
    assert "cancelled on January 1, 2022." in html
    assert "Missed: Year 2 maintenance audit due (December 31, 2021)." in html
    assert "Next deadline:" not in html
    assert html.count("no longer applies</td>") == 3  # year 3 anniversary and due, expiry


def test_plan_form_refuses_an_end_before_the_start(client, association, today):
    e, _ = certified(association, date(2021, 1, 5))
    client.force_login(member(association, Role.EMPLOYER, employer=e.employer))
    response = client.post(
        url("plan", association, employer_id=e.employer_id),
        {
            "enrollment": e.pk,
            "conducted_by": "external_assessor",
            "assessor_name": "Pat",
            "data_gathering_start": "2022-03-10",
            "data_gathering_end": "2022-03-01",
        },
    )
    assert response.status_code == 200  # a form error, shown by the form itself
    assert "The end date cannot be before the start date." in page(response)


def test_employer_cannot_open_another_employers_timeline(client, association, today):
    e, _ = certified(association)
    other, _ = certified(association)
    client.force_login(member(association, Role.EMPLOYER, employer=e.employer))
    assert (
        client.get(url("timeline", association, employer_id=other.employer_id)).status_code == 404
    )


def test_audit_detail_moves_dates_under_its_own_rules(client, association, today):
    e, _ = certified(association)
    with activate(association):
        audit = services.audit_plan(
            enrollment=e,
            data_gathering_start=date(2022, 3, 1),
            data_gathering_end=date(2022, 3, 5),
            conducted_by="external_assessor",
            assessor_worker=WorkerFactory(
                employer=e.employer, association=association, employment_type="consultant"
            ),
            actor=None,
            today=today,
        )
    client.force_login(member(association, Role.EMPLOYER, employer=e.employer))
    detail = url("audit_detail", association, employer_id=e.employer_id, audit_id=audit.pk)
    response = client.post(
        detail, {"data_gathering_start": "2022-04-01", "data_gathering_end": "2022-04-30"}
    )
    assert response.status_code == 200
    assert "so it must end by 2022-04-15" in page(response)
    client.post(detail, {"data_gathering_start": "2022-04-01", "data_gathering_end": "2022-04-15"})
    audit.refresh_from_db()
    assert audit.data_gathering_end == date(2022, 4, 15)


# --- Staff ---------------------------------------------------------------------------


def test_staff_audit_list_shows_overdue_reports_first(client, association, today):
    late = make_audit(association, data_gathering_end=date(2022, 1, 5))
    make_audit(association, data_gathering_end=date(2022, 1, 25))
    client.force_login(member(association, Role.REVIEWER))
    html = page(client.get(url("list", association)))
    assert html.index(str(late.employer)) < html.index("2022-02-15")
    assert "overdue" in html


def test_staff_home_counts_due_soon_and_overdue(client, association, today):
    make_audit(association, data_gathering_end=date(2022, 1, 5))  # due 2022-01-26: overdue
    make_audit(association, data_gathering_end=date(2022, 1, 25))  # due 2022-02-15: soon
    client.force_login(member(association, Role.PROGRAM_ADMIN))
    assert "due within 30 days: 1. Overdue: 1." in page(client.get(f"/{association.slug}/"))


def test_employer_home_shows_the_next_deadline(client, association, today):
    e, _ = certified(association, date(2021, 1, 5))
    client.force_login(member(association, Role.EMPLOYER, employer=e.employer))
    html = page(client.get(f"/{association.slug}/"))
    assert "Year 2 maintenance audit due" in html
    assert "December 31, 2022" in html


def test_milestone_board_shows_derolls_candidates_and_expiring_letters(client, other_association):
    e = enrollment(other_association, registered_on=date(2021, 3, 15))
    with activate(other_association):
        services.milestones_schedule(enrollment=e, actor=None)
        services.milestone_letter_record(
            enrollment=e,
            number=1,
            issued_on=date(2021, 3, 15),
            expires_on=date(2021, 10, 1),
            actor=None,
        )
    client.force_login(member(other_association, Role.PROGRAM_ADMIN))
    with time_machine.travel(datetime(2021, 9, 20, 18, 0, tzinfo=UTC), tick=False):
        html = page(client.get(url("milestone_board", other_association)))
    assert "letter expiring" in html
    assert "SECOR courses completed (due 2021-09-15)" in html


def test_program_admins_record_a_manual_review_outcome(client, other_association):
    e = enrollment(other_association, registered_on=date(2021, 3, 15))
    with activate(other_association):
        services.milestones_schedule(enrollment=e, actor=None)
        manual = e.milestones.get(code="manual")
    client.force_login(member(other_association, Role.PROGRAM_ADMIN))
    target = url("milestone_record", other_association, milestone_id=manual.pk)
    response = client.post(target, {"outcome": "accepted", "notes": "Manual OK"})
    assert response.status_code == 200
    assert "Give the date the milestone was met." in page(response)
    client.post(target, {"outcome": "accepted", "met_on": "2021-12-01", "notes": "Manual OK"})
    manual.refresh_from_db()
    assert (manual.outcome, manual.met_on) == ("accepted", date(2021, 12, 1))


# --- Scoring ------------------------------------------------------------------------------


def test_scoring_form_refuses_points_above_the_maximum(client, association):
    audit = make_audit(association)
    client.force_login(member(association, Role.REVIEWER))
    response = client.post(url("scores", association, audit_id=audit.pk), {"element_1": "120"})
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 100" in page(response)
    with activate(association):
        assert not ElementScore.objects.exists()


def test_scoring_preview_gives_running_totals_and_the_pass_fail_preview(client, association):
    audit = make_audit(association)
    client.force_login(member(association, Role.REVIEWER))
    points = {f"element_{n}": "90" for n in range(1, 11)} | {"element_4": "40"}
    html = page(client.post(url("scores_preview", association, audit_id=audit.pk), points))
    assert "85.0 %" in html
    assert "fail" in html
    assert "Element 4 (Ongoing inspections) scored 40.0 %, below its 50.0 % minimum." in html


def test_scoring_form_saves_scores(client, association):
    audit = make_audit(association)
    client.force_login(member(association, Role.REVIEWER))
    points = {f"element_{n}": "85" for n in range(1, 11)}
    response = client.post(url("scores", association, audit_id=audit.pk), points)
    assert response.status_code == 302
    audit.refresh_from_db()
    assert str(audit.overall_percent) == "85.000"


def test_employer_users_cannot_score(client, association):
    audit = make_audit(association)
    client.force_login(member(association, Role.EMPLOYER, employer=audit.employer))
    assert client.get(url("scores", association, audit_id=audit.pk)).status_code == 403


# --- Program admin: rules and tools --------------------------------------------------------

EMPTY_ROWS = {
    "package-TOTAL_FORMS": "0",
    "package-INITIAL_FORMS": "0",
    "milestones-TOTAL_FORMS": "0",
    "milestones-INITIAL_FORMS": "0",
}


def test_admin_edits_rules_and_reviewer_cannot(client, association):
    audit = make_audit(association)
    with activate(association):
        rules = ProgramRules.objects.get(program=audit.enrollment.program)
    edit = url("rules_edit", association, rules_id=rules.pk)
    client.force_login(member(association, Role.REVIEWER))
    assert client.get(edit).status_code == 403
    client.force_login(member(association, Role.PROGRAM_ADMIN))
    form = page(client.get(edit))
    assert "Audits already started keep the rules they started under." in form
    data = {
        "validity_years": 3,
        "maintenance_deadline_kind": "calendar_year_end",
        "maintenance_dated_by": "conducted",
        "data_gathering_max_days": 12,
        "submission_within_days": 21,
        "corrections_within_days": 15,
        "min_documentation_months": 3,
        "min_documentation_window_months": 12,
        **EMPTY_ROWS,
        "reapply_wait_months": 0,
        "full_overall_min_percent": "80",
        "full_element_min_percent": "50",
        "maintenance_overall_min_percent": "60",
    }
    assert client.post(edit, data).status_code == 302
    rules.refresh_from_db()
    audit.refresh_from_db()
    assert rules.data_gathering_max_days == 12
    assert audit.rules_snapshot["data_gathering_max_days"] == 15


def test_admin_edits_a_draft_tool_refuses_duplicates_and_publishes(client, association):
    audit = make_audit(association)
    program = audit.enrollment.program
    client.force_login(member(association, Role.PROGRAM_ADMIN))
    response = client.post(url("tools_list", association), {"program": program.pk})
    with activate(association):
        draft = AuditTool.objects.get(program=program, status="draft")
    assert response.url == url("tool_detail", association, tool_id=draft.pk)
    detail = url("tool_detail", association, tool_id=draft.pk)
    rows = {
        "name": "AMTA SECOR audit tool 2026",
        "el-TOTAL_FORMS": "2",
        "el-INITIAL_FORMS": "0",
        "el-0-number": "1",
        "el-0-name": "Policy",
        "el-0-max_points": "10",
        "el-1-number": "1",
        "el-1-name": "Hazards",
        "el-1-max_points": "20",
    }
    response = client.post(detail, rows)
    assert response.status_code == 200
    assert "Element 1 appears 2 times." in page(response)
    rows["el-1-number"] = "2"
    assert client.post(detail, rows).status_code == 302
    assert client.post(detail, {"action": "confirm_publish"}).status_code == 302
    with activate(association):
        draft.refresh_from_db()
        assert (draft.status, draft.elements.count()) == ("published", 2)
        assert selectors.current_tool(program).pk == draft.pk
    audit.refresh_from_db()
    assert audit.tool.version == 1


def test_published_tool_page_is_read_only(client, association):
    audit = make_audit(association)
    client.force_login(member(association, Role.PROGRAM_ADMIN))
    response = client.post(url("tool_detail", association, tool_id=audit.tool_id), {})
    assert response.status_code == 200
    assert "is published and cannot change" in page(response)


# The session's user; the membership with its association, employer, the switcher
# and the unread count; the enrollments; the audit rules; the audits; the enrollments
# with their cycles, milestones, letters and certificates. No transaction: the page
# only reads.
TIMELINE_QUERIES = 6


def test_timeline_queries_do_not_grow_with_cycles_and_audits(
    client, association, today, django_assert_num_queries
):
    from .factories import busy_employer, seeded_with_training

    seeded_with_training(association)
    for size in (1, 6):
        employer = busy_employer(association, workers=size, cycles=size)
        client.force_login(member(association, Role.EMPLOYER, employer=employer))
        path = url("timeline", association, employer_id=employer.pk)
        client.get(path)  # the first visit stores the association in the session
        with django_assert_num_queries(TIMELINE_QUERIES):
            html = page(client.get(path))
        # The latest cycle, whatever came before it.
        assert "Certified January 5, 2021" in html and "Certificate expires" in html
