"""Every create form sent twice creates one row and says it was already saved.

Each form carries a one-time token (secor.forms.form_submitted(once=True)): the
test GETs the page as a browser would, then POSTs the same data twice — a double
click, or a request resent after a timeout.
"""

import re
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
import time_machine
from django.urls import reverse
from django_scopes import scopes_disabled

from audits import selectors as audit_selectors
from audits.models import Audit, MilestoneLetter
from employers.models import Employer, HeadcountDeclaration, WCBAccount, Worker
from secor.forms import ALREADY_SAVED
from secor.models import Invitation, Role
from training import services as training_services
from training.models import Course, TrainingRecord, TrainingRequirement

from ..audits.factories import certified, enrollment
from ..conftest import member
from ..employers.conftest import add_programs
from ..factories import EmployerFactory, UserFactory, WorkerFactory
from ..training.factories import pdf_upload
from ..training.helpers import course

pytestmark = pytest.mark.django_db


def post_twice(client, url, make_data):
    """GET the form, then POST the same data (with the page's token) twice."""
    page = client.get(url).content.decode()
    name, token = re.search(r'name="([\w-]*once_token)" value="([0-9a-f]{32})"', page).groups()
    first = client.post(url, {**make_data(), name: token})
    second = client.post(url, {**make_data(), name: token}, follow=True)
    assert first.status_code == 302, re.findall(
        r"alert-danger.*?</div>", first.content.decode(), re.S
    )
    assert ALREADY_SAVED in second.content.decode()
    return second


def count(model, **filters):
    with scopes_disabled():
        return model.objects.filter(**filters).count()


def emp_url(name, employer, **kw):
    return reverse(
        f"employers:{name}",
        kwargs={"association_slug": employer.association.slug, "employer_id": employer.pk, **kw},
    )


@pytest.fixture
def owner(association):
    add_programs(association)
    employer = EmployerFactory(association=association)
    return member(association, Role.EMPLOYER, employer=employer, employer_admin=True)


def test_a_worker_sent_twice_is_added_once(client, owner):
    client.force_login(owner)
    post_twice(
        client,
        emp_url("worker_add", owner.employer),
        lambda: {
            "full_name": "Sam Driver",
            "role": "other",
            "employment_status": "full_time_permanent",
            "province": "AB",
            "start_date": "2024-01-15",
        },
    )
    assert count(Worker, employer=owner.employer) == 1


def test_the_same_worker_typed_again_on_a_new_page_is_refused_by_name_and_start(client, owner):
    client.force_login(owner)
    data = {
        "full_name": "Sam Driver",
        "role": "other",
        "employment_status": "full_time_permanent",
        "province": "AB",
        "start_date": "2024-01-15",
    }
    client.post(emp_url("worker_add", owner.employer), data)
    again = client.post(emp_url("worker_add", owner.employer), {**data, "full_name": "sam  driver"})
    assert "is already on the roster" in again.content.decode()
    assert count(Worker, employer=owner.employer) == 1


def test_a_headcount_declaration_sent_twice_is_declared_once(client, owner):
    client.force_login(owner)
    post_twice(
        client,
        emp_url("headcount", owner.employer),
        lambda: {"period_start": "2025-01-01", "period_end": "2025-01-31", "owner": "1"},
    )
    assert count(HeadcountDeclaration, employer=owner.employer) == 1


def test_a_wcb_account_sent_twice_is_added_once(client, owner):
    client.force_login(owner)
    post_twice(
        client,
        emp_url("wcb_add", owner.employer),
        lambda: {"board": "WCB-Alberta", "account_number": "7654321"},
    )
    assert count(WCBAccount, employer=owner.employer) == 1


def test_a_colleague_invitation_sent_twice_is_sent_once(client, owner, mailoutbox):
    client.force_login(owner)
    post_twice(client, emp_url("invite", owner.employer), lambda: {"email": "mate@example.com"})
    assert count(Invitation, email="mate@example.com") == 1


def test_a_staff_invitation_sent_twice_is_sent_once(client, association, admin_user):
    client.force_login(admin_user)
    post_twice(
        client,
        reverse("staff", kwargs={"association_slug": association.slug}),
        lambda: {"email": "new@example.com", "role": "reviewer"},
    )
    assert count(Invitation, email="new@example.com") == 1


