"""Scale data of the training app: ~10 training records per employer (two per worker).

Courses come from the association's catalogue. Each record has its certificate
file (`EvidenceFile`, named by position under `secor.scale.EVIDENCE_PREFIX`, so
a rerun reuses the immutable rows it stored before instead of adding more); most are
verified by the scale reviewer (with the `RecordVerification` compliance
reads), some wait for verification (the queue), a few are rejected.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.utils import timezone

from secor.models import EvidenceFile
from secor.scale import EVIDENCE_PREFIX, ScalePlan, copy_insert, reserve_ids

from .models import Course, RecordStatus, RecordVerification, TrainingRecord

FACTS = ("course", "completed_on", "certificate_number", "hours")


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
        prefix = f"{EVIDENCE_PREFIX}training/{association.slug}/"
        stored = dict(
            EvidenceFile.objects.filter(association=association, file__startswith=prefix)
            .values_list("file", "pk")
            .iterator()
        )
        records, files = [], []
        rows = plan.made["employers"][association.pk]["rows"]
        for k, (employer, _enrollment, workers) in enumerate(rows):
            for j, w in enumerate(workers):
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
                    name = f"{prefix}{k:06d}/{j}-{course.pk}.pdf"
                    evidence = EvidenceFile(
                        pk=stored.get(name),
                        association=association,
                        kind="training.certificate",
                        file=name,
                        original_name="certificate.pdf",
                        content_type="application/pdf",
                        size=48213,
                        sha256=hashlib.sha256(name.encode()).hexdigest(),
                        stored_by_label="Scale data",
                        stored_at=now,
                    )
                    files.append(evidence)
                    records.append(
                        TrainingRecord(
                            association=association,
                            employer=employer,
                            worker=w,
                            course=course,
                            completed_on=completed,
                            certificate_number=f"C{rng.randint(100000, 999999)}",
                            hours=8,
                            evidence_file=evidence,
                            status=status,
                            rejection_reason="The scan is unreadable."
                            if status == RecordStatus.REJECTED
                            else "",
                            verified_by=reviewer if decided else None,
                            verified_at=now if decided else None,
                        )
                    )
        copy_insert(EvidenceFile, [f for f in files if f.pk is None], plan)
        for record, evidence in zip(records, files, strict=True):
            record.evidence_file = evidence  # its id is known now
        verified = [r for r in records if r.status == RecordStatus.VERIFIED]
        # A verified record points at its verification and the verification at the record:
        # ids first (PostgreSQL checks the foreign keys at commit).
        for record, pk in zip(records, reserve_ids(TrainingRecord, len(records)), strict=True):
            record.pk = pk
        verifications = []
        ids = reserve_ids(RecordVerification, len(verified))
        for record, pk in zip(verified, ids, strict=True):
            verifications.append(
                RecordVerification(
                    pk=pk,
                    association=association,
                    record=record,
                    evidence_file=record.evidence_file,
                    verified_by=reviewer,
                    verified_by_label=reviewer.email,
                    verified_at=now,
                    **{f: getattr(record, f) for f in FACTS},
                )
            )
            record.verification_id = pk
        copy_insert(TrainingRecord, records, plan)
        copy_insert(RecordVerification, verifications, plan)
