"""Work that leaves the request goes through a real Celery worker on Redis."""

import time

import pytest
from django.conf import settings

from secor import services
from secor.models import Role

pytestmark = pytest.mark.worker


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs the Redis broker (make test sets it)")
def test_invitation_email_is_sent_by_the_worker(celery_worker, association, mailoutbox):
    from django.db import transaction

    with transaction.atomic():
        services.invitation_create(
            association=association, email="worker.test@example.com", role=Role.REVIEWER
        )
    deadline = time.monotonic() + 20
    while not mailoutbox and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [m.to for m in mailoutbox] == [["worker.test@example.com"]]
    assert "/invitations/" in mailoutbox[0].body
