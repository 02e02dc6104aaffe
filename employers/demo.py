"""Demo employers for ``make run``: a handful per association, in different states.

Idempotent: an employer that already exists (by legal name) is left as it is.
"""

from __future__ import annotations

from datetime import timedelta

from secor.dates import association_today
from secor.demo import ROLE_LOGINS, demo_user
from secor.models import Membership, Program, ProgramKind, Role
from secor.tenancy import activate

from . import services
from .models import Employer, Enrollment, EnrollmentStatus

# (name suffix, status, [(role, employment status, count, months ago started, months ago
#  ended)], a declared seasonal crew not on the roster (temporary people) or None, general
#  contractor expecting n)
DEMO_EMPLOYERS = [
    (
        "Demo Contracting Ltd.",
        EnrollmentStatus.IN_PROGRESS,
        [
            ("owner", "full_time_permanent", 1, 60, None),
            ("other", "full_time_permanent", 3, 30, None),
            ("manager", "full_time_permanent", 1, 30, None),
            ("clerical", "part_time", 1, 20, None),
            ("other", "casual", 2, 8, 5),
            ("family_member", "volunteer", 1, 14, None),
        ],
        None,
        None,
    ),
    (
        "Prairie Small Roofing Ltd.",
        EnrollmentStatus.REGISTERED,
        [
            ("owner", "full_time_permanent", 1, 40, None),
            ("other", "full_time_permanent", 2, 18, None),
        ],
        None,
        None,
    ),
    (
        "Big Sky Paving Inc.",
        EnrollmentStatus.IN_PROGRESS,
        [
            ("owner", "full_time_permanent", 2, 80, None),
            ("other", "full_time_permanent", 6, 36, None),
        ],
        5,
        None,
    ),
    (
        "Certified Hauling Co.",
        EnrollmentStatus.CERTIFIED,
        [
            ("owner", "full_time_permanent", 1, 90, None),
            ("other", "full_time_permanent", 2, 50, None),
            ("family_member", "full_time_permanent", 1, 50, None),
            ("other", "part_time", 2, 24, None),
            ("other", "subcontractor", 2, 10, None),
        ],
        None,
        None,
    ),
    (
        "General Builders Ltd.",
        EnrollmentStatus.REGISTERED,
        [
            ("owner", "full_time_permanent", 1, 30, None),
            ("other", "full_time_permanent", 3, 12, None),
        ],
        None,
        14,
    ),
]
FIRST_NAMES = [
    "Avery",
    "Blair",
    "Casey",
    "Devon",
    "Emery",
    "Finley",
    "Harper",
    "Jordan",
    "Kendall",
    "Logan",
    "Morgan",
    "Parker",
    "Quinn",
    "Reese",
    "Rowan",
    "Sawyer",
]


def _months_ago(today, months):
    return today - timedelta(days=round(months * 30.44))


def build(associations) -> None:
    for association in associations:
        with activate(association):
            services.rules_ensure(association=association)
            _build_one(association)
            _employer_login(association)


def _employer_login(association) -> None:
    """The demo employer user, linked to the association's first demo employer."""
    employer = Employer.objects.get(legal_name=f"{association.short_name} {DEMO_EMPLOYERS[0][0]}")
    user = demo_user(
        f"{association.slug}-{ROLE_LOGINS[Role.EMPLOYER]}@demo.example",
        f"{association.short_name} {Role.EMPLOYER.label}",
    )
    Membership.objects.get_or_create(
        association=association,
        user=user,
        # The demo employer login manages its company's users (secor/permissions.py).
        defaults={"role": Role.EMPLOYER, "employer": employer, "is_employer_admin": True},
    )


def _build_one(association) -> None:
    today = association_today(association)
    secor = Program.objects.get(kind=ProgramKind.SECOR)
    for index, (suffix, status, roster, declared, expected) in enumerate(DEMO_EMPLOYERS):
        name = f"{association.short_name} {suffix}"
        employer, created = Employer.objects.get_or_create(
            association=association,
            legal_name=name,
            defaults={"province": association.jurisdiction},
        )
        if employer.wcb_accounts.exists():
            continue  # built on an earlier run
        services.employer_update(
            employer=employer,
            actor=None,
            city="Regina" if association.jurisdiction == "SK" else "Red Deer",
            province=association.jurisdiction,
            contact_email=f"office{index}@{association.slug}-demo.example",
            is_general_contractor=expected is not None,
            expected_workers=expected,
        )
        services.wcb_account_add(
            employer=employer,
            actor=None,
            board=association.wcb_board,
            account_number=f"{association.pk:02}{index + 1:05}",
        )
        people = [
            (role, status, started, ended)
            for role, status, count, started, ended in roster
            for _ in range(count)
        ]
        # One call for the whole roster: one insert and one verdict, not one per person.
        services.roster_add(
            employer=employer,
            actor=None,
            workers=[
                {
                    "full_name": f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {suffix.split()[0]}",
                    "role": role,
                    "employment_status": status,
                    "province": association.jurisdiction,
                    "start_date": _months_ago(today, started),
                    "end_date": _months_ago(today, ended) if ended is not None else None,
                }
                for n, (role, status, started, ended) in enumerate(people)
            ],
        )
        if declared:
            services.headcount_declare(
                employer=employer,
                actor=None,
                period_start=_months_ago(today, 4),
                period_end=_months_ago(today, 3),
                counts={"temporary": declared},
            )
        if not Enrollment.objects.filter(employer=employer, program=secor).exists():
            enrollment = Enrollment.objects.create(
                association=association,
                employer=employer,
                program=secor,
                registered_on=_months_ago(today, 14 if status != "registered" else 0),
            )
            if status != EnrollmentStatus.REGISTERED:
                services.enrollment_confirm(
                    enrollment=enrollment,
                    actor=None,
                    membership_number=f"M-{association.pk}{index:04}",
                    membership_expires_on=today + timedelta(days=200),
                )
            if status == EnrollmentStatus.CERTIFIED:
                enrollment.refresh_from_db()
                services.enrollment_set_status(enrollment=enrollment, actor=None, status=status)
