"""Budget: the reminder sweep's query count does not grow with the number of employers.

Builds (bulk_create) one association with N certified employers — each with a
live certificate cycle, a worker with an expiring training record, and every
tenth a milestone and a planned audit — then runs one day's sweep
(`secor.notifications.sweep`, sources of every app, rows recorded and send
tasks published to an in-memory broker) and counts its SQL queries. Sizes:
1,000, 5,000 and 50,000 employers (``BENCH_REMINDER_SIZES`` overrides).

Runs on a throwaway copy of the database named by DATABASE_URL (PostgreSQL:
a ``test_…`` database created and dropped here). Merges its figures into
``bench/results.json`` under "reminders" and exits non-zero when the query
count at a larger size exceeds the one at 1,000.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secor.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.pop("REDIS_URL", None)  # tasks publish to an in-memory broker, never run here

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

SIZES = [int(s) for s in os.environ.get("BENCH_REMINDER_SIZES", "1000,5000,50000").split(",")]
DAY = date(2026, 10, 2)


def build(association, program, start: int, count: int) -> None:
    from audits.models import Audit, AuditCycle, AuditTool, Certificate, Milestone, ProgramRules
    from audits.snapshot import rules_snapshot
    from employers.models import Employer, Enrollment, Worker
    from secor.dates import add_years
    from secor.models import EvidenceFile
    from training.models import Course, TrainingRecord

    rules = ProgramRules.objects.for_association(association).get(program=program)
    tool = AuditTool.objects.for_association(association).filter(program=program).first()
    course, _ = Course.objects.for_association(association).get_or_create(
        association=association, code="BENCH", defaults={"name": "Bench", "validity_months": 36}
    )
    employers = Employer.objects.bulk_create(
        [
            Employer(association=association, legal_name=f"Employer {i:06d}")
            for i in range(start, start + count)
        ],
        batch_size=5000,
    )
    enrollments = Enrollment.objects.bulk_create(
        [
            Enrollment(
                association=association,
                employer=e,
                program=program,
                status="certified",
                registered_on=date(2022, 1, 1),
            )
            for e in employers
        ],
        batch_size=5000,
    )
    cycles, workers = [], []
    for i, (e, enrollment) in enumerate(zip(employers, enrollments, strict=True)):
        # Certification dates spread over 900 days: a share is due on any given day.
        certified_on = date(2023, 6, 1) + timedelta(days=(start + i) % 900)
        cycles.append(
            AuditCycle(
                association=association,
                employer=e,
                enrollment=enrollment,
                certification_date=certified_on,
                ends_on=add_years(certified_on, 3),
            )
        )
        workers.append(
            Worker(
                association=association,
                employer=e,
                full_name=f"Worker {i}",
                employment_status="full_time_permanent",
                start_date=date(2020, 1, 1),
            )
        )
    AuditCycle.objects.bulk_create(cycles, batch_size=5000)
    # The cycle's live certificate: the anniversary, maintenance and expiry reminders read it.
    Certificate.objects.bulk_create(
        [
            Certificate(
                association=association,
                number=f"BENCH-{start + i:06d}",
                employer=c.employer,
                enrollment=c.enrollment,
                cycle=c,
                program=program,
                issued_on=c.certification_date,
                expires_on=c.ends_on,
                imported=True,
            )
            for i, c in enumerate(cycles)
        ],
        batch_size=5000,
    )
    Worker.objects.bulk_create(workers, batch_size=5000)
    # One stored file for every record: the sweep never reads it.
    evidence = EvidenceFile.objects.create(
        association=association,
        kind="training.certificate",
        file="training/evidence/bench.pdf",
        original_name="bench.pdf",
        stored_by_label="Bench",
    )
    TrainingRecord.objects.bulk_create(
        [
            TrainingRecord(
                association=association,
                employer=w.employer,
                worker=w,
                course=course,
                completed_on=date(2023, 9, 1) + timedelta(days=(start + i) % 700),
                evidence_file=evidence,
                status="pending",  # counted until rejected
            )
            for i, w in enumerate(workers)
        ],
        batch_size=5000,
    )
    snapshot = rules_snapshot(rules)
    tenth = list(zip(employers, enrollments, strict=True))[::10]
    Milestone.objects.bulk_create(
        [
            Milestone(
                association=association,
                employer=e,
                enrollment=enrollment,
                code="manual",
                label="Manual submitted",
                opens_on=date(2026, 1, 1),
                due_on=DAY + timedelta(days=(start + i) % 60),
            )
            for i, (e, enrollment) in enumerate(tenth)
        ],
        batch_size=5000,
    )
    Audit.objects.bulk_create(
        [
            Audit(
                association=association,
                employer=e,
                enrollment=enrollment,
                audit_type="maintenance",
                conducted_by="external_assessor",
                assessor_name="Bench",
                data_gathering_start=DAY - timedelta(days=20),
                data_gathering_end=DAY - timedelta(days=(start + i) % 15),
                tool=tool,
                rules_snapshot=snapshot,
            )
            for i, (e, enrollment) in enumerate(tenth)
        ],
        batch_size=5000,
    )


def measure(association) -> tuple[int, float, int]:
    from secor import notifications
    from secor.models import Reminder, ReminderSweep
    from secor.tenancy import activate

    with activate(association):
        Reminder.objects.all().delete()
        ReminderSweep.objects.all().delete()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        result = notifications.sweep(association, DAY, window_start=DAY)
    seconds = time.perf_counter() - started
    return len(ctx.captured_queries), seconds, result.created


def main() -> int:
    from audits.seeds import seed_association
    from secor import notifications
    from secor.celery import app as celery_app
    from secor.models import Association, Program
    from secor.tenancy import scopes_disabled

    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = "memory://"
    old_name = connection.settings_dict["NAME"]
    # Its own throwaway database: never the test run's "test_…" one.
    if connection.vendor == "postgresql":
        connection.settings_dict["TEST"]["NAME"] = f"bench_reminders_{old_name}"[:60]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    figures: dict = {"sizes": {}}
    try:
        with scopes_disabled():
            association = Association.objects.create(
                name="Bench Association",
                short_name="AMTA",
                slug="bench",
                jurisdiction="AB",
                wcb_board="WCB-Alberta",
                time_zone="America/Edmonton",
            )
            seed_association(apps.get_model, association, "amta")
            program = Program.objects.get(association=association, kind="secor")
        notifications.reminder_settings_ensure(association)
        built = 0
        for size in SIZES:
            with scopes_disabled():
                build(association, program, built, size - built)
            built = size
            measure(association)  # warm
            queries, seconds, created = measure(association)
            figures["sizes"][str(size)] = {
                "queries": queries,
                "seconds": round(seconds, 3),
                "reminders": created,
            }
            first = figures["sizes"][str(SIZES[0])]
            ratio = seconds / max(first["seconds"], 1e-6)
            print(
                f"{size:>7} employers: {queries} queries (at {SIZES[0]}: {first['queries']}), "
                f"{seconds:.2f} s, time ×{ratio:.1f} of {SIZES[0]}'s, {created} reminders",
                flush=True,
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    sizes = figures["sizes"]
    base = sizes[str(SIZES[0])]
    figures["queries_constant"] = all(v["queries"] <= base["queries"] for v in sizes.values())
    for size in SIZES[1:]:
        figures[f"time_ratio_{size}_vs_{SIZES[0]}"] = round(
            sizes[str(size)]["seconds"] / max(base["seconds"], 1e-6), 2
        )
    results = HERE / "results.json"
    data = json.loads(results.read_text()) if results.exists() else {}
    data["reminders"] = figures
    results.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    print(json.dumps(figures, indent=2))
    if not figures["queries_constant"]:
        print("FAIL: the sweep's query count grows with the number of employers", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
