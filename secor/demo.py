"""Demo data for ``make run``: the three seeded associations, one staff login per role.

Each app registers its builder on ``hooks.demo_builders``; ``build_all`` runs
them in ``INSTALLED_APPS`` order so a newcomer can click through the whole
product. The employer logins come with the employers (``employers.demo``).
"""

import functools

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from . import hooks
from .models import Association, Membership, Program, ProgramKind, Role, User

DEMO_PASSWORD = "demo-password-2026"

ASSOCIATIONS = [
    {
        "slug": "amta",
        "seed": "amta",
        "name": "Alberta Motor Transport Association",
        "short_name": "AMTA",
        "jurisdiction": "AB",
        "wcb_board": "WCB-Alberta",
        "time_zone": "America/Edmonton",
        "contact_email": "cor@amta.example",
    },
    {
        "slug": "acsa",
        "seed": "acsa",
        "name": "Alberta Construction Safety Association",
        "short_name": "ACSA",
        "jurisdiction": "AB",
        "wcb_board": "WCB-Alberta",
        "time_zone": "America/Edmonton",
        "contact_email": "cor@acsa.example",
    },
    {
        "slug": "scsa",
        "seed": "scsa",
        "name": "Saskatchewan Construction Safety Association",
        "short_name": "SCSA",
        "jurisdiction": "SK",
        "wcb_board": "Saskatchewan WCB",
        "time_zone": "America/Regina",
        "contact_email": "programs@scsa.example",
    },
]
ROLE_LOGINS = {
    Role.PROGRAM_ADMIN: "admin",
    Role.REVIEWER: "reviewer",
    Role.AUDITOR: "auditor",
    Role.EMPLOYER: "employer",
}
# One person in two associations, to try the switcher.
MULTI_EMAIL = "multi@demo.example"
OPERATOR_EMAIL = "operator@demo.example"


@functools.cache
def _demo_password_hash() -> str:
    return make_password(DEMO_PASSWORD)


def demo_user(email: str, full_name: str, **extra) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": full_name, **extra}
    )
    if created:
        # Hash once: a dozen full-strength hashes made the demo slow to build.
        user.password = _demo_password_hash()
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def build_core() -> list[Association]:
    associations = []
    for data in ASSOCIATIONS:
        association, _ = Association.objects.update_or_create(slug=data["slug"], defaults=data)
        for kind in ProgramKind.values:
            Program.objects.get_or_create(association=association, kind=kind)
        # What association creation does: every app seeds from association.seed.
        hooks.association_created.call(association)
        for role, login in ROLE_LOGINS.items():
            if role == Role.EMPLOYER:
                continue  # employers.demo links this login to its first employer
            user = demo_user(
                f"{association.slug}-{login}@demo.example",
                f"{association.short_name} {Role(role).label}",
            )
            Membership.objects.get_or_create(
                association=association, user=user, defaults={"role": role}
            )
        associations.append(association)
    multi = demo_user(MULTI_EMAIL, "Morgan Multi")
    for association in associations[::2]:
        Membership.objects.get_or_create(
            association=association, user=multi, defaults={"role": Role.REVIEWER}
        )
    demo_user(OPERATOR_EMAIL, "Platform Operator", is_staff=True, is_superuser=True)
    return associations


def build_all() -> None:
    hooks.demo_builders.call(build_core())
