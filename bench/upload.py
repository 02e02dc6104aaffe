"""Server-side handling of a 1 GiB resumable (tus) upload vs a plain read + SHA-256 + write.

Budget (issue 9): within 2x the plain copy, and the web process growing by
under 32 MiB. Measured within one run so the ratio holds on a noisy machine:

* baseline: read the 1 GiB file in 1 MiB chunks, SHA-256 it, write a copy,
  fsync — what any server must at least do with the bytes;
* live (the budget): the real site under gunicorn (one sync worker,
  production-like settings) on loopback; a client streams the same file
  through the tus endpoint, once as a single PATCH and once in 64 MiB
  PATCHes (the upload page's chunk size). The time runs from the creation
  POST to the last PATCH's answer, which includes writing the Submission row
  and moving the file into (local) storage;
* in process (for comparison): the same requests through the site's WSGI
  handler called directly — our handling without gunicorn's HTTP parsing;
* memory: the gunicorn worker's peak RSS during the uploads (VmHWM, reset
  before the first upload) minus its RSS after a warm-up request.

The server runs on a throwaway PostgreSQL database (created, migrated,
dropped) and a temporary private folder; the inspection it enqueues on
commit goes to a private redis-server (started here on a free port, nobody
consumes it), as the web process only enqueues in production. Rounds are
interleaved and the best of each kind compared. Writes `bench/results.json`
key "upload" (merged); exits 1 over budget. `BENCH_UPLOAD_BYTES` and
`BENCH_UPLOAD_ROUNDS` shrink it for a quick try.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results.json"
SIZE = int(os.environ.get("BENCH_UPLOAD_BYTES", 1024**3))
CHUNK = 1024 * 1024
PATCH_BYTES = 64 * 1024 * 1024  # settings.SUBMISSIONS_UPLOAD_CHUNK_BYTES' default
ROUNDS = int(os.environ.get("BENCH_UPLOAD_ROUNDS", 3))
RATIO_BUDGET = 2.0
MEMORY_BUDGET_MIB = 32.0

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secor.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _make_file(path: Path) -> None:
    block = os.urandom(CHUNK)
    with open(path, "wb") as fh:
        for i in range(SIZE // CHUNK):
            # Vary every block so nothing downstream can shortcut repeated data.
            fh.write(i.to_bytes(8, "little") + block[8:])
        fh.write(os.urandom(SIZE % CHUNK))


def _baseline(source: Path, target: Path) -> float:
    started = time.perf_counter()
    hasher = hashlib.sha256()
    with open(source, "rb") as src, open(target, "wb") as dst:
        while chunk := src.read(CHUNK):
            hasher.update(chunk)
            dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())
    elapsed = time.perf_counter() - started
    target.unlink()
    return elapsed


def _kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def _worker_pid(master: int) -> int:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise RuntimeError("gunicorn worker did not start")


class _Slice:
    """A read-only window of a file, so http.client streams one PATCH's bytes."""

    def __init__(self, fh, length: int):
        self.fh, self.left = fh, length

    def readline(self, n: int = -1) -> bytes:  # LimitedStream wants one; never called
        return self.read(n)

    def read(self, n: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        n = self.left if n < 0 else min(n, self.left)
        data = self.fh.read(n)
        self.left -= len(data)
        return data


def _tus_upload(port: int, headers: dict, create_path: str, source: Path, patch_bytes: int):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600, blocksize=CHUNK)
    started = time.perf_counter()
    conn.request(
        "POST",
        create_path,
        headers={**headers, "Tus-Resumable": "1.0.0", "Upload-Length": str(SIZE)},
    )
    response = conn.getresponse()
    response.read()
    if response.status != 201:
        raise RuntimeError(f"creation answered {response.status}")
    location = response.getheader("Location").replace(f"http://127.0.0.1:{port}", "")
    offset = 0
    with open(source, "rb") as fh:
        while offset < SIZE:
            length = min(patch_bytes, SIZE - offset)
            conn.request(
                "PATCH",
                location,
                body=_Slice(fh, length),
                headers={
                    **headers,
                    "Tus-Resumable": "1.0.0",
                    "Upload-Offset": str(offset),
                    "Content-Type": "application/offset+octet-stream",
                    "Content-Length": str(length),
                },
            )
            response = conn.getresponse()
            response.read()
            if response.status != 204:
                raise RuntimeError(f"PATCH answered {response.status}")
            offset = int(response.getheader("Upload-Offset"))
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed, location


