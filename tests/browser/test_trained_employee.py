"""An SCSA employer names its trained employee, names them again for a second WCB
account, confirms the move on the question page, and sees the person under the new
account (docs/rules.md#scsa-one-wcb-account). Every control is worked from the
keyboard: focused, then Enter."""

import re

import pytest
from playwright.sync_api import expect

from secor.models import Role
from training import services
from training.models import TrainedEmployeeDesignation

from ..conftest import member
from ..factories import WCBAccountFactory, WorkerFactory
from ..training import conftest as training_fixtures
from .conftest import check_page, log_in, visit

pytestmark = pytest.mark.django_db(transaction=True)
scsa = training_fixtures.scsa  # SCSA with its program and seeded catalogue


@pytest.fixture
def robin(scsa):
    """An SCSA employer user, its full-time worker Robin Ames and two WCB accounts."""
    user = member(scsa, Role.EMPLOYER)
    worker = WorkerFactory(employer=user.employer, province="SK", full_name="Robin Ames")
    first = WCBAccountFactory(employer=user.employer, account_number="111")
    second = WCBAccountFactory(employer=user.employer, account_number="222")
    return user, worker, first, second


def press(locator):
    """Activate a control the way a keyboard user does."""
    locator.focus()
    expect(locator).to_be_focused()
    locator.press("Enter")


def name_trained_employee(page, worker, account):
    section = page.get_by_role("region", name="Trained employees by WCB account")
    section.get_by_label("Trained employee").select_option(label=str(worker))
    section.get_by_label("for WCB account").select_option(label=str(account))
    press(section.get_by_role("button", name="Name trained employee"))


def test_an_scsa_employer_names_its_trained_employee_and_confirms_the_move(page, scsa, robin):
    user, worker, first, second = robin
    employer = user.employer
    compliance = f"/{scsa.slug}/training/employers/{employer.pk}/compliance/"
    section = page.get_by_role("region", name="Trained employees by WCB account")

    log_in(page, user)
    visit(page, compliance)
    # The date check has a WCB account list too: each label must name its own list.
    ids = page.locator("[id]").evaluate_all("nodes => nodes.map(n => n.id)")
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    name_trained_employee(page, worker, first)

    page.wait_for_url(f"**{compliance}")
    expect(
        page.get_by_role("status").filter(has_text="Robin Ames is the trained employee")
    ).to_be_visible()
    expect(section.get_by_role("listitem")).to_have_text(re.compile(r"Robin Ames — .*111"))
    check_page(page)

    name_trained_employee(page, worker, second)

    expect(page.get_by_role("heading", name="Move the trained employee?")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text(
        "Robin Ames is already the trained employee for WCB account"
    )
    check_page(page)
    assert TrainedEmployeeDesignation.objects.for_association(scsa).get().wcb_account == first
    press(page.get_by_role("button", name=re.compile(r"^Move Robin Ames to .*222")))

    page.wait_for_url(f"**{compliance}")
    expect(section.get_by_role("listitem")).to_have_text(re.compile(r"Robin Ames — .*222"))
    expect(page.get_by_role("status").filter(has_text="trained employee for")).to_contain_text(
        "222"
    )
    check_page(page)
    assert TrainedEmployeeDesignation.objects.for_association(scsa).get().wcb_account == second


def test_cancelling_the_move_keeps_the_current_account(page, scsa, robin):
    user, worker, first, second = robin
    employer = user.employer
    services.designation_set(employer=employer, worker=worker, wcb_account=first, actor=user)
    compliance = f"/{scsa.slug}/training/employers/{employer.pk}/compliance/"

    log_in(page, user)
    visit(page, compliance)
    name_trained_employee(page, worker, second)
    expect(page.get_by_role("heading", name="Move the trained employee?")).to_be_visible()
    press(page.get_by_role("link", name="Cancel: keep the current account"))

    page.wait_for_url(f"**{compliance}")
    section = page.get_by_role("region", name="Trained employees by WCB account")
    expect(section.get_by_role("listitem")).to_have_text(re.compile(r"Robin Ames — .*111"))
    check_page(page)
