"""Benchmark of 校对 and 查重.

1. Checks a 16-page issue (the seed 2024-15 as it prints, every rule, the issue rules
   included): median and worst of 15 runs after a warm-up.
2. Builds 6,000 pieces (ten years) in a throwaway database whose bodies are 20–40
   sentences drawn at random from the seed issues (so they share the bulletin's
   vocabulary and stock phrases), among them copies made the way offices re-send, 60 of
   each kind, each of a piece 查重 compares with (a copy is 已报送):
   - ``resent``: the whole piece with 3 sentences changed;
   - ``half``: half of its sentences, in order, under the same title;
   - ``merged``: the piece followed by another piece;
   - ``condensed``: a brief (one paragraph) made sentence for sentence from it, each
     sentence shortened to 70–85 % of its characters by dropping clauses and words;
   - ``brief``: a 摘登 item made from the article's first 5–8 sentences, each condensed
     (a fifth of the article's size: Jaccard similarity about 0.2, containment 0.8);
   and 60 ``unrelated`` drafts on the same topics made from sentences that no stored piece
   uses (the 320 distinct seed sentences are split: a fifth is kept for them).
   Indexes them with the real code (``refresh_index``); then times ``similar_pieces`` — the
   top 5 as the review page asks for them, the staleness check and the shared passages
   included — for the 300 copies and 100 other stored pieces (the unrelated drafts are
   looked up but not timed), and counts a copy as flagged when its
   original is listed at or above the warning share (``queries.warn_from``), an
   unrelated piece as falsely flagged when anything is.
3. For comparison, the candidate recall the LSH bands of ADR 0010 (40 bands of 3 rows)
   would have had on the same copies: the share whose original shares a band.

Prints one JSON line:
{"database", "check_issue_s", "check_issue_max_s", "pieces", "index_build_s",
 "first_lookup_ms" (the process's first: the sample index read), "similar_p50_ms", "similar_p95_ms", "similar_cpu_p50_ms", "similar_cpu_p95_ms",
 "resent_found", "resent", "flagged": {kind: share}, "containment_min": {kind: lowest
 measured}, "unrelated_flagged", "unrelated", "unrelated_containment_max" (the highest listed, 0
 when none reaches queries.SHOW_FROM),
 "lsh_r3_recall": {kind: share}, "warn_from", "load_avg_1m", "cpu_cores"}

    .venv/bin/python bench/checks.py                       # throwaway SQLite file
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_checks .venv/bin/python bench/checks.py

The PostgreSQL database named there must exist and is emptied by the run.
Targets: check_issue_s ≤ 0.3, similar_p95_ms ≤ 50, flagged ≥ 0.95 of each kind,
unrelated_flagged 0.
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

import numpy as np

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
from proofreading import similarity  # noqa: E402
from proofreading.checks import check_issue  # noqa: E402
from proofreading.index import refresh_index  # noqa: E402
from proofreading.models import Fingerprint, ProofreadingOptions  # noqa: E402
from proofreading.queries import similar_pieces, warn_from  # noqa: E402
from submissions.models import Submission  # noqa: E402
from tests.proofreading.dedupe_copies import condense  # noqa: E402
from tests.proofreading_labelled import CONTEXT, seed_issue  # noqa: E402

PIECES, COPIES, OTHERS_ASKED = 6000, 60, 100
KINDS = ("resent", "half", "merged", "condensed", "brief")
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

    pool, seen = [], set()
    for path in seed_files():
        document = parse_issue_file(path).document.normalized()
        for section in document.sections:
            for item in section.items:
                paragraphs = getattr(item, "paragraphs", None) or [item.paragraph]
                for paragraph in paragraphs:
                    for s in re.findall(r"[^。！？]+[。！？]", paragraph_text(paragraph)):
                        if len(s) > 8 and similarity.letters(s) not in seen:
                            seen.add(similarity.letters(s))
                            pool.append(s)
    return pool


def build(rng: random.Random) -> dict[str, list[tuple[int, int]]]:
    """Fill the database; returns {kind: [(copy id, original id)]} and "unrelated": [(id, 0)]."""
    if connection.vendor == "postgresql":
        # Start from an empty schema so the migrations load the reference data again
        # (flush would leave the units and sections out).
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)
    editor = create_account(actor=None, username="bench-editor", password="x" * 12, role=Role.EDITOR)
    units = list(Unit.objects.all())
    pool = sentence_pool()
    rng.shuffle(pool)
    # Sentences no other piece uses, for the unrelated pieces (same bulletin, same topics).
    kept, pool = pool[: len(pool) // 5], pool[len(pool) // 5 :]

    def body(sentences: list[str]) -> str:
        paragraphs = [sentences[i : i + 5] for i in range(0, len(sentences), 5)]
        return "".join(f"<p>{''.join(p)}</p>" for p in paragraphs)

    made = len(KINDS) * COPIES + COPIES
    texts = [rng.sample(pool, rng.randint(20, 40)) for _ in range(PIECES - made)]
    titles = [f"稿件{i}：{sentences[0][:16]}" for i, sentences in enumerate(texts)]
    bodies = [body(sentences) for sentences in texts]
    statuses = [rng.choice(STATUSES) for _ in texts]
    # A copy is of a piece 查重 compares with (not of a declined one).
    compared = [i for i in range(len(texts)) if statuses[i] != "declined"]
    pairs: dict[str, list[tuple[int, int]]] = {}
    for kind in KINDS:
        pairs[kind] = []
        for index in rng.sample(compared, COPIES):
            original = texts[index]
            title = titles[index]
            if kind == "resent":
                copy = list(original)
                for _ in range(3):
                    copy[rng.randrange(len(copy))] = rng.choice(pool)
                copy_body = body(copy)
            elif kind == "half":
                chosen = sorted(rng.sample(range(len(original)), len(original) // 2))
                copy_body = body([original[i] for i in chosen])
            elif kind == "merged":
                other = texts[rng.choice(compared)]
                copy_body = body(original + other)
                title = f"{title}（综合）"
            elif kind == "condensed":
                copy_body = "<p>" + "".join(condense(sentence, rng) for sentence in original) + "</p>"
                title = f"简讯：{original[0][:12]}"
            else:
                # A 摘登 item: the article's first 5–8 sentences, each condensed.
                lead = original[: rng.randint(5, 8)]
                copy_body = "<p>" + "".join(condense(sentence, rng) for sentence in lead) + "</p>"
                title = f"简讯：{original[0][:12]}"
            pairs[kind].append((len(titles), index))
            titles.append(title)
            bodies.append(copy_body)
            statuses.append("submitted")
    # Drafts: each is compared with the archive, not with the others (which share the kept
    # sentences among them).
    pairs["unrelated"] = []
    for _ in range(COPIES):
        sentences = rng.sample(kept, rng.randint(20, 40))
        pairs["unrelated"].append((len(titles), -1))
        titles.append(f"稿件{len(titles)}：{sentences[0][:16]}")
        bodies.append(body(sentences))
        statuses.append("draft")
    Submission.objects.bulk_create(
        [
            Submission(unit=rng.choice(units), title=title, body=text, created_by=editor, status=status)
            for title, text, status in zip(titles, bodies, statuses, strict=True)
        ],
        batch_size=500,
    )
    ids = list(Submission.objects.order_by("pk").values_list("pk", flat=True))
    return {
        kind: [(ids[copy], ids[original] if original >= 0 else 0) for copy, original in found]
        for kind, found in pairs.items()
    }


# The MinHash signatures and LSH bands ADR 0010 used (120 values, 40 bands of 3), kept
# here to show what they would have found.
_rng = np.random.RandomState(20241025)
_A = (_rng.randint(0, 1 << 62, size=120, dtype=np.int64).astype(np.uint64) << np.uint64(1)) | np.uint64(1)
_B = _rng.randint(0, 1 << 62, size=120, dtype=np.int64).astype(np.uint64) << np.uint64(2)


def minhash(shingle_hashes: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        values = (np.outer(_A, shingle_hashes.astype(np.uint64)) + _B[:, None]) >> np.uint64(32)
    return values.min(axis=1)


def lsh_r3_recall(pairs: list[tuple[int, int]]) -> float:
    """Share of the pairs whose MinHash signatures share one of 40 bands of 3 values."""
    wanted = {pk for pair in pairs for pk in pair}
    sigs = {
        pk: minhash(similarity.from_bytes(data))
        for pk, data in Fingerprint.objects.filter(submission_id__in=wanted).values_list(
            "submission_id", "shingles"
        )
    }
    hits = 0
    for copy, original in pairs:
        a, b = sigs[copy].reshape(40, 3), sigs[original].reshape(40, 3)
        hits += bool(np.all(a == b, axis=1).any())
    return round(hits / len(pairs), 3)


def main() -> None:
    rng = random.Random(16)
    check_s, check_max_s = time_issue_check()
    pairs = build(rng)
    start = time.perf_counter()
    refresh_index(limit=None)
    index_s = time.perf_counter() - start
    threshold = warn_from(ProofreadingOptions.current())
    pieces = Submission.objects.in_bulk()
    made = {copy for found in pairs.values() for copy, _ in found}
    others = [p for pk, p in pieces.items() if pk not in made]
    asked = [pieces[copy] for copy in sorted(made)] + rng.sample(others, OTHERS_ASKED)
    rng.shuffle(asked)
    start = time.perf_counter()
    similar_pieces(asked[0])  # warm-up: reads every stored piece's shingles into the sample index
    first_ms = (time.perf_counter() - start) * 1000
    times, cpu, tops = [], [], {}
    drafts = {pk for pk, _ in pairs["unrelated"]}
    for piece in asked:
        start, start_cpu = time.perf_counter(), time.process_time()
        top = similar_pieces(piece)
        # The editor never looks up a draft: a draft's text is read and fingerprinted on
        # the spot (some 15 ms more), so the drafts are checked but not timed.
        if piece.pk not in drafts:
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        tops[piece.pk] = top
    times.sort()
    cpu.sort()
    flagged, lowest = {}, {}
    for kind in KINDS:
        shares = []
        for copy, original in pairs[kind]:
            match = next((m for m in tops[copy] if m.submission.pk == original), None)
            shares.append(match.containment if match else 0.0)
        flagged[kind] = round(sum(share >= threshold for share in shares) / len(shares), 3)
        lowest[kind] = round(min(shares), 3)
    unrelated = [tops[pk] for pk, _ in pairs["unrelated"]]
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "check_issue_s": check_s,
                "check_issue_max_s": check_max_s,
                "pieces": len(pieces),
                "index_build_s": round(index_s, 1),
                "first_lookup_ms": round(first_ms),
                "similar_p50_ms": round(statistics.median(times), 1),
                "similar_p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
                # This process's own CPU time (the database's, on PostgreSQL, not included).
                "similar_cpu_p50_ms": round(statistics.median(cpu), 1),
                "similar_cpu_p95_ms": round(cpu[int(len(cpu) * 0.95) - 1], 1),
                "resent_found": sum(
                    any(m.submission.pk == original for m in tops[copy]) for copy, original in pairs["resent"]
                ),
                "resent": len(pairs["resent"]),
                "flagged": flagged,
                "containment_min": lowest,
                "unrelated_flagged": sum(any(m.containment >= threshold for m in top) for top in unrelated),
                "unrelated": len(unrelated),
                "unrelated_containment_max": round(
                    max((m.containment for top in unrelated for m in top), default=0), 3
                ),
                "lsh_r3_recall": {kind: lsh_r3_recall(pairs[kind]) for kind in KINDS},
                "warn_from": threshold,
                # The machine is shared: the load while the lookups ran says how to read them.
                "load_avg_1m": round(os.getloadavg()[0], 1),
                "cpu_cores": os.cpu_count(),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
