"""The course and requirement forms: every checkbox can be clicked with the mouse."""

from playwright.sync_api import expect

from secor.models import Program, Role
from training import services

from ..conftest import member
from .conftest import check_page, log_in, visit


def _catalogue(association):
    Program.objects.create(association=association, kind="secor")
    services.catalogue_seed(association=association, seed_key="AMTA")


def _click_every_box(page):
    boxes = page.locator("form input[type=checkbox]")
    assert boxes.count() > 3
    for i in range(boxes.count()):
        box = boxes.nth(i)
        was = box.is_checked()
        # A real mouse click at the box's centre: Playwright refuses when another
        # element (a label, a wrapper) sits on top of it.
        box.click(timeout=3_000)
        assert box.is_checked() != was, box.get_attribute("id")


def test_course_form_checkboxes_each_click_with_the_mouse(page, association):
    _catalogue(association)
    log_in(page, member(association, Role.PROGRAM_ADMIN))
    visit(page, f"/{association.slug}/training/courses/add/")
    expect(page.get_by_role("heading", name="Add a course")).to_be_visible()
    _click_every_box(page)
    check_page(page)


def test_requirement_form_checkboxes_each_click_with_the_mouse(page, association):
    _catalogue(association)
    log_in(page, member(association, Role.PROGRAM_ADMIN))
    visit(page, f"/{association.slug}/training/courses/requirements/add/")
    _click_every_box(page)
    # The box next to the province field is not covered by its label.
    page.get_by_label("Full-time permanent").click()
    check_page(page)
