import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core.cache import cache

from secor.celery import app as celery_app
from secor.models import Role
from secor.permissions import STAFF

from .factories import AssociationFactory, EmployerFactory, MembershipFactory, UserFactory

# Django refuses ORM calls from a thread running an event loop; Playwright's
# sync API runs one, so browser tests need this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _signing_keys(settings, tmp_path_factory):
    """Development signing keys in the test run's temporary folder, never var/."""
    settings.SECOR_SIGNING_KEYS_DIR = ""
    settings.SECOR_SIGNING_DEV_KEYS = True
    settings.SECOR_SIGNING_DEV_KEYS_DIR = str(tmp_path_factory.getbasetemp() / "signing-keys")


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Private files in a temporary folder; a clean cache (rate limits, used TOTP codes).

    Tasks run eagerly unless a test asks for the real worker (``celery_worker``).
    """
    celery_app.conf.task_always_eager = True
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    settings.SECOR_REQUIRE_STAFF_MFA = True
    cache.clear()
    yield
    cache.clear()


def add_totp(user) -> str:
    """Give a user a TOTP authenticator; returns the secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str) -> str:
    import time

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def association(db):
    return AssociationFactory(
        name="Alberta Motor Transport Association", short_name="AMTA", slug="amta"
    )


@pytest.fixture
def other_association(db):
    return AssociationFactory(
        name="Saskatchewan Construction Safety Association",
        short_name="SCSA",
        slug="scsa",
        jurisdiction="SK",
        wcb_board="Saskatchewan WCB",
        time_zone="America/Regina",
    )


def member(association, role, *, mfa=None, employer=None, employer_admin=False, **user_fields):
    """A user with one role in ``association``; staff get TOTP unless ``mfa=False``.

    An employer user is linked to ``employer`` (a new one if not given), and
    manages its other users with ``employer_admin=True``.
    """
    user = UserFactory(**user_fields)
    if role == Role.EMPLOYER and employer is None:
        employer = EmployerFactory(association=association)
    user.membership = MembershipFactory(
        association=association,
        user=user,
        role=role,
        employer=employer,
        is_employer_admin=employer_admin,
    )
    user.employer = employer
    if mfa if mfa is not None else role in STAFF:
        user.totp_secret = add_totp(user)
    return user


def platform_operator(**user_fields):
    """A superuser (platform operator) with TOTP, as the admin requires."""
    user = UserFactory(is_superuser=True, is_staff=True, **user_fields)
    user.totp_secret = add_totp(user)
    return user


@pytest.fixture
def admin_user(association):
    return member(association, Role.PROGRAM_ADMIN)


@pytest.fixture
def reviewer(association):
    return member(association, Role.REVIEWER)


@pytest.fixture
def employer_user(association):
    return member(association, Role.EMPLOYER)


@pytest.fixture
def outsider(other_association):
    """Staff of another association: must see nothing of ``association``."""
    return member(other_association, Role.PROGRAM_ADMIN)


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker thread consuming from the test Redis broker."""
    from celery.contrib.testing.worker import start_worker

    celery_app.conf.task_always_eager = False
    with start_worker(
        celery_app, pool="threads", concurrency=2, perform_ping_check=False
    ) as worker:
        yield worker
    celery_app.conf.task_always_eager = True


MOTO = Path(sys.executable).with_name("moto_server")


def free_port() -> int:
    """A port nothing listens on now (the OS picks it), for a server a test starts or a
    closed port it connects to."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's standalone S3 server on a free port, a fresh one per test module.

    Patient: on a loaded machine it takes seconds to answer its first request.
    """
    port = free_port()
    server = subprocess.Popen(
        [str(MOTO), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=5)
            break
        except requests.RequestException:
            time.sleep(0.2)
    else:
        server.terminate()
        pytest.fail("moto_server did not start")
    yield url
    server.terminate()
    server.wait(timeout=10)
