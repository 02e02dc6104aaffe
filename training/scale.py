"""Scale data of the training app: ~10 training records per employer (two per worker).

Courses come from the association's catalogue; most records are verified by
the scale reviewer, some wait for verification (the queue), a few are rejected.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from secor.scale import ScalePlan, copy_insert

from .models import Course, RecordStatus, TrainingRecord


def build(plan: ScalePlan) -> None:
    rng, today = plan.rng, plan.today
    now = timezone.now()
    for association in plan.associations:
        courses = list(Course.objects.filter(association=association, is_active=True)[:6])
        if not courses:
            course, _ = Course.objects.get_or_create(
                association=association, code="SCALE", defaults={"name": "Scale course"}
            )
            courses = [course]
        reviewer = plan.made["staff"][association.pk]
        records = []
        for employer, _enrollment, workers in plan.made["employers"][association.pk]["rows"]:
            for w in workers:
                for course in rng.sample(courses, min(2, len(courses))):
                    completed = max(w.start_date, today - timedelta(days=rng.randint(30, 1500)))
                    roll = rng.random()
                    status = (
                        RecordStatus.VERIFIED
                        if roll < 0.85
                        else RecordStatus.PENDING
                        if roll < 0.97
                        else RecordStatus.REJECTED
                    )
                    decided = status != RecordStatus.PENDING
                    records.append(
                        TrainingRecord(
                            association=association,
                            employer=employer,
                            worker=w,
                            course=course,
                            completed_on=completed,
                            certificate_number=f"C{rng.randint(100000, 999999)}",
                            hours=8,
                            evidence=f"training/evidence/scale/{employer.pk}/{w.pk}.pdf",
                            evidence_name="certificate.pdf",
                            evidence_content_type="application/pdf",
                            evidence_size=48213,
                            status=status,
                            rejection_reason="The scan is unreadable."
                            if status == RecordStatus.REJECTED
                            else "",
                            verified_by=reviewer if decided else None,
                            verified_at=now if decided else None,
                        )
                    )
        copy_insert(TrainingRecord, records, plan)
