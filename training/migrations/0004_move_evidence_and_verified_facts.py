"""Move today's certificate files and verified facts out of history (docs/adr/0008).

For each training record, its history rows (oldest first) give every file it
has had: each distinct stored name becomes one immutable ``EvidenceFile``
version of one lineage (SHA-256 read from storage; left empty when the bytes are
missing), and the record points at the newest. The facts staff last verified —
the record itself when it is verified, else its latest verified history row —
become a ``RecordVerification`` that compliance reads from now on. No row is
deleted; the stored files keep their names.
"""

import hashlib
import uuid

from django.core.files.storage import default_storage
from django.db import migrations

FACTS = (
    "course_id",
    "completed_on",
    "certificate_number",
    "hours",
    "proficiency_submitted_on",
    "proficiency_accepted_on",
    "maintenance_audit_on",
    "refresher_on",
)


def _sha256(name):
    try:
        with default_storage.open(name, "rb") as handle:
            hasher = hashlib.sha256()
            for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                hasher.update(chunk)
            return hasher.hexdigest()
    except (FileNotFoundError, OSError):
        return ""


def forwards(apps, schema_editor):
    TrainingRecord = apps.get_model("training", "TrainingRecord")
    History = apps.get_model("training", "HistoricalTrainingRecord")
    Verification = apps.get_model("training", "RecordVerification")
    EvidenceFile = apps.get_model("secor", "EvidenceFile")
    for record in TrainingRecord._base_manager.order_by("pk").iterator():
        versions = list(
            History._base_manager.filter(id=record.pk).order_by("history_date", "history_id")
        )
        # (stored name, original name, type, size, stored at, stored by) in order, each once.
        files = []
        for row in [*versions, None]:
            source = row or record
            name = source.evidence if row is not None else record.evidence.name
            name = getattr(name, "name", name) or ""
            if name and (not files or files[-1][0] != name) and name not in {f[0] for f in files}:
                when = row.history_date if row is not None else record.created_at
                who = row.history_user_id if row is not None else record.added_by_id
                files.append(
                    (
                        name,
                        source.evidence_name,
                        source.evidence_content_type,
                        source.evidence_size,
                        when,
                        who,
                    )
                )
        lineage = uuid.uuid4()
        stored = {}
        for number, (name, original, content_type, size, when, who) in enumerate(files, 1):
            stored[name] = EvidenceFile._base_manager.create(
                association_id=record.association_id,
                kind="training.certificate",
                lineage=lineage,
                version=number,
                file=name,
                original_name=original or "",
                content_type=content_type or "",
                size=size or 0,
                sha256=_sha256(name),
                stored_by_id=who,
                stored_at=when,
            )
        current_name = record.evidence.name if record.evidence else ""
        record.evidence_file = stored.get(current_name)
        if record.status == "verified":
            verified = record
            verified_name = current_name
        else:
            verified = next((v for v in reversed(versions) if v.status == "verified"), None)
            verified_name = verified.evidence if verified is not None else ""
        if verified is not None:
            record.verification = Verification._base_manager.create(
                association_id=record.association_id,
                record_id=record.pk,
                number=1,
                **{f: getattr(verified, f) for f in FACTS},
                evidence_file=stored.get(verified_name),
                verified_by_id=verified.verified_by_id,
                verified_at=verified.verified_at or record.created_at,
            )
        TrainingRecord._base_manager.filter(pk=record.pk).update(
            evidence_file=record.evidence_file, verification=record.verification
        )


class Migration(migrations.Migration):
    dependencies = [("training", "0003_record_versions_and_evidence_files")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