def _warm_up(port: int, headers: dict, create_path: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            # OPTIONS: no template (DEBUG off wants collected static files).
            conn.request("OPTIONS", create_path, headers=headers)
            response = conn.getresponse()
            response.read()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    if response.status != 204:
        raise RuntimeError(f"warm-up answered {response.status}")


def _fixtures(database_name: str):
    """An employer user with a planned audit in a fresh association; session and CSRF cookies."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    settings.DATABASES["default"]["TEST"]["NAME"] = database_name
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)

    from django.apps import apps

    from audits.models import Audit, AuditTool
    from audits.seeds import seed_association
    from audits.snapshot import rules_snapshot
    from employers.models import Employer, Enrollment
    from secor.models import Association, Membership, Program, User
    from secor.tenancy import activate

    association = Association.objects.create(
        name="Bench Association",
        short_name="BENCH",
        slug="bench-upload",
        jurisdiction="AB",
        wcb_board="WCB-Alberta",
    )
    seed_association(apps.get_model, association, "amta")
    user = User.objects.create_user("bench@example.com", "bench-password-123")
    with activate(association):
        program = Program.objects.get(kind="secor")
        employer = Employer.objects.create(association=association, legal_name="Bench Ltd.")
        Membership.objects.create(
            association=association, user=user, role="employer", employer=employer
        )
        enrollment = Enrollment.objects.create(
            association=association,
            employer=employer,
            program=program,
            status="registered",
            registered_on=date.today() - timedelta(days=400),
        )
        from audits.models import ProgramRules

        rules = ProgramRules.objects.get(program=program)
        today = date.today()
        audit = Audit.objects.create(
            association=association,
            employer=employer,
            enrollment=enrollment,
            audit_type="certification",
            conducted_by="external_assessor",
            assessor_name="Bench",
            data_gathering_start=today - timedelta(days=10),
            data_gathering_end=today - timedelta(days=3),
            tool=AuditTool.objects.filter(program=program).first(),
            rules_snapshot=rules_snapshot(rules),
            year=1,
        )
    client = Client()
    client.force_login(user)
    csrf = "b" * 32
    cookies = f"sessionid={client.cookies['sessionid'].value}; csrftoken={csrf}"
    create_path = reverse(
        "submissions:tus_create_for_audit",
        kwargs={"association_slug": association.slug, "audit_id": audit.pk},
    )
    headers = {"Cookie": cookies, "X-CSRFToken": csrf}
    return connection, headers, create_path


def _merge_results(figures: dict) -> None:
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    data["upload"] = figures
    RESULTS.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


def _start_redis():
    """A private redis-server on a free port (the machine's own is never touched)."""
    if not shutil.which("redis-server"):
        return None, None
    port = _free_port()
    process = subprocess.Popen(
        [shutil.which("redis-server"), "--port", str(port), "--bind", "127.0.0.1"]
        + ["--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            break
        time.sleep(0.05)
    return process, f"redis://127.0.0.1:{port}/0"


def _start_gunicorn(database_url: str):
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "secor.wsgi"]
        + ["-b", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "900"]
        + ["--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    return server, port


class _InProcess:
    """The site's WSGI handler called directly: our handling without HTTP parsing."""

    def __init__(self, headers: dict):
        from django.core.handlers.wsgi import WSGIHandler
        from django.test.client import RequestFactory

        self.handler = WSGIHandler()
        self.base = RequestFactory()._base_environ()
        self.base.update(
            HTTP_COOKIE=headers["Cookie"],
            HTTP_X_CSRFTOKEN=headers["X-CSRFToken"],
            HTTP_TUS_RESUMABLE="1.0.0",
        )

    def call(self, method: str, path: str, body=None, length: int = 0, **extra):
        import io

        environ = {
            **self.base,
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "wsgi.input": body if body is not None else io.BytesIO(b""),
            "CONTENT_LENGTH": str(length),
            **extra,
        }
        answer = {}

        def start_response(status, headers, exc_info=None):
            answer.update(status=int(status[:3]), headers=dict(headers))

        result = self.handler(environ, start_response)
        for _ in result:
            pass
        result.close()
        return answer["status"], answer["headers"]

    def upload(self, create_path: str, source: Path, patch_bytes: int) -> float:
        started = time.perf_counter()
        status, headers = self.call("POST", create_path, HTTP_UPLOAD_LENGTH=str(SIZE))
        if status != 201:
            raise RuntimeError(f"creation answered {status}")
        location = headers["Location"].split("testserver", 1)[-1]
        offset = 0
        with open(source, "rb") as fh:
            while offset < SIZE:
                length = min(patch_bytes, SIZE - offset)
                status, headers = self.call(
                    "PATCH",
                    location,
                    body=_Slice(fh, length),
                    length=length,
                    CONTENT_TYPE="application/offset+octet-stream",
                    HTTP_UPLOAD_OFFSET=str(offset),
                )
                if status != 204:
                    raise RuntimeError(f"PATCH answered {status}")
                offset = int(headers["Upload-Offset"])
        return time.perf_counter() - started


def main() -> int:
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        print("bench/upload.py needs DATABASE_URL on PostgreSQL (make bench sets it)")
        return 2
    base_name = database_url.rsplit("/", 1)[-1] or "secor"
    bench_db = f"{base_name}_bench_upload"
    work = Path(tempfile.mkdtemp(prefix="bench-upload-"))
    os.environ["PRIVATE_MEDIA_ROOT"] = str(work / "private")
    # The web process only enqueues the inspection, as in production: a private
    # redis-server takes the messages (nobody consumes them). Without one, tasks
    # run eagerly and the (instant, "not a zip") inspection is counted in.
    redis, broker = _start_redis()
    os.environ["REDIS_URL"] = broker or ""
    connection, headers, create_path = _fixtures(bench_db)
    server = None
    try:
        source = work / "source.bin"
        _make_file(source)
        server, port = _start_gunicorn(database_url.rsplit("/", 1)[0] + "/" + bench_db)
        worker = _worker_pid(server.pid)
        _warm_up(port, headers, create_path)
        in_process = _InProcess(headers)
        in_process.call("OPTIONS", create_path)
        rss_before = _kib(worker, "VmRSS")
        self_before = _kib(os.getpid(), "VmRSS")
        for pid in (worker, os.getpid()):
            with contextlib.suppress(OSError):
                Path(f"/proc/{pid}/clear_refs").write_text("5")  # reset the peak (VmHWM)

        def withdraw_all():
            # The same bytes again would be refused as a duplicate: withdraw the
            # version through the database so the next run is taken.
            with connection.cursor() as cursor:
                cursor.execute("UPDATE submissions_submission SET status = 'withdrawn'")
            shutil.rmtree(work / "private" / "submissions", ignore_errors=True)

        # Interleaved rounds, best of each: the machine is shared and its disk
        # speed swings; the minimum is the least disturbed run of each kind.
        kinds = ("baseline", "live_single_patch", "live_patches_64mib")
        kinds += ("in_process_single_patch", "in_process_patches_64mib")
        runs = {k: [] for k in kinds}
        for _ in range(ROUNDS):
            runs["baseline"].append(_baseline(source, work / "copy.bin"))
            for label, patch_bytes in (("single_patch", SIZE), ("patches_64mib", PATCH_BYTES)):
                elapsed, _ = _tus_upload(port, headers, create_path, source, patch_bytes)
                runs[f"live_{label}"].append(elapsed)
                withdraw_all()
                runs[f"in_process_{label}"].append(
                    in_process.upload(create_path, source, patch_bytes)
                )
                withdraw_all()
        growth_mib = max(0, _kib(worker, "VmHWM") - rss_before) / 1024
        self_growth_mib = max(0, _kib(os.getpid(), "VmHWM") - self_before) / 1024
        best = {name: min(times) for name, times in runs.items()}
        ratios = {k: best[k] / best["baseline"] for k in kinds[1:]}
        ratio = max(ratios["live_single_patch"], ratios["live_patches_64mib"])
        figures = {
            "bytes": SIZE,
            "rounds": ROUNDS,
            "best_seconds": {k: round(v, 3) for k, v in best.items()},
            "all_seconds": {k: [round(t, 3) for t in v] for k, v in runs.items()},
            "ratios": {k: round(v, 3) for k, v in ratios.items()},
            "ratio": round(ratio, 3),
            "ratio_budget": RATIO_BUDGET,
            "worker_rss_before_mib": round(rss_before / 1024, 1),
            "worker_peak_growth_mib": round(growth_mib, 1),
            "in_process_peak_growth_mib": round(self_growth_mib, 1),
            "memory_budget_mib": MEMORY_BUDGET_MIB,
            "inspection": "enqueued on a private Redis broker, not run in the web process"
            if broker
            else "eager (no redis-server found): included in the last PATCH",
        }
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        connection.creation.destroy_test_db(base_name, verbosity=0)
        if redis is not None:
            redis.terminate()
            redis.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    _merge_results(figures)
    print(json.dumps(figures, indent=2))
    ok = ratio <= RATIO_BUDGET and growth_mib < MEMORY_BUDGET_MIB
    print("upload: within budget" if ok else "upload: OVER BUDGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
