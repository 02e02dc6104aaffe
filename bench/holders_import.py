"""Budget: importing today's certificate holders is bulk — its query count does not grow
with the number of rows (issue: certificates, "10,000 rows").

Imports (preview + confirm, `audits.certificates.holders_import`) a CSV of 1,000 and
then one of 10,000 new holders (every other row with its certification audit), counts
the SQL queries of each and times them; then re-imports the 10,000-row file (a no-op).

Runs on a throwaway copy of the database named by DATABASE_URL (a database created
and dropped here). Merges its figures into ``bench/results.json`` under
"holders_import" and exits non-zero when the 10,000-row import takes more queries
than the 1,000-row one.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secor.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.pop("REDIS_URL", None)

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

SIZES = [int(s) for s in os.environ.get("BENCH_HOLDERS_SIZES", "1000,10000").split(",")]
TODAY = date(2022, 6, 1)
HEADER = (
    "legal_name,wcb_account_number,program,certificate_number,issued_on,"
    "last_audit_type,last_audit_start,last_audit_end,last_audit_result"
)


def csv_text(start: int, count: int) -> str:
    lines = [HEADER]
    for i in range(start, start + count):
        audit = ",certification,2020-12-28,2021-01-05,passed" if i % 2 else ",,,,"
        lines.append(f"Holder {i} Ltd.,{3000000 + i},SECOR,B-{i},2021-01-05{audit}")
    return "\n".join(lines) + "\n"


def timed_import(association, text: str) -> tuple[dict, int, float]:
    from audits.certificates import holders_import
    from secor.tenancy import activate

    with activate(association), CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = holders_import(association=association, actor=None, text=text, today=TODAY)
        seconds = time.perf_counter() - started
    return result, len(queries), seconds


def main() -> int:
    from audits.seeds import seed_association
    from secor.models import Association
    from secor.tenancy import scopes_disabled

    old_name = connection.settings_dict["NAME"]
    if connection.vendor == "postgresql":
        connection.settings_dict["TEST"]["NAME"] = f"bench_holders_{old_name}"[:60]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    figures: dict = {"sizes": {}}
    try:
        with scopes_disabled():
            association = Association.objects.create(
                name="Bench Association",
                short_name="AMTA",
                slug="bench",
                jurisdiction="AB",
                wcb_board="WCB-Alberta",
                time_zone="America/Edmonton",
            )
            seed_association(apps.get_model, association, "amta")
        start = 0
        for size in SIZES:
            result, queries, seconds = timed_import(association, csv_text(start, size))
            assert result["created"] == size, result
            start += size
            figures["sizes"][str(size)] = {
                "queries": queries,
                "seconds": round(seconds, 2),
                "ms_per_row": round(1000 * seconds / size, 3),
            }
            print(f"{size:>6} rows: {queries} queries, {seconds:.2f} s", flush=True)
        last = SIZES[-1]
        result, queries, seconds = timed_import(association, csv_text(start - last, last))
        assert result["unchanged"] == last, result
        figures["reimport"] = {"rows": last, "queries": queries, "seconds": round(seconds, 2)}
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    sizes = figures["sizes"]
    base = sizes[str(SIZES[0])]
    figures["queries_constant"] = all(v["queries"] <= base["queries"] for v in sizes.values())
    figures[f"ms_per_row_ratio_{SIZES[-1]}_vs_{SIZES[0]}"] = round(
        sizes[str(SIZES[-1])]["ms_per_row"] / max(base["ms_per_row"], 1e-6), 2
    )
    results = HERE / "results.json"
    data = json.loads(results.read_text()) if results.exists() else {}
    data["holders_import"] = figures
    results.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    print(json.dumps(figures, indent=2))
    if not figures["queries_constant"]:
        print("FAIL: the import's query count grows with the number of rows", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
