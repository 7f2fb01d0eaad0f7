"""Benchmark the print renderer on the full 2024-15 issue; prints one JSON line.

    .venv/bin/python bench/render.py

cold_s      whole process (start Python, import, build the document, render, write):
            median of 5 subprocess runs
warm_s      render_pdf in a process that has rendered once already: median of 5
peak_rss_mb peak resident memory of the cold processes
pages, pdf_kb
chromium_cold_s  the same issue's print HTML printed by headless Chromium, whole
            process, median of 5; ratio_cold_vs_chromium = cold_s / chromium_cold_s
"""

from __future__ import annotations

import json
import logging
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = "2024-15"
RUNS = 5
CHROMIUM = "/usr/bin/chromium"


def setup_django() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    # WeasyPrint reports each layout step at INFO; the benchmark does not time logging.
    logging.getLogger("weasyprint").setLevel(logging.WARNING)


def child(output: str) -> None:
    """One cold render: import, build the document, render, write the PDF.

    The renderer needs no Django settings (its template engine is standalone), so the
    cold process does not pay for django.setup(); `manage.py render_issue` does.
    """
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from bench.seed_documents import build_seed_document
    from printing.render import render_pdf

    Path(output).write_bytes(render_pdf(build_seed_document(SEED)))


def cold_runs(workdir: Path) -> tuple[float, float]:
    times = []
    for run in range(RUNS):
        out = workdir / f"cold-{run}.pdf"
        start = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--child", str(out)], check=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    # ru_maxrss of the children is the largest peak of any waited-for child, in KiB.
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return statistics.median(times), peak_kib / 1024


def chromium_runs(html: str, workdir: Path) -> float | None:
    if not Path(CHROMIUM).exists():
        return None
    page = workdir / "issue.html"
    page.write_text(html, encoding="utf-8")
    times = []
    for run in range(RUNS):
        profile = Path(tempfile.mkdtemp(prefix="chromium-", dir=workdir))
        out = workdir / f"chromium-{run}.pdf"
        command = [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, timeout=120)
        times.append(time.perf_counter() - start)
        shutil.rmtree(profile, ignore_errors=True)
    return statistics.median(times)


def main() -> None:
    setup_django()
    from bench.seed_documents import build_seed_document
    from printing.render import render_html, render_pdf

    document = build_seed_document(SEED)
    with tempfile.TemporaryDirectory(prefix="bulletin-bench-") as tmp:
        workdir = Path(tmp)
        cold_s, peak_rss_mb = cold_runs(workdir)

        pdf = render_pdf(document)  # warm-up
        warm = []
        for _ in range(RUNS):
            start = time.perf_counter()
            pdf = render_pdf(document)
            warm.append(time.perf_counter() - start)

        import pdfplumber

        with pdfplumber.open(workdir / "cold-0.pdf") as opened:
            pages = len(opened.pages)
        chromium_s = chromium_runs(render_html(document), workdir)

    result = {
        "cold_s": round(cold_s, 3),
        "warm_s": round(statistics.median(warm), 3),
        "peak_rss_mb": round(peak_rss_mb, 1),
        "pages": pages,
        "pdf_kb": round(len(pdf) / 1024, 1),
        "chromium_cold_s": round(chromium_s, 3) if chromium_s is not None else None,
        "ratio_cold_vs_chromium": round(cold_s / chromium_s, 3) if chromium_s else None,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        main()
