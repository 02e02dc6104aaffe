"""Storing evidence files: the one way an app keeps a file it must never lose.

A file is stored once, under a new random name in the private storage
(``STORAGES["default"]``: a local private folder or S3, see ``secor.storage``),
with its SHA-256 computed while it is read. A replacement is a new version of
the same lineage; nothing is overwritten (docs/adr/0008).
"""

from __future__ import annotations

import hashlib

from . import audit
from .models import EvidenceFile


def sha256_of(upload) -> str:
    """The SHA-256 of an uploaded (or stored) file, read in chunks; leaves it at its start."""
    hasher = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        hasher.update(chunk)
    upload.seek(0)
    return hasher.hexdigest()


def evidence_file_store(
    *,
    association,
    kind: str,
    upload,
    content_type: str,
    original_name: str,
    stored_name: str,
    actor,
    replaces: EvidenceFile | None = None,
) -> EvidenceFile:
    """Store ``upload`` as a new evidence file (version 1, or the next after ``replaces``).

    ``stored_name`` only gives the extension of the random name (the caller
    knows what the file *is*). A caller whose transaction then fails removes the
    bytes with ``discard_bytes`` (the row goes with the rollback).
    """
    if replaces is not None and replaces.association_id != association.pk:
        raise ValueError("The file replaced belongs to another association.")
    digest = sha256_of(upload)
    upload.name = stored_name
    evidence = EvidenceFile(
        association=association,
        kind=kind,
        file=upload,
        original_name=(original_name or "")[:200],
        content_type=content_type,
        size=upload.size,
        sha256=digest,
        stored_by=audit.actor_or_none(actor),
        stored_by_label=audit.actor_label(actor),
    )
    if replaces is not None:
        evidence.lineage = replaces.lineage
        latest = (
            EvidenceFile.objects.for_association(association)
            .filter(lineage=replaces.lineage)
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
        )
        evidence.version = (latest or 0) + 1
    evidence.save()
    return evidence


def discard_bytes(evidence: EvidenceFile) -> None:
    """Remove the stored bytes of a row whose transaction is failing (never otherwise)."""
    if evidence.file.name:
        evidence.file.storage.delete(evidence.file.name)


def lineage_of(evidence: EvidenceFile):
    """Every version of ``evidence``'s document, newest first."""
    return (
        EvidenceFile.objects.for_association(evidence.association)
        .filter(lineage=evidence.lineage)
        .select_related("stored_by")
        .order_by("-version")
    )
