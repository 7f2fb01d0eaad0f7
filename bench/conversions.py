"""Conversion benchmark: readers browse while contributors upload Word files that need
LibreOffice (.rtf and .doc), on gunicorn and PostgreSQL with the task worker running.

Builds a year of data the way bench/load.py does (bench/pages.py's builder), starts
gunicorn with the deployment's settings (deploy/gunicorn.conf.py: sync workers, 30 s
timeout) and one `manage.py run_worker` at the deployment's priority (Nice=10), all on
127.0.0.1. Then, --rounds times (2), two phases of the same reader load (20 readers by
default, each: an archive page, a year, an issue or a search, then 0.5–1.5 s of thought),
alternated so that drift in the machine's other load falls on both:

1. base: the readers alone, for --duration seconds (30);
2. with: the readers again, and after two seconds 10 contributors (each their own account)
   upload a file at the same moment — half .rtf, half .doc — follow their 读取中 page's
   JSON (once a second, as the page does) until the draft is ready, and open the draft
   form. The phase lasts until every conversion has ended and at least --duration seconds
   (bounded by 180 s).

LibreOffice runs through scripts/soffice-background (as deploy/bulletin.env.example sets
BULLETIN_SOFFICE) unless --libreoffice-priority normal.

Prints one JSON line:

    {"readers", "conversions", "errors", "server_errors", "p50_ms_base", "p95_ms_base",
     "p50_ms_with", "p95_ms_with", "ratio", "p95_ms_phase", "upload_ms_max",
     "conversion_s_p50", "conversion_s_max", "worker_read_s_p50", "failed_jobs", ...}

`errors` counts every answer ≥ 400 or no answer (readers and contributors) and every job
that did not end with its draft; `server_errors` the 5xx among them. `p95_ms_with` is the
readers' p95 over the requests started while conversions ran (from the uploads until the
last draft opened), `p95_ms_phase` over the whole second phase; `ratio` is p95_ms_with /
p95_ms_base. `conversion_s` is a contributor's wait from the upload until the draft form,
`worker_read_s` the worker's time for one file. Target: 0 errors and ratio ≤ 1.5.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_conversions \\
        .venv/bin/python bench/conversions.py [--readers 20] [--conversions 10] [--duration 30] [--rounds 2]

The database named there must exist and is emptied by the run (--reuse keeps an earlier
run's data); never point it at a real one. Loopback only, every request has a 30 s timeout.
"""

import argparse
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

if not os.environ.get("BENCH_DATABASE_URL", "").startswith("postgres"):
    raise SystemExit(
        "bench/conversions.py 在 PostgreSQL 上运行：请设置 BENCH_DATABASE_URL=postgres://…/bench_conversions"
        "（该库会被清空，切勿指向正式数据库）。"
    )
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))

from bench import load  # noqa: E402  (sets up Django on the bench database)
from bench import pages as page_bench  # noqa: E402

# isort: split

from django.db import connection  # noqa: E402

from accounts.actions import create_account  # noqa: E402
from accounts.models import Role, Unit, User  # noqa: E402
from intake.formats import soffice_path  # noqa: E402
from submissions.models import ImportJob, UploadRecord  # noqa: E402

HOST = load.HOST  # 127.0.0.1, never anywhere else
MIXES: list = []  # what readers ask for (bench/load.py's mix), read once before the run
MAX_PHASE_SECONDS = 180
WORKER_NICE = 10
LIBREOFFICE_BACKGROUND = True  # --libreoffice-priority
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def rtf_document(paragraphs: list[str], title: str) -> bytes:
    """An .rtf as WPS or an OA system saves one: Chinese as \\uN? escapes, a bold title."""

    def escaped(text: str) -> str:
        return "".join(f"\\u{ord(c)}?" if ord(c) > 127 else c for c in text)

    body = "".join(f"\\pard\\fi480 {escaped(p)}\\par\n" for p in paragraphs)
    return (
        "{\\rtf1\\ansi\\ansicpg936\\deff0{\\fonttbl{\\f0\\fnil\\fcharset134 SimSun;}}\n"
        f"\\pard\\qc\\b\\fs36 {escaped(title)}\\b0\\fs24\\par\n{body}}}"
    ).encode("ascii")


