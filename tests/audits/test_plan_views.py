"""The plan page: each refusal, its reason, the way out.

docs/rules.md#reading-planning-checks.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from employers import services as employer_services
from employers.models import Enrollment
from secor.models import Role
from secor.tenancy import activate

from ..conftest import member
from ..factories import EmployerFactory, WorkerFactory
from .factories import enrollment
from .test_plan_checks import acsa, acsa_employer, external_assessor  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def may_2024():
    with time_machine.travel(datetime(2024, 5, 20, 18, 0, tzinfo=UTC), tick=False):
        yield date(2024, 5, 20)


def url(name, association, **kwargs):
    return reverse(name, kwargs={"association_slug": association.slug, **kwargs})


def post_plan(client, e, **data):
    return client.post(
        url("audits:plan", e.association, employer_id=e.employer_id),
        {"enrollment": e.pk, **data},
    )


def test_expired_membership_refusal_links_to_renewal(client, acsa, may_2024):  # noqa: F811
    e, _ = acsa_employer(acsa, membership_expires_on=date(2024, 4, 30))
    pat = external_assessor(e)
    client.force_login(member(acsa, Role.EMPLOYER, employer=e.employer))
    response = post_plan(
        client,
        e,
        conducted_by="external_assessor",
        external_assessor=pat.pk,
        data_gathering_start="2024-06-03",
        data_gathering_end="2024-06-14",
        documentation_from="2023-09-01",
        documentation_to="2024-04-30",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "This audit cannot be planned:" in html
    assert "Your ACSA membership expired on 2024-04-30" in html
    assert url("employers:membership", acsa, employer_id=e.employer_id) in html
    # Renewed from that link, the same plan goes through.
    renew = client.post(
        url("employers:membership", acsa, employer_id=e.employer_id),
        {"membership_number": "ACSA-1001", "membership_expires_on": "2025-04-30"},
    )
    assert renew.status_code == 302
    response = post_plan(
        client,
        e,
        conducted_by="external_assessor",
        external_assessor=pat.pk,
        data_gathering_start="2024-06-03",
        data_gathering_end="2024-06-14",
        documentation_from="2023-09-01",
        documentation_to="2024-04-30",
    )
    assert response.status_code == 302, response.content.decode()[-3000:]


def test_over_the_limit_refusal_links_to_apply_for_cor(client, other_association, may_2024):
    e = enrollment(other_association, status="in_progress")
    employer_services.rules_ensure(association=other_association)
    for _ in range(10):
        WorkerFactory(employer=e.employer, association=other_association, province="SK")
    client.force_login(member(other_association, Role.PROGRAM_ADMIN))
    response = post_plan(
        client,
        e,
        conducted_by="program_auditor",
        data_gathering_start="2024-07-02",
        data_gathering_end="2024-07-03",
        documentation_from="2023-06-01",
        documentation_to="2024-06-30",
    )
    html = response.content.decode()
    assert "This employer is over the SECOR size limit" in html
    assert url("employers:apply_cor", other_association, employer_id=e.employer_id) in html


def test_employer_cannot_plan_its_own_scsa_baseline(client, other_association, may_2024):
    e = enrollment(other_association, status="in_progress")
    client.force_login(member(other_association, Role.EMPLOYER, employer=e.employer))
    response = post_plan(
        client,
        e,
        conducted_by="program_auditor",
        data_gathering_start="2024-07-02",
        data_gathering_end="2024-07-03",
        documentation_from="2023-06-01",
        documentation_to="2024-06-30",
    )
    html = response.content.decode()
    assert "booked by SCSA staff" in html
    with activate(other_association):
        assert not e.audits.exists()


def test_staff_refused_a_past_audit_get_the_historic_audit_link(client, association, may_2024):
    e = enrollment(association, status="in_progress")
    client.force_login(member(association, Role.PROGRAM_ADMIN))
    response = post_plan(
        client,
        e,
        conducted_by="program_auditor",
        data_gathering_start="2021-01-01",
        data_gathering_end="2021-01-05",
        documentation_from="2020-06-01",
        documentation_to="2020-12-31",
    )
    html = response.content.decode()
    assert "it can no longer be planned" in html and "cannot be planned yet" not in html
    assert url("audits:historic_audit", association, employer_id=e.employer_id) in html


def test_apply_for_cor_registers_a_cor_enrollment_for_staff_to_confirm(client, association):
    e = enrollment(association, status="in_progress")
    client.force_login(member(association, Role.EMPLOYER, employer=e.employer))
    apply_url = url("employers:apply_cor", association, employer_id=e.employer_id)
    assert client.get(apply_url).status_code == 200
    assert client.post(apply_url, {}).status_code == 302
    with activate(association):
        cor = Enrollment.objects.get(employer=e.employer, program__kind="cor")
    assert cor.status == "registered"


def test_membership_and_apply_pages_are_404_for_another_employer(client, acsa):  # noqa: F811
    e, _ = acsa_employer(acsa, membership_expires_on=date(2024, 4, 30))
    client.force_login(member(acsa, Role.EMPLOYER, employer=EmployerFactory(association=acsa)))
    for name in ("employers:membership", "employers:apply_cor"):
        assert client.get(url(name, acsa, employer_id=e.employer_id)).status_code == 404
