"""Load benchmark: gunicorn on PostgreSQL with ten years of data, simulated readers (issue 15).

Builds ten years of data the way bench/pages.py does (200 issues, 6,000 pieces with real
paragraphs, frozen snapshots, printed text), starts gunicorn (4 sync workers by default)
on 127.0.0.1 with DEBUG off, then runs simulated users from a thread pool: each signs in
(a session made directly in the database, so password hashing does not load the server),
then loops — a page, a think time of 0.5–1.5 s, the next page — for the phase's
duration. Phases: 20 users for 60 s, then 50 users for 60 s. What a user reads: the
archive (latest year and other years), an issue's page, search (rare and common words,
two-character words, filters), and as an editor the review queue and a piece.

Prints one JSON line per phase — users, requests, requests/s, p50 and p95 in ms
(client-side, whole HTTP request), errors (status ≥ 400 or no answer), and per page kind —
and stops gunicorn. Bounded: every request goes to 127.0.0.1 only, each phase ends after
its duration or MAX_REQUESTS, and every request has a 30 s timeout.

    make setup-bench
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_load .venv/bin/python bench/load.py
    ... bench/load.py --users 20 50 --duration 60 --workers 4 --port 8125

The database named there must exist and is emptied by the run; never point it at a real
one. Targets (issue 15): reader p95 ≤ 200 ms with 20 users, ≤ 400 ms with 50, 0 errors.
"""

import argparse
import http.client
import json
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

if not os.environ.get("BENCH_DATABASE_URL", "").startswith("postgres"):
    raise SystemExit(
        "bench/load.py 在 PostgreSQL 上运行：请设置 BENCH_DATABASE_URL=postgres://…/bench_load"
        "（该库会被清空，切勿指向正式数据库）。"
    )

# One secret key for this process and the server: the sessions made here must verify there.
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))

from bench import pages as page_bench  # noqa: E402  (sets up Django on the bench database)

# isort: split

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.actions import create_account  # noqa: E402
from accounts.models import Role, User  # noqa: E402
from bulletin.models import Issue  # noqa: E402
from submissions.models import Submission  # noqa: E402

HOST = "127.0.0.1"  # never anywhere else
MAX_REQUESTS = 20_000  # per phase, whatever the duration
WORDS_COMMON = ["代表", "监督", "人大常委会", "联络站", "立法", "民生实事", "调研"]
WORDS_RARE = [page_bench.RARE_WORD, "数字孪生", "营商环境 法治"]


def session_cookie(user) -> str:
    """A signed-in session for `user`, written to the database as a login would."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    # The backend that really signs people in: the first one (django-axes) only checks lockouts.
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


class Mix:
    """What a simulated user asks for next: (kind, path with query)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.years = sorted(set(Issue.objects.filter(status="published").values_list("year", flat=True)))
        self.issues = list(Issue.objects.filter(status="published").values_list("pk", flat=True))
        self.pieces = list(Submission.objects.exclude(status="draft").values_list("pk", flat=True)[:2000])

    def reader(self) -> tuple[str, str]:
        rng, roll = self.rng, self.rng.random()
        if roll < 0.2:
            return "archive", "/archive/"
        if roll < 0.35:
            return "archive_year", f"/archive/year/{rng.choice(self.years)}/"
        if roll < 0.6:
            return "issue_page", f"/archive/{rng.choice(self.issues)}/"
        query = {"q": rng.choice(WORDS_COMMON if rng.random() < 0.7 else WORDS_RARE)}
        if rng.random() < 0.3:
            query["year"] = rng.choice(self.years)
        if rng.random() < 0.2:
            query["page"] = rng.randint(2, 5)
        return "search", "/archive/?" + urlencode(query)

    def editor(self) -> tuple[str, str]:
        roll = self.rng.random()
        if roll < 0.4:
            return "queue", "/review/"
        if roll < 0.6:
            return "queue_filter", "/review/?" + urlencode(
                {"q": self.rng.choice(["西湖区", "萧山区", "监督"])}
            )
        return "piece", f"/review/{self.rng.choice(self.pieces)}/"


