"""Benchmark the version comparison (text/diff.py ``diff_html``) on long bodies with many
changes — the worst cases of the 版本记录 page; prints one JSON line.

    .venv/bin/python bench/versions.py

Each case is compared 5 times in one warm process; the figure is the median CPU time
(``time.process_time``) in seconds. The bodies are random text over a small alphabet (the
hardest case for a token diff: every token matches everywhere), made with a fixed seed:

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
ALPHABET = "人大代表监督工作会议常委会审议报告区县市街道民生实事项目推进落实情况调研座谈，。"
CASES = {
    "one_5000_10pc": (1, 5000, 0.1),
    "one_5000_30pc": (1, 5000, 0.3),
    "p50_rewritten": (50, 100, 1.0),
    "p500_rewritten": (500, 10, 1.0),
}


def _edit(text: str, rate: float, rng: random.Random) -> str:
    out = []
    for char in text:
        roll = rng.random()
        if roll < rate / 3:
            continue
        if roll < 2 * rate / 3:
            out.append(rng.choice(ALPHABET))
        elif roll < rate:
            out.append(char + rng.choice(ALPHABET))
        else:
            out.append(char)
    return "".join(out)


def bodies(paragraphs: int, length: int, rate: float) -> tuple[str, str]:
    rng = random.Random(7)
    old = ["".join(rng.choice(ALPHABET) for _ in range(length)) for _ in range(paragraphs)]
    new = [_edit(p, rate, rng) if rate < 1 else "".join(rng.sample(p, len(p))) for p in old]
    return "".join(f"<p>{p}</p>" for p in old), "".join(f"<p>{p}</p>" for p in new)


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from text.diff import diff_html

    result = {}
    for name, shape in CASES.items():
        old, new = bodies(*shape)
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
