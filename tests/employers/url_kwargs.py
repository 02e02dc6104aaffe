"""URL keyword builders for the tenancy walk in tests/secor/test_tenancy.py.

Each makes an object of ``employer`` (in ``association``) and returns its id.
"""

from secor import hooks

from ..factories import EnrollmentFactory, WCBAccountFactory, WorkerFactory

BUILDERS = {
    "employer_id": lambda association, employer: employer.pk,
    "account_id": lambda association, employer: WCBAccountFactory(employer=employer).pk,
    "worker_id": lambda association, employer: WorkerFactory(employer=employer).pk,
    "enrollment_id": lambda association, employer: EnrollmentFactory(employer=employer).pk,
}


@hooks.url_walk_builders.register
def builders() -> dict:
    return BUILDERS
