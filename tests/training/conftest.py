import pytest

from secor.models import Program, Role
from training import services

from ..conftest import member
from ..factories import AssociationFactory, WorkerFactory


@pytest.fixture
def scsa(other_association):
    """SCSA (slug scsa, Saskatchewan) with its SECOR program and seeded catalogue."""
    Program.objects.create(association=other_association, kind="secor")
    services.catalogue_seed(association=other_association, seed_key="SCSA")
    return other_association


@pytest.fixture
def acsa(db):
    association = AssociationFactory(name="Alberta Construction Safety Association", slug="acsa")
    Program.objects.create(association=association, kind="secor")
    services.catalogue_seed(association=association, seed_key="ACSA")
    return association


@pytest.fixture
def amta(association):
    Program.objects.create(association=association, kind="secor")
    services.catalogue_seed(association=association, seed_key="AMTA")
    return association


@pytest.fixture
def employer_user(amta):
    """An AMTA employer user (tests of SCSA override it)."""
    return member(amta, Role.EMPLOYER)


@pytest.fixture
def worker(employer_user):
    return WorkerFactory(employer=employer_user.employer, full_name="Dana Driver")
