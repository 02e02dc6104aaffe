"""Signed-in pages and CSV exports are never stored by browsers or proxies."""

import pytest
from django.urls import reverse

from secor.models import Role

from ..conftest import member

pytestmark = pytest.mark.django_db


def test_signed_in_pages_send_private_no_store(client, association):
    user = member(association, Role.PROGRAM_ADMIN)
    client.force_login(user)
    for url in (
        f"/{association.slug}/",
        reverse("employers:directory", kwargs={"association_slug": association.slug}),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store", url


def test_the_csv_export_sends_private_no_store(client, association):
    client.force_login(member(association, Role.PROGRAM_ADMIN))
    response = client.get(
        reverse("employers:directory_export", kwargs={"association_slug": association.slug})
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "private, no-store"


def test_the_anonymous_landing_page_is_not_marked(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
