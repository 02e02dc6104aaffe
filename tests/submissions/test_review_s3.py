"""Previews on S3 (moto's standalone server): one entry read by byte ranges, not the whole zip."""

from __future__ import annotations

import os

import pytest
from django.urls import reverse

from secor.tenancy import activate
from submissions import inspection
from submissions.models import SubmissionEntry
from submissions.ranged import open_stored
from submissions.views_review import _manifest_entry
from tests.secor.test_storage_s3 import storage  # noqa: F401 - fixture

from .review_helpers import PDF, evaluation_zip, inspected
from .test_storage_s3 import on_s3  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def test_a_pdf_preview_on_s3_reads_only_its_entry_by_ranges(
    on_s3,  # noqa: F811 - fixture
    client,
    association,
    reviewer,
):
    # Several MB of incompressible padding after the tool: a full download would show.
    padding = {
        f"01 - Management leadership and organizational commitment/photo{i}.jpg": b"\xff\xd8\xff"
        + os.urandom(1024 * 1024)
        for i in range(4)
    }
    s = inspected(association, data=evaluation_zip(extra=padding))
    with activate(association):
        tool = SubmissionEntry.objects.get(submission=s, path="Audit tool.pdf")
    fileobj = open_stored(s.file)
    data = b"".join(inspection.iter_entry(fileobj, _manifest_entry(tool), max_bytes=10**6))
    assert data == PDF
    # The central directory is never needed: a header read and the entry's bytes.
    assert fileobj.raw.requests <= 3
    assert fileobj.raw._size > 4 * 1024 * 1024

    client.force_login(reviewer)
    url = reverse(
        "submissions:review_entry_preview",
        kwargs={"association_slug": association.slug, "submission_id": s.pk, "entry_id": tool.pk},
    )
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF


def test_a_missing_object_on_s3_is_a_404_not_a_500(on_s3, client, association, reviewer):  # noqa: F811
    s = inspected(association)
    with activate(association):
        tool = SubmissionEntry.objects.get(submission=s, path="Audit tool.pdf")
    on_s3.delete(s.file.name)
    client.force_login(reviewer)
    url = reverse(
        "submissions:review_entry_download",
        kwargs={"association_slug": association.slug, "submission_id": s.pk, "entry_id": tool.pk},
    )
    assert client.get(url).status_code == 404
