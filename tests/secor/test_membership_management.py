"""Invitations that can't be abused, and membership management in the app.

Invitation emails carry only what the platform vouches for; invitations are rate
limited; program admins (and employer admins, for their company) revoke
invitations, change roles and deactivate members — each change audited and
effective on the member's very next request.
"""

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from employers import services as employer_services
from secor.models import AuditLogEntry, Invitation, Membership, Role

from ..conftest import member
from ..factories import EmployerFactory, InvitationFactory, UserFactory

pytestmark = pytest.mark.django_db

PHISHING = "URGENT: your payroll is locked, log in at http://evil.example/now"


def staff_url(association, name="staff", **kwargs):
    return reverse(name, kwargs={"association_slug": association.slug, **kwargs})


def employer_url(employer, name, **kwargs):
    return reverse(
        f"employers:{name}",
        kwargs={
            "association_slug": employer.association.slug,
            "employer_id": employer.pk,
            **kwargs,
        },
    )


def audit_actions(association):
    with scopes_disabled():
        return list(
            AuditLogEntry.objects.filter(association=association).values_list("action", flat=True)
        )


# --- The email ------------------------------------------------------------------------


def test_the_invitation_email_names_the_association_and_the_inviters_verified_email_only(
    client, association, mailoutbox, django_capture_on_commit_callbacks
):
    admin = member(association, Role.PROGRAM_ADMIN, full_name=PHISHING)
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(staff_url(association), {"email": "new@example.com", "role": "reviewer"})
    (email,) = mailoutbox
    text = email.body + email.subject + email.alternatives[0][0]
    assert "evil.example" not in text and "URGENT" not in text
    assert admin.email in email.body
    assert association.name in email.body and association.name in email.subject


def test_an_employer_users_invitation_carries_no_text_they_typed(
    client, association, mailoutbox, django_capture_on_commit_callbacks
):
    employer = EmployerFactory(association=association, legal_name=PHISHING)
    boss = member(
        association, Role.EMPLOYER, employer=employer, employer_admin=True, full_name=PHISHING
    )
    client.force_login(boss)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(employer_url(employer, "invite"), {"email": "mate@example.com"})
    assert response.status_code == 302
    (email,) = mailoutbox
    assert "evil.example" not in email.body + email.alternatives[0][0]
    assert f"{boss.email} invited you to join {association.name}" in email.body


# --- Rate limits ----------------------------------------------------------------------


def test_invitations_are_rate_limited_per_person_with_a_clear_message(
    client, association, settings
):
    settings.SECOR_INVITATIONS_PER_USER_PER_HOUR = 3
    client.force_login(member(association, Role.PROGRAM_ADMIN))
    for n in range(3):
        response = client.post(
            staff_url(association), {"email": f"p{n}@example.com", "role": "reviewer"}
        )
        assert response.status_code == 302
    response = client.post(staff_url(association), {"email": "p9@example.com", "role": "reviewer"})
    assert response.status_code == 200
    assert "You have sent 3 invitations in the last hour" in response.content.decode()
    assert "Try again in" in response.content.decode()
    with scopes_disabled():
        assert Invitation.objects.count() == 3


def test_invitations_are_rate_limited_per_association(client, association, settings):
    settings.SECOR_INVITATIONS_PER_ASSOCIATION_PER_HOUR = 2
    for n in range(2):
        client.force_login(member(association, Role.PROGRAM_ADMIN))
        client.post(staff_url(association), {"email": f"a{n}@example.com", "role": "auditor"})
    client.force_login(member(association, Role.PROGRAM_ADMIN))
    response = client.post(staff_url(association), {"email": "a9@example.com", "role": "auditor"})
    assert f"{association} has sent 2 invitations in the last hour" in response.content.decode()
    with scopes_disabled():
        assert Invitation.objects.count() == 2


# --- Invitations: see and revoke ------------------------------------------------------


def test_program_admins_see_and_withdraw_a_pending_invitation_and_its_link_dies(
    client, association, admin_user
):
    invitation = InvitationFactory(association=association, email="late@example.com")
    client.force_login(admin_user)
    page = client.get(staff_url(association)).content.decode()
    assert "late@example.com" in page and "Withdraw" in page
    response = client.post(
        staff_url(association, "staff_invitation_revoke", invitation_id=invitation.pk),
        follow=True,
    )
    assert "was withdrawn" in response.content.decode()
    assert "late@example.com" not in response.content.decode().split("waiting to be accepted")[1]
    assert "invitation.revoke" in audit_actions(association)
    link = Client().get(reverse("invitation_accept", kwargs={"token": invitation.token}))
    assert link.status_code == 410
    assert "withdrawn" in link.content.decode()


def test_staff_see_an_employers_pending_invitations_and_its_employer_admin_withdraws_one(
    client, association
):
    employer = EmployerFactory(association=association)
    invitation = InvitationFactory(
        association=association, role=Role.EMPLOYER, employer=employer, email="x@example.com"
    )
    client.force_login(member(association, Role.REVIEWER))
    assert "x@example.com" in client.get(employer.get_absolute_url()).content.decode()
    boss = member(association, Role.EMPLOYER, employer=employer, employer_admin=True)
    client.force_login(boss)
    client.post(employer_url(employer, "invitation_revoke", invitation_id=invitation.pk))
    invitation.refresh_from_db()
    assert invitation.status == "revoked"


# --- Roles and deactivation -----------------------------------------------------------


