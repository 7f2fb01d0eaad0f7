"""Benchmark of the main pages at one and at ten years of data (issue 15).

Builds the data the way bench/stats.py does (its builder: 20 published issues and 600
pieces a year, with audit rows and placements), gives every piece a body of real
paragraphs from the sample issues (demo/sample_issues), freezes each issue's snapshot and
fills the printed text the way publishing does, adds notifications, pieces waiting to be
placed and a draft issue; then times each main page server-side (Django's test client:
middleware, views, queries and templates, no network) — one warm-up, then 20 requests —
and prints one JSON line:

    {"database", "runs": [{"years", "issues", "pieces", "pages": {name: {"median_ms",
     "p95_ms", "cpu_median_ms", "queries", "kb"}}, "slowest": …}], "targets": …, "met": bool}

    .venv/bin/python bench/pages.py                          # throwaway SQLite file
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_pages .venv/bin/python bench/pages.py
    .venv/bin/python bench/pages.py --years 10               # one scale only

The PostgreSQL database named there must exist and is emptied by the run; never point it
at a real one. Targets: every main page ≤ 50 ms p95 at ten years, search ≤ 80 ms p95.
"""

import argparse
import json
import math
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import stats as builder  # noqa: E402  (sets up Django on the bench database)

# isort: split

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.actions import create_account  # noqa: E402
from accounts.models import Role, Unit  # noqa: E402
from bulletin.documents import build_document  # noqa: E402
from bulletin.models import Issue, Publication  # noqa: E402
from bulletin.printed_text import fill_printed_texts, rebuild_index  # noqa: E402
from submissions.models import Event, Notification, Submission  # noqa: E402
from text.richtext import runs_to_html  # noqa: E402
from web.paging import cursor_of  # noqa: E402

REQUESTS = 20
TARGET_MS, SEARCH_TARGET_MS = 50.0, 80.0
RARE_WORD = "数字孪生平台"  # put in a handful of pieces: a rare word's search


def seed_paragraphs() -> list[list[tuple[str, bool]]]:
    """Every body paragraph of the sample issues, as (text, bold) runs."""
    from bench.seed_documents import build_seed_document
    from demo.samples import seed_files

    paragraphs = []
    for path in seed_files():
        document = build_seed_document(path.stem)
        for section in document.sections:
            for item in section.items:
                for paragraph in getattr(item, "paragraphs", [getattr(item, "paragraph", [])]):
                    if paragraph:
                        paragraphs.append([(run.text, run.bold, run.script) for run in paragraph])
    if not paragraphs:
        raise SystemExit("没有找到样刊文字（demo/sample_issues 或 BULLETIN_SEEDS_DIR），无法生成正文。")
    return paragraphs


def reset_database() -> None:
    """An empty database, so the migrations load the reference data again (flush would
    delete the units and sections they made)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    else:
        name = Path(connection.settings_dict["NAME"])
        connection.close()
        name.unlink(missing_ok=True)


def build(years: int) -> dict:
    """The stats builder's data for `years` years, made realistic for the pages."""
    reset_database()
    builder.ISSUES, builder.PIECES = 20 * years, 600 * years
    builder.build()
    rng = random.Random(15)
    pool = seed_paragraphs()
    pieces = list(Submission.objects.only("pk", "adopted_as", "unit_id"))
    units = {unit.pk: unit for unit in Unit.objects.all()}
    rare = set(rng.sample(range(len(pieces)), 5))
    for index, piece in enumerate(pieces):
        paragraphs = [list(p) for p in rng.sample(pool, rng.randint(3, 7))]
        if index in rare:
            paragraphs[0] = [(f"依托{RARE_WORD}推进监督。", False), *paragraphs[0]]
        piece.body = runs_to_html(paragraphs)
        piece.title = f"{units[piece.unit_id].short_name}：" + paragraphs[0][-1][0][:18].strip("，。；")
        if piece.adopted_as == "brief":
            piece.brief_text = units[piece.unit_id].name + "".join(t for t, *_ in paragraphs[0])[:120]
    Submission.objects.bulk_update(pieces, ["body", "title", "brief_text"], batch_size=500)
    # 报送时间 from the audit rows, as the actions would have set it.
    submitted = dict(Event.objects.filter(action="submit").values_list("submission_id", "created_at"))
    for piece in pieces:
        piece.submitted_at = submitted.get(piece.pk)
    Submission.objects.bulk_update(pieces, ["submitted_at"], batch_size=500)
    # Each issue's frozen snapshot, as 刊发 stores it; then the printed text from it.
    issues = list(Issue.objects.select_related("publication"))
    for issue in issues:
        issue.snapshot = build_document(issue).to_dict()
    Issue.objects.bulk_update(issues, ["snapshot"], batch_size=50)
    fill_printed_texts()
    rebuild_index()
    editor = Submission.objects.first().created_by
    # A unit's contributor, pieces adopted and waiting, a draft issue, notifications.
    unit = Unit.objects.get(short_name="西湖区")
    contributor = create_account(
        actor=None, username="bench-unit", password="x" * 12, role=Role.CONTRIBUTOR, unit=unit
    )
    Submission.objects.filter(pk__in=[p.pk for p in pieces if p.unit_id == unit.pk][:1]).update(
        created_by=contributor
    )
    waiting = Submission.objects.filter(status="submitted").order_by("pk")[:60]
    Submission.objects.filter(pk__in=list(waiting.values_list("pk", flat=True))).update(
        status="adopted", adopted_as="article"
    )
    last = Issue.objects.order_by("-total_number").first()
    draft = Issue.objects.create(
        publication=Publication.objects.get(),
        year=last.year,
        number=last.number + 1,
        total_number=last.total_number + 1,
        date=last.date,
        editor_name="杨青青",
        editor_phone="1",
        distribution="x",
    )
    created = Notification._meta.get_field("created_at")
    created.auto_now_add = False
    try:
        now = timezone.now()
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient=user,
                    text=f"稿件《稿件{n}》已刊发",
                    link="/",
                    created_at=now - timezone.timedelta(hours=n),
                    read_at=now,
                )
                for user in (editor, contributor)
                for n in range(300 * years)
            ],
            batch_size=2000,
        )
    finally:
        created.auto_now_add = True
    if connection.vendor == "postgresql":
        # What autovacuum does to a real database after a load; without it the planner
        # guesses one row per table and never uses the trigram index.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"editor": editor, "contributor": contributor, "draft": draft}


