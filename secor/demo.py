"""Demo data for ``make run``: the three associations of the seeds, one login per role.

Each app may add a ``demo.py`` with ``build(associations)``; ``build_all`` runs
them in ``DEMO_APPS`` order so a newcomer can click through the whole product.
"""

import functools
import importlib

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from employers.models import Employer

from .models import Association, Membership, Program, ProgramKind, Role, User

DEMO_PASSWORD = "demo-password-2026"

ASSOCIATIONS = [
    {
        "slug": "amta",
        "name": "Alberta Motor Transport Association",
        "short_name": "AMTA",
        "jurisdiction": "AB",
        "wcb_board": "WCB-Alberta",
        "time_zone": "America/Edmonton",
        "contact_email": "cor@amta.example",
    },
    {
        "slug": "acsa",
        "name": "Alberta Construction Safety Association",
        "short_name": "ACSA",
        "jurisdiction": "AB",
        "wcb_board": "WCB-Alberta",
        "time_zone": "America/Edmonton",
        "contact_email": "cor@acsa.example",
    },
    {
        "slug": "scsa",
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
        first_employer, _ = Employer.objects.get_or_create(
            association=association,
            legal_name=f"{association.short_name} Demo Contracting Ltd.",
            defaults={"province": association.jurisdiction},
        )
        for role, login in ROLE_LOGINS.items():
            user = demo_user(
                f"{association.slug}-{login}@demo.example",
                f"{association.short_name} {Role(role).label}",
            )
            employer = first_employer if role == Role.EMPLOYER else None
            Membership.objects.get_or_create(
                association=association,
                user=user,
                defaults={
                    "role": role,
                    "employer": employer,
                    "is_employer_admin": role == Role.EMPLOYER,
                },
            )
        associations.append(association)
    multi = demo_user(MULTI_EMAIL, "Morgan Multi")
    for association in associations[::2]:
        Membership.objects.get_or_create(
            association=association, user=multi, defaults={"role": Role.REVIEWER}
        )
    demo_user(OPERATOR_EMAIL, "Platform Operator", is_staff=True, is_superuser=True)
    return associations


DEMO_APPS = ["employers", "training", "audits", "submissions"]


def build_all() -> None:
    associations = build_core()
    for app in DEMO_APPS:
        try:
            module = importlib.import_module(f"{app}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{app}.demo":
                raise
            continue
        module.build(associations)
