"""Uploads stored on S3 (moto's standalone server): streamed in, inspected from S3."""

from __future__ import annotations

import hashlib

import boto3
import pytest
from storages.backends.s3 import S3Storage

from secor.storage import s3_storage_options
from secor.tenancy import activate
from submissions.models import Submission

from .helpers import evaluation_zip, recent_audit, tus_patch, tus_start, tus_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def storage(s3_endpoint):
    boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="ca-central-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    ).create_bucket(
        Bucket="secor-private", CreateBucketConfiguration={"LocationConstraint": "ca-central-1"}
    )
    return S3Storage(**_options(s3_endpoint))


def _options(endpoint):
    return s3_storage_options(
        bucket="secor-private",
        endpoint_url=endpoint,
        region="ca-central-1",
        access_key="test",
        secret_key="test",
        addressing_style="path",
    )


@pytest.fixture
def on_s3(settings, s3_endpoint, storage, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _options(s3_endpoint)},
    }
    # Bytes in progress wait on local disk; only finished files go to S3.
    settings.SUBMISSIONS_UPLOAD_DIR = str(tmp_path / "uploads")
    return storage


def test_a_resumed_upload_lands_in_s3_and_is_inspected_from_there(
    on_s3, client, association, employer_user, django_capture_on_commit_callbacks
):
    client.force_login(employer_user)
    audit = recent_audit(association, employer_user.employer)
    data = evaluation_zip()
    location = tus_start(client, association, audit, data)
    assert tus_patch(client, location, data[:1000], 0).status_code == 204
    with django_capture_on_commit_callbacks(execute=True):
        assert tus_patch(client, location, data[1000:], 1000).status_code == 204
    with activate(association):
        submission = Submission.objects.get()
    assert submission.status == "awaiting_review"
    assert submission.sha256 == hashlib.sha256(data).hexdigest()
    with on_s3.open(submission.file.name) as fh:
        assert fh.read() == data


def test_the_same_file_twice_on_s3_keeps_one_object(
    on_s3, client, association, employer_user, django_capture_on_commit_callbacks
):
    client.force_login(employer_user)
    audit = recent_audit(association, employer_user.employer)
    data = evaluation_zip(wrapper="Twice")
    first = tus_upload(client, association, audit, data, commit=django_capture_on_commit_callbacks)
    second = tus_upload(client, association, audit, data, commit=django_capture_on_commit_callbacks)
    assert second["duplicate"] and second["submission_url"] == first["submission_url"]
    with activate(association):
        name = Submission.objects.get().file.name
    # submissions/<association>/<employer>/<one folder per stored upload>/<name>
    dirs, _ = on_s3.listdir(name.rsplit("/", 2)[0])
    assert len(dirs) == 1
