import pytest

from employers.services import rules_ensure
from secor.models import Program, ProgramKind

from ..conftest import member
from ..factories import EmployerFactory


def add_programs(association):
    for kind in ProgramKind.values:
        Program.objects.for_association(association).get_or_create(
            association=association, kind=kind
        )
    # What association creation does (the association_created hook).
    rules_ensure(association=association)
    return association


@pytest.fixture
def amta(association):
    """The `association` fixture (AMTA: no more than 10, everyone counts) with its programs."""
    return add_programs(association)


@pytest.fixture
def scsa(other_association):
    """SCSA (America/Regina; 9 or fewer Saskatchewan employees) with its programs."""
    return add_programs(other_association)


@pytest.fixture
def employer(amta):
    return EmployerFactory(association=amta, legal_name="Alice Hauling Ltd.")


@pytest.fixture
def alice(employer):
    """Employer user of ``employer``, its employer admin (she registered it)."""
    return member(employer.association, "employer", employer=employer, employer_admin=True)


@pytest.fixture
def bob(employer):
    """A second employer user of the same employer (invited by Alice)."""
    return member(employer.association, "employer", employer=employer)


@pytest.fixture
def charlie(amta):
    """Employer user of another employer in the same association: sees none of Alice's."""
    return member(amta, "employer", employer=EmployerFactory(association=amta))


@pytest.fixture
def staff(amta):
    return member(amta, "program_admin")


@pytest.fixture
def reviewer_user(amta):
    return member(amta, "reviewer")