def test_a_program_admin_changes_a_role_audited_and_effective_on_the_next_request(
    client, association, admin_user
):
    other_admin = member(association, Role.PROGRAM_ADMIN)
    theirs = Client()
    theirs.force_login(other_admin)
    assert theirs.get(staff_url(association)).status_code == 200
    client.force_login(admin_user)
    response = client.post(
        staff_url(association, "staff_member", membership_id=other_admin.membership.pk),
        {"change": "role", "role": "reviewer"},
        follow=True,
    )
    assert f"{other_admin.email} is now Reviewer." in response.content.decode()
    assert theirs.get(staff_url(association)).status_code == 403  # same session, at once
    with scopes_disabled():
        entry = AuditLogEntry.objects.get(action="membership.change_role")
    assert (entry.actor, entry.data) == (
        admin_user,
        {"before": "Program admin", "after": "Reviewer"},
    )


def test_a_deactivated_member_loses_access_at_once_sessions_included(
    client, association, admin_user
):
    reviewer = member(association, Role.REVIEWER)
    theirs = Client()
    theirs.force_login(reviewer)
    assert theirs.get(f"/{association.slug}/").status_code == 200
    client.force_login(admin_user)
    url = staff_url(association, "staff_member", membership_id=reviewer.membership.pk)
    client.post(url, {"change": "deactivate"})
    assert theirs.get(f"/{association.slug}/").status_code == 404
    assert theirs.get("/").status_code == 200  # signed in, but no longer a member anywhere
    assert association.name not in theirs.get("/").content.decode()
    client.post(url, {"change": "reactivate"})
    assert theirs.get(f"/{association.slug}/").status_code == 200
    assert audit_actions(association)[:2] == ["membership.reactivate", "membership.deactivate"]


def test_an_admin_cannot_change_their_own_membership(client, association, admin_user):
    client.force_login(admin_user)
    response = client.post(
        staff_url(association, "staff_member", membership_id=admin_user.membership.pk),
        {"change": "deactivate"},
        follow=True,
    )
    assert "You cannot change your own membership" in response.content.decode()
    admin_user.membership.refresh_from_db()
    assert admin_user.membership.is_active


def test_the_last_program_admin_cannot_be_demoted_by_anyone(association):
    from secor import services

    only = member(association, Role.PROGRAM_ADMIN)
    with pytest.raises(Exception, match="only program admin"):
        services.membership_change_role(membership=only.membership, actor=None, role="reviewer")


def test_staff_roles_and_employer_roles_do_not_mix(client, association, admin_user):
    employer_user = member(association, Role.EMPLOYER)
    client.force_login(admin_user)
    response = client.post(
        staff_url(association, "staff_member", membership_id=employer_user.membership.pk),
        {"change": "role", "role": "program_admin"},
        follow=True,
    )
    assert "invite them as staff" in response.content.decode()
    employer_user.membership.refresh_from_db()
    assert employer_user.membership.role == Role.EMPLOYER


# --- Employer admins ------------------------------------------------------------------


def test_an_employer_admin_promotes_and_deactivates_their_companys_users(client, association):
    employer = EmployerFactory(association=association)
    boss = member(association, Role.EMPLOYER, employer=employer, employer_admin=True)
    mate = member(association, Role.EMPLOYER, employer=employer)
    theirs = Client()
    theirs.force_login(mate)
    client.force_login(boss)
    url = employer_url(employer, "user_update", membership_id=mate.membership.pk)
    client.post(url, {"change": "role", "role": "employer_admin"})
    mate.membership.refresh_from_db()
    assert mate.membership.is_employer_admin
    client.post(url, {"change": "deactivate"})
    assert theirs.get(employer.get_absolute_url()).status_code == 404
    assert {"membership.change_role", "membership.deactivate"} <= set(audit_actions(association))


def test_an_employer_user_who_is_not_an_employer_admin_cannot_manage_or_invite(client, association):
    employer = EmployerFactory(association=association)
    boss = member(association, Role.EMPLOYER, employer=employer, employer_admin=True)
    mate = member(association, Role.EMPLOYER, employer=employer)
    client.force_login(mate)
    url = employer_url(employer, "user_update", membership_id=boss.membership.pk)
    assert client.post(url, {"change": "deactivate"}).status_code == 403
    assert (
        client.post(employer_url(employer, "invite"), {"email": "z@x.example"}).status_code == 403
    )
    page = client.get(employer.get_absolute_url()).content.decode()
    assert "Invite a colleague" not in page and "Deactivate" not in page


def test_an_employer_admin_cannot_reach_another_companys_users(client, association):
    boss = member(association, Role.EMPLOYER, employer_admin=True)
    stranger = member(association, Role.EMPLOYER)
    client.force_login(boss)
    url = employer_url(boss.employer, "user_update", membership_id=stranger.membership.pk)
    assert client.post(url, {"change": "deactivate"}).status_code == 404


def test_the_first_user_to_join_an_employer_becomes_its_employer_admin(client, association):
    from secor import services

    employer = EmployerFactory(association=association)
    first, second = UserFactory(), UserFactory()
    for user in (first, second):
        invitation = InvitationFactory(
            association=association, role=Role.EMPLOYER, employer=employer, email=user.email
        )
        services.invitation_accept(token=invitation.token, user=user)
    with scopes_disabled():
        admins = {m.user: m.is_employer_admin for m in Membership.objects.filter(employer=employer)}
    assert admins == {first: True, second: False}


def test_the_person_who_registers_a_company_is_its_employer_admin(association):
    from ..employers.conftest import add_programs

    add_programs(association)
    user = UserFactory()
    employer = employer_services.employer_register(
        association=association, user=user, legal_name="New Co", account_number="5551"
    )
    with scopes_disabled():
        assert Membership.objects.get(user=user, employer=employer).is_employer_admin
