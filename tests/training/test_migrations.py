"""The data migration moves certificate files and verified facts out of history (ADR 0008)."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from ..factories import UserFactory, WorkerFactory

BEFORE = [("training", "0003_record_versions_and_evidence_files")]
AFTER = [("training", "0005_record_evidence_only_in_files")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_files_and_the_last_verified_facts_leave_history_for_explicit_rows(association):
    worker = WorkerFactory(employer__association=association, association=association)
    staff = UserFactory()
    first = default_storage.save(
        f"training/evidence/{association.pk}/a.pdf", ContentFile(b"%PDF-1.7 first %%EOF")
    )
    second = default_storage.save(
        f"training/evidence/{association.pk}/b.png", ContentFile(b"\x89PNG second")
    )
    apps = _migrate(BEFORE)
    try:
        Course = apps.get_model("training", "Course")
        Record = apps.get_model("training", "TrainingRecord")
        History = apps.get_model("training", "HistoricalTrainingRecord")
        course = Course._base_manager.create(association_id=association.pk, code="SE", name="SE")
        now = timezone.now()
        record = Record._base_manager.create(
            association_id=association.pk,
            employer_id=worker.employer_id,
            worker_id=worker.pk,
            course_id=course.pk,
            completed_on=date(2024, 3, 1),
            certificate_number="SE-9",
            hours=8,
            proficiency_accepted_on=date(2024, 4, 2),
            evidence=second,
            evidence_name="letter.png",
            evidence_content_type="image/png",
            evidence_size=12,
            status="pending",
        )
        common = {
            "id": record.pk,
            "association_id": association.pk,
            "employer_id": worker.employer_id,
            "worker_id": worker.pk,
            "course_id": course.pk,
            "completed_on": date(2024, 3, 1),
            "certificate_number": "SE-9",
            "hours": 8,
            "created_at": now,
            "history_type": "~",
        }
        for minutes, extra in (
            (3, {"status": "pending", "evidence": first, "evidence_name": "cert.pdf"}),
            (
                2,
                {
                    "status": "verified",
                    "evidence": first,
                    "evidence_name": "cert.pdf",
                    "verified_by_id": staff.pk,
                    "verified_at": now - timedelta(minutes=2),
                },
            ),
            (
                1,
                {
                    "status": "pending",
                    "evidence": second,
                    "evidence_name": "letter.png",
                    "proficiency_accepted_on": date(2024, 4, 2),
                },
            ),
        ):
            History._base_manager.create(
                **common, **extra, history_date=now - timedelta(minutes=minutes)
            )
        apps = _migrate(AFTER)
    finally:
        _migrate_to_latest()

    Record = apps.get_model("training", "TrainingRecord")
    EvidenceFile = apps.get_model("secor", "EvidenceFile")
    migrated = Record._base_manager.get(pk=record.pk)
    files = list(EvidenceFile._base_manager.filter(association_id=association.pk))
    assert [(f.version, f.file.name, f.original_name) for f in files] == [
        (1, first, "cert.pdf"),
        (2, second, "letter.png"),
    ]
    assert len({f.lineage for f in files}) == 1
    assert files[0].sha256 == hashlib.sha256(b"%PDF-1.7 first %%EOF").hexdigest()
    assert migrated.evidence_file_id == files[1].pk
    assert migrated.status == "pending"  # the update still waits
    verification = apps.get_model("training", "RecordVerification")._base_manager.get(
        pk=migrated.verification_id
    )
    # What staff verified: before the acceptance date and the new file arrived.
    assert (verification.completed_on, verification.proficiency_accepted_on) == (
        date(2024, 3, 1),
        None,
    )
    assert (verification.evidence_file_id, verification.verified_by_id) == (files[0].pk, staff.pk)
    assert History._base_manager.filter(id=record.pk).count() == 3  # history kept
