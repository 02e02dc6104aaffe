"""The program dashboard and the employer home in the browser: axe-clean, and a chart's
table link opens the filtered list it counts."""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from secor.dates import association_today
from secor.models import Role

from ..audits.factories import certified
from ..conftest import member
from ..secor.test_dashboard import submission
from .conftest import check_page, log_in, visit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def page(page):
    page.set_default_timeout(30_000)  # the dashboard runs eight aggregates on a busy machine
    return page


SHOTS = os.environ.get("DASHBOARD_SCREENSHOTS", "")


def _shots(page, name):
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    check_page(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_program_admin_opens_the_dashboard_and_follows_a_chart_to_its_list(page, association):
    now = timezone.now()
    for days in (2, 40, 70, 400):
        submission(association, status="in_review", received=now - timedelta(days=days))
    submission(association, status="awaiting_review", received=now - timedelta(days=50))
    log_in(page, member(association, Role.PROGRAM_ADMIN))

    page.get_by_role("link", name="Dashboard", exact=True).click()
    expect(page.get_by_role("heading", name="Program dashboard")).to_be_visible()
    check_page(page)
    # A program admin's menu is the longest: at a laptop's width it wraps, it never
    # pushes the page sideways.
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    _shots(page, "dashboard")
    submissions = page.locator("#section-submissions")
    # The picture: a bar per status with submissions, each a link for the mouse.
    expect(submissions.locator("svg.chart-svg a.chart-link rect.bar")).to_have_count(2)
    # The keyboard's way in: the table's link for "In review", then the filtered queue.
    submissions.get_by_role("link", name="In review").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/review/\?status=in_review$"))
    check_page(page)
    expect(page.get_by_label("Status")).to_have_value("in_review")
    expect(page.locator("table tbody tr")).to_have_count(4)


def test_employer_home_shows_deadlines_and_the_timeline_accessibly(page, association):
    today = association_today(association)
    enrollment, _cycle = certified(association, date(today.year - 1, 1, 5))
    log_in(page, member(association, Role.EMPLOYER, employer=enrollment.employer))

    visit(page, f"/{association.slug}/")
    glance = page.locator("#glance-1")
    expect(glance.get_by_text("Next deadlines:")).to_be_visible()
    expect(glance.locator("svg.cycle-timeline-wide")).to_be_visible()
    glance.get_by_text("Every date on this timeline").click()
    expect(glance.locator("table.timeline-dates")).to_be_visible()
    check_page(page)
    _shots(page, "employer-home")


def test_the_dashboard_says_how_old_its_figures_are_and_refreshes_them(page, association):
    now = timezone.now()
    submission(association, status="in_review", received=now - timedelta(days=3))
    log_in(page, member(association, Role.PROGRAM_ADMIN))
    visit(page, f"/{association.slug}/dashboard/")
    in_review = page.locator("#section-submissions tbody tr").filter(
        has=page.get_by_role("link", name="In review")
    )
    expect(in_review.locator("td").first).to_have_text("1")
    expect(page.get_by_text("Figures as of")).to_be_visible()
    # A submission arrives: the kept figures are shown until someone asks for new ones.
    submission(association, status="in_review", received=now - timedelta(days=1))
    page.reload()
    expect(in_review.locator("td").first).to_have_text("1")
    page.get_by_role("button", name="Refresh the figures").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(in_review.locator("td").first).to_have_text("2")
    check_page(page)
