"""Builders for submissions tests: an audit waiting for its evaluation, zips, tus requests."""

from __future__ import annotations

import base64
import io
import zipfile
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from audits.schedule import local_date
from audits.seeds import ALBERTA_ELEMENTS
from secor.tenancy import activate
from tests.audits.factories import audit as make_audit
from tests.audits.factories import seeded

TUS = {"HTTP_TUS_RESUMABLE": "1.0.0"}


def today_in(association):
    return local_date(timezone.now(), association.time_zone)


def recent_audit(association, employer, **fields):
    """A planned audit whose data gathering ended three days ago (inside the 21 days)."""
    today = today_in(association)
    fields.setdefault("data_gathering_start", today - timedelta(days=10))
    fields.setdefault("data_gathering_end", today - timedelta(days=3))
    return make_audit(association, employer, **fields)


def evaluation_zip(
    *, elements=None, tool=True, wrapper="Prairie Hauling 2026", extra=None
) -> bytes:
    """A well-formed evaluation: the tool at the top, one folder per element with a PDF."""
    names = ALBERTA_ELEMENTS if elements is None else elements
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        if tool:
            zf.writestr(f"{wrapper}/Audit tool.pdf", b"%PDF-1.4 tool\n" + b"x" * 200)
        for i, name in enumerate(names, start=1):
            zf.writestr(
                f"{wrapper}/{i:02d} - {name}/evidence {i}.pdf",
                b"%PDF-1.4 evidence\n" + bytes([i]) * 300,
            )
        for path, data in (extra or {}).items():
            zf.writestr(f"{wrapper}/{path}", data)
    return buffer.getvalue()


def metadata(**values) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


def tus_create_url(association, audit) -> str:
    return reverse(
        "submissions:tus_create_for_audit",
        kwargs={"association_slug": association.slug, "audit_id": audit.pk},
    )


def tus_start(client, association, audit, data: bytes, filename="evaluation.zip"):
    response = client.post(
        tus_create_url(association, audit),
        HTTP_UPLOAD_LENGTH=str(len(data)),
        HTTP_UPLOAD_METADATA=metadata(filename=filename),
        **TUS,
    )
    assert response.status_code == 201, response.content
    return response["Location"]


def tus_patch(client, location, data: bytes, offset: int):
    return client.generic(
        "PATCH",
        location,
        data,
        content_type="application/offset+octet-stream",
        HTTP_UPLOAD_OFFSET=str(offset),
        **TUS,
    )


def tus_upload(client, association, audit, data: bytes, filename="evaluation.zip", *, commit):
    """A whole upload in one PATCH, its on-commit work (inspection) run; the status JSON.

    ``commit`` is pytest-django's ``django_capture_on_commit_callbacks``.
    """
    location = tus_start(client, association, audit, data, filename)
    with commit(execute=True):
        response = tus_patch(client, location, data, 0)
    assert response.status_code == 204, response.content
    return client.get(location).json()


__all__ = ["activate", "seeded"]
