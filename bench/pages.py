"""Page budgets at scale (issue: dashboards), each a count or a ratio measured in one run.

1. Queries per request of each page (staff directory, review queue, dashboard,
   employer home, audit timeline, training matrix, certificate verification,
   submission page): at most 12, and the same at the small and the large size.
2. Server time at the large size ÷ at the small size: at most 1.2 (medians of
   `BENCH_PAGE_N` requests, sizes measured alternately `BENCH_PAGE_ROUNDS`
   times and the best round kept, so a busy neighbour hits both alike).
   p50/p95 in ms are printed for information.
3. Load on loopback: wrk (Debian package) against gunicorn with 2 workers
   for `BENCH_LOAD_SECONDS` per page, on the verification page, the employer
   home and a minimal Django view of the same site (`bench/site/`): requests
   per second, p95, errors (0 required), and the verification page's
   throughput ÷ the minimal view's (at least 0.5).

Data: `manage.py seed_scale` into one database per size, named after
DATABASE_URL's (`<name>_bench_<size>`), built once and reused while it holds
that many scale employers (delete the database, or change the size, to
rebuild). Sizes: `BENCH_PAGE_SIZES` (default 1000,50000).

Merges its figures into bench/results.json under "pages" and exits non-zero
when a budget is missed. Run: make bench BENCH=pages
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results.json"
SIZES = [int(s) for s in os.environ.get("BENCH_PAGE_SIZES", "1000,50000").split(",")]
N = int(os.environ.get("BENCH_PAGE_N", "15"))
ROUNDS = int(os.environ.get("BENCH_PAGE_ROUNDS", "2"))
LOAD_SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "10"))
QUERY_BUDGET = 12
TIME_RATIO_BUDGET = 1.2
LOAD_RATIO_BUDGET = 0.5
BENCH_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz",
    "SECURE_SSL_REDIRECT": "false",
    "SECOR_REQUIRE_STAFF_MFA": "false",
    # The public pages are rate limited per address: the load run is one address.
    "SECOR_VERIFY_RATE_LIMIT": "100000000/60",
    "PYTHONPATH": str(ROOT),
}
ADMIN_EMAIL = "bench-admin@scale.example"  # scale users: a reseed removes them
EMPLOYER_EMAIL = "bench-employer@scale.example"


def database_url(size: int) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    name = parts.path.lstrip("/") or "secor"
    return urlunsplit(parts._replace(path=f"/{name}_bench_{size}"))


def env_for(size: int) -> dict:
    return {
        **os.environ,
        **BENCH_ENV,
        "DATABASE_URL": database_url(size),
        "DJANGO_SETTINGS_MODULE": "bench.site.settings",
        # Each size its own cache keys: both databases hold the same association ids,
        # and a page's kept figures (the dashboard's) must be its own size's.
        "CACHE_KEY_PREFIX": f"bench-{size}",
    }


def manage(size: int, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env_for(size), check=True)


def prepare(size: int) -> float:
    """Create, migrate and seed the size's database unless it is ready; seconds spent seeding."""
    import psycopg

    parts = urlsplit(database_url(size))
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    manage(size, "migrate", "--noinput", "-v0", "--skip-checks")
    with psycopg.connect(database_url(size)) as conn:
        have = conn.execute(
            "SELECT count(*) FROM employers_employer WHERE legal_name LIKE 'Scale employer %%'"
        ).fetchone()[0]
    if have == size:
        print(f"{size:>7} employers: reusing {name}")
        return 0.0
    print(f"{size:>7} employers: seeding {name} …", flush=True)
    started = time.monotonic()
    manage(size, "seed_scale", "--employers", str(size), "-v0", "--skip-checks")
    seconds = time.monotonic() - started
    print(f"{size:>7} employers: seeded in {seconds:.0f} s")
    return seconds


# --- In the measuring process (one per size and round) ------------------------------------


