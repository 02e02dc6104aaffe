"""Builders for the reviewer workspace tests: inspected submissions ready for review.

The zip is written to storage and the real inspection runs (`services.submission_inspect`),
so the manifest rows are the ones an upload would produce.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from audits.schedule import local_date
from audits.seeds import ALBERTA_ELEMENTS
from secor.tenancy import activate
from submissions import services
from submissions.models import Submission
from tests.audits.factories import audit as make_audit


def pdf_document(text: str) -> bytes:
    """A small, valid one-page PDF showing `text` (a browser's viewer opens it)."""
    safe = text.replace("\\", "").replace("(", "").replace(")", "")
    stream = f"BT /F1 18 Tf 40 140 Td ({safe}) Tj ET".encode()
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 420 200]/Contents 4 0 R"
        b"/Resources<</Font<</F1 5 0 R>>>>>>",
        b"<</Length %d>>stream\n" % len(stream) + stream + b"\nendstream",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


PDF = pdf_document("Audit tool")
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff"
    b"\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def today_in(association):
    return local_date(timezone.now(), association.time_zone)


def recent_audit(association, employer=None, **fields):
    """A planned audit whose data gathering ended three days ago (inside the 21 days)."""
    today = today_in(association)
    fields.setdefault("data_gathering_start", today - timedelta(days=10))
    fields.setdefault("data_gathering_end", today - timedelta(days=3))
    return make_audit(association, employer, **fields)


def folders_for(tool) -> list[str]:
    """One folder name per element of an audit tool, as an employer would name them."""
    with activate(tool.association):
        rows = list(
            tool.elements.order_by("supplemental", "number").values_list(
                "number", "name", "supplemental"
            )
        )
    folders, k = [], 0
    for number, name, supplemental in rows:
        if supplemental:
            k += 1
            folders.append(f"Supplemental {k} - {name}")
        else:
            folders.append(f"{number:02d} - {name}")
    return folders


def evaluation_zip(*, files_per_element=1, extra=None, drop=(), change=None, folders=None) -> bytes:
    """The tool at the top, one folder per element with `files_per_element` PDFs.

    `extra` adds {path: bytes}; `drop` leaves paths out; `change` replaces the bytes of paths.
    `folders` defaults to the AMTA SECOR tool's elements.
    """
    files = {"Audit tool.pdf": PDF}
    if folders is None:
        folders = [f"{i:02d} - {name}" for i, name in enumerate(ALBERTA_ELEMENTS, start=1)]
    for i, folder in enumerate(folders, start=1):
        for k in range(files_per_element):
            files[f"{folder}/evidence {i}-{k}.pdf"] = PDF + bytes([i, k]) * 50
    files.update(extra or {})
    files.update(change or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for path, data in files.items():
            if path not in drop:
                zf.writestr(f"Evaluation/{path}", data)
    return buffer.getvalue()


def inspected(association, *, audit=None, employer=None, data=None, previous=None, actor=None):
    """A submission written as an upload would be, then inspected: waiting for review."""
    import hashlib

    audit = audit or (previous.audit if previous else recent_audit(association, employer))
    data = data if data is not None else evaluation_zip(folders=folders_for(audit.tool))
    name = default_storage.save(f"submissions/test/{uuid.uuid4().hex}/eval.zip", ContentFile(data))
    with activate(association):
        submission = Submission.objects.create(
            association=association,
            employer=audit.employer,
            audit=audit,
            program=audit.enrollment.program,
            kind="evaluation",
            version=previous.version + 1 if previous else 1,
            previous=previous,
            file=name,
            original_name="eval.zip",
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            submitted_by=actor,
        )
    result = services.submission_inspect(submission_id=submission.pk, association=association)
    assert result.status in ("awaiting_review", "resubmitted"), result.problems
    return result
