"""Benchmark of the statistics page with ten years of data.

Builds 200 published issues and 6,000 pieces (with their audit rows, placements,
批示 and commissions) in a throwaway database, then times the statistics page for one
year and for the whole ten years, and prints one JSON line:
{"issues", "pieces", "events", "year_page_ms", "decade_page_ms", "report_ms", "queries"}
(medians of 7 requests after one warm-up).

    .venv/bin/python bench/stats.py                       # throwaway SQLite file
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_stats .venv/bin/python bench/stats.py

The PostgreSQL database named there must exist and is emptied by the run; never point
it at a real one.
"""

import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
workdir = tempfile.mkdtemp(prefix="bench-stats-")
os.environ["BULLETIN_DATA_DIR"] = workdir
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
os.environ.setdefault("DJANGO_DEBUG", "1")  # a throwaway development configuration
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.actions import create_account  # noqa: E402
from accounts.models import Role, Unit  # noqa: E402
from assessment.models import Instruction  # noqa: E402
from assessment.periods import Period  # noqa: E402
from assessment.stats import unit_report  # noqa: E402
from bulletin.models import Issue, Placement, Publication, Section  # noqa: E402
from submissions.models import Commission, Event, Submission  # noqa: E402

ISSUES, PIECES, FIRST_YEAR = 200, 6000, 2015


def build() -> None:
    call_command("flush", interactive=False, verbosity=0) if connection.vendor == "postgresql" else None
    call_command("migrate", verbosity=0)
    rng = random.Random(703)
    editor = create_account(actor=None, username="bench-editor", password="x" * 12, role=Role.EDITOR)
    units = list(Unit.objects.all())
    sections = list(Section.objects.order_by("position"))
    publication = Publication.objects.get()
    issues = []
    for n in range(ISSUES):
        year = FIRST_YEAR + n // 20
        date = dt.date(year, 1 + (n % 20) * 11 // 20, 1 + (n % 20) % 28)
        issues.append(
            Issue(
                publication=publication,
                year=year,
                number=n % 20 + 1,
                total_number=500 + n,
                date=date,
                editor_name="杨青青",
                editor_phone="1",
                distribution="x",
                status=Issue.Status.PUBLISHED,
                published_at=timezone.now(),
                snapshot={},
            )
        )
    Issue.objects.bulk_create(issues)
    issues = list(Issue.objects.order_by("total_number"))
    pieces = []
    for i in range(PIECES):
        status = rng.choices(["published", "declined", "submitted", "returned"], [0.5, 0.2, 0.2, 0.1])[0]
        pieces.append(
            Submission(
                unit=rng.choice(units),
                title=f"稿件{i}",
                body="<p>正文。</p>",
                created_by=editor,
                status=status,
                adopted_as=rng.choice(["article", "brief"]) if status == "published" else "",
            )
        )
    Submission.objects.bulk_create(pieces, batch_size=1000)
    pieces = list(Submission.objects.all())
    events, placements, positions = [], [], {}
    for piece in pieces:
        issue = rng.choice(issues)
        when = timezone.make_aware(dt.datetime.combine(issue.date - dt.timedelta(days=10), dt.time(9)))
        piece.first_submitted_at = when  # what the 报送 action stamps on a first arrival
        events.append(
            Event(
                submission=piece,
                actor=editor,
                action="submit",
                from_status="draft",
                to_status="submitted",
                created_at=when,
            )
        )
        if piece.status == "published":
            events.append(
                Event(
                    submission=piece,
                    actor=editor,
                    action=f"adopt_{piece.adopted_as}",
                    from_status="submitted",
                    to_status="adopted",
                    created_at=when + dt.timedelta(days=3),
                )
            )
            section = sections[-1] if piece.adopted_as == "brief" else rng.choice(sections[:-1])
            positions[(issue.pk, section.pk)] = positions.get((issue.pk, section.pk), 0) + 1
            placements.append(
                Placement(
                    issue=issue, section=section, submission=piece, position=positions[(issue.pk, section.pk)]
                )
            )
        elif piece.status in ("declined", "returned"):
            events.append(
                Event(
                    submission=piece,
                    actor=editor,
                    action="decline" if piece.status == "declined" else "return",
                    from_status="submitted",
                    to_status=piece.status,
                    created_at=when + dt.timedelta(days=2),
                )
            )
    # The audit rows carry their historical dates: auto_now_add would stamp them all "now".
    created_at = Event._meta.get_field("created_at")
    created_at.auto_now_add = False
    try:
        Event.objects.bulk_create(events, batch_size=2000)
    finally:
        created_at.auto_now_add = True
    Placement.objects.bulk_create(placements, batch_size=2000)
    Submission.objects.bulk_update(pieces, ["first_submitted_at"], batch_size=1000)
    published = [p for p in pieces if p.status == "published"]
    Instruction.objects.bulk_create(
        [
            Instruction(
                submission=p, leader="领导", date=dt.date(FIRST_YEAR + i % 10, 6, 1), recorded_by=editor
            )
            for i, p in enumerate(published[:150])
        ]
    )
    for year in range(FIRST_YEAR, FIRST_YEAR + 10):
        commission = Commission.objects.create(
            topic=f"{year}约稿", deadline=dt.date(year, 6, 30), created_by=editor
        )
        commission.units.set(rng.sample(units, 5))
    Submission.objects.filter(status__in=["submitted", "returned"]).update(status="submitted")


def median_ms(fn, runs: int = 7) -> float:
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)


def main() -> None:
    build()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(Submission.objects.first().created_by)
    year = {"kind": "year", "year": FIRST_YEAR + 9}
    decade = {"kind": "range", "start": f"{FIRST_YEAR}-01-01", "end": f"{FIRST_YEAR + 9}-12-31"}
    for params in (year, decade):
        assert client.get("/stats/", params).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get("/stats/", year)
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "issues": Issue.objects.count(),
                "pieces": Submission.objects.count(),
                "events": Event.objects.count(),
                "year_page_ms": median_ms(lambda: client.get("/stats/", year)),
                "decade_page_ms": median_ms(lambda: client.get("/stats/", decade)),
                "report_ms": median_ms(lambda: unit_report(Period.year(FIRST_YEAR + 9))),
                "queries": len(queries.captured_queries),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
