"""The task worker for real: a `manage.py run_worker` process on the test database renders
a draft the moment it changes and publishes; its memory stays level over many renders."""

import datetime
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from bulletin import renders
from bulletin.actions.issues import create_issue
from bulletin.actions.publish_jobs import request_publication
from bulletin.models import DraftRender, Issue, IssuePdf, Publication, PublishJob
from service.models import WorkerHeartbeat
from service.worker import BoundedWorker
from tests.issue_helpers import adopted_piece, edit_piece_as_editor, place

ROOT = Path(__file__).resolve().parents[2]
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(condition, timeout: float = 60.0, step: float = 0.05) -> float:
    started = time.perf_counter()
    while not condition():
        if time.perf_counter() - started > timeout:
            raise AssertionError("timed out waiting for the worker")
        time.sleep(step)
    return time.perf_counter() - started


def start_worker(tmp_path, *, interval: str = "0.1", quiet: bool = False) -> subprocess.Popen:
    """`manage.py run_worker` as a real process on the test database, its files under
    tmp_path, the database task backend and no daily-job scheduler."""
    env = dict(
        os.environ,
        DATABASE_URL=database_url(),
        BULLETIN_DATA_DIR=str(tmp_path),
        BULLETIN_TASKS_BACKEND="database",
        BULLETIN_SCHEDULER="0",
        DJANGO_LOG_LEVEL="WARNING",
    )
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", f"--interval={interval}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL if quiet else subprocess.PIPE,
        stderr=subprocess.DEVNULL if quiet else subprocess.STDOUT,
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_process_prerenders_the_draft_and_publishes(settings, tmp_path, editor, contributor):
    settings.TASKS = DATABASE_TASKS
    settings.MEDIA_ROOT = tmp_path / "media"
    worker = start_worker(tmp_path)
    try:
        wait_for(lambda: WorkerHeartbeat.objects.exists())
        publication = Publication.objects.get(name="杭州人大信息")
        issue = create_issue(
            actor=editor,
            publication=publication,
            date=datetime.date(2024, 10, 25),
            number=15,
            total_number=703,
        )
        piece = adopted_piece(
            editor, contributor, "西湖区：优化营商环境", body="<p>西湖区人大常委会的做法。</p>"
        )
        place(editor, issue, piece, "助力攻坚")  # commits: the render is enqueued

        def rendered() -> bool:
            _, key = renders.draft_document(Issue.objects.get(pk=issue.pk))
            return DraftRender.objects.filter(content_key=key, status=DraftRender.Status.DONE).exists()

        first = wait_for(rendered)
        edit_piece_as_editor(editor, piece, body="<p>编辑改过的正文。</p>")
        after_edit = wait_for(rendered)
        print(
            f"\ndraft ready {first:.2f} s after placing, {after_edit:.2f} s after an edit (real worker process)"
        )
        issue.refresh_from_db()
        assert renders.preview_state(issue).ready

        job = request_publication(actor=editor, issue=issue, expected_version=issue.layout_version)
        published = wait_for(lambda: PublishJob.objects.get(pk=job.pk).is_finished)
        job.refresh_from_db()
        print(f"published {published:.2f} s after 刊发 (reused the preview: {job.reused_preview})")
        assert job.status == PublishJob.Status.DONE and job.reused_preview
        issue.refresh_from_db()
        assert issue.status == Issue.Status.PUBLISHED
        assert "编辑改过的正文" in json.dumps(issue.snapshot, ensure_ascii=False)
        assert IssuePdf.objects.get(issue=issue).file.storage.exists(
            IssuePdf.objects.get(issue=issue).file.name
        )
    finally:
        worker.send_signal(signal.SIGTERM)  # as systemd stops it (KillMode=mixed)
        output = worker.communicate(timeout=30)[0].decode()
    assert worker.returncode == 0, output
    assert not WorkerHeartbeat.objects.exists()  # a worker that stops says so


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_worker_processes_share_the_queue_and_run_each_task_once(settings, tmp_path, editor, contributor):
    """Scale-out: workers take tasks with row locks (SKIP LOCKED on PostgreSQL, an exclusive
    transaction on SQLite), so two of them can work one queue: every task runs exactly once."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS
    settings.MEDIA_ROOT = tmp_path / "media"
    publication = Publication.objects.get(name="杭州人大信息")
    issues = []
    for number in range(1, 7):
        issue = create_issue(
            actor=editor,
            publication=publication,
            date=datetime.date(2024, 10, number),
            number=number,
            total_number=690 + number,
        )
        place(editor, issue, adopted_piece(editor, contributor, f"第{number}期的文章"), "助力攻坚")
        issues.append(issue)
    workers = [start_worker(tmp_path, interval="0.05", quiet=True) for _ in range(2)]
    try:
        wait_for(lambda: DraftRender.objects.filter(status=DraftRender.Status.DONE).count() == 6, timeout=120)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=30)
    tasks = DBTaskResult.objects.filter(task_path="bulletin.tasks.render_draft")
    assert tasks.count() == 6 and all(t.status == "SUCCESSFUL" for t in tasks)
    assert all(len(t.worker_ids) == 1 for t in tasks)  # each claimed once
    shares = sorted(Counter(t.worker_ids[0] for t in tasks).values())
    print(f"\nrenders per worker process: {shares}")
    assert DraftRender.objects.filter(status=DraftRender.Status.DONE).values("issue").distinct().count() == 6


@pytest.mark.django_db
def test_a_worker_above_its_memory_bound_stops_to_be_replaced(settings):
    from django_tasks_db.models import DBTaskResult

    from bulletin.tasks import render_draft

    settings.TASKS = DATABASE_TASKS
    render_draft.enqueue(issue_id=0)
    worker = BoundedWorker(
        queue_names=["default"],
        interval=0,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="bounded",
        excluded_queue_names=[],
        max_rss_mb=1,
    )
    task = DBTaskResult.objects.ready().get_locked()
    task.claim(worker.worker_id)
    worker.run_task(task)
    assert not worker.running and worker.stop_reason.startswith("memory")
    worker.beat()
    heartbeat = WorkerHeartbeat.objects.get(worker_id="bounded")
    assert heartbeat.tasks_done == 1 and heartbeat.rss_mb > 1 and heartbeat.seen_at <= timezone.now()


def test_memory_after_50_renders_stays_within_20_percent_of_after_5():
    result = subprocess.run(
        [sys.executable, "bench/worker_memory.py", "--renders", "50", "--articles", "3"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    print("\n", figures)
    assert figures["rss_after_50_mb"] <= 1.2 * figures["rss_after_5_mb"], figures


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_killed_worker_is_replaced_and_its_publish_job_resumed_at_once(
    settings, tmp_path, editor, contributor
):
    """kill -9 of the worker process mid-刊发: the supervisor removes its heartbeat and
    starts another, whose first housekeeping round queues the job again, and the successor
    publishes it — in seconds, and without the editor clicking 刊发 again."""
    from django_tasks_db.models import DBTaskResult

    from bulletin.tasks import publish_issue as publish_task

    settings.TASKS = DATABASE_TASKS
    settings.MEDIA_ROOT = tmp_path / "media"
    publication = Publication.objects.get(name="杭州人大信息")
    issue = create_issue(
        actor=editor, publication=publication, date=datetime.date(2024, 10, 25), number=15, total_number=703
    )
    place(editor, issue, adopted_piece(editor, contributor, "西湖区：一篇文章"), "助力攻坚")
    supervisor = start_worker(tmp_path)
    try:
        wait_for(lambda: WorkerHeartbeat.objects.exists())
        doomed = WorkerHeartbeat.objects.get()
        # The job as the worker left it when it died: claimed, started, no outcome.
        issue.refresh_from_db()
        job = PublishJob.objects.create(
            issue=issue,
            requested_by=editor,
            expected_version=issue.layout_version,
            status=PublishJob.Status.RENDERING,
            started_at=timezone.now(),
        )
        task = DBTaskResult.objects.get(pk=publish_task.enqueue(job_id=job.pk).id)
        task.claim(doomed.worker_id)
        os.kill(doomed.pid, signal.SIGKILL)
        settled = wait_for(lambda: PublishJob.objects.get(pk=job.pk).is_finished, timeout=60)
        print(f"\npublish job resumed and published {settled:.1f} s after its worker was killed")
        job.refresh_from_db()
        assert job.status == PublishJob.Status.DONE and job.resumed == 1
        assert Issue.objects.get(pk=issue.pk).status == Issue.Status.PUBLISHED
        assert not WorkerHeartbeat.objects.filter(worker_id=doomed.worker_id).exists()
        assert WorkerHeartbeat.objects.exclude(worker_id=doomed.worker_id).exists()  # its successor
    finally:
        supervisor.send_signal(signal.SIGTERM)
        output = supervisor.communicate(timeout=30)[0].decode()
    assert supervisor.returncode == 0, output


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_outright_is_shown_as_gone_within_seconds(settings, tmp_path, client_for, editor):
    """kill -9 of the supervisor and its worker together (the OOM killer, a crashed
    machine's processes): nobody is left to remove the heartbeat, yet the editor's 排版中
    page and /healthz say no worker runs within seconds, not after the stale window."""
    settings.TASKS = DATABASE_TASKS
    settings.MEDIA_ROOT = tmp_path / "media"
    publication = Publication.objects.get(name="杭州人大信息")
    issue = create_issue(
        actor=editor, publication=publication, date=datetime.date(2024, 10, 25), number=15, total_number=703
    )
    client = client_for(editor)
    status_url = f"/issues/{issue.pk}/preview/status/"
    supervisor = start_worker(tmp_path, quiet=True)
    try:
        wait_for(lambda: WorkerHeartbeat.objects.exists())
        beat = WorkerHeartbeat.objects.get()
        assert client.get("/healthz").json()["checks"]["worker"]["ok"]
        assert client.get(status_url).json()["worker_alive"]
        supervisor.kill()
        supervisor.wait(timeout=10)
        os.kill(beat.pid, signal.SIGKILL)
        killed = time.perf_counter()
        gone = wait_for(lambda: not client.get("/healthz").json()["checks"]["worker"]["ok"], timeout=30)
        print(f"\nworker shown as gone {gone:.2f} s after kill -9")
        assert gone < 3
        assert WorkerHeartbeat.objects.filter(pk=beat.pk).exists()  # the row is still there
        report = client.get("/healthz")
        assert report.status_code == 503 and "is gone" in report.json()["checks"]["worker"]["error"]
        assert client.get(status_url).json()["worker_alive"] is False
        assert time.perf_counter() - killed < 10
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
        supervisor.wait(timeout=10)
        try:
            os.kill(beat.pid, signal.SIGKILL)
        except (ProcessLookupError, NameError):
            pass
