"""Benchmark: inspecting a 1 GiB, 10,000-entry evaluation zip.

Budget (issue "Submissions and review", Budgets): ``inspect`` within 1.5x a
bare read-through of every entry with Python's zipfile (inflate + CRC, nothing
else), and under 64 MiB peak memory.

The zip is built in a temporary folder and deleted afterwards. Its entries
are like real PDFs and photos: incompressible bytes, mostly Deflate-encoded
the way zlib encodes incompressible data (stored blocks inside a Deflate
stream), some Stored, a few compressible text files. Writing the stored
blocks by hand builds the 1 GiB in seconds instead of a minute of zlib.

Run: ``.venv/bin/python bench/inspection.py`` (``--entries``/``--size-mib`` for a
quicker look). Prints the figures, merges them into ``bench/results.json``
under "inspection", exits 1 when over budget.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import struct
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from django.conf import settings  # noqa: E402

if not settings.configured:
    # Messages go through gettext; nothing else of Django is needed here.
    settings.configure(USE_I18N=False)

from submissions.inspection import (  # noqa: E402
    DEFAULT_MAX_DOCUMENTS_PER_FOLDER,
    ExpectedElement,
    StructureSpec,
    inspect,
)

MiB = 1024 * 1024
CHUNK = 64 * 1024
RATIO_BUDGET = 1.5
PEAK_BUDGET = 64 * MiB
RESULTS = ROOT / "bench" / "results.json"

ELEMENTS = [
    "Management leadership and organizational commitment",
    "Hazard identification and assessment",
    "Hazard control",
    "Ongoing inspections",
    "Qualifications, orientation and training",
    "Emergency response",
    "Incident investigation",
    "Worker participation",
    "Contractor management",
    "System administration",
]


def stored_deflate(data: bytes) -> bytes:
    """A raw Deflate stream of stored blocks (what zlib emits for incompressible data)."""
    out = bytearray()
    for start in range(0, max(len(data), 1), 65535):
        block = data[start : start + 65535]
        final = start + 65535 >= len(data)
        out += bytes([1 if final else 0]) + struct.pack("<HH", len(block), 0xFFFF ^ len(block))
        out += block
    return bytes(out)


def build_zip(path: Path, entries: int, size_mib: int, seed: int = 9) -> int:
    rng = random.Random(seed)
    pool = os.urandom(32 * MiB)
    mean = size_mib * MiB // entries
    text = (b"Inspection log, week 12: ladders checked, no defects found.\n" * 400)[:20000]
    records = []
    written = 0
    with path.open("wb") as out:

        def add(name: str, plain: bytes, method: int, payload: bytes):
            raw = name.encode()
            crc = zlib.crc32(plain)
            offset = out.tell()
            out.write(
                struct.pack(
                    "<4s2B4HL2L2H",
                    b"PK\x03\x04",
                    20,
                    0,
                    0,
                    method,
                    0,
                    0x5A21,
                    crc,
                    len(payload),
                    len(plain),
                    len(raw),
                    0,
                )
                + raw
            )
            out.write(payload)
            records.append(
                struct.pack(
                    "<4s4B4HL2L5H2L",
                    b"PK\x01\x02",
                    20,
                    3,
                    20,
                    0,
                    0,
                    method,
                    0,
                    0x5A21,
                    crc,
                    len(payload),
                    len(plain),
                    len(raw),
                    0,
                    0,
                    0,
                    0,
                    0o100644 << 16,
                    offset,
                )
                + raw
            )

        tool = pool[:300_000]
        add("ACME Trucking/SECOR audit tool 2026.pdf", tool, 8, stored_deflate(tool))
        for i in range(entries - 1):
            folder = f"{i % 10 + 1:02d} - {ELEMENTS[i % 10]}"
            kind = rng.random()
            if kind < 0.05:
                add(f"ACME Trucking/{folder}/log {i}.txt", text, 8, zlib.compress(text, 6)[2:-4])
                written += len(text)
                continue
            size = rng.randint(mean // 2, mean * 3 // 2)
            start = rng.randrange(0, len(pool) - size)
            plain = pool[start : start + size]
            if kind < 0.15:
                add(f"ACME Trucking/{folder}/photo {i}.jpg", plain, 0, plain)
            else:
                add(f"ACME Trucking/{folder}/record {i}.pdf", plain, 8, stored_deflate(plain))
            written += size
        directory = b"".join(records)
        cd_offset = out.tell()
        out.write(directory)
        out.write(
            struct.pack(
                "<4s4H2LH",
                b"PK\x05\x06",
                0,
                0,
                len(records),
                len(records),
                len(directory),
                cd_offset,
                0,
            )
        )
    return written


def bare_read_chunks(path: Path) -> int:
    total = 0
    with path.open("rb") as f, zipfile.ZipFile(f) as zf:
        for info in zf.infolist():
            with zf.open(info) as entry:
                while data := entry.read(CHUNK):
                    total += len(data)
    return total


def bare_read_whole(path: Path) -> int:
    total = 0
    with path.open("rb") as f, zipfile.ZipFile(f) as zf:
        for info in zf.infolist():
            total += len(zf.read(info))
    return total


SPEC = StructureSpec(
    elements=tuple(ExpectedElement(n, name) for n, name in enumerate(ELEMENTS, start=1)),
    max_documents_per_folder=DEFAULT_MAX_DOCUMENTS_PER_FOLDER,
)


def run_inspect(path: Path):
    with path.open("rb") as f:
        return inspect(f, spec=SPEC)


def timed(fn, *args):
    gc.collect()
    start = time.perf_counter()
    value = fn(*args)
    return time.perf_counter() - start, value


def traced_peak(fn, *args) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        fn(*args)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


def rss_growth(path: Path) -> int | None:
    """Peak RSS of a fresh process inspecting ``path``, minus its RSS before (Linux only)."""
    child = subprocess.run(
        [sys.executable, __file__, "--rss-child", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        return int(child.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None


def rss_child(path: Path) -> None:
    gc.collect()
    before = _status("VmRSS")
    result = run_inspect(path)
    assert result.entries
    print(max(_status("VmHWM") - before, 0))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rss-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss_child:
        rss_child(args.rss_child)
        return 0

    with tempfile.TemporaryDirectory(prefix="bench-inspection-") as tmp:
        path = Path(tmp) / "evaluation.zip"
        start = time.perf_counter()
        build_zip(path, args.entries, args.size_mib)
        size = path.stat().st_size
        print(
            f"built {path.name}: {size / MiB:.0f} MiB, {args.entries} entries "
            f"in {time.perf_counter() - start:.1f} s"
        )
        bare_read_chunks(path)  # warm the page cache; checks every CRC too

        chunks, whole, inspected = [], [], []
        result = None
        for _ in range(args.repeat):
            chunks.append(timed(bare_read_chunks, path)[0])
            whole.append(timed(bare_read_whole, path)[0])
            seconds, result = timed(run_inspect, path)
            inspected.append(seconds)
        errors = [p for p in result.problems if p.severity == "error"]
        if errors or len(result.entries) != args.entries:
            print("inspection refused the benchmark zip:", errors[:3], file=sys.stderr)
            return 1

        peak = traced_peak(run_inspect, path)
        peak_bare = traced_peak(bare_read_chunks, path)
        rss = rss_growth(path)

    bare = min(min(chunks), min(whole))
    ratio = min(inspected) / bare
    figures = {
        "zip_bytes": size,
        "entries": args.entries,
        "inflated_bytes": result.inflated_bytes,
        "bare_read_chunked_s": round(min(chunks), 3),
        "bare_read_whole_entry_s": round(min(whole), 3),
        "inspect_s": round(min(inspected), 3),
        "ratio": round(ratio, 3),
        "ratio_budget": RATIO_BUDGET,
        "inspect_peak_traced_bytes": peak,
        "bare_read_peak_traced_bytes": peak_bare,
        "inspect_rss_growth_bytes": rss,
        "peak_budget_bytes": PEAK_BUDGET,
        "runs": args.repeat,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "python": sys.version.split()[0],
    }
    within = ratio <= RATIO_BUDGET and peak < PEAK_BUDGET and (rss is None or rss < PEAK_BUDGET)
    figures["within_budget"] = within

    print(f"bare zipfile read-through (64 KiB chunks): {min(chunks):.2f} s")
    print(f"bare zipfile read-through (whole entries): {min(whole):.2f} s")
    print(f"inspect:                                   {min(inspected):.2f} s")
    print(f"ratio to the faster bare read: {ratio:.2f}x (budget {RATIO_BUDGET}x)")
    print(
        f"inspect peak memory: {peak / MiB:.1f} MiB traced"
        + (f", RSS +{rss / MiB:.1f} MiB" if rss is not None else "")
        + f" (budget {PEAK_BUDGET / MiB:.0f} MiB); bare read {peak_bare / MiB:.1f} MiB traced"
    )

    results = {}
    if RESULTS.exists():
        try:
            results = json.loads(RESULTS.read_text())
        except ValueError:
            results = {}
    results["inspection"] = figures
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"written to {RESULTS.relative_to(ROOT)}")
    if not within:
        print("OVER BUDGET", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
