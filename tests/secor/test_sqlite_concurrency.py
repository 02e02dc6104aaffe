"""The embedded SQLite default holds up under several people at once.

The app is started the way `make run` starts it (gunicorn with threads, on an
SQLite file with the demo data), then 16 clients sign in at the same moment and
each adds a worker to the same roster. Every request must succeed and every
write must land: "database is locked" pages and lost rows were the failure.
"""

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from ..conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 16
EMPLOYER_EMAIL = "amta-employer@demo.example"
DEMO_PASSWORD = "demo-password-2026"


def _manage(*args, env):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _worker_count(env, employer_id):
    out = _manage(
        "shell",
        "-c",
        "from django_scopes import scopes_disabled\n"
        "from employers.models import Worker\n"
        "with scopes_disabled():\n"
        f"    print('COUNT', Worker.objects.filter(employer_id={employer_id}).count())",
        env=env,
    )
    return int(re.search(r"COUNT (\d+)", out).group(1))


@pytest.fixture
def sqlite_site(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "secor.settings",
        "DEBUG": "true",
        "SECRET_KEY": "sqlite-concurrency-test-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "SECOR_REQUIRE_STAFF_MFA": "false",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
        "REDIS_URL": "",
        "EMAIL_URL": "consolemail://",
        "DJANGO_ALLOW_ASYNC_UNSAFE": "",
    }
    _manage("migrate", "--noinput", env=env)
    _manage("demo_data", env=env)
    out = _manage(
        "shell",
        "-c",
        "from django_scopes import scopes_disabled\n"
        "from secor.models import Membership\n"
        "with scopes_disabled():\n"
        f"    m = Membership.objects.get(user__email='{EMPLOYER_EMAIL}')\n"
        "    print('EMPLOYER', m.association.slug, m.employer_id)",
        env=env,
    )
    slug, employer_id = re.search(r"EMPLOYER (\S+) (\d+)", out).groups()
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "secor.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            # As `make run` serves it.
            "--workers",
            "1",
            "--threads",
            "8",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # A loaded machine (CI) can take many seconds to import and answer the
        # first request: wait for an answer, not for a fixed number of tries.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                requests.get(base + "/accounts/login/", timeout=30)
                break
            except requests.RequestException:
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not start: " + server.stderr.read())
        yield {"base": base, "slug": slug, "employer_id": int(employer_id), "env": env}
    finally:
        server.terminate()
        server.wait(timeout=10)


def _csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_sixteen_concurrent_sign_ins_and_writes_on_sqlite_all_succeed(sqlite_site):
    base, slug, employer_id = sqlite_site["base"], sqlite_site["slug"], sqlite_site["employer_id"]
    before = _worker_count(sqlite_site["env"], employer_id)
    add_url = f"{base}/{slug}/employers/{employer_id}/workers/add/"
    barrier = threading.Barrier(CLIENTS)
    errors: list[str] = []

    def client(n):
        try:
            with requests.Session() as s:
                login = s.get(base + "/accounts/login/", timeout=60)
                token = _csrf(login.text)
                barrier.wait(timeout=60)
                signed_in = s.post(
                    base + "/accounts/login/",
                    data={
                        "csrfmiddlewaretoken": token,
                        "login": EMPLOYER_EMAIL,
                        "password": DEMO_PASSWORD,
                    },
                    headers={"Referer": base + "/accounts/login/"},
                    timeout=60,
                )
                if signed_in.status_code != 200 or "/accounts/login/" in signed_in.url:
                    errors.append(f"client {n}: sign-in gave {signed_in.status_code}")
                    return
                form = s.get(add_url, timeout=60)
                if form.status_code != 200:
                    errors.append(f"client {n}: form gave {form.status_code}")
                    return
                barrier.wait(timeout=60)
                added = s.post(
                    add_url,
                    data={
                        **{
                            m.group(1): m.group(2)
                            for m in re.finditer(
                                r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.text
                            )
                        },
                        "csrfmiddlewaretoken": _csrf(form.text),
                        "full_name": f"Concurrent Worker {n}",
                        "role": "other",
                        "employment_status": "full_time_permanent",
                        "province": "AB",
                        "start_date": "2024-01-15",
                        "end_date": "",
                        "email": "",
                    },
                    headers={"Referer": add_url},
                    timeout=60,
                    allow_redirects=False,
                )
                if added.status_code != 302:
                    errors.append(f"client {n}: adding a worker gave {added.status_code}")
        except Exception as error:  # noqa: BLE001 - every failure is reported below
            errors.append(f"client {n}: {error!r}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    assert errors == []
    assert _worker_count(sqlite_site["env"], employer_id) == before + CLIENTS
