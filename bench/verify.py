"""Benchmark the PDF verifier (printing/verify.py) on the full 2024-15 issue against its
render; prints one JSON line.

    .venv/bin/python bench/verify.py

pages               pages of the rendered issue
render_s            render_pdf in a warm process: median of 5
verify_first_s      the first verify_pdf of a process: loads jieba's dictionary (once per
                    worker process; about 0.7 s) and pdfplumber
verify_s            verify_pdf in a warm process: median of 5
verify_vs_render    verify_s / render_s: what the check adds to every draft render
findings            what the verifier finds on this issue, by kind
"""

from __future__ import annotations

import json
import logging
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = "2024-15"
RUNS = 5


def main() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    from bench.seed_documents import build_seed_document
    from printing.render import render_pdf

    document = build_seed_document(SEED)
    pdf = render_pdf(document)  # warm-up
    renders = []
    for _ in range(RUNS):
        start = time.perf_counter()
        pdf = render_pdf(document)
        renders.append(time.perf_counter() - start)

    start = time.perf_counter()
    from printing.verify import read_chars, verify_pdf

    findings = verify_pdf(pdf)
    first = time.perf_counter() - start
    checks = []
    for _ in range(RUNS):
        start = time.perf_counter()
        findings = verify_pdf(pdf)
        checks.append(time.perf_counter() - start)

    render_s = statistics.median(renders)
    verify_s = statistics.median(checks)
    result = {
        "seed": SEED,
        "pages": len(read_chars(pdf)),
        "render_s": round(render_s, 3),
        "verify_first_s": round(first, 3),
        "verify_s": round(verify_s, 3),
        "verify_vs_render": round(verify_s / render_s, 3),
        "findings": dict(Counter(f.kind for f in findings)),
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
