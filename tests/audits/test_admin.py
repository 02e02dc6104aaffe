"""Audits in the operators' admin: every association's rows, filtered by association, read-only."""

from __future__ import annotations

import pytest

from ..conftest import platform_operator
from .factories import audit as make_audit

pytestmark = pytest.mark.django_db

MODELS = ["programrules", "audittool", "auditcycle", "audit", "milestone", "milestoneletter"]


@pytest.fixture
def operator(client):
    client.force_login(platform_operator())
    return client


@pytest.mark.parametrize("model", MODELS)
def test_operator_lists_each_audits_model(operator, association, model):
    make_audit(association)
    assert operator.get(f"/admin/audits/{model}/").status_code == 200


def test_audit_list_filters_by_association(operator, association, other_association):
    mine = make_audit(association)
    theirs = make_audit(other_association)
    everyone = operator.get("/admin/audits/audit/").content.decode()
    assert str(mine.employer) in everyone and str(theirs.employer) in everyone
    filtered = operator.get(f"/admin/audits/audit/?association__id__exact={association.pk}")
    html = filtered.content.decode()
    assert str(mine.employer) in html and str(theirs.employer) not in html


def test_audits_are_read_only_in_the_admin(operator, association):
    audit = make_audit(association)
    assert operator.get("/admin/audits/audit/add/").status_code == 403
    page = operator.get(f"/admin/audits/audit/{audit.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # a view page, no save button
    tool = operator.get(f"/admin/audits/audittool/{audit.tool_id}/change/").content.decode()
    assert "Management leadership and organizational commitment" in tool  # its elements


def test_the_admin_is_not_for_association_staff(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/audits/audit/").status_code == 302