def make_files(workdir: Path) -> tuple[bytes, bytes]:
    """(rtf, doc): a piece of about 1,500 characters from the sample issues, and the same
    as a Word 97 .doc (made once by LibreOffice, before anything is timed)."""
    rng = random.Random(24)
    pool = ["".join(run[0] for run in p) for p in page_bench.seed_paragraphs()]
    paragraphs = [p for p in rng.sample(pool, 40) if len(p) > 30][:12]
    rtf = rtf_document(paragraphs, "西湖区：代表联络站建设有成效")
    source = workdir / "piece.rtf"
    source.write_bytes(rtf)
    soffice = soffice_path()
    if soffice is None:
        raise SystemExit("没有安装 LibreOffice，无法测量转换。")
    subprocess.run(
        [soffice, f"-env:UserInstallation={(workdir / 'profile').as_uri()}", "--headless", "--convert-to", "doc",
         "--outdir", str(workdir), str(source)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return rtf, (workdir / "piece.doc").read_bytes()


def contributors(count: int) -> list[User]:
    """`count` contributors, each in a unit of their own (their queue and quota are theirs)."""
    units = list(Unit.objects.order_by("pk")[:count])
    people = []
    for index in range(count):
        name = f"bench-conv-{index}"
        user = User.objects.filter(username=name).first() or create_account(
            actor=None,
            username=name,
            password="x" * 12,
            role=Role.CONTRIBUTOR,
            unit=units[index % len(units)],
        )
        people.append(user)
    return people


def request(port: int, method: str, path: str, cookie: str, body: bytes = b"", headers=None):
    """(status, headers, body bytes, ms); status 0 when nothing answered."""
    start = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request(
            method, path, body=body or None, headers={"Cookie": cookie, "Host": HOST, **(headers or {})}
        )
        response = conn.getresponse()
        data = response.read()
        status, answer = response.status, dict(response.getheaders())
        # Several Set-Cookie headers (session, CSRF) are kept together, not the last one only.
        answer["Set-Cookie"] = "; ".join(v for k, v in response.getheaders() if k.lower() == "set-cookie")
    except OSError:
        status, answer, data = 0, {}, b""
    finally:
        conn.close()
    return status, answer, data, (time.perf_counter() - start) * 1000


class Contributor:
    """One person uploading a file, following its job, and opening the draft form."""

    def __init__(self, port: int, cookie: str, name: str, data: bytes):
        self.port, self.cookie, self.name, self.data = port, cookie, name, data
        self.statuses: list[int] = []
        self.upload_ms = 0.0
        self.seconds = 0.0
        self.outcome = "not started"

    def prepare(self) -> None:
        status, headers, body, _ = request(self.port, "GET", "/unit/import/", self.cookie)
        self.statuses.append(status)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        cookie = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", ""))
        if not token:
            raise SystemExit(f"上传页面没有表单（HTTP {status}）。")
        self.token = token.group(1).decode()
        if cookie:
            self.cookie += f"; csrftoken={cookie.group(1)}"

    def run(self, start: threading.Event) -> None:
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{self.token}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{self.name}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            ).encode()
            + self.data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        start.wait()
        began = time.perf_counter()
        status, headers, _, self.upload_ms = request(
            self.port, "POST", "/unit/import/", self.cookie, body,
            {"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )  # fmt: skip
        self.statuses.append(status)
        location = headers.get("Location", "")
        if status == 302 and "/unit/new/" in location:  # read inside the request (the code before)
            self.seconds = time.perf_counter() - began
            self.outcome = "draft"
            return
        if status != 302 or "/unit/import/" not in location:
            self.outcome = f"upload answered {status}"
            return
        job_path = location.replace(f"http://{HOST}:{self.port}", "")
        while time.perf_counter() - began < MAX_PHASE_SECONDS:
            status, _, body, _ = request(self.port, "GET", job_path + "status/", self.cookie)
            self.statuses.append(status)
            state = json.loads(body).get("status") if status == 200 else ""
            if state in ("done", "failed"):
                break
            time.sleep(1.0)  # as static/js/import_status.js polls
        self.seconds = time.perf_counter() - began
        if state != "done":
            self.outcome = f"job {state or 'unfinished'}"
            return
        # The job's page forwards to the draft form; open it as the browser would.
        status, headers, _, _ = request(self.port, "GET", job_path, self.cookie)
        self.statuses.append(status)
        draft = headers.get("Location", "")
        status, _, body, _ = request(self.port, "GET", draft, self.cookie)
        self.statuses.append(status)
        self.outcome = "draft" if status == 200 and "已从《".encode() in body else f"draft answered {status}"


def readers_phase(
    port: int, readers: int, cookie: str, stop_when, seed: int
) -> list[tuple[float, int, float]]:
    """Readers until stop_when() is true: [(started at, status, ms)]."""
    mixes = [MIXES[(seed + i) % len(MIXES)] for i in range(readers)]
    results: list[tuple[float, int, float]] = []
    lock = threading.Lock()

    def reader(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        mix = mixes[index]
        time.sleep(rng.uniform(0, 1.0))
        while not stop_when():
            _, path = mix.reader()
            began = time.monotonic()
            status, ms = load.fetch(port, path, cookie)
            with lock:
                results.append((began, status, ms))
            time.sleep(rng.uniform(0.5, 1.5))

    threads = [threading.Thread(target=reader, args=(i,), daemon=True) for i in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(MAX_PHASE_SECONDS + 40)
    return results


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return round(ordered[max(0, int(len(ordered) * share + 0.5) - 1)], 1) if ordered else 0.0


def start_processes(port: int, workers: int, data_dir: str) -> tuple[subprocess.Popen, subprocess.Popen]:
    env = {
        **os.environ,
        "DATABASE_URL": os.environ["BENCH_DATABASE_URL"],
        "BULLETIN_DATA_DIR": data_dir,
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "BULLETIN_TASKS_BACKEND": "database",
        "BULLETIN_SCHEDULER": "0",
        "GUNICORN_BIND": f"{HOST}:{port}",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_ACCESS_LOG": str(Path(data_dir) / "access.log"),
        "GUNICORN_LOG_LEVEL": "warning",
    }
    if LIBREOFFICE_BACKGROUND:  # as deploy/bulletin.env.example sets it
        env["BULLETIN_SOFFICE"] = str(ROOT / "scripts" / "soffice-background")
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    log = open(Path(data_dir) / "server.log", "ab")  # noqa: SIM115 (closed with the processes)
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "config.wsgi:application"],
        cwd=ROOT, env=env, stdout=log, stderr=log,
    )  # fmt: skip
    # At the deployment's priority (deploy/systemd/bulletin-worker.service: Nice=10).
    worker = subprocess.Popen(
        ["nice", "-n", str(WORKER_NICE), PYTHON, "manage.py", "run_worker", "--interval=0.2"],
        cwd=ROOT, env=env, stdout=log, stderr=log,
    )  # fmt: skip
    for _ in range(150):
        time.sleep(0.2)
        if load.fetch(port, "/accounts/login/", "")[0]:
            return server, worker
    server.terminate()
    worker.terminate()
    raise SystemExit("gunicorn 未能在 30 秒内启动。")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--conversions", type=int, default=10)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of each phase (at least)")
    parser.add_argument("--rounds", type=int, default=2, help="base and with-conversions phases, alternated")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers (deployment: 2 × cores + 1)")
    parser.add_argument("--port", type=int, default=8126)
    parser.add_argument("--reuse", action="store_true", help="keep the data an earlier run built")
    parser.add_argument(
        "--libreoffice-priority",
        choices=["background", "normal"],
        default="background",
        help="background: LibreOffice through scripts/soffice-background, as deployed",
    )
    args = parser.parse_args()
    if args.readers > 100 or args.conversions > 50 or args.duration > 120 or args.rounds > 5:
        raise SystemExit("上限：至多 100 个读者、50 个同时转换、每阶段 120 秒、5 轮。")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    global LIBREOFFICE_BACKGROUND
    LIBREOFFICE_BACKGROUND = args.libreoffice_priority == "background"
    workdir = Path(tempfile.mkdtemp(prefix="bench-conversions-"))
    data_dir = os.environ.get("BULLETIN_DATA_DIR") or str(workdir / "data")
    if not (args.reuse and User.objects.filter(username="bench-reader").exists()):
        page_bench.build(1)
        create_account(actor=None, username="bench-reader", password="x" * 12, role=Role.READER)
    ImportJob.objects.all().delete()
    people = contributors(args.conversions + 1)
    UploadRecord.objects.filter(user__in=people).delete()  # an earlier run's uploads count not
    reader_cookie = load.session_cookie(User.objects.get(username="bench-reader"))
    cookies = [load.session_cookie(user) for user in people]
    rtf, doc = make_files(workdir)
    MIXES.extend(load.Mix(random.Random(n)) for n in range(args.readers))
    connection.close()
    server, worker = start_processes(args.port, args.workers, data_dir)
    try:
        # Warm-up: pages once, and one conversion (LibreOffice's first start reads its files).
        warm = Contributor(args.port, cookies[-1], "预热.rtf", rtf)
        warm.prepare()
        gate = threading.Event()
        gate.set()
        warm.run(gate)
        readers_phase(args.port, 4, reader_cookie, _after(5.0), seed=99)

        base, with_load, during, uploaders, windows = [], [], [], [], []
        for number in range(args.rounds):  # alternated, so drift in the machine's load hits both
            base += readers_phase(
                args.port, args.readers, reader_cookie, _after(args.duration), seed=10 + number
            )
            phase, window, people_now = conversion_phase(args, cookies, reader_cookie, rtf, doc, number)
            with_load += phase
            during += [row for row in phase if window["from"] <= row[0] <= window["to"]]
            uploaders += people_now
            windows.append(round(window["to"] - window["from"], 1))
    finally:
        worker.send_signal(signal.SIGTERM)
        server.terminate()
        for process in (worker, server):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(workdir, ignore_errors=True)

    def bad(status: int) -> bool:
        return status == 0 or status >= 400

    base_ms = [ms for _, _, ms in base]
    phase_ms = [ms for _, _, ms in with_load]
    during_ms = [ms for _, _, ms in during]
    contributor_statuses = [s for p in uploaders for s in p.statuses]
    failed = [p.outcome for p in uploaders if p.outcome != "draft"]
    statuses = [s for _, s, _ in base + with_load] + contributor_statuses
    seconds = [p.seconds for p in uploaders if p.outcome == "draft"]
    p95_base, p95_with = percentile(base_ms, 0.95), percentile(during_ms, 0.95)
    # How long the worker spent reading each file (conversion included), from the job rows.
    reading = [
        (job.finished_at - job.started_at).total_seconds()
        for job in ImportJob.objects.filter(owner__in=people[:-1], status=ImportJob.Status.DONE)
        if job.started_at and job.finished_at
    ]
    figures = {
        "readers": args.readers,
        "conversions": args.conversions,
        "errors": sum(1 for s in statuses if bad(s)) + len(failed),
        "server_errors": sum(1 for s in statuses if s >= 500),
        "p50_ms_base": round(statistics.median(base_ms), 1) if base_ms else 0,
        "p95_ms_base": p95_base,
        "p50_ms_with": round(statistics.median(during_ms), 1) if during_ms else 0,
        "p95_ms_with": p95_with,
        "ratio": round(p95_with / p95_base, 2) if p95_base and during_ms else None,
        "p95_ms_phase": percentile(phase_ms, 0.95),
        "ratio_phase": round(percentile(phase_ms, 0.95) / p95_base, 2) if p95_base and phase_ms else None,
        "reader_requests": {"base": len(base_ms), "with": len(during_ms), "phase": len(phase_ms)},
        "upload_ms_max": round(max((p.upload_ms for p in uploaders), default=0), 1),
        "conversion_s_p50": round(statistics.median(seconds), 2) if seconds else None,
        "conversion_s_max": round(max(seconds), 2) if seconds else None,
        "worker_read_s_p50": round(statistics.median(reading), 2) if reading else None,
        "conversions_window_s": windows,
        "rounds": args.rounds,
        "failed_jobs": failed,
        "gunicorn_workers": args.workers,
        "worker_nice": WORKER_NICE,
        "libreoffice": args.libreoffice_priority,
        "database": "postgresql",
    }
    print(json.dumps(figures, ensure_ascii=False))


def conversion_phase(args, cookies, reader_cookie, rtf: bytes, doc: bytes, number: int):
    """Readers while every contributor uploads at the same moment (after 2 s); the phase
    lasts until every conversion has ended and at least --duration seconds.
    Returns (reader rows, the conversions' window in monotonic time, the contributors)."""
    uploaders = [
        Contributor(args.port, cookies[i], f"稿件{number + 1}-{i + 1}." + ("rtf" if i % 2 == 0 else "doc"), rtf if i % 2 == 0 else doc)
        for i in range(args.conversions)
    ]  # fmt: skip
    for person in uploaders:
        person.prepare()
    start = threading.Event()
    threads = [threading.Thread(target=p.run, args=(start,), daemon=True) for p in uploaders]
    for thread in threads:
        thread.start()
    window: dict[str, float] = {}
    phase_start = time.monotonic()

    def release() -> None:
        time.sleep(2.0)
        window["from"] = time.monotonic()
        start.set()
        for thread in threads:
            thread.join(MAX_PHASE_SECONDS)
        window["to"] = time.monotonic()

    releaser = threading.Thread(target=release, daemon=True)
    releaser.start()

    def done() -> bool:
        elapsed = time.monotonic() - phase_start
        return elapsed > MAX_PHASE_SECONDS or ("to" in window and elapsed > args.duration)

    rows = readers_phase(args.port, args.readers, reader_cookie, done, seed=20 + number)
    releaser.join(5)
    window.setdefault("from", phase_start)
    window.setdefault("to", time.monotonic())
    return rows, window, uploaders


def _after(seconds: float):
    until = time.monotonic() + seconds
    return lambda: time.monotonic() >= until


if __name__ == "__main__":
    main()
