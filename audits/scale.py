"""Scale data of the audits app: three years of cycles, audits, certificates, reminders.

Per certified employer: a cycle certified within the last three years (its
dates from the pure schedule of the association's rules), the passed
certification audit, a passed maintenance audit for each year whose window has
closed, a planned or received one for the year whose window is open, the
certificate with its first revision, and the maintenance reminders already
sent. Registrants get the program's milestones. `plan.made["audits"]` hands the
received and decided audits to the submissions builder.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from employers.models import EnrollmentStatus
from secor.models import Reminder, ReminderStatus
from secor.scale import ScalePlan, copy_insert

from . import schedule as sched
from .models import (
    Audit,
    AuditCycle,
    AuditStatus,
    AuditTool,
    Certificate,
    CertificateRevision,
    ConductedBy,
    Milestone,
    ProgramRules,
)
from .snapshot import rules_from_snapshot, rules_snapshot

MILESTONES = [
    ("manual", "Health and safety manual submitted", 120),
    ("training", "Required courses completed", 240),
    ("audit_booked", "Certification audit booked", 365),
]


def _audit(association, employer, enrollment, cycle, year, kind, tool, snapshot, **extra):
    audit = Audit(
        association=association,
        employer=employer,
        enrollment=enrollment,
        cycle=cycle,
        year=year,
        audit_type=kind,
        conducted_by=ConductedBy.EXTERNAL_ASSESSOR,
        assessor_name="Scale Assessor",
        tool=tool,
        rules_snapshot=snapshot,
        **extra,
    )
    audit.refresh_deadlines()  # what save() does; COPY bypasses it
    return audit


def build(plan: ScalePlan) -> None:
    rng, today = plan.rng, plan.today
    made = plan.made.setdefault("audits", {})
    reminders_made = plan.made.setdefault("reminders", {})
    for association in plan.associations:
        program = plan.made["employers"][association.pk]["program"]
        rules_row = ProgramRules.objects.filter(association=association, program=program).first()
        tool = AuditTool.objects.filter(association=association, program=program).first()
        if rules_row is None or tool is None:
            continue  # an association without seeded rules gets employers, no audits
        snapshot = rules_snapshot(rules_row)
        rules = rules_from_snapshot(snapshot)
        cycles, audits, schedules, certificates, milestones = [], [], [], [], []
        registrants = []
        for employer, enrollment, _workers in plan.made["employers"][association.pk]["rows"]:
            if enrollment.status != EnrollmentStatus.CERTIFIED:
                if enrollment.status in (EnrollmentStatus.REGISTERED, EnrollmentStatus.IN_PROGRESS):
                    registrants.append((employer, enrollment))
                continue
            certified = today - timedelta(days=rng.randint(30, 1060))
            schedule = sched.cycle_schedule(certified, rules)
            cycles.append(
                AuditCycle(
                    association=association,
                    employer=employer,
                    enrollment=enrollment,
                    certification_date=certified,
                    ends_on=schedule.expires_on,
                )
            )
            schedules.append((employer, enrollment, schedule))
        copy_insert(AuditCycle, cycles, plan)
        first_audits = []
        for cycle, (employer, enrollment, schedule) in zip(cycles, schedules, strict=True):
            certified = cycle.certification_date
            first = _audit(
                association,
                employer,
                enrollment,
                cycle,
                1,
                sched.AuditType.CERTIFICATION,
                tool,
                snapshot,
                data_gathering_start=certified - timedelta(days=10),
                data_gathering_end=certified,
                status=AuditStatus.PASSED,
                received_on=certified + timedelta(days=7),
                decided_on=certified + timedelta(days=25),
                overall_percent=Decimal(rng.randint(80, 98)),
            )
            audits.append(first)
            first_audits.append(first)
            for year_plan in schedule.years[1:]:
                opens, due = year_plan.maintenance_opens, year_plan.maintenance_due
                if opens is None or due is None or opens > today:
                    continue
                if due < today:  # a closed window: its maintenance audit passed
                    end = max(opens, due - timedelta(days=rng.randint(20, 90)))
                    audits.append(
                        _audit(
                            association,
                            employer,
                            enrollment,
                            cycle,
                            year_plan.year,
                            sched.AuditType.MAINTENANCE,
                            tool,
                            snapshot,
                            data_gathering_start=max(opens, end - timedelta(days=10)),
                            data_gathering_end=end,
                            status=AuditStatus.PASSED,
                            received_on=end + timedelta(days=10),
                            decided_on=end + timedelta(days=30),
                            overall_percent=Decimal(rng.randint(80, 98)),
                        )
                    )
                elif rng.random() < 0.6:  # the open window: planned (some under way) or received
                    # The surge: audits done over the last three months, half of them sent
                    # in and not decided yet (the reviewers' backlog), the rest still to come.
                    start = today + timedelta(days=rng.randint(-90, 40))
                    start = min(max(start, opens), due)
                    end = min(start + timedelta(days=10), due)
                    received = end < today and rng.random() < 0.5
                    audits.append(
                        _audit(
                            association,
                            employer,
                            enrollment,
                            cycle,
                            year_plan.year,
                            sched.AuditType.MAINTENANCE,
                            tool,
                            snapshot,
                            data_gathering_start=start,
                            data_gathering_end=end,
                            status=AuditStatus.RECEIVED if received else AuditStatus.PLANNED,
                            received_on=(
                                min(
                                    end + timedelta(days=rng.randint(1, 10)),
                                    today - timedelta(days=1),
                                )
                                if received
                                else None
                            ),
                        )
                    )
            certificates.append(
                Certificate(
                    association=association,
                    number=f"SCALE-{association.short_name}-{employer.pk:08d}",
                    employer=employer,
                    enrollment=enrollment,
                    cycle=cycle,
                    audit=first,
                    program=program,
                    issued_on=certified + timedelta(days=25),
                    expires_on=cycle.ends_on,
                )
            )
        copy_insert(Audit, audits, plan)
        copy_insert(Certificate, certificates, plan)
        copy_insert(
            CertificateRevision,
            [
                CertificateRevision(
                    association=association,
                    certificate=c,
                    revision=1,
                    legal_name=c.employer.legal_name,
                    issued_on=c.issued_on,
                    expires_on=c.expires_on,
                )
                for c in certificates
            ],
            plan,
        )
        for employer, enrollment in registrants:
            for code, label, days in MILESTONES:
                due = enrollment.registered_on + timedelta(days=days)
                met = due < today and rng.random() < 0.7
                milestones.append(
                    Milestone(
                        association=association,
                        employer=employer,
                        enrollment=enrollment,
                        code=code,
                        label=label,
                        opens_on=enrollment.registered_on,
                        due_on=due,
                        outcome="accepted" if met else "pending",
                        met_on=due - timedelta(days=3) if met else None,
                    )
                )
        copy_insert(Milestone, milestones, plan)
        # The maintenance reminders already sent (30 days ahead of each due date gone by).
        reminders = []
        for cycle, (employer, _enrollment, schedule) in zip(cycles, schedules, strict=True):
            for year_plan in schedule.years[1:]:
                due = year_plan.maintenance_due
                if due is None or due - timedelta(days=30) > today:
                    continue
                send_on = due - timedelta(days=30)
                sent_at = timezone.make_aware(datetime.combine(send_on, time(7)))
                reminders.append(
                    Reminder(
                        association=association,
                        kind="maintenance-due",
                        object_key=f"audits.cycle:{cycle.pk}:{year_plan.year}",
                        deadline=due,
                        lead_days=30,
                        send_on=send_on,
                        employer=employer,
                        title=f"Year {year_plan.year} maintenance audit due {due.isoformat()}",
                        status=ReminderStatus.SENT,
                        enqueued_at=sent_at,
                        claimed_at=sent_at,
                        sent_at=sent_at,
                        audience=["employer"],
                    )
                )
        copy_insert(Reminder, reminders, plan)
        reminders_made[association.pk] = reminders
        made[association.pk] = [a for a in audits if a.received_on is not None]
