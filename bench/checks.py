"""Benchmark of 校对 and 查重.

1. Checks a 16-page issue (the seed 2024-15 as it prints, every rule, the issue rules
   included): median and worst of 15 runs after a warm-up.
2. Builds 6,000 pieces (ten years) in a throwaway database whose bodies are 20–40
   sentences drawn at random from the seed issues (so they share the bulletin's
   vocabulary and stock phrases), 60 of them re-sent copies of others with a few
   sentences changed; indexes them with the real code (``refresh_index``); then times
   ``similar_pieces`` — the top 5 as the review page asks for them, the staleness check
   included — for 300 pieces, and checks that each re-sent copy finds its original.

Prints one JSON line:
{"database", "check_issue_s", "check_issue_max_s", "pieces", "index_build_s",
 "similar_p50_ms", "similar_p95_ms", "similar_cpu_p50_ms", "similar_cpu_p95_ms", "resent_found", "resent", "load_avg_1m", "cpu_cores"}

    .venv/bin/python bench/checks.py                       # throwaway SQLite file
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_checks .venv/bin/python bench/checks.py

The PostgreSQL database named there must exist and is emptied by the run.
Targets: check_issue_s ≤ 0.3, similar_p95_ms ≤ 50.
"""

import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
workdir = tempfile.mkdtemp(prefix="bench-checks-")
os.environ["BULLETIN_DATA_DIR"] = workdir
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.actions import create_account  # noqa: E402
from accounts.models import Role, Unit  # noqa: E402
from demo.samples import seed_files  # noqa: E402
from printing.document import paragraph_text  # noqa: E402
from proofreading.checks import check_issue  # noqa: E402
from proofreading.index import refresh_index  # noqa: E402
from proofreading.queries import similar_pieces  # noqa: E402
from submissions.models import Submission  # noqa: E402
from tests.proofreading_labelled import CONTEXT, seed_issue  # noqa: E402

PIECES, RESENT, QUERIES = 6000, 60, 300
STATUSES = ["published"] * 6 + ["submitted", "returned", "adopted", "declined"]


def time_issue_check() -> tuple[float, float]:
    issue = seed_issue("2024-15")
    check_issue(issue, CONTEXT)
    times = []
    for _ in range(15):
        start = time.perf_counter()
        check_issue(issue, CONTEXT)
        times.append(time.perf_counter() - start)
    return round(statistics.median(times), 4), round(max(times), 4)


def sentence_pool() -> list[str]:
    from backissues.parsing import parse_issue_file

    pool = []
    for path in seed_files():
        document = parse_issue_file(path).document.normalized()
        for section in document.sections:
            for item in section.items:
                paragraphs = getattr(item, "paragraphs", None) or [item.paragraph]
                for paragraph in paragraphs:
                    pool += [
                        s for s in re.findall(r"[^。！？]+[。！？]", paragraph_text(paragraph)) if len(s) > 8
                    ]
    return pool


def build(rng: random.Random) -> list[tuple[int, int]]:
    if connection.vendor == "postgresql":
        # Start from an empty schema so the migrations load the reference data again
        # (flush would leave the units and sections out).
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)
    editor = create_account(actor=None, username="bench-editor", password="x" * 12, role=Role.EDITOR)
    units = list(Unit.objects.all())
    pool = sentence_pool()

    def body(sentences: list[str]) -> str:
        paragraphs = [sentences[i : i + 5] for i in range(0, len(sentences), 5)]
        return "".join(f"<p>{''.join(p)}</p>" for p in paragraphs)

    texts = [rng.sample(pool, rng.randint(20, 40)) for _ in range(PIECES - RESENT)]
    statuses = [rng.choice(STATUSES) for _ in texts] + ["submitted"] * RESENT
    # A re-sent copy is of a piece 查重 compares with (not of a declined one).
    originals = rng.sample([i for i in range(len(texts)) if statuses[i] != "declined"], RESENT)
    for index in originals:
        copy = list(texts[index])
        for _ in range(3):
            copy[rng.randrange(len(copy))] = rng.choice(pool)
        texts.append(copy)
    Submission.objects.bulk_create(
        [
            Submission(
                unit=rng.choice(units),
                title=f"稿件{i}：{sentences[0][:16]}",
                body=body(sentences),
                created_by=editor,
                status=statuses[i],
            )
            for i, sentences in enumerate(texts)
        ],
        batch_size=500,
    )
    ids = list(Submission.objects.order_by("pk").values_list("pk", flat=True))
    return [(ids[PIECES - RESENT + n], ids[index]) for n, index in enumerate(originals)]


def main() -> None:
    rng = random.Random(16)
    check_s, check_max_s = time_issue_check()
    resent = build(rng)
    start = time.perf_counter()
    refresh_index(limit=None)
    index_s = time.perf_counter() - start
    pieces = Submission.objects.in_bulk()
    copies = {copy for copy, _ in resent}
    others = [p for pk, p in pieces.items() if pk not in copies]
    asked = [pieces[copy] for copy in sorted(copies)] + rng.sample(others, QUERIES - len(copies))
    similar_pieces(asked[0])  # warm-up
    times, cpu, found = [], [], 0
    originals = dict(resent)
    for piece in asked:
        start, start_cpu = time.perf_counter(), time.process_time()
        top = similar_pieces(piece)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        if piece.pk in originals and originals[piece.pk] in [m.submission.pk for m in top]:
            found += 1
    times.sort()
    cpu.sort()
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "check_issue_s": check_s,
                "check_issue_max_s": check_max_s,
                "pieces": len(pieces),
                "index_build_s": round(index_s, 1),
                "similar_p50_ms": round(statistics.median(times), 1),
                "similar_p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
                # This process's own CPU time (the database's, on PostgreSQL, not included).
                "similar_cpu_p50_ms": round(statistics.median(cpu), 1),
                "similar_cpu_p95_ms": round(cpu[int(len(cpu) * 0.95) - 1], 1),
                "resent_found": found,
                "resent": len(resent),
                # The machine is shared: the load while the lookups ran says how to read them.
                "load_avg_1m": round(os.getloadavg()[0], 1),
                "cpu_cores": os.cpu_count(),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
