"""A program admin invites a reviewer, who opens the emailed link and joins."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from secor.models import Membership, Role

from ..conftest import member
from ..factories import PASSWORD
from .conftest import check_page, log_in, visit

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_invites_a_reviewer_who_creates_an_account_and_is_asked_for_mfa(page, association):
    log_in(page, member(association, Role.PROGRAM_ADMIN))
    visit(page, f"/{association.slug}/staff/")
    page.get_by_label("Email address").fill("new.reviewer@example.com")
    page.get_by_label("Role").select_option("reviewer")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to new.reviewer@example.com.")).to_be_visible()
    expect(page.get_by_role("cell", name="new.reviewer@example.com").first).to_be_visible()
    check_page(page)

    link = re.search(r"https?://\S+/invitations/\S+/", mail.outbox[-1].body).group(0)
    page.context.clear_cookies()
    visit(page, urlsplit(link).path)
    expect(page.get_by_text(f"join {association.name} as Reviewer")).to_be_visible()
    page.get_by_label("Your full name").fill("Robin Reviewer")
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Type the password again").fill("not the same")
    page.get_by_role("button", name="Create account and accept").click()
    expect(page.get_by_role("alert")).to_contain_text("The two passwords are different.")
    check_page(page)
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Type the password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account and accept").click()

    # A reviewer is staff: two-factor authentication comes before the association.
    expect(page).to_have_url(re.compile(r"/accounts/(reauthenticate|2fa/totp/activate)/"))
    check_page(page)
    with scopes_disabled():
        membership = Membership.objects.get(user__email="new.reviewer@example.com")
    assert (membership.association, membership.role) == (association, Role.REVIEWER)

    # The link is spent.
    page.context.clear_cookies()
    visit(page, urlsplit(link).path, status=410)
    expect(page.get_by_text("already been used")).to_be_visible()
