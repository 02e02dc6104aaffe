"""Tenancy fails closed: scoped managers, the association key everywhere, 404 across tenants."""

import importlib

import pytest
from django.apps import apps
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_scopes import ScopeError, scopes_disabled

from secor import hooks
from secor.models import Association, Membership, TenantModel, User
from secor.tenancy import activate

from ..conftest import member
from ..factories import EmployerFactory, MembershipFactory

# The project's own apps: every installed app that is not a third-party package.
PROJECT_APPS = {
    config.label
    for config in apps.get_app_configs()
    if "site-packages" not in config.path and not config.name.startswith("django.")
}
# The only project models that belong to no association.
GLOBAL_MODELS = {User, Association}


def project_models():
    return [m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS]


def test_every_project_model_is_tenant_owned_or_declared_global():
    offenders = [
        m._meta.label
        for m in project_models()
        if m not in GLOBAL_MODELS and "association" not in {f.name for f in m._meta.fields}
    ]
    assert offenders == [], f"these models lack the association key: {offenders}"


def test_the_project_apps_are_found():
    assert {"secor", "employers", "training", "audits", "submissions"} <= PROJECT_APPS
    assert not PROJECT_APPS & {"auth", "admin", "account", "mfa", "simple_history"}


def test_every_tenant_model_uses_the_fail_closed_manager():
    tenant_models = [m for m in project_models() if issubclass(m, TenantModel)]
    assert Membership in tenant_models
    for model in tenant_models:
        assert hasattr(model.objects, "for_association"), model._meta.label
        with pytest.raises(ScopeError):
            list(model.objects.all())


@pytest.mark.django_db
def test_query_without_scope_raises_and_scope_filters(association, other_association):
    MembershipFactory(association=association)
    MembershipFactory(association=other_association)
    with pytest.raises(ScopeError):
        Membership.objects.count()
    with activate(association):
        assert {m.association_id for m in Membership.objects.all()} == {association.pk}
    assert Membership.objects.for_association(other_association).count() == 1
    with scopes_disabled():
        assert Membership.objects.count() == 2


def _url_kwarg_builders():
    """Builders for URL keyword arguments (``hooks.url_walk_builders``).

    Each ``tests/<app>/url_kwargs.py`` registers a dict of ``name →
    builder(association, employer)``, which makes an object in ``association``
    (belonging to ``employer`` where that applies) and returns the URL value. A
    pattern with a keyword no app builds fails the walk below until one is added.
    """
    for app in sorted(PROJECT_APPS):
        try:
            importlib.import_module(f"tests.{app}.url_kwargs")
        except ModuleNotFoundError as error:
            if error.name != f"tests.{app}.url_kwargs":
                raise
    builders = {}
    for found in hooks.url_walk_builders.call():
        builders.update(found)
    return builders


URL_KWARG_BUILDERS = _url_kwarg_builders()


def association_url_patterns():
    """Every named pattern under /<association_slug>/, with its full route name."""
    found = []

    def walk(patterns, prefix, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern) and p.name:
                route = prefix + str(p.pattern)
                if route.startswith("<slug:association_slug>/"):
                    found.append((namespace + p.name, p))

    walk(get_resolver().url_patterns, "", "")
    return found


def url_for(name, pattern, association, objects_of=None, employer=None):
    """The URL of ``name`` in ``association``, its object ids made in ``objects_of``.

    Objects that belong to an employer belong to ``employer`` (a new one if None).
    """
    owner = objects_of or association
    employer = employer or EmployerFactory(association=owner)
    kwargs = {"association_slug": association.slug}
    for key in pattern.pattern.converters:
        if key == "association_slug":
            continue
        assert key in URL_KWARG_BUILDERS, f"add a builder for URL keyword {key!r} ({name})"
        kwargs[key] = URL_KWARG_BUILDERS[key](owner, employer)
    return reverse(name, kwargs=kwargs)


def test_every_association_page_goes_through_the_membership_check():
    unwrapped = [
        name
        for name, pattern in association_url_patterns()
        if not getattr(pattern.callback, "association_view", False)
    ]
    assert unwrapped == [], f"wrap these views with secor.tenancy.association_view: {unwrapped}"


def test_the_walk_finds_the_association_pages():
    names = {name for name, _ in association_url_patterns()}
    assert {"association_home", "staff", "employers:detail", "training:record_detail"} <= names
    assert len(OBJECT_URLS) > 20


@pytest.mark.django_db
@pytest.mark.parametrize("name,pattern", association_url_patterns(), ids=lambda v: str(v))
def test_every_association_url_is_404_for_staff_of_another_association(
    client, association, other_association, name, pattern
):
    url = url_for(name, pattern, association)
    client.force_login(member(other_association, "program_admin"))
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404


OBJECT_URLS = [
    (n, p)
    for n, p in association_url_patterns()
    if set(p.pattern.converters) - {"association_slug"}
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name,pattern",
    OBJECT_URLS,
    ids=lambda v: str(v),
)
def test_another_associations_object_ids_give_404_to_a_member(
    client, association, other_association, name, pattern
):
    client.force_login(member(association, "program_admin"))
    url = url_for(name, pattern, association, objects_of=other_association)
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name,pattern",
    OBJECT_URLS,
    ids=lambda v: str(v),
)
def test_another_employers_object_ids_are_hidden_from_an_employer_user(
    client, association, name, pattern
):
    """Employer A's user must not reach employer B's objects in the same association.

    Staff-only pages answer 403 before any object is looked up, so they reveal
    nothing either; pages open to employer users must answer 404.
    """
    client.force_login(member(association, "employer"))
    other_employer = EmployerFactory(association=association)
    url = url_for(name, pattern, association, employer=other_employer)
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, {}).status_code in (403, 404)


@pytest.mark.django_db
@pytest.mark.parametrize("name,pattern", association_url_patterns(), ids=lambda v: str(v))
def test_every_association_url_sends_visitors_to_login(client, association, name, pattern):
    url = url_for(name, pattern, association)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.django_db
@pytest.mark.parametrize("name,pattern", association_url_patterns(), ids=lambda v: str(v))
def test_every_association_url_is_404_for_a_signed_in_user_with_no_membership(
    client, association, django_user_model, name, pattern
):
    from ..factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(url_for(name, pattern, association)).status_code == 404


@pytest.mark.django_db
def test_unknown_association_slug_gives_the_404_page(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/no-such-association/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


@pytest.mark.django_db
def test_inactive_membership_gives_404(client, association):
    user = member(association, "reviewer")
    with scopes_disabled():
        Membership.objects.filter(user=user).update(is_active=False)
    client.force_login(user)
    assert client.get(f"/{association.slug}/").status_code == 404


@pytest.mark.django_db
def test_a_page_under_an_association_runs_in_its_time_zone_and_restores_it_after(
    rf, other_association
):
    from django.http import HttpResponse
    from django.utils import timezone

    from secor.tenancy import association_view

    @association_view
    def page(request):
        return HttpResponse(timezone.get_current_timezone_name())

    request = rf.get("/scsa/")
    request.user = member(other_association, "reviewer", mfa=False)
    request.session = {}
    with override_settings(SECOR_REQUIRE_STAFF_MFA=False):
        response = page(request, association_slug=other_association.slug)
    assert response.content.decode() == "America/Regina"
    assert timezone.get_current_timezone_name() != "America/Regina"
