"""Private files on a real S3-compatible server (moto's standalone server)."""

from urllib.parse import parse_qs, urlparse

import boto3
import pytest
import requests
from django.core.files.base import ContentFile
from storages.backends.s3 import S3Storage

from secor.storage import private_file_response, s3_storage_options


@pytest.fixture(scope="module")
def storage(s3_endpoint):
    options = s3_storage_options(
        bucket="secor-private",
        endpoint_url=s3_endpoint,
        region="ca-central-1",
        access_key="test",
        secret_key="test",
        addressing_style="path",
        link_seconds=120,
    )
    boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="ca-central-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    ).create_bucket(
        Bucket="secor-private", CreateBucketConfiguration={"LocationConstraint": "ca-central-1"}
    )
    return S3Storage(**options)


def test_files_round_trip_and_are_never_overwritten(storage):
    first = storage.save("evidence/cert.pdf", ContentFile(b"%PDF-1.7 first"))
    second = storage.save("evidence/cert.pdf", ContentFile(b"%PDF-1.7 second"))
    assert first != second
    with storage.open(first) as f:
        assert f.read() == b"%PDF-1.7 first"
    with storage.open(second) as f:
        assert f.read() == b"%PDF-1.7 second"


def test_objects_are_private_and_links_are_signed_and_short_lived(storage, s3_endpoint):
    name = storage.save("evidence/private.pdf", ContentFile(b"%PDF-1.7 secret"))
    assert requests.get(f"{s3_endpoint}/secor-private/{name}", timeout=5).status_code == 403

    response = private_file_response(
        storage.open(name), download_name="certificate.pdf", storage=storage
    )
    assert response.status_code == 302
    query = parse_qs(urlparse(response.url).query)
    # moto does not check presigned signatures or expiry, so check our choice here.
    assert query["X-Amz-Expires"] == ["120"]
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert 'inline; filename="certificate.pdf"' in query["response-content-disposition"][0]
    fetched = requests.get(response.url, timeout=5)
    assert fetched.status_code == 200
    assert fetched.content == b"%PDF-1.7 secret"
    assert fetched.headers["Content-Type"] == "application/pdf"


def test_local_storage_streams_the_file_with_nosniff(settings, tmp_path):
    from django.core.files.storage import FileSystemStorage

    local = FileSystemStorage(location=tmp_path)
    name = local.save("cert.pdf", ContentFile(b"%PDF-1.7 local"))
    response = private_file_response(local.open(name), download_name="cert.pdf", storage=local)
    assert b"".join(response.streaming_content) == b"%PDF-1.7 local"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
