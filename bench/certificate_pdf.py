"""Certificate PDF budgets (issue: certificates).

1. One certificate — render + PDF/A-3b with tags + PAdES signature — within
   1.3x the time WeasyPrint takes for a bare one-page document with the same
   fonts and images (no PDF/A, no tags, no signature). Warm, median of N,
   the two interleaved so machine noise hits both alike, timed in process CPU
   time (the machine is shared: wall time mostly measures the neighbours).
   For reference it also times the certificate's own HTML through plain
   WeasyPrint (no PDF/A, tags, fetcher or signature): what our extras cost.
2. 200 certificates on 2 worker processes at >= 1.8x the rate of 1 process.

Writes the figures under "certificate_pdf" in bench/results.json and exits 1
when a budget is missed. Run: PYTHONPATH=. .venv/bin/python bench/certificate_pdf.py
"""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

N_SINGLE = int(os.environ.get("BENCH_CERT_N", "21"))
N_BATCH = int(os.environ.get("BENCH_CERT_BATCH", "200"))
RATIO_BUDGET = 1.3
SCALING_BUDGET = 1.8
RESULTS = Path(__file__).resolve().parent / "results.json"


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secor.settings")
    # Keys for the bench go to a throwaway folder, never the project's var/.
    os.environ.setdefault("SECOR_SIGNING_DEV_KEYS_DIR", tempfile.mkdtemp(prefix="bench-keys-"))
    os.environ.setdefault("SECOR_SIGNING_DEV_KEYS", "true")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault(
        "SECRET_KEY", "bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz"
    )
    import django

    django.setup()


def _logo() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 160), (0, 87, 63))
    ImageDraw.Draw(image).rectangle((20, 20, 460, 140), outline=(255, 255, 255), width=6)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _inputs(i: int = 0):
    from audits.pdf import Branding, CertificateData

    branding = Branding(
        name="Saskatchewan Construction Safety Association",
        short_name="SCSA",
        colour="#00573f",
        logo=_LOGO,
        signatory_name="Jordan Tremblay",
        signatory_title="Manager, SECOR Program",
    )
    data = CertificateData(
        association_slug="scsa",
        number=f"SCSA-SECOR-2026-{i:05d}",
        legal_name=f"Prairie Roofing & Sons Ltd. No. {i}",
        wcb_account_number=f"{7654321 + i}",
        wcb_board="Saskatchewan WCB",
        program_kind="secor",
        issued_on=date(2026, 1, 5),
        expires_on=date(2029, 1, 5),
    )
    return data, branding, f"https://secor.example.ca/verify/scsa/{data.number}/"


def certificate(i: int = 0) -> bytes:
    from audits.pdf import render_certificate
    from audits.signing import sign_pdf, signing_key

    data, branding, url = _inputs(i)
    pdf = render_certificate(data, branding=branding, verify_url=url)
    return sign_pdf(pdf, signing_key("scsa", display_name="SCSA"))


def bare(i: int = 0) -> bytes:
    """The baseline: one page, the same fonts and images, plain WeasyPrint defaults."""
    from weasyprint import HTML

    from audits.pdf import qr_svg_data_url

    data, branding, url = _inputs(i)
    faces = [
        ("DejaVu Serif", "bold", "normal"),
        ("DejaVu Serif", "normal", "normal"),
        ("DejaVu Serif", "normal", "italic"),
        ("DejaVu Sans", "normal", "normal"),
        ("DejaVu Sans", "bold", "normal"),
        ("DejaVu Sans Mono", "normal", "normal"),
        ("DejaVu Sans Mono", "bold", "normal"),
    ]
    text = (
        f"{data.legal_name} {data.wcb_board} account {data.wcb_account_number} "
        f"{data.number} January 5, 2026 January 5, 2029 {branding.name} "
        "Small Employer Certificate of Recognition"
    )
    paragraphs = "".join(
        f"<p style=\"font-family: '{family}'; font-weight: {weight}; font-style: {style}\">"
        f"{text}</p>"
        for family, weight, style in faces
    )
    html = (
        "<html><head><style>@page { size: letter landscape; margin: 0.3in }</style></head>"
        f'<body><img src="{branding.logo_data_url}" style="height: 0.8in">{paragraphs}'
        f'<img src="{qr_svg_data_url(url)}" style="width: 1.2in"></body></html>'
    )
    return HTML(string=html).write_pdf()


