"""Reminders through real Celery workers on Redis: duplicates, a killed worker, a broker outage.

Each test builds a certificate expiring 30 days from the association's real
today, so its 30-day reminder is due now (no time travel: the workers run in
real time, one of them in another process).
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django_scopes import scopes_disabled

from secor import notifications
from secor.celery import app as celery_app
from secor.dates import association_today
from secor.models import Delivery, Notification, Reminder, ReminderSetting, Role
from secor.tenancy import activate

from ..audits.factories import certified
from ..conftest import free_port, member

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs the Redis broker (make test sets it)"),
]
ROOT = Path(__file__).resolve().parents[2]


def wait_for(predicate, timeout=30.0, every=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return False


def due_today(association):
    """An employer user and a certificate whose 30-day expiry reminder is due today."""
    today = association_today(association)
    expires = today + timedelta(days=30)
    e, _ = certified(association, expires.replace(year=expires.year - 3))
    user = member(association, Role.EMPLOYER, employer=e.employer)
    notifications.reminder_settings_ensure(association)
    with activate(association):
        # Only the one reminder under test.
        ReminderSetting.objects.exclude(kind="certificate_expiring").update(lead_days=[])
        ReminderSetting.objects.filter(kind="certificate_expiring").update(lead_days=[30])
    return today, user


def email_status(association):
    with activate(association):
        return list(Delivery.objects.filter(channel="email").values_list("status", flat=True))


def _clear_broker():
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete("celery", "unacked", "unacked_index", "unacked_mutex")


@pytest.fixture
def clean_broker():
    _clear_broker()
    yield
    _clear_broker()


def test_the_same_sweep_enqueued_twice_sends_once(
    clean_broker, celery_worker, association, mailoutbox
):
    from secor.tasks import reminder_sweep

    today, user = due_today(association)
    reminder_sweep.delay(association.pk, today.isoformat())
    reminder_sweep.delay(association.pk, today.isoformat())
    assert wait_for(lambda: email_status(association) == ["sent"])
    time.sleep(1.5)  # anything duplicated would have arrived by now
    assert [m.to for m in mailoutbox] == [[user.email]]
    with scopes_disabled():
        assert Reminder.objects.get().status == "sent"
        assert Notification.objects.filter(user=user).count() == 1
        assert Delivery.objects.count() == 2  # one email, one in-app


# --- A worker killed with SIGKILL mid-send ----------------------------------------------


class GatedSMTP:
    """An SMTP server whose first message hangs until the test releases it (then 451).

    It stands for the moment a worker is inside an SMTP conversation: the test
    kills the worker there. Later messages are accepted and recorded.
    """

    def __init__(self):
        self.arrived = threading.Event()
        self.release = threading.Event()
        self.messages: list[bytes] = []
        self._first = True

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        if self._first:
            self._first = False
            self.arrived.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Try again later"
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture
def gated_smtp():
    from aiosmtpd.controller import Controller

    handler = GatedSMTP()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield handler, controller.port
    handler.release.set()
    controller.stop()


def start_worker_process(smtp_port: int) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        # Short, so the test need not wait an hour for the broker to hand the
        # dead worker's message to the next one, nor for its claim to expire.
        "CELERY_VISIBILITY_TIMEOUT": "3",
        "CELERY_UNACKED_MUTEX_EXPIRE": "2",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
        "SECOR_REMINDER_LEASE_SECONDS": "2",
        "DJANGO_SETTINGS_MODULE": "tests.settings",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "secor",
            "worker",
            "-P",
            "solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,  # its own process group: SIGKILL reaches all of it
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(process: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def test_a_worker_killed_mid_send_and_restarted_sends_once(
    clean_broker, transactional_db, association, gated_smtp
):
    handler, port = gated_smtp
    celery_app.conf.task_always_eager = False
    try:
        today, user = due_today(association)
        first = start_worker_process(port)
        try:
            notifications.sweep(association, today)  # enqueues the send on Redis
            assert handler.arrived.wait(60), "the worker never reached the SMTP server"
        finally:
            stop(first, signal.SIGKILL)  # mid-send: the message is never acknowledged
        handler.release.set()
        assert email_status(association) == ["sending"]
        second = start_worker_process(port)
        try:
            assert wait_for(lambda: email_status(association) == ["sent"], timeout=90)
            time.sleep(2)
        finally:
            stop(second)
        assert len(handler.messages) == 1
        assert user.email.encode() in handler.messages[0]
    finally:
        celery_app.conf.task_always_eager = True


# --- The broker down during the sweep ------------------------------------------------------


@pytest.fixture
def private_redis(tmp_path):
    """A redis-server of this test's own on a free port (never the machine's 6379)."""
    port = free_port()

    def start():
        process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(tmp_path),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_for(lambda: _answers(port), timeout=10)
        return process

    url = f"redis://127.0.0.1:{port}/0"
    previous = celery_app.conf.broker_url
    _use_broker(url)
    state = {"process": start()}

    class Server:
        def stop(self):
            state["process"].terminate()
            state["process"].wait(timeout=10)

        def start(self):
            state["process"] = start()

    yield Server()
    if state["process"].poll() is None:
        state["process"].terminate()
        state["process"].wait(timeout=10)
    _use_broker(previous)


def _answers(port) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def _use_broker(url):
    celery_app.conf.broker_url = url
    # The app caches its connection pools: drop (never close: kombu shares them
    # process-wide, other tests publish through them) so the next publish uses `url`.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def test_redis_stopped_during_the_sweep_sends_after_it_returns(
    transactional_db, association, private_redis, mailoutbox, settings
):
    from celery.contrib.testing.worker import start_worker

    settings.SECOR_REMINDER_LOCAL_HOUR = 0  # whatever the hour the test runs at
    celery_app.conf.task_always_eager = False
    try:
        today, user = due_today(association)
        private_redis.stop()
        result = notifications.sweep(association, today)  # cannot reach the broker
        assert result.created == 1 and result.enqueued == 0
        with scopes_disabled():
            assert Reminder.objects.get().status == "pending"
        assert mailoutbox == []
        private_redis.start()
        with start_worker(celery_app, pool="threads", concurrency=2, perform_ping_check=False):
            # The next hourly tick re-enqueues what is still pending.
            notifications.fan_out()
            assert wait_for(lambda: email_status(association) == ["sent"])
            time.sleep(1)
        assert [m.to for m in mailoutbox] == [[user.email]]
    finally:
        celery_app.conf.task_always_eager = True