def test_an_invitation_to_someone_already_invited_says_so(client, association, admin_user):
    client.force_login(admin_user)
    url = reverse("staff", kwargs={"association_slug": association.slug})
    client.post(url, {"email": "new@example.com", "role": "reviewer"})
    again = client.post(url, {"email": "new@example.com", "role": "auditor"})
    assert "already has an invitation waiting" in again.content.decode()
    assert count(Invitation, email="new@example.com") == 1


def test_a_registration_sent_twice_registers_one_company(client, association):
    add_programs(association)
    client.force_login(UserFactory())
    post_twice(
        client,
        "/register/",
        lambda: {
            "association": association.pk,
            "program": "secor",
            "legal_name": "Twice Fencing Ltd.",
            "account_number": "4445556",
            "province": "AB",
        },
    )
    assert count(Employer, legal_name="Twice Fencing Ltd.") == 1


def test_a_training_record_sent_twice_is_saved_once(client, association, owner):
    training_services.catalogue_seed(association=association, seed_key="AMTA")
    worker = WorkerFactory(employer=owner.employer)
    se = course(association, "SE")
    client.force_login(owner)
    post_twice(
        client,
        reverse(
            "training:record_add",
            kwargs={"association_slug": association.slug, "employer_id": owner.employer.pk},
        ),
        lambda: {
            "worker": worker.pk,
            "course": se.pk,
            "completed_on": "2024-05-01",
            "certificate_number": "SE-1",
            "evidence": pdf_upload(),
        },
    )
    assert count(TrainingRecord, worker=worker) == 1


def test_a_course_sent_twice_is_added_once(client, association, admin_user):
    add_programs(association)
    client.force_login(admin_user)
    post_twice(
        client,
        reverse("training:course_add", kwargs={"association_slug": association.slug}),
        lambda: {
            "code": "adv",
            "name": "Advanced auditing",
            "validity_months": "24",
            "maintenance_submit_lead_months": "4",
            "maintenance_name": "maintenance",
            "is_active": "on",
        },
    )
    assert count(Course, association=association, code="ADV") == 1


def test_a_requirement_sent_twice_is_added_once(client, association, admin_user):
    add_programs(association)
    training_services.catalogue_seed(association=association, seed_key="AMTA")
    se = course(association, "SE")
    client.force_login(admin_user)
    url = reverse("training:requirement_add", kwargs={"association_slug": association.slug})
    page = client.get(url).content.decode()
    kind = re.search(r'name="kind"[^>]*>.*?<option value="([a-z_]+)"', page, re.S).group(1)
    post_twice(
        client,
        url,
        lambda: {
            "code": "twice",
            "label": "Twice",
            "kind": kind,
            "courses": [se.pk],
            "position": "9",
        },
    )
    assert count(TrainingRequirement, association=association, label="Twice") == 1


def test_an_audit_plan_sent_twice_plans_one_audit(client, association, monkeypatch):
    monkeypatch.setattr(
        audit_selectors,
        "training_report",
        lambda **kw: SimpleNamespace(compliant=True, verdicts=()),
    )
    with time_machine.travel(datetime(2022, 2, 1, 19, 0, tzinfo=UTC), tick=False):
        e, _ = certified(association, date(2021, 1, 5))
        client.force_login(member(association, Role.EMPLOYER, employer=e.employer))
        pat = WorkerFactory(
            employer=e.employer, association=association, employment_type="consultant"
        )
        before = count(Audit, enrollment=e)
        post_twice(
            client,
            reverse(
                "audits:plan",
                kwargs={"association_slug": association.slug, "employer_id": e.employer_id},
            ),
            lambda: {
                "enrollment": e.pk,
                "conducted_by": "external_assessor",
                "external_assessor": pat.pk,
                "data_gathering_start": "2022-03-01",
                "data_gathering_end": "2022-03-15",
            },
        )
        assert count(Audit, enrollment=e) == before + 1


def test_a_milestone_letter_sent_twice_is_recorded_once(client, other_association):
    e = enrollment(other_association, registered_on=date(2021, 3, 15))
    client.force_login(member(other_association, Role.PROGRAM_ADMIN))
    url = reverse(
        "audits:employer_milestones",
        kwargs={"association_slug": other_association.slug, "employer_id": e.employer_id},
    )
    page = client.get(url).content.decode()
    fields = set(re.findall(r'name="(letter-[a-z_]+)"', page)) - {"letter-once_token"}
    data = {f: "2021-06-01" if "on" in f.split("-")[1] else "1" for f in fields}
    post_twice(client, url, lambda: data)
    assert count(MilestoneLetter, employer=e.employer) == 1
