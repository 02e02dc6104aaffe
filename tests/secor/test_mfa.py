"""Staff roles need TOTP before any association page; employers do not."""

import pytest
from django.urls import reverse

from secor.models import Role
from secor.permissions import STAFF

from ..conftest import member, totp_code
from ..factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", sorted(STAFF))
def test_staff_without_mfa_are_sent_to_set_it_up(client, association, role):
    client.force_login(member(association, role, mfa=False))
    response = client.get(f"/{association.slug}/")
    assert response.status_code == 302
    assert response.url == f"{reverse('mfa_activate_totp')}?next=/{association.slug}/"


@pytest.mark.parametrize("role", sorted(STAFF))
def test_staff_with_mfa_reach_the_association(client, association, role):
    client.force_login(member(association, role))
    assert client.get(f"/{association.slug}/").status_code == 200


def test_employer_users_do_not_need_mfa(client, association):
    client.force_login(member(association, Role.EMPLOYER, mfa=False))
    assert client.get(f"/{association.slug}/").status_code == 200


def test_switching_enforcement_off_lets_staff_in_and_shows_the_banner(
    client, association, settings
):
    settings.SECOR_REQUIRE_STAFF_MFA = False
    client.force_login(member(association, Role.REVIEWER, mfa=False))
    response = client.get(f"/{association.slug}/")
    assert response.status_code == 200
    assert "two-factor authentication for staff is switched off" in response.content.decode()


def test_login_asks_for_the_totp_code_then_lands_on_the_association(client, association):
    user = member(association, Role.PROGRAM_ADMIN)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")

    prompt = client.get(reverse("mfa_authenticate")).content.decode()
    assert '<label class="form-label" for="id_code">Code' in prompt
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    assert "Incorrect code" in wrong.content.decode()

    response = client.post(
        reverse("mfa_authenticate"), {"code": totp_code(user.totp_secret)}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/{association.slug}/"
    assert association.name in response.content.decode()


def test_the_system_check_warns_when_mfa_is_off_outside_debug(settings):
    from secor.checks import staff_mfa_enforced

    settings.SECOR_REQUIRE_STAFF_MFA = False
    settings.DEBUG = False
    assert [w.id for w in staff_mfa_enforced(None)] == ["secor.W001"]
    settings.DEBUG = True
    assert staff_mfa_enforced(None) == []
