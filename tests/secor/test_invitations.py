"""Invitations: emailed, single use, expiring, bound to the invited address."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from secor.models import AuditLogEntry, Invitation, Membership, Role

from ..conftest import member
from ..factories import PASSWORD, EmployerFactory, InvitationFactory, UserFactory

pytestmark = pytest.mark.django_db


def accept_url(invitation):
    return reverse("invitation_accept", kwargs={"token": invitation.token})


def test_program_admin_invites_a_reviewer_who_gets_an_email_link(
    client, association, admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/{association.slug}/staff/", {"email": "New.Reviewer@Example.com", "role": "reviewer"}
        )
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["new.reviewer@example.com"]
    assert association.name in email.subject
    link = next(w for w in email.body.split() if "/invitations/" in w)
    assert link.startswith("http")
    with scopes_disabled():
        invitation = Invitation.objects.get()
        assert AuditLogEntry.objects.filter(action="invitation.create").count() == 1
    assert invitation.role == Role.REVIEWER
    assert invitation.token_hash not in link  # only the hash is stored


def test_inviting_an_existing_member_says_so_on_the_email_field(client, association, admin_user):
    client.force_login(admin_user)
    response = client.post(
        f"/{association.slug}/staff/", {"email": admin_user.email, "role": "reviewer"}
    )
    assert response.status_code == 200
    assert "is already a member" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()


def test_only_program_admins_may_invite(client, association, reviewer):
    client.force_login(reviewer)
    assert client.get(f"/{association.slug}/staff/").status_code == 403


def test_a_new_person_sets_a_password_and_joins(client, association):
    employer = EmployerFactory(association=association)
    invitation = InvitationFactory(association=association, role=Role.EMPLOYER, employer=employer)
    page = client.get(accept_url(invitation))
    assert "Create your account" in page.content.decode()
    response = client.post(
        accept_url(invitation),
        {"full_name": "Dana Smith", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == f"/{association.slug}/"
    with scopes_disabled():
        membership = Membership.objects.get(user__email=invitation.email)
    assert membership.role == Role.EMPLOYER
    assert membership.employer == employer
    assert membership.user.emailaddress_set.get().verified


def test_an_invitation_cannot_be_used_twice(client, association):
    invitation = InvitationFactory(association=association)
    user = UserFactory(email=invitation.email)
    client.force_login(user)
    assert client.post(accept_url(invitation)).status_code == 302
    again = client.post(accept_url(invitation))
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    with scopes_disabled():
        assert Membership.objects.filter(user=user).count() == 1


def test_an_expired_invitation_is_refused(client, association):
    invitation = InvitationFactory(
        association=association, expires_at=timezone.now() - timedelta(minutes=1)
    )
    client.force_login(UserFactory(email=invitation.email))
    response = client.post(accept_url(invitation))
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    with scopes_disabled():
        assert not Membership.objects.exists()


def test_an_invitation_for_another_email_is_refused(client, association):
    invitation = InvitationFactory(association=association, email="invited@example.com")
    client.force_login(UserFactory(email="someone.else@example.com"))
    response = client.post(accept_url(invitation))
    assert response.status_code == 400
    body = response.content.decode()
    assert "invited@example.com" in body and "someone.else@example.com" in body
    with scopes_disabled():
        assert not Membership.objects.exists()


@pytest.mark.parametrize("token", ["garbage", "a" * 43, "%00%ff"])
def test_a_malformed_invitation_link_gives_a_clear_message(client, token):
    response = client.get(f"/invitations/{token}/")
    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()


def test_an_existing_account_is_asked_to_sign_in_first(client, association):
    invitation = InvitationFactory(association=association)
    UserFactory(email=invitation.email)
    body = client.get(accept_url(invitation)).content.decode()
    assert "Sign in to accept" in body


def test_a_person_can_belong_to_two_associations_and_switch(client, association, other_association):
    user = member(association, Role.REVIEWER)
    with scopes_disabled():
        Membership.objects.create(association=other_association, user=user, role=Role.AUDITOR)
    client.force_login(user)
    page = client.get(reverse("switch_association")).content.decode()
    assert association.name in page and other_association.name in page
    assert client.get(f"/{other_association.slug}/").status_code == 200
    # The home page remembers the association used last.
    assert client.get("/").url == f"/{other_association.slug}/"
    client.get(f"/{association.slug}/")
    assert client.get("/").url == f"/{association.slug}/"


def test_password_mismatch_on_the_invitation_page_is_tied_to_the_field(client, association):
    invitation = InvitationFactory(association=association)
    response = client.post(
        accept_url(invitation), {"full_name": "Dana", "password1": PASSWORD, "password2": "nope"}
    )
    body = response.content.decode()
    assert "The two passwords are different." in body
    assert 'id="id_password2_error"' in body
    assert 'aria-describedby="id_password2_error"' in body
    with scopes_disabled():
        assert not Membership.objects.exists()
