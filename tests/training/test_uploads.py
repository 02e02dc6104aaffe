"""Oversized certificate files are refused while they arrive (secor/uploads.py)."""

import socket
from datetime import date
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from secor.models import Role
from training import evidence
from training.models import TrainingRecord

from ..conftest import member
from ..factories import WorkerFactory
from .helpers import course, record_url, verified

MB = 1024 * 1024


def pdf_of(size: int) -> bytes:
    return b"%PDF-1.7\n" + b"0" * (size - 9 - 6) + b"%%EOF\n"


def add_url(worker):
    return reverse(
        "training:record_add",
        kwargs={"association_slug": worker.association.slug, "employer_id": worker.employer_id},
    )


def form(worker, data: bytes, name="scan.pdf"):
    return {
        "worker": worker.pk,
        "course": course(worker.association, "SE").pk,
        "completed_on": "2024-05-01",
        "evidence": SimpleUploadedFile(name, data, content_type="application/pdf"),
    }


@pytest.mark.django_db
def test_a_file_over_the_limit_gets_a_413_page_and_nothing_is_saved(
    client, amta, employer_user, worker
):
    client.force_login(employer_user)
    response = client.post(add_url(worker), form(worker, pdf_of(10 * MB + 1), "big scan.pdf"))

    assert response.status_code == 413
    page = response.content.decode()
    assert "“big scan.pdf” is larger than 10 MB, the most one file may be." in page
    assert "nothing was saved" in page
    assert not TrainingRecord.objects.for_association(amta).exists()


@pytest.mark.django_db
def test_a_file_of_exactly_the_limit_passes_the_upload_handler(client, amta, employer_user, worker):
    client.force_login(employer_user)
    response = client.post(add_url(worker), form(worker, pdf_of(evidence.MAX_BYTES)))
    assert response.status_code == 302
    assert TrainingRecord.objects.for_association(amta).get().evidence_file.size == 10 * MB


@pytest.mark.django_db
def test_the_update_form_refuses_an_oversized_file_too(client, amta, employer_user, worker):
    record = verified(worker, "SE", date(2024, 5, 1))
    client.force_login(employer_user)
    update_url = record_url("record_update", record)
    big = SimpleUploadedFile("big.pdf", pdf_of(11 * MB), content_type="application/pdf")
    response = client.post(update_url, {"evidence": big})
    assert response.status_code == 413
    record.refresh_from_db()
    stored = record.evidence_file
    assert (record.status, stored.version, stored.size) == ("verified", 1, len(stored.file.read()))


@pytest.mark.django_db
def test_upload_views_still_check_csrf(amta, employer_user, worker):
    """The views are csrf_exempt for the middleware and check CSRF themselves."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(employer_user)
    response = client.post(add_url(worker), form(worker, pdf_of(1000)))
    assert response.status_code == 403
    assert not TrainingRecord.objects.for_association(amta).exists()


@pytest.mark.django_db(transaction=True)
def test_the_server_answers_413_before_the_whole_body_arrives(live_server, client, amta):
    """A real multipart request announcing 50 MB: the 413 comes after about 10 MB."""
    user = member(amta, Role.EMPLOYER)
    worker = WorkerFactory(employer=user.employer)
    client.force_login(user)
    token = "a" * 32
    boundary = "----secor-upload-test"
    head = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
        f"{token}\r\n"
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="evidence"; filename="huge.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    file_size = 50 * MB
    address = urlsplit(live_server.url)
    request = (
        f"POST {add_url(worker)} HTTP/1.1\r\n"
        f"Host: {address.netloc}\r\n"
        "Connection: close\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {len(head) + file_size + len(tail)}\r\n"
        f"Cookie: sessionid={client.cookies['sessionid'].value}; csrftoken={token}\r\n\r\n"
    ).encode()
    chunk = b"0" * (256 * 1024)
    with socket.create_connection((address.hostname, address.port), timeout=30) as sock:
        sock.sendall(request + head)
        sent = 0
        while sent < evidence.MAX_BYTES + len(chunk):
            sock.sendall(chunk)
            sent += len(chunk)

        answer = sock.recv(65536)  # about 39 MB are still unsent

        assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]
        while sent < file_size:  # let the server finish reading the request
            part = chunk[: file_size - sent]
            sock.sendall(part)
            sent += len(part)
        sock.sendall(tail)
        while data := sock.recv(65536):
            answer += data
    assert "“huge.pdf” is larger than 10 MB" in answer.decode()
    assert not TrainingRecord.objects.for_association(amta).exists()
