"""Sign-in: rate limits, verification, the front door, the operator admin, demo data."""

import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_scopes import scopes_disabled

from secor.models import Association, Membership

from ..conftest import platform_operator
from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def test_many_wrong_passwords_are_rate_limited_with_a_clear_message(client):
    user = UserFactory()
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
        assert "not correct" in response.content.decode()
    response = client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
    assert "Too many failed login attempts" in response.content.decode()


def test_visitors_see_the_landing_page(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Sign in" in response.content.decode()


def test_a_user_with_no_association_is_told_what_to_do(client):
    client.force_login(UserFactory())
    body = client.get("/").content.decode()
    assert "not linked to any association yet" in body


def test_the_django_admin_is_for_platform_operators_only(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/secor/membership/").status_code == 302
    operator = platform_operator()
    client.force_login(operator)
    # The admin lists every tenant's rows: it opts out of scoping explicitly.
    assert client.get("/admin/secor/membership/").status_code == 200


def test_operator_creates_an_association_in_the_admin_and_its_first_admin_is_invited(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(platform_operator())
    data = {
        "name": "BC Forest Safety Council",
        "short_name": "BCFSC",
        "slug": "bcfsc",
        "jurisdiction": "BC",
        "wcb_board": "WorkSafeBC",
        "time_zone": "America/Vancouver",
        "is_active": "on",
        "first_admin_email": "admin@bcfsc.example",
        "program-TOTAL_FORMS": "1",
        "program-INITIAL_FORMS": "0",
        "program-0-kind": "secor",
        "program-0-is_active": "on",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/secor/association/add/", data)
    assert response.status_code == 302, response.content.decode()
    association = Association.objects.get(slug="bcfsc")
    with scopes_disabled():
        assert list(association_programs(association)) == ["secor"]
    assert mailoutbox[0].to == ["admin@bcfsc.example"]


def association_programs(association):
    from secor.models import Program

    return Program.objects.filter(association=association).values_list("kind", flat=True)


def test_create_association_command_invites_the_first_admin(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "create_association",
            "--name=Energy Safety Canada",
            "--short-name=ESC",
            "--slug=esc",
            "--jurisdiction=AB",
            "--wcb-board=WCB-Alberta",
            "--admin-email=admin@esc.example",
        )
    assert Association.objects.get(slug="esc").name == "Energy Safety Canada"
    assert mailoutbox[0].to == ["admin@esc.example"]


def test_create_association_refuses_a_reserved_slug():
    with pytest.raises(CommandError, match="reserved"):
        call_command(
            "create_association",
            "--name=X",
            "--short-name=X",
            "--slug=admin",
            "--jurisdiction=AB",
            "--wcb-board=WCB-Alberta",
            "--admin-email=a@x.example",
        )


def test_demo_data_builds_the_three_associations_idempotently(settings):
    settings.DEBUG = True
    call_command("demo_data")
    call_command("demo_data")
    assert set(Association.objects.values_list("slug", flat=True)) == {"amta", "acsa", "scsa"}
    with scopes_disabled():
        assert Membership.objects.filter(association__slug="scsa").count() == 5


def test_demo_data_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_data")


PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "secor.settings",
    "DEBUG": "false",
    "SECRET_KEY": "x7$Qm2!pLr9#vT4@wZ8^kN3&hB6*jD1(eF5)gH0_yU2+sA7-cV9",
    "ALLOWED_HOSTS": "secor.example.org",
    "SITE_URL": "https://secor.example.org",
    # Set for the browser tests only; check --deploy rightly flags it.
    "DJANGO_ALLOW_ASYNC_UNSAFE": "",
}


def _manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", env={**os.environ, **PRODUCTION_ENV}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["DEBUG", "SECRET_KEY"])
def test_the_site_refuses_to_start_without_debug_or_secret_key(missing):
    env = {k: v for k, v in {**os.environ, **PRODUCTION_ENV}.items() if k != missing}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{missing} is not set" in result.stderr


def test_an_empty_secret_key_is_refused_too():
    result = _manage("check", env={**os.environ, **PRODUCTION_ENV, "SECRET_KEY": " "})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_must_say_true_or_false():
    result = _manage("check", env={**os.environ, **PRODUCTION_ENV, "DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr
