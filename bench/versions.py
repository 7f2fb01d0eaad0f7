"""Benchmark the version comparison (text/diff.py ``diff_html``) on long bodies with many
changes — the worst cases of the 版本记录 page; prints one JSON line.

    .venv/bin/python bench/versions.py

Each case is compared 5 times in one warm process; the figure is the median CPU time
(``time.process_time``) in seconds. The bodies are random text over a small alphabet (the
hardest case for a token diff: every token matches everywhere), made with a fixed seed by
the version tests' own maker (tests/submissions/test_versions.py):

one_5000_10pc   one 5,000-character paragraph, about 10 % of characters changed
one_5000_30pc   the same, 30 % changed
p50_rewritten   50 paragraphs of 100 characters, every one shuffled
p500_rewritten  500 paragraphs of 10 characters, every one shuffled

Target: each under 0.2 s of CPU (the versions page stays interactive); the correctness of
these comparisons is tests/submissions/test_versions.py's.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 5
CASES = {
    "one_5000_10pc": (1, 5000, 0.1),
    "one_5000_30pc": (1, 5000, 0.3),
    "p50_rewritten": (50, 100, 1.0),
    "p500_rewritten": (500, 10, 1.0),
}


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from tests.submissions.test_versions import _long_bodies
    from text.diff import diff_html

    result = {}
    for name, shape in CASES.items():
        old, new = _long_bodies(random.Random(7), *shape)
        diff_html(old, new)  # warm-up
        spent = []
        for _ in range(RUNS):
            started = time.process_time()
            diff_html(old, new)
            spent.append(time.process_time() - started)
        result[name] = round(statistics.median(spent), 3)
    result["load_avg_1m"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
