"""URL keyword builders for the tenancy walk (tests/secor/test_tenancy.py): people."""

from secor import hooks
from secor.models import Role

from ..factories import InvitationFactory, MembershipFactory

BUILDERS = {
    "membership_id": lambda association, employer: (
        MembershipFactory(association=association, role=Role.EMPLOYER, employer=employer).pk
    ),
    "invitation_id": lambda association, employer: (
        InvitationFactory(association=association, role=Role.EMPLOYER, employer=employer).pk
    ),
}


@hooks.url_walk_builders.register
def builders() -> dict:
    return BUILDERS