def last_page_cursor(queryset, key: str) -> str:
    """The `after` cursor that opens the last page (what following 下一页 reaches)."""
    rows = list(queryset.order_by(*_newest(key)).values_list(key, "pk"))
    cut = rows[-(len(rows) % 20 or 20) - 1]
    return cursor_of(cut[0], cut[1])


def _newest(key):
    from django.db.models import F

    return (F(key).desc(nulls_last=True), "-pk")


def pages(people: dict) -> dict[str, tuple]:
    """name → (user, url, params, is_search)."""
    editor, contributor, draft = people["editor"], people["contributor"], people["draft"]
    first_year = Issue.objects.filter(status="published").order_by("year").first().year
    old_issue = Issue.objects.filter(year=first_year).order_by("number").first()
    queue = Submission.objects.exclude(status="draft")
    common_pages = math.ceil(
        Submission.objects.filter(placement__issue__status="published", printed_text__contains="代表").count()
        / 20
    )
    return {
        "archive": (editor, "/archive/", {}, False),
        "archive_first_year": (editor, f"/archive/year/{first_year}/", {}, False),
        "issue_page": (editor, f"/archive/{old_issue.pk}/", {}, False),
        "search_rare": (editor, "/archive/", {"q": RARE_WORD}, True),
        "search_common_2char": (editor, "/archive/", {"q": "代表"}, True),
        "search_common_last_page": (editor, "/archive/", {"q": "代表", "page": common_pages}, True),
        "search_two_words": (editor, "/archive/", {"q": "人大常委会 代表"}, True),
        "search_with_year": (editor, "/archive/", {"q": "监督", "year": first_year}, True),
        "queue": (editor, "/review/", {}, False),
        "queue_last_page": (editor, "/review/", {"after": last_page_cursor(queue, "submitted_at")}, False),
        "queue_title_filter": (editor, "/review/", {"q": "西湖区"}, False),
        "issue_list": (editor, "/issues/", {}, False),
        "issue_list_last_page": (editor, "/issues/", {"page": math.ceil(Issue.objects.count() / 20)}, False),
        "assembly": (editor, f"/issues/{draft.pk}/", {}, False),
        "editor_home": (editor, "/editor/", {}, False),
        "notifications": (editor, "/notifications/", {}, False),
        "notifications_last_page": (
            editor,
            "/notifications/",
            {"after": last_page_cursor(Notification.objects.filter(recipient=editor), "created_at")},
            False,
        ),
        "unit_home": (contributor, "/unit/", {}, False),
    }


def time_page(client: Client, url: str, params: dict) -> dict:
    response = client.get(url, params)
    assert response.status_code == 200, (url, params, response.status_code)
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
        client.get(url, params)
    times, cpu = [], []
    for _ in range(REQUESTS):
        start, start_cpu = time.perf_counter(), time.process_time()
        client.get(url, params)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[math.ceil(0.95 * len(times)) - 1], 1),
        # This process's own CPU time: on a shared machine it does not count the time spent
        # waiting for a core (nor, on PostgreSQL, the server's work).
        "cpu_median_ms": round(statistics.median(cpu), 1),
        "queries": len(queries),
        "kb": round(len(response.content) / 1024, 1),
    }


def run(years: int) -> dict:
    people = build(years)
    clients: dict[int, Client] = {}
    results, met = {}, True
    for name, (user, url, params, is_search) in pages(people).items():
        if user.pk not in clients:
            clients[user.pk] = Client(HTTP_HOST="127.0.0.1")
            clients[user.pk].force_login(user)
        results[name] = figures = time_page(clients[user.pk], url, params)
        if years >= 10 and figures["p95_ms"] > (SEARCH_TARGET_MS if is_search else TARGET_MS):
            met = False
    slowest = max(results, key=lambda n: results[n]["p95_ms"])
    return {
        "years": years,
        "issues": Issue.objects.filter(status="published").count(),
        "pieces": Submission.objects.count(),
        "pages": results,
        "slowest": slowest,
        "met": met,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, nargs="*", default=[1, 10])
    args = parser.parse_args()
    runs = [run(years) for years in args.years]
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "runs": runs,
                "targets": {"page_p95_ms": TARGET_MS, "search_p95_ms": SEARCH_TARGET_MS, "at_years": 10},
                "met": all(r["met"] for r in runs),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
