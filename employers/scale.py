"""Scale data of the employers app: employers, WCB accounts, enrollments, workers.

Per employer: one WCB account, one SECOR enrollment (most certified, some
registered or in progress, a few closed), ~5 workers. `plan.made["employers"]`
hands the rows to the training, audits and submissions builders.
"""

from __future__ import annotations

from datetime import timedelta

from secor.models import Program, ProgramKind
from secor.scale import PREFIX, ScalePlan, copy_insert

from .models import Employer, EnrollmentStatus, WCBAccount, Worker
from .models import Enrollment as EnrollmentModel

CITIES = {
    "AB": ["Calgary", "Edmonton", "Red Deer", "Lethbridge", "Grande Prairie", "Medicine Hat"],
    "SK": ["Regina", "Saskatoon", "Prince Albert", "Moose Jaw", "Swift Current", "Yorkton"],
}
WORDS = ["North", "Prairie", "Summit", "River", "Aspen", "Granite", "Maple", "Chinook", "Bow"]
TRADES = ["Trucking", "Construction", "Hauling", "Concrete", "Electric", "Excavating", "Roofing"]
FIRST = ["Alex", "Sam", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Quinn"]
LAST = ["Smith", "Brown", "Tremblay", "Martin", "Roy", "Wilson", "Singh", "Nguyen", "Lee", "Gill"]
WORKER_TYPES = ["owner", "full_time_permanent", "full_time_permanent", "part_time", "casual"]


def status_for(k: int) -> str:
    """Mostly certified; the rest on the way or closed (deterministic by position)."""
    bucket = k % 20
    if bucket < 14:
        return EnrollmentStatus.CERTIFIED
    if bucket < 16:
        return EnrollmentStatus.IN_PROGRESS
    if bucket < 18:
        return EnrollmentStatus.REGISTERED
    return EnrollmentStatus.LAPSED if bucket == 18 else EnrollmentStatus.CANCELLED


def build(plan: ScalePlan) -> None:
    rng, today = plan.rng, plan.today
    made = plan.made.setdefault("employers", {})
    for association in plan.associations:
        n = plan.employers[association.pk]
        program, _ = Program.objects.get_or_create(association=association, kind=ProgramKind.SECOR)
        province = association.jurisdiction if association.jurisdiction in CITIES else "AB"
        employers = copy_insert(
            Employer,
            [
                Employer(
                    association=association,
                    legal_name=f"{PREFIX}{k:06d} {rng.choice(WORDS)} {rng.choice(TRADES)} Ltd.",
                    operating_name=f"{rng.choice(WORDS)} {rng.choice(TRADES)}",
                    address=f"{rng.randint(1, 9999)} {rng.choice(WORDS)} Street",
                    city=rng.choice(CITIES[province]),
                    province=province,
                    postal_code="T2P 1J9" if province == "AB" else "S4P 3Y2",
                    phone=f"403-555-{k % 10000:04d}",
                    contact_email=f"office{k}@employer{k}.example",
                    expected_workers=rng.randint(2, 9),
                )
                for k in range(n)
            ],
            plan,
        )
        copy_insert(
            WCBAccount,
            [
                WCBAccount(
                    association=association,
                    employer=e,
                    board=association.wcb_board,
                    account_number=f"S{association.pk:02d}{k:07d}",
                    industry_code=f"{rng.randint(10000, 99999)}",
                )
                for k, e in enumerate(employers)
            ],
            plan,
        )
        enrollments = []
        for k, e in enumerate(employers):
            status = status_for(k)
            enrollments.append(
                EnrollmentModel(
                    association=association,
                    employer=e,
                    program=program,
                    status=status,
                    # Certified ones registered before their certification (three years back).
                    registered_on=today - timedelta(days=rng.randint(1150, 1400))
                    if status == EnrollmentStatus.CERTIFIED
                    else today - timedelta(days=rng.randint(20, 500)),
                    membership_number=f"M{k:07d}",
                    status_changed_on=today - timedelta(days=rng.randint(1, 300))
                    if status in (EnrollmentStatus.LAPSED, EnrollmentStatus.CANCELLED)
                    else None,
                )
            )
        copy_insert(EnrollmentModel, enrollments, plan)
        workers = []
        for e in employers:
            for j in range(rng.randint(4, 6)):
                start = today - timedelta(days=rng.randint(200, 3000))
                left = j == 4 and rng.random() < 0.3
                workers.append(
                    Worker(
                        association=association,
                        employer=e,
                        full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                        employment_type=WORKER_TYPES[j % len(WORKER_TYPES)],
                        province=province,
                        start_date=start,
                        end_date=today - timedelta(days=rng.randint(1, 150)) if left else None,
                    )
                )
        copy_insert(Worker, workers, plan)
        by_employer: dict[int, list] = {}
        for w in workers:
            by_employer.setdefault(w.employer_id, []).append(w)
        made[association.pk] = {
            "program": program,
            "rows": [
                (e, enrollment, by_employer[e.pk])
                for e, enrollment in zip(employers, enrollments, strict=True)
            ],
        }
