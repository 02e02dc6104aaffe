"""`make bench`: run every benchmark script in this folder, then summarise.

Each `bench/<topic>.py` is a standalone script that measures ratios and
counts within one run (so the figures hold on a noisy machine), merges its
figures into `bench/results.json` under its own key, prints them, and exits
non-zero when a budget is missed. This runner only orchestrates: it runs
them one after another (they would disturb each other's timings if run in
parallel), prints a summary and fails if any script failed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"


def scripts(selected: list[str]) -> list[Path]:
    found = sorted(
        p for p in HERE.glob("*.py") if p.name not in {"run.py", "common.py"} and p.name[0] != "_"
    )
    if selected:
        found = [p for p in found if p.stem in selected]
    return found


def main(argv: list[str]) -> int:
    outcome = {}
    env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    for script in scripts(argv):
        print(f"\n=== {script.stem} ===", flush=True)
        started = time.monotonic()
        code = subprocess.call([sys.executable, str(script)], cwd=HERE.parent, env=env)
        outcome[script.stem] = (code, time.monotonic() - started)
    print("\n=== summary ===")
    print(f"{'benchmark':<24} {'result':<8} {'seconds':>8}")
    for name, (code, seconds) in outcome.items():
        print(f"{name:<24} {'ok' if code == 0 else 'FAILED':<8} {seconds:>8.1f}")
    if RESULTS.exists():
        print(f"\nFigures: {RESULTS.relative_to(HERE.parent)}")
        json.loads(RESULTS.read_text())  # fail loudly on a corrupt file
    return 0 if outcome and all(code == 0 for code, _ in outcome.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
