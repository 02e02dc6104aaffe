"""Inspection through a real Celery worker on Redis, and an upload while the broker is down."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time

import pytest
from django.conf import settings

from secor.celery import app as celery_app
from secor.tenancy import activate
from submissions.models import Submission
from submissions.tasks import sweep_pending_inspections

from ..conftest import free_port
from .helpers import evaluation_zip, recent_audit, tus_patch, tus_start

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs the Redis broker (make test sets it)"),
]


def _wait_for_status(submission_id, association, wanted, seconds=30):
    deadline = time.monotonic() + seconds
    status = None
    while time.monotonic() < deadline:
        with activate(association):
            status = Submission.objects.get(pk=submission_id).status
        if status in wanted:
            return status
        time.sleep(0.1)
    return status


def _upload(client, association, audit, data):
    location = tus_start(client, association, audit, data)
    assert tus_patch(client, location, data, 0).status_code == 204
    result = client.get(location).json()
    with activate(association):
        return Submission.objects.get(pk=result["submission_url"].rstrip("/").split("/")[-1])


def test_the_worker_inspects_an_upload(celery_worker, client, association, employer_user):
    client.force_login(employer_user)
    audit = recent_audit(association, employer_user.employer)
    submission = _upload(client, association, audit, evaluation_zip())
    assert _wait_for_status(submission.pk, association, {"awaiting_review"}) == "awaiting_review"
    with activate(association):
        assert submission.entries.filter(is_dir=False).count() == 11


@contextlib.contextmanager
def _broker(url: str):
    """Point this process's Celery app at another broker (pools rebuilt), then back."""
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = url
    celery_app._after_fork()  # drop pooled connections to the old broker
    try:
        yield
    finally:
        celery_app.conf.broker_url = previous
        celery_app._after_fork()


@contextlib.contextmanager
def _redis_server(port: int):
    server = subprocess.Popen(
        [
            shutil.which("redis-server"),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            time.sleep(0.05)
        yield
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")
def test_an_upload_while_the_broker_is_down_is_accepted_then_inspected_by_the_sweep(
    transactional_db, client, association, employer_user, settings
):
    from celery.contrib.testing.worker import start_worker

    client.force_login(employer_user)
    audit = recent_audit(association, employer_user.employer)
    port = free_port()  # nothing listens there yet: the broker is "down"
    url = f"redis://127.0.0.1:{port}/0"
    celery_app.conf.task_always_eager = False
    try:
        with _broker(url):
            submission = _upload(client, association, audit, evaluation_zip())
            assert submission.status == "received"

            with (
                _redis_server(port),
                start_worker(celery_app, pool="threads", concurrency=1, perform_ping_check=False),
            ):
                settings.SUBMISSIONS_SWEEP_AFTER_MINUTES = 0
                assert sweep_pending_inspections() == 1
                status = _wait_for_status(submission.pk, association, {"awaiting_review"})
    finally:
        celery_app.conf.task_always_eager = True
    assert status == "awaiting_review"
