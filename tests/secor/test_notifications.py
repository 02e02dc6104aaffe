import pytest
from django_scopes import scopes_disabled

from secor.models import Notification, Role

from ..conftest import member

pytestmark = pytest.mark.django_db


def test_members_see_their_own_notifications_and_mark_them_read(client, association):
    user = member(association, Role.EMPLOYER)
    someone_else = member(association, Role.EMPLOYER)
    with scopes_disabled():
        Notification.objects.create(
            association=association, user=user, key="k1", title="Maintenance audit due"
        )
        Notification.objects.create(
            association=association, user=someone_else, key="k1", title="Not yours"
        )
    client.force_login(user)
    page = client.get(f"/{association.slug}/notifications/").content.decode()
    assert "Maintenance audit due" in page and "Not yours" not in page
    home = client.get(f"/{association.slug}/").content.decode()
    assert '<span class="badge text-bg-warning">1<' in home

    client.post(f"/{association.slug}/notifications/")
    with scopes_disabled():
        assert Notification.objects.get(user=user).read_at is not None
        assert Notification.objects.get(user=someone_else).read_at is None


def test_the_association_home_page_costs_a_fixed_number_of_queries(
    client, association, django_assert_max_num_queries
):
    user = member(association, Role.PROGRAM_ADMIN)
    client.force_login(user)
    client.get(f"/{association.slug}/")  # warm the session
    with django_assert_max_num_queries(12):
        assert client.get(f"/{association.slug}/").status_code == 200
