"""Planning refuses what would void the audit, in the browser.

docs/rules.md#reading-planning-checks.

An ACSA employer whose membership expired plans with an external assessor: refused for
the membership with a link to renew; renewed, the same plan goes through. An SCSA
registrant cannot plan its own baseline audit. axe runs on every page visited.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from employers import services as employer_services
from secor.dates import association_today
from secor.models import Role
from training import services as training_services

from ..audits.factories import enrollment, seeded
from ..conftest import member
from ..factories import AssociationFactory, WCBAccountFactory, WorkerFactory
from ..training.helpers import verified
from .conftest import check_page, log_in, visit

pytestmark = pytest.mark.django_db(transaction=True)


def fill_plan(page, *, start, end, doc_from, doc_to, assessor=None, external=None):
    if external:
        page.get_by_label("An external assessor").check()
        page.get_by_label("External assessor", exact=True).select_option(label=external)
    else:
        page.get_by_label("The employer's trained assessor").check()
        page.get_by_label("Trained assessor", exact=True).select_option(label=assessor)
    page.get_by_label("Data gathering starts").fill(start.isoformat())
    page.get_by_label("Data gathering ends").fill(end.isoformat())
    page.get_by_label("Health and safety documentation from").fill(doc_from.isoformat())
    page.get_by_label("Health and safety documentation to").fill(doc_to.isoformat())
    page.get_by_role("button", name="Check and plan the audit").click()


def test_acsa_expired_membership_refused_then_renewed_and_planned(page):
    acsa = AssociationFactory(
        name="Alberta Construction Safety Association", short_name="ACSA", slug="acsa"
    )
    seeded(acsa, "acsa")
    employer_services.rules_ensure(association=acsa)
    training_services.catalogue_seed(association=acsa, seed_key="ACSA")
    today = association_today(acsa)
    e = enrollment(acsa, status="in_progress")
    e.membership_number = "ACSA-1001"
    e.membership_expires_on = today - timedelta(days=20)
    e.save()
    WCBAccountFactory(employer=e.employer, association=acsa)
    owner = WorkerFactory(
        employer=e.employer, association=acsa, full_name="Owen Owner", employment_type="owner"
    )
    for code in ("PHSM", "CSTS"):
        verified(owner, code, today - timedelta(days=400), hours=8)
    pat = WorkerFactory(
        employer=e.employer,
        association=acsa,
        full_name="Pat External",
        employment_type="consultant",
    )
    verified(pat, "PHSM", today - timedelta(days=900))
    start, end = today + timedelta(days=10), today + timedelta(days=15)
    dates = {
        "start": start,
        "end": end,
        "doc_from": today - timedelta(days=200),
        "doc_to": today - timedelta(days=1),
    }

    log_in(page, member(acsa, Role.EMPLOYER, employer=e.employer))
    plan_path = f"/acsa/audits/employers/{e.employer_id}/plan/"
    visit(page, plan_path)
    fill_plan(page, external="Pat External", **dates)
    alert = page.locator("#plan-blockers")
    expect(alert).to_contain_text("This audit cannot be planned:")
    expect(alert).to_contain_text(re.compile(r"Your ACSA membership expired on \d{4}-\d\d-\d\d"))
    check_page(page)

    alert.get_by_role("link", name="Renew the membership").click()
    page.wait_for_url(f"**/acsa/employers/{e.employer_id}/membership/")
    check_page(page)
    page.get_by_label("Association membership number").fill("ACSA-1001")
    page.get_by_label("The renewed membership expires on").fill(
        (today + timedelta(days=365)).isoformat()
    )
    page.get_by_role("button", name="Record the renewed membership").click()
    expect(page.get_by_text("Membership renewed.")).to_be_visible()
    check_page(page)

    visit(page, plan_path)
    fill_plan(page, external="Pat External", **dates)
    page.wait_for_url(f"**/acsa/audits/employers/{e.employer_id}/")
    expect(page.get_by_text(f"Certification audit planned for {start} to {end}.")).to_be_visible()
    check_page(page)


def test_scsa_registrant_cannot_plan_its_own_baseline_audit(page, other_association):
    e = enrollment(other_association, status="in_progress")
    employer_services.rules_ensure(association=other_association)
    today = association_today(other_association)
    robin = WorkerFactory(
        employer=e.employer, association=other_association, full_name="Robin Lead", province="SK"
    )
    log_in(page, member(other_association, Role.EMPLOYER, employer=e.employer))
    visit(page, f"/scsa/audits/employers/{e.employer_id}/plan/")
    fill_plan(
        page,
        assessor=robin.full_name,
        start=today + timedelta(days=30),
        end=today + timedelta(days=31),
        doc_from=today - timedelta(days=250),
        doc_to=today - timedelta(days=1),
    )
    alert = page.locator("#plan-blockers")
    expect(alert).to_contain_text("conducted by an SCSA program auditor")
    expect(alert).to_contain_text("Ask SCSA to book it.")
    check_page(page)