def fetch(port: int, path: str, cookie: str) -> tuple[int, float]:
    start = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("GET", path, headers={"Cookie": cookie, "Host": HOST})
        response = conn.getresponse()
        response.read()
        status = response.status
    except OSError:
        status = 0
    finally:
        conn.close()
    return status, (time.perf_counter() - start) * 1000


def phase(port: int, users: int, duration: float, cookies: dict, seed: int) -> dict:
    """`users` threads for `duration` seconds; 4 in 5 read, 1 in 5 is an editor."""
    results: list[tuple[str, bool, int, float]] = []  # (kind, is_reader, status, ms)
    lock = threading.Lock()
    stop = time.monotonic() + duration

    def user(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        mix = mixes[index % len(mixes)]
        is_reader = index % 5 != 4
        cookie = cookies["reader" if is_reader else "editor"]
        time.sleep(rng.uniform(0, 1.5))  # users arrive spread over the first second or so
        while time.monotonic() < stop:
            kind, path = mix.reader() if is_reader else mix.editor()
            status, ms = fetch(port, path, cookie)
            with lock:
                if len(results) >= MAX_REQUESTS:
                    return
                results.append((kind, is_reader, status, ms))
            time.sleep(rng.uniform(0.5, 1.5))

    mixes = [Mix(random.Random(seed + i)) for i in range(4)]
    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(users)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(duration + 40)
    elapsed = time.monotonic() - started

    def figures(rows) -> dict:
        times = sorted(ms for *_, ms in rows)
        if not times:
            return {"requests": 0}
        return {
            "requests": len(times),
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[max(0, int(len(times) * 0.95 + 0.5) - 1)], 1),
            "errors": sum(1 for _, _, status, _ in rows if status == 0 or status >= 400),
        }

    readers = [r for r in results if r[1]]
    return {
        "users": users,
        "seconds": round(elapsed, 1),
        "requests_per_s": round(len(results) / elapsed, 1),
        "reader": figures(readers),
        "editor": figures([r for r in results if not r[1]]),
        "errors": sum(1 for *_, status, _ in results if status == 0 or status >= 400),
        "redirects": sum(1 for *_, status, _ in results if 300 <= status < 400),
        "by_page": {
            kind: figures([r for r in results if r[0] == kind]) for kind in sorted({r[0] for r in results})
        },
    }


def start_server(port: int, workers: int, data_dir: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": os.environ["BENCH_DATABASE_URL"],
        "BULLETIN_DATA_DIR": data_dir,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.environ["DJANGO_SECRET_KEY"],
        "DJANGO_ALLOWED_HOSTS": HOST,
        # Plain HTTP on the loopback: no secure-only cookies, no redirect to HTTPS.
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    # DEBUG off serves hashed static files from a manifest: collect them as a deployment does.
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    # The server's own log (warnings and errors) beside the data, not mixed into the figures.
    log = open(Path(data_dir) / "gunicorn.log", "ab")  # noqa: SIM115 (closed with the process)
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "bulletin.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    for _ in range(100):
        time.sleep(0.2)
        try:
            status, _ = fetch(port, "/accounts/login/", "")
        except OSError:
            continue
        if status:
            return server
    server.terminate()
    raise SystemExit("gunicorn 未能在 20 秒内启动。")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[20, 50])
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8125)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the data an earlier run built in this database"
    )
    args = parser.parse_args()
    if max(args.users) > 200 or args.duration > 600:
        raise SystemExit("负载上限：至多 200 个用户、每轮 600 秒。")
    # Stopped from outside, the server is stopped too (the finally below runs).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not (args.reuse and User.objects.filter(username="bench-reader").exists()):
        page_bench.build(10)
        create_account(actor=None, username="bench-reader", password="x" * 12, role=Role.READER)
    reader = User.objects.get(username="bench-reader")
    editor = User.objects.get(username="bench-editor")
    cookies = {"reader": session_cookie(reader), "editor": session_cookie(editor)}
    connection.close()  # the server's workers are the database's clients now
    server = start_server(args.port, args.workers, os.environ["BULLETIN_DATA_DIR"])
    try:
        for index, users in enumerate(args.users):
            figures = phase(args.port, users, args.duration, cookies, seed=index + 1)
            print(
                json.dumps({"database": "postgresql", "workers": args.workers, **figures}, ensure_ascii=False)
            )
            sys.stdout.flush()
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
