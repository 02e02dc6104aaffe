"""A new association's setup in the browser: program rules and the audit-tool editor."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from audits.models import AuditTool, ProgramRules
from secor.models import Program, Role
from secor.tenancy import activate

from ..audits.factories import seeded
from ..conftest import member
from .conftest import check_page, log_in, visit

pytestmark = pytest.mark.django_db(transaction=True)


def test_tool_editor_adds_an_element_and_publishes_after_confirmation(page, association):
    seeded(association)
    log_in(page, member(association, Role.PROGRAM_ADMIN))
    visit(page, f"/{association.slug}/audits/tools/")
    page.get_by_role("button", name=re.compile("Start a new version")).first.click()
    rows = page.locator("#el-rows tbody tr")
    before = rows.count()
    page.get_by_role("button", name="Add element").click()
    expect(rows).to_have_count(before + 1)
    check_page(page)
    page.get_by_label(f"Number, row {before + 1}").fill("99")
    page.get_by_label(f"Name, row {before + 1}").fill("Emergency preparedness")
    page.get_by_label(f"Maximum points, row {before + 1}").fill("25")

    page.get_by_role("button", name="Save and publish…").click()
    confirm = page.locator("#confirm-publish")
    expect(confirm).to_contain_text("cannot be undone")
    expect(page.get_by_role("cell", name="Emergency preparedness")).to_be_visible()
    check_page(page)
    with activate(association):
        draft = AuditTool.objects.get(status="draft")
        assert draft.elements.filter(number=99).exists()  # the typed row was saved first

    page.get_by_role("button", name=re.compile(r"Yes, publish version \d+")).click()
    expect(page.get_by_text(re.compile(r"Version \d+ published"))).to_be_visible()
    check_page(page)
    with activate(association):
        draft.refresh_from_db()
    assert draft.status == "published"


def test_tool_editor_publish_with_a_bad_row_shows_errors_on_the_field(page, association):
    seeded(association)
    log_in(page, member(association, Role.PROGRAM_ADMIN))
    visit(page, f"/{association.slug}/audits/tools/")
    page.get_by_role("button", name=re.compile("Start a new version")).first.click()
    rows = page.locator("#el-rows tbody tr")
    n = rows.count()
    page.get_by_role("button", name="Add element").click()
    page.get_by_label(f"Number, row {n + 1}").fill("98")
    page.get_by_role("button", name="Save and publish…").click()
    name = page.get_by_label(f"Name, row {n + 1}")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#error-summary")).to_contain_text(f"Name, row {n + 1}")
    expect(page.locator("#confirm-publish")).to_have_count(0)
    check_page(page)


def test_rules_form_shows_fields_by_kind_and_ties_errors_to_them(page, association):
    with activate(association):
        program = Program.objects.create(association=association, kind="secor")
    log_in(page, member(association, Role.PROGRAM_ADMIN))
    visit(page, f"/{association.slug}/audits/rules/")
    page.get_by_role("link", name=re.compile("Set up rules")).click()
    expect(page.get_by_text("default values, not saved yet")).to_be_visible()
    check_page(page)
    month = page.get_by_label("Maintenance fixed month")
    expect(month).to_be_hidden()

    kind = page.get_by_label("Maintenance audit due")
    kind.select_option("fixed_month_day")
    expect(month).to_be_visible()
    kind.select_option("on_or_before_anniversary")
    expect(month).to_be_hidden()
    kind.select_option("fixed_month_day")

    page.get_by_role("button", name="Save rules").click()
    expect(month).to_have_attribute("aria-invalid", "true")
    expect(month).to_have_attribute(
        "aria-describedby", re.compile("id_maintenance_fixed_month_error")
    )
    expect(page.locator("#id_maintenance_fixed_month_error")).to_have_text(
        "Choose the month of the fixed deadline."
    )
    expect(page.locator("#error-summary")).to_be_visible()
    check_page(page)

    month.select_option(label="November")
    page.get_by_label("Maintenance fixed day").fill("30")
    page.get_by_role("button", name="Add a document").click()
    page.get_by_label("Document, row 1").fill("Safe Work Practices")
    page.get_by_label("How many, row 1").fill("2")
    check_page(page)
    page.get_by_role("button", name="Save rules").click()
    expect(page.get_by_text(re.compile("Rules saved"))).to_be_visible()
    with activate(association):
        rules = ProgramRules.objects.get(program=program)
    assert (rules.maintenance_fixed_month, rules.maintenance_fixed_day) == (11, 30)
    assert rules.maintenance_package == [["Safe Work Practices", 2]]