def _setup_django() -> None:
    os.environ.update(BENCH_ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.site.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def bench_subjects() -> dict:
    """The bench's users (made here, scale-marked) and the rows its pages show."""
    from django.urls import NoReverseMatch, reverse
    from django_scopes import scopes_disabled

    from audits.models import Certificate
    from secor.models import Association, Membership, Role, User
    from secor.scale import PREFIX
    from submissions.models import Submission

    with scopes_disabled():
        association = Association.objects.get(slug="amta")
        submission = (
            Submission.objects.filter(
                association=association,
                employer__legal_name__startswith=PREFIX,
                status="accepted",
                employer__certificates__status="valid",
            )
            .order_by("pk")
            .first()
        )
        employer = submission.employer
        certificate = Certificate.objects.filter(employer=employer, status="valid").first()
        admin, _ = User.objects.get_or_create(email=ADMIN_EMAIL, defaults={"full_name": "Bench"})
        Membership.objects.get_or_create(
            association=association, user=admin, defaults={"role": Role.PROGRAM_ADMIN}
        )
        owner, _ = User.objects.get_or_create(
            email=EMPLOYER_EMAIL, defaults={"full_name": "Bench Employer"}
        )
        Membership.objects.update_or_create(
            association=association,
            user=owner,
            defaults={"role": Role.EMPLOYER, "employer": employer, "is_employer_admin": True},
        )
    a = {"association_slug": association.slug}
    e = {**a, "employer_id": employer.pk}
    pages = {
        "staff directory": ("admin", reverse("employers:directory", kwargs=a)),
        "review queue": ("admin", reverse("submissions:review_queue", kwargs=a)),
        "employer home": ("employer", reverse("association_home", kwargs=a)),
        "audit timeline": ("employer", reverse("audits:timeline", kwargs=e)),
        "training matrix": ("employer", reverse("training:employer", kwargs=e)),
        "certificate verification": (
            None,
            reverse(
                "verify_certificate",
                kwargs={"association_slug": association.slug, "number": certificate.number},
            ),
        ),
        "submission page": (
            "employer",
            reverse("submissions:detail", kwargs={**a, "submission_id": submission.pk}),
        ),
    }
    for name in ("secor:dashboard", "dashboard", "audits:dashboard"):
        try:
            pages["dashboard"] = ("admin", reverse(name, kwargs=a))
            break
        except NoReverseMatch:
            continue
    return {"pages": pages, "admin": admin, "employer": owner}


def measure() -> dict:
    """Queries and times of each page, in this process's database (one size)."""
    _setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    subjects = bench_subjects()
    clients = {None: Client()}
    for who in ("admin", "employer"):
        clients[who] = Client()
        clients[who].force_login(subjects[who])
    out = {}
    for page, (who, path) in subjects["pages"].items():
        client = clients[who]
        for _ in range(3):  # warm: the first visit stores the association in the session
            response = client.get(path)
        if response.status_code != 200:
            out[page] = {"error": f"{path}: HTTP {response.status_code}"}
            continue
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        # Read now: the next request empties the connection's query log.
        queries = [q["sql"] for q in captured.captured_queries]
        writes = [q[:80] for q in queries if re.match(r"\s*(INSERT|UPDATE|DELETE)\b", q, re.I)]
        times = []
        for _ in range(N):
            started = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        out[page] = {
            "path": path,
            "queries": len(queries),
            "writes": writes,
            "median_ms": round(statistics.median(times), 2),
            "p50_ms": round(times[len(times) // 2], 2),
            "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))], 2),
        }
    # For the load run: the employer's session cookie and the two public/employer paths.
    load_client = Client()
    load_client.force_login(subjects["employer"])
    out["_load"] = {
        "cookie": f"sessionid={load_client.cookies['sessionid'].value}",
        "verification": subjects["pages"]["certificate verification"][1],
        "employer home": subjects["pages"]["employer home"][1],
    }
    return out


# --- Load (gunicorn + wrk) ----------------------------------------------------------------

WRK_REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format('WRK {"requests": %d, "seconds": %f, "errors": %d, '
    .. '"p50_ms": %f, "p95_ms": %f}\\n', summary.requests, summary.duration / 1e6, errors,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000))
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def _status(port: int, path: str, cookie: str) -> int:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
    status = conn.getresponse().status
    conn.close()
    return status


def load(size: int, targets: dict) -> dict:
    if shutil.which("wrk") is None:
        return {"error": "wrk is not installed (apt-get install wrk)"}
    port = _free_port()
    env = {**env_for(size), "DJANGO_SETTINGS_MODULE": "bench.site.settings"}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "secor.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    script = Path(tempfile.mkdtemp(prefix="bench-wrk-")) / "report.lua"
    script.write_text(WRK_REPORT)
    out = {}
    try:
        _wait_for(port)
        cookie = targets["cookie"]
        for name, path, with_cookie in (
            ("minimal view", "/bench/minimal/", False),
            ("certificate verification", targets["verification"], False),
            ("employer home", targets["employer home"], True),
        ):
            header = cookie if with_cookie else ""
            for _ in range(3):  # warm both workers
                status = _status(port, path, header)
            if status != 200:
                out[name] = {"error": f"{path}: HTTP {status}"}
                continue
            args = ["wrk", "-t2", "-c8", f"-d{LOAD_SECONDS}s", "--timeout", "10s", "-s"]
            args += [str(script)]
            if header:
                args += ["-H", f"Cookie: {header}"]
            run = subprocess.run(
                [*args, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True
            )
            match = re.search(r"^WRK (.*)$", run.stdout, re.M)
            if not match:
                out[name] = {"error": run.stdout + run.stderr}
                continue
            figures = json.loads(match.group(1))
            figures["rps"] = round(figures["requests"] / figures["seconds"], 1)
            figures["p50_ms"] = round(figures["p50_ms"], 1)
            figures["p95_ms"] = round(figures["p95_ms"], 1)
            out[name] = figures
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(script.parent)
    return out


# --- The run ------------------------------------------------------------------------------


def main() -> int:
    failures = []
    figures: dict = {"sizes": SIZES, "seed_seconds": {}, "pages": {}}
    for size in SIZES:
        figures["seed_seconds"][str(size)] = round(prepare(size), 1)
    runs: dict[int, list[dict]] = {size: [] for size in SIZES}
    for _ in range(ROUNDS):
        for size in SIZES:
            done = subprocess.run(
                [sys.executable, __file__, "--measure"],
                cwd=ROOT,
                env=env_for(size),
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                print(done.stderr, file=sys.stderr)
                return 1
            runs[size].append(json.loads(done.stdout.strip().splitlines()[-1]))
    small, large = SIZES[0], SIZES[-1]
    names = [p for p in runs[small][0] if not p.startswith("_")]
    if "dashboard" not in names:
        figures["gaps"] = ["dashboard: no URL named secor:dashboard yet — not measured"]
    header = (
        f"{'page':<26} {'queries':>8} {'':>4} {'ms p50':>8} {'p95':>8} "
        f"{'ms p50':>8} {'p95':>8} {'ratio':>6}"
    )
    print(
        f"\n{'':<26} {'(' + str(small) + ' / ' + str(large) + ')':>13} "
        f"{'at ' + str(small):>17} {'at ' + str(large):>17}"
    )
    print(header)
    for page in names:
        rows = {size: [r[page] for r in runs[size]] for size in SIZES}
        if any("error" in r for size in SIZES for r in rows[size]):
            error = next(r["error"] for size in SIZES for r in rows[size] if "error" in r)
            failures.append(f"{page}: {error}")
            print(f"{page:<26} ERROR {error}")
            continue
        best = {size: min(rows[size], key=lambda r: r["median_ms"]) for size in SIZES}
        queries = {size: best[size]["queries"] for size in SIZES}
        ratio = round(best[large]["median_ms"] / max(best[small]["median_ms"], 1e-6), 2)
        entry = {
            "path": best[large]["path"],
            "queries": {str(s): q for s, q in queries.items()},
            "queries_identical": len(set(queries.values())) == 1,
            "time_ratio": ratio,
            "p50_ms": {str(s): best[s]["p50_ms"] for s in SIZES},
            "p95_ms": {str(s): best[s]["p95_ms"] for s in SIZES},
            "writes": best[large]["writes"],
        }
        figures["pages"][page] = entry
        flag = ""
        if max(queries.values()) > QUERY_BUDGET:
            failures.append(f"{page}: {max(queries.values())} queries > {QUERY_BUDGET}")
            flag += " Q>12"
        if not entry["queries_identical"]:
            failures.append(f"{page}: queries {queries} differ between sizes")
            flag += " Q≠"
        if ratio > TIME_RATIO_BUDGET:
            failures.append(f"{page}: time ratio {ratio} > {TIME_RATIO_BUDGET}")
            flag += " T>1.2"
        if entry["writes"]:
            failures.append(f"{page}: a GET wrote: {entry['writes']}")
            flag += " WRITE"
        print(
            f"{page:<26} {queries[small]:>4} / {queries[large]:<4}   "
            f"{best[small]['p50_ms']:>8.1f} {best[small]['p95_ms']:>8.1f} "
            f"{best[large]['p50_ms']:>8.1f} {best[large]['p95_ms']:>8.1f} {ratio:>6.2f}{flag}"
        )
    print(f"\nLoad: gunicorn, 2 workers, {large} employers, wrk -c8 for {LOAD_SECONDS} s each")
    loaded = load(large, runs[large][0]["_load"])
    figures["load"] = loaded
    for name, row in loaded.items():
        if not isinstance(row, dict) or "error" in row:
            failures.append(f"load {name}: {row}")
            print(f"{name:<26} ERROR {row}")
            continue
        if row["errors"]:
            failures.append(f"load {name}: {row['errors']} errors")
        print(
            f"{name:<26} {row['rps']:>8.1f} req/s  p95 {row['p95_ms']:>7.1f} ms  "
            f"errors {row['errors']}"
        )
    minimal = loaded.get("minimal view", {})
    verification = loaded.get("certificate verification", {})
    if "rps" in minimal and "rps" in verification:
        share = round(verification["rps"] / minimal["rps"], 2)
        figures["load"]["verification_vs_minimal"] = share
        print(f"verification ÷ minimal view throughput: {share} (budget ≥ {LOAD_RATIO_BUDGET})")
        if share < LOAD_RATIO_BUDGET:
            failures.append(f"verification throughput {share} of the minimal view's < 0.5")
    figures["load_average"] = os.getloadavg()
    figures["failures"] = failures
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    data["pages"] = figures
    RESULTS.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for gap in figures.get("gaps", []):
        print(f"GAP: {gap}")
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--measure"]:
        print(json.dumps(measure()))
        sys.exit(0)
    sys.exit(main())
