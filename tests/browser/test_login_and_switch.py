"""A staff member signs in with TOTP, lands on their association and switches to another."""

import re

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from secor.models import Membership, Role

from ..conftest import member
from ..factories import PASSWORD
from .conftest import check_page, log_in, visit

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_signs_in_with_mfa_lands_home_and_switches_association(
    page, association, other_association
):
    user = member(association, Role.PROGRAM_ADMIN)
    with scopes_disabled():
        Membership.objects.create(association=other_association, user=user, role=Role.REVIEWER)

    log_in(page, user)
    # Two associations and none used yet: the person chooses.
    expect(page.get_by_role("heading", name="Choose an association")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name=re.compile(association.name)).click()
    expect(page.get_by_role("heading", name=association.name)).to_be_visible()
    expect(page.get_by_text("Signed in as Program admin")).to_be_visible()
    check_page(page)

    page.get_by_role("button", name="Switch association").click()
    page.get_by_role("link", name=re.compile(other_association.name)).click()
    expect(page.get_by_role("heading", name=other_association.name)).to_be_visible()
    expect(page.get_by_text("Signed in as Reviewer")).to_be_visible()
    check_page(page)


def test_staff_without_mfa_sets_it_up_before_the_association_page(page, association):
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    user = member(association, Role.REVIEWER, mfa=False)
    log_in(page, user)
    page.goto(page.base_url + f"/{association.slug}/")
    # allauth asks for the password again before adding an authenticator.
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    check_page(page)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    check_page(page)
    secret = page.locator("#authenticator_secret").input_value()
    import time

    page.get_by_label("Authenticator code").fill(
        format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    )
    page.get_by_role("button", name="Activate").click()
    check_page(page)
    visit(page, f"/{association.slug}/")
    expect(page.get_by_role("heading", name=association.name)).to_be_visible()


def test_unknown_association_shows_the_404_page(page, association):
    log_in(page, member(association, Role.EMPLOYER))
    visit(page, "/not-an-association/", status=404)
    expect(page.get_by_role("heading", name="We could not find that page")).to_be_visible()
