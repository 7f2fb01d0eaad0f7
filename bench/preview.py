"""How long the editor waits for 预览 PDF and 刊发 with the background worker; one JSON line.

    .venv/bin/python bench/preview.py [--articles 8] [--changes 10]
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_preview .venv/bin/python bench/preview.py

Builds a draft issue (8 articles print 16 pages) in a throwaway database (a temporary
SQLite file, or the PostgreSQL database BENCH_DATABASE_URL names — emptied first), starts
a real `manage.py run_worker` process, then, `--changes` times: an editor edits a placed
piece (the change commits and schedules a render), and the bench measures

  ready_s        from the change's commit until the draft's PDF for the new content is stored
  preview_ms     what 预览 PDF then costs on the server (Django's test client, in this
                 process: the view, the content key, streaming the stored file)

and finally 刊发 twice: once with the preview ready (publish_reused_s: reuses the stored
PDF) and once right after a change (publish_fresh_s: the worker renders it), while a unit
posts a comment 0.3 s into it (comment_during_publish_ms: it must not wait for the render).
Medians and the maximum are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

from submissions.actions import comments

ROOT = Path(__file__).resolve().parents[1]


def prepare_environment(data_dir: str) -> None:
    os.environ["BULLETIN_DATA_DIR"] = data_dir
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{data_dir}/bench.sqlite3"
    os.environ["BULLETIN_TASKS_BACKEND"] = "database"
    os.environ["BULLETIN_SCHEDULER"] = "0"
    os.environ["DJANGO_LOG_LEVEL"] = "WARNING"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", verbosity=0)


def wait_for(condition, timeout: float = 120.0) -> float:
    started = time.perf_counter()
    while not condition():
        if time.perf_counter() - started > timeout:
            raise TimeoutError
        time.sleep(0.02)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=8)
    parser.add_argument("--changes", type=int, default=10)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as data_dir:
        prepare_environment(data_dir)
        return run(args, data_dir)


def run(args, data_dir: str) -> dict:
    import datetime
    import subprocess as sp

    from django.test import Client
    from django.urls import reverse

    from accounts.actions import create_account
    from accounts.models import Role, Unit
    from bulletin import renders
    from bulletin.actions.issues import create_issue
    from bulletin.actions.placements import place_submission
    from bulletin.models import Issue, Publication, PublishJob, Section
    from submissions.actions import pieces

    editor = create_account(
        actor=None,
        username="bench-editor",
        password="Bench-2024-x!",
        role=Role.EDITOR,
        unit=None,
        full_name="编辑",
    )
    unit = Unit.objects.get(short_name="西湖区")
    writer = create_account(
        actor=None,
        username="bench-unit",
        password="Bench-2024-x!",
        role=Role.CONTRIBUTOR,
        unit=unit,
        full_name="报送",
    )
    publication = Publication.objects.get(name="杭州人大信息")
    paragraph = (
        "西湖区人大常委会坚持把优化法治化营商环境作为履职重点，围绕企业反映强烈的堵点难点问题，"
        "组织开展专题调研和执法检查，推动有关部门建立问题清单、责任清单和整改清单。"
    ) * 3

    def draft_issue(number: int) -> tuple[Issue, list]:
        issue = create_issue(
            actor=editor,
            publication=publication,
            date=datetime.date(2024, 10, 1 + number),
            number=number,
            total_number=700 + number,
        )
        placed = []
        for n in range(args.articles):
            piece = pieces.create_draft(
                actor=writer,
                title=f"西湖区：第{n + 1}篇调研文章",
                body=f"<p>{paragraph}</p>" * 4,
                byline_org="西湖区人大常委会办公室",
                byline_authors="钱苏晚",
            )
            piece = pieces.submit(actor=writer, submission=piece)
            piece = pieces.adopt_as_article(actor=editor, submission=piece)
            issue.refresh_from_db()
            place_submission(
                actor=editor,
                issue=issue,
                submission=piece,
                section=Section.objects.get(name="助力攻坚"),
                expected_version=issue.layout_version,
            )
            placed.append(piece)
        return issue, placed

    def edit(piece, n: int):
        piece.refresh_from_db()
        return pieces.save_text(
            actor=editor,
            submission=piece,
            expected_version=piece.version,
            body=f"<p>第{n}次修改。{paragraph}</p>",
        )

    def ready(issue) -> bool:
        return renders.preview_state(Issue.objects.get(pk=issue.pk), request_if_missing=False).ready

    worker = sp.Popen(
        [sys.executable, "manage.py", "run_worker", "--interval=0.1"], cwd=ROOT, start_new_session=True
    )
    try:
        issue, placed = draft_issue(1)
        wait_for(lambda: ready(issue))
        from bulletin.models import DraftRender

        stored = DraftRender.objects.filter(issue=issue, status="done").first()
        pages = int(
            sp.run(["pdfinfo", stored.file.path], capture_output=True, text=True)
            .stdout.split("Pages:")[1]
            .split()[0]
        )
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(editor)
        url = reverse("issue_preview_pdf", args=[issue.pk])
        ready_s, preview_ms, render_ms = [], [], []
        for n in range(args.changes):
            edit(placed[n % len(placed)], n)
            ready_s.append(wait_for(lambda: ready(issue)))
            render_ms.append(
                DraftRender.objects.filter(issue=issue, status="done").order_by("-finished_at")[0].render_ms
            )
            for _ in range(3):
                started = time.perf_counter()
                response = client.get(url)
                assert response.status_code == 200, response.status_code
                b"".join(response.streaming_content)
                preview_ms.append((time.perf_counter() - started) * 1000)

        def publish(issue) -> tuple[float, bool]:
            issue.refresh_from_db()
            started = time.perf_counter()
            client.post(reverse("issue_publish", args=[issue.pk]), {"version": issue.layout_version})
            wait_for(lambda: PublishJob.objects.filter(issue=issue).first().is_finished)
            job = PublishJob.objects.get(issue=issue)
            assert job.status == "done", job.error
            return time.perf_counter() - started, job.reused_preview

        publish_reused, reused = publish(issue)
        second, second_pieces = draft_issue(2)
        wait_for(lambda: ready(second))
        edit(second_pieces[0], 99)  # and 刊发 at once, before the worker has rendered the change
        comment_ms = []

        def comment_meanwhile():
            # A unit's comment while the worker renders the publication: it must not wait for
            # the render (no lock is held while rendering).
            from django.db import connections

            try:
                time.sleep(0.3)
                started = time.perf_counter()
                comments.add_comment(actor=writer, submission=second_pieces[1], text="请问何时刊发？")
                comment_ms.append((time.perf_counter() - started) * 1000)
            finally:
                connections.close_all()

        import threading

        commenter = threading.Thread(target=comment_meanwhile)
        commenter.start()
        publish_fresh, reused_fresh = publish(second)
        commenter.join()
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
    from django.db import connection

    result = {
        "database": connection.vendor,
        "pages": pages,
        "changes": args.changes,
        "ready_s_median": round(statistics.median(ready_s), 2),
        "ready_s_max": round(max(ready_s), 2),
        "render_ms_median": round(statistics.median(render_ms)),
        "preview_ms_median": round(statistics.median(preview_ms), 1),
        "preview_ms_max": round(max(preview_ms), 1),
        "publish_reused_s": round(publish_reused, 2),
        "publish_reused_preview": reused,
        "publish_fresh_s": round(publish_fresh, 2),
        "publish_fresh_reused_preview": reused_fresh,
        "comment_during_publish_ms": round(comment_ms[0], 1),
    }
    print(json.dumps(result, ensure_ascii=False))
    return result


if __name__ == "__main__":
    main()