def same_page_plain(i: int = 0) -> bytes:
    """The certificate's own page through WeasyPrint's defaults: no PDF/A, tags or signature."""
    from django.template.loader import render_to_string
    from weasyprint import HTML

    from audits.pdf import certificate_context, static_roots, stylesheet

    data, branding, url = _inputs(i)
    html = render_to_string(
        "audits/pdf/certificate.html",
        certificate_context(data, branding=branding, verify_url=url),
    )
    base = static_roots()[0].as_uri() + "/"
    return HTML(string=html, base_url=base).write_pdf(
        stylesheets=[stylesheet("certificate.css", branding.colour)]
    )


def single_ratio() -> dict:
    fns = {"certificate": certificate, "bare": bare, "same_page_plain": same_page_plain}
    for _ in range(3):  # warm: fonts loaded, key parsed, templates compiled
        for fn in fns.values():
            fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    for i in range(N_SINGLE):
        for name, fn in fns.items():
            t = time.process_time()
            fn(i)
            times[name].append(time.process_time() - t)
    ms = {name: statistics.median(values) * 1000 for name, values in times.items()}
    return {
        "certificate_ms_median": round(ms["certificate"], 1),
        "bare_page_ms_median": round(ms["bare"], 1),
        "same_page_plain_ms_median": round(ms["same_page_plain"], 1),
        "ratio": round(ms["certificate"] / ms["bare"], 3),
        "ratio_vs_same_page_plain": round(ms["certificate"] / ms["same_page_plain"], 3),
        "ratio_budget": RATIO_BUDGET,
        "clock": "process CPU time",
        "n": N_SINGLE,
    }


def _worker_init() -> None:
    _setup()
    certificate()  # warm each worker before the clock starts counting its work


def _build(i: int) -> int:
    return len(certificate(i))


def _rate(processes: int) -> float:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(processes, initializer=_worker_init) as pool:
        pool.map(_build, range(processes * 2))  # every worker warm
        started = time.perf_counter()
        sizes = pool.map(_build, range(N_BATCH), chunksize=1)
        elapsed = time.perf_counter() - started
    assert all(sizes)
    return N_BATCH / elapsed


def scaling() -> dict:
    one = _rate(1)
    two = _rate(2)
    return {
        "batch": N_BATCH,
        "one_worker_per_s": round(one, 2),
        "two_workers_per_s": round(two, 2),
        "rate_ratio": round(two / one, 3),
        "rate_ratio_budget": SCALING_BUDGET,
        "cpus": os.cpu_count(),
    }


def write_results(figures: dict) -> None:
    existing = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    existing["certificate_pdf"] = figures
    tmp = RESULTS.with_suffix(".tmp")
    tmp.write_text(json.dumps(existing, indent=2, sort_keys=True) + "\n")
    tmp.replace(RESULTS)


def main() -> int:
    _setup()
    figures = {"single": single_ratio()}
    print(json.dumps(figures["single"], indent=2), flush=True)
    figures["scaling"] = scaling()
    print(json.dumps(figures["scaling"], indent=2), flush=True)
    failures = []
    if figures["single"]["ratio"] > RATIO_BUDGET:
        failures.append(f"one certificate {figures['single']['ratio']}x > {RATIO_BUDGET}x")
    if figures["scaling"]["rate_ratio"] < SCALING_BUDGET:
        failures.append(f"2 workers {figures['scaling']['rate_ratio']}x < {SCALING_BUDGET}x")
    figures["ok"] = not failures
    figures["failures"] = failures
    write_results(figures)
    for failure in failures:
        print(f"OVER BUDGET: {failure}", file=sys.stderr)
    return 1 if failures else 0


_LOGO = _logo()

if __name__ == "__main__":
    sys.exit(main())
