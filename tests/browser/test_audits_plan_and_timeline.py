"""Audits in the browser: plan a maintenance audit, see it on the timeline, see what blocks it;
score with running totals; the program admin's rules and tool pages."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from secor.dates import association_today
from secor.models import Role

from ..audits.factories import audit as make_audit
from ..audits.factories import certified
from ..audits.training_setup import amta_trained_assessor
from ..conftest import member
from .conftest import check_page, log_in, visit

pytestmark = pytest.mark.django_db(transaction=True)


def maintenance_dates(association):
    """A certification whose year-2 window (AMTA: the calendar year) holds the next week."""
    today = association_today(association)
    late_in_year = today > date(today.year, 12, 20)
    certified_on = date(today.year if late_in_year else today.year - 1, 1, 5)
    start = max(today + timedelta(days=1), date(certified_on.year + 1, 1, 2))
    return certified_on, start, start + timedelta(days=6)


def plan_audit(page, association, employer, worker, start, end):
    visit(page, f"/{association.slug}/audits/employers/{employer.pk}/plan/")
    expect(
        page.get_by_text(re.compile("The next audit is the Year 2 maintenance audit"))
    ).to_be_visible()
    page.get_by_label("The employer's trained assessor").check()
    page.get_by_label("Trained assessor", exact=True).select_option(label=worker.full_name)
    page.get_by_label("Data gathering starts").fill(start.isoformat())
    page.get_by_label("Data gathering ends").fill(end.isoformat())
    page.get_by_role("button", name="Check and plan the audit").click()


def test_employer_plans_a_maintenance_audit_and_sees_it_on_the_timeline(page, association):
    certified_on, start, end = maintenance_dates(association)
    enrollment, _ = certified(association, certified_on)
    worker = amta_trained_assessor(
        enrollment.employer, self_evaluator_on=start - timedelta(days=365)
    )
    user = member(association, Role.EMPLOYER, employer=enrollment.employer)

    log_in(page, user)
    timeline = f"/{association.slug}/audits/employers/{enrollment.employer_id}/"
    visit(page, timeline)
    expect(page.get_by_role("img", name=re.compile("Timeline from"))).to_be_visible()
    page.get_by_role("link", name="Plan this year's audit").first.click()

    plan_audit(page, association, enrollment.employer, worker, start, end)

    page.wait_for_url(f"**{timeline}")
    expect(page.get_by_text(f"Maintenance audit planned for {start} to {end}.")).to_be_visible()
    row = page.get_by_role("row", name=re.compile(f"Maintenance .*{start}"))
    expect(row).to_contain_text("Planned")
    expect(page.get_by_role("cell", name="Maintenance audit report due")).to_be_visible()
    chart = page.locator("svg.cycle-timeline-wide")
    expect(chart.locator("rect.bar-planned")).to_have_count(1)
    expect(chart.locator("line.today-line")).to_have_count(1)
    for label in ("Year 2 maintenance audit due", "Maintenance audit report due"):
        expect(chart.locator("text.mark-title", has_text=label)).to_be_visible()
    check_page(page)


def test_on_a_phone_the_timeline_fits_the_screen_with_numbered_markers(page, association):
    certified_on, _, _ = maintenance_dates(association)
    enrollment, _ = certified(association, certified_on)
    log_in(page, member(association, Role.EMPLOYER, employer=enrollment.employer))
    page.set_viewport_size({"width": 390, "height": 844})
    visit(page, f"/{association.slug}/audits/employers/{enrollment.employer_id}/")

    chart = page.get_by_role("img", name=re.compile("Timeline from"))
    expect(chart).to_have_count(1)  # the wide layout is hidden on a phone
    expect(page.locator("svg.cycle-timeline-wide")).to_be_hidden()
    expect(chart).to_have_class(re.compile("cycle-timeline-compact"))
    box = chart.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    row = page.get_by_role("row", name=re.compile("Year 2 maintenance audit due"))
    number = row.get_by_role("cell").first.inner_text()
    expect(chart.locator("text.mark-number", has_text=re.compile(rf"^{number}$"))).to_have_count(1)
    check_page(page)


def test_employer_with_an_expired_assessor_course_sees_why_the_audit_is_blocked(page, association):
    certified_on, start, end = maintenance_dates(association)
    enrollment, _ = certified(association, certified_on)
    worker = amta_trained_assessor(
        enrollment.employer, self_evaluator_on=start - timedelta(days=4 * 365)
    )
    log_in(page, member(association, Role.EMPLOYER, employer=enrollment.employer))

    plan_audit(page, association, enrollment.employer, worker, start, end)

    blockers = page.get_by_role("alert").filter(has_text="This audit cannot be planned:")
    expect(blockers).to_contain_text(
        re.compile(f"Self-Evaluator training of Sam Lee was valid until .*not valid on {start}")
    )
    check_page(page)


def test_reviewer_scores_elements_with_running_totals(page, association):
    audit = make_audit(association)
    log_in(page, member(association, Role.REVIEWER))
    visit(page, f"/{association.slug}/audits/{audit.pk}/scores/")
    for number in range(1, 11):
        page.get_by_label(re.compile(rf"^Element {number}\. ")).fill("90")
    preview = page.locator("#score-preview")
    expect(preview).to_contain_text("90.0 %")
    expect(preview).to_contain_text("pass")
    page.get_by_label(re.compile(r"^Element 4\. ")).fill("40")
    expect(preview).to_contain_text("below its 50.0 % minimum")
    check_page(page)
    page.get_by_role("button", name="Save scores").click()
    expect(page.get_by_text("Scores saved.")).to_be_visible()
    check_page(page)


def test_program_admin_pages_for_rules_tools_and_milestones_are_accessible(page, association):
    audit = make_audit(association)
    log_in(page, member(association, Role.PROGRAM_ADMIN))
    for path in ("audits/", "audits/rules/", "audits/tools/", "audits/milestones/", ""):
        visit(page, f"/{association.slug}/{path}")
    visit(page, f"/{association.slug}/audits/tools/")
    page.get_by_role("button", name=re.compile("Start a new version")).first.click()
    expect(page.get_by_role("button", name="Save and publish…")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Save and publish…").click()
    page.get_by_role("button", name="Yes, publish version 2").click()
    expect(page.get_by_text(re.compile(r"Version 2 published"))).to_be_visible()
    visit(page, f"/{association.slug}/audits/rules/")
    page.get_by_role("link", name=re.compile("Edit")).first.click()
    check_page(page)
    visit(page, f"/{association.slug}/audits/employers/{audit.employer_id}/audits/{audit.pk}/")
