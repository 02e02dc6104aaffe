"""The operators' door: the admin has no login of its own, needs TOTP, and is throttled."""

import pytest
from django.urls import reverse

from secor.models import Role

from ..conftest import member, platform_operator, totp_code
from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_the_admin_login_page_redirects_to_the_site_sign_in(client):
    response = client.get("/admin/login/?next=/admin/secor/membership/")
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next=%2Fadmin%2Fsecor%2Fmembership%2F"


def test_the_admin_index_sends_visitors_to_the_site_sign_in_with_next_admin(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == f"{reverse('account_login')}?next=%2Fadmin%2F"


def test_posting_a_password_to_the_admin_login_signs_nobody_in(client):
    operator = platform_operator()
    response = client.post("/admin/login/", {"username": operator.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_an_offsite_next_is_ignored(client):
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response.url == f"{reverse('account_login')}?next=%2Fadmin%2F"


def test_an_operator_signs_in_with_password_and_totp_then_reaches_the_admin(client):
    operator = platform_operator()
    response = client.post(
        f"{reverse('account_login')}?next=/admin/",
        {"login": operator.email, "password": PASSWORD},
    )
    assert response.url == reverse("mfa_authenticate")
    # Password alone opens nothing.
    assert client.get("/admin/").status_code == 302
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(operator.totp_secret)})
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_failed_operator_sign_ins_are_rate_limited_like_everyone_elses(client):
    operator = platform_operator()
    for _ in range(5):
        client.post(reverse("account_login"), {"login": operator.email, "password": "wrong"})
    response = client.post(
        reverse("account_login"), {"login": operator.email, "password": PASSWORD}
    )
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_a_superuser_without_totp_is_sent_to_set_it_up_and_cannot_reach_the_admin(client):
    operator = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(operator)
    for url in ("/admin/", "/admin/secor/membership/", "/admin/login/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == f"{reverse('mfa_activate_totp')}?next=%2Fadmin%2F", url


def test_a_superuser_without_totp_gets_in_when_the_demo_switches_mfa_off(client, settings):
    settings.SECOR_REQUIRE_STAFF_MFA = False
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get("/admin/").status_code == 200


def test_a_signed_in_non_operator_is_refused_not_looped(client, association):
    client.force_login(member(association, Role.PROGRAM_ADMIN))
    assert client.get("/admin/").url.startswith("/admin/login/")
    assert client.get("/admin/login/?next=/admin/").status_code == 403
