"""从 Word 导入 as a background job: the upload answers at once and converts nothing in the
request; the task worker reads the file (real LibreOffice for an .rtf) and the draft form
fills from the job; only its owner sees it; one person's queue and daily upload quota are
bounded, with Chinese messages; a failed or stalled reading says why."""

import datetime
import fcntl
import os
import signal
import stat
import tempfile
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from accounts.models import Role
from bulletin.models import Issue
from intake import formats
from submissions.actions import import_jobs
from submissions.models import ImportJob, Submission, UploadRecord
from tests.imports import draft_url, import_word
from tests.paths import CASES, SEEDS
from tests.service.test_worker import start_worker, wait_for
from tests.word_files import build_docx, p, r

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
needs_libreoffice = pytest.mark.skipif(formats.soffice_path() is None, reason="LibreOffice is not installed")


def rtf(title: str, body: str) -> bytes:
    """An .rtf as WPS or an old OA saves it: Chinese as \\uN? escapes, a bold centred title."""

    def escaped(text: str) -> bytes:
        return "".join(f"\\u{ord(c)}?" if ord(c) > 127 else c for c in text).encode("ascii")

    return (
        rb"{\rtf1\ansi\ansicpg936\deff0{\fonttbl{\f0\fnil\fcharset134 SimSun;}}"
        + rb"\pard\qc\b "
        + escaped(title)
        + rb"\b0\par\pard "
        + escaped(body)
        + rb"\par}"
    )


def _docx() -> bytes:
    return build_docx(p(r("西湖区：标题")) + p(r("正文一段。")))


RTF = rtf("西湖区：代表联络站建设有成效", "全区新建代表联络站12个，实现街道全覆盖。")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


@pytest.fixture
def witnessed_soffice(tmp_path, monkeypatch):
    """The real LibreOffice, started through a script that leaves a mark each time it runs."""
    real = formats.soffice_path()
    if real is None:
        pytest.skip("LibreOffice is not installed")
    mark = tmp_path / "soffice-ran"
    script = tmp_path / "soffice"
    script.write_text(f'#!/bin/sh\necho run >> "{mark}"\nexec "{real}" "$@"\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("BULLETIN_SOFFICE", str(script))
    return mark


def upload(client, name: str, data: bytes):
    """The upload alone, its enqueue run on commit (the job is not followed)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("piece_import"), {"file": SimpleUploadedFile(name, data)})


def run_queued_tasks() -> int:
    """What a database-backend worker does with each waiting task (claim, run, record), here
    in the test's own transaction (db_worker's loop would close its connection)."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    ran = 0
    for result in DBTaskResult.objects.ready():
        result.claim(worker.worker_id)
        worker.run_task(result)
        ran += 1
    return ran


def pending_files(media: Path) -> list[str]:
    folder = media / "docx" / "pending"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# --- the request answers at once; the worker reads ------------------------------------


@pytest.mark.django_db
def test_an_rtf_upload_answers_at_once_and_the_worker_converts_it(
    client_for, contributor, settings, media, witnessed_soffice
):
    settings.TASKS = DATABASE_TASKS
    client = client_for(contributor)
    started = time.perf_counter()
    response = upload(client, "联络站.rtf", RTF)
    answered = time.perf_counter() - started
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("piece_import_job", args=[job.pk])
    # Nothing was converted in the request: LibreOffice never started, the task waits.
    assert not witnessed_soffice.exists()
    assert answered < 2.0
    assert job.status == ImportJob.Status.QUEUED and job.original_name == "联络站.rtf"
    task = DBTaskResult.objects.get(task_path="submissions.tasks.run_import_job")
    assert task.status == "READY" and task.args_kwargs["kwargs"] == {"job_id": job.pk}
    assert pending_files(media) == [Path(job.upload_path).name]
    page = client.get(response["Location"])
    assert page.status_code == 202 and "排队中" in page.content.decode() and "刷新" in page.content.decode()
    assert client.get(reverse("piece_import_status", args=[job.pk])).json()["status"] == "queued"

    run_queued_tasks()  # the worker's turn

    assert witnessed_soffice.read_text().count("run") == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.started_at and job.finished_at
    assert job.result["fields"]["title"] == "西湖区：代表联络站建设有成效"
    assert job.result["format"] == "RTF 文件（.rtf）"
    status = client.get(reverse("piece_import_status", args=[job.pk])).json()
    assert status == {
        "status": "done",
        "label": "已读取",
        "detail": "",
        "error": "",
        "url": reverse("piece_import_job", args=[job.pk]),
    }
    form = client.get(status["url"], follow=True)
    url = draft_url(form)
    html = form.content.decode()
    assert (
        "已从《联络站.rtf》读入标题和正文" in html
        and "原稿已转为《联络站.docx》随稿保存" in html
        and "RTF 文件（.rtf）" in html
    )
    assert "全区新建代表联络站12个，实现街道全覆盖。" in html
    assert pending_files(media) == [Path(job.source_path).name]  # the upload as it came is gone
    with TestCase.captureOnCommitCallbacks(execute=True):
        saved = client.post(
            url, {"title": "西湖区：代表联络站建设有成效", "body": "<p>全区新建代表联络站12个。</p>"}
        )
    piece = Submission.objects.get()
    assert saved["Location"] == reverse("piece_detail", args=[piece.pk])
    assert formats.sniff(piece.source_docx.read()).kind == "docx"
    assert not ImportJob.objects.exists() and pending_files(media) == []
    # The back button to the saved import: told where the draft is, not an error page.
    back = client.get(url, follow=True)
    assert back.redirect_chain[-1][0] == reverse("piece_import")
    assert "这份导入已保存为草稿" in back.content.decode()


@pytest.mark.django_db
def test_the_upload_checks_only_what_is_cheap_and_refuses_it_at_once(client_for, contributor, media):
    response = client_for(contributor).post(
        reverse("piece_import"), {"file": SimpleUploadedFile("稿件.docx", b"%PDF-1.7 not a word file")}
    )
    assert response.status_code == 200 and "这是 PDF 文件，无法导入为稿件" in response.content.decode()
    assert not ImportJob.objects.exists() and not UploadRecord.objects.exists() and pending_files(media) == []


# --- only the owner ------------------------------------------------------------------------


@pytest.mark.django_db
def test_only_the_person_who_uploaded_sees_the_job(
    client_for, contributor, other_contributor, make_user, editor, media
):
    import_word(client_for(contributor), "稿件.docx", _docx())
    job = ImportJob.objects.get()
    colleague = make_user(Role.CONTRIBUTOR, "西湖区", username="xihu2")  # same unit, not the owner
    for stranger in (other_contributor, colleague):
        client = client_for(stranger)
        assert client.get(reverse("piece_import_job", args=[job.pk])).status_code == 404
        assert client.get(reverse("piece_import_status", args=[job.pk])).status_code == 404
        assert client.get(reverse("piece_create") + f"?job={job.pk}").status_code == 404
        refused = client.post(reverse("piece_import_struck"), {"job": job.pk, "keep": "0"}, follow=True)
        assert "导入的文件已过期，请重新上传。" in refused.content.decode()
        # A draft posted with someone else's job saves the typed text, and nothing of the job.
        saved = client.post(
            reverse("piece_create") + f"?job={job.pk}", {"title": "偷看", "body": "<p>正文。</p>"}
        )
        assert saved.status_code == 302
        assert not Submission.objects.get(title="偷看", created_by=stranger).source_docx
        Submission.objects.filter(title="偷看").delete()
    assert client_for(editor).get(reverse("piece_import_job", args=[job.pk])).status_code == 403
    assert client_for(contributor).get(reverse("piece_create") + "?job=abc").status_code == 404
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.source_path and not Submission.objects.exists()


@pytest.mark.django_db
def test_a_draft_saved_after_its_import_was_cleaned_up_keeps_the_typed_text(client_for, contributor, media):
    client = client_for(contributor)
    url = draft_url(import_word(client, "稿件.docx", _docx()))
    ImportJob.objects.all().delete()  # cleanup_uploads ran while the form was open
    response = client.post(url, {"title": "西湖区：标题", "body": "<p>改过的正文。</p>"}, follow=True)
    piece = Submission.objects.get()
    assert piece.body == "<p>改过的正文。</p>" and not piece.source_docx
    assert "导入的原 Word 文件已过期或不存在，稿件文字照常保存" in response.content.decode()


# --- the per-person queue and the daily quota --------------------------------------------


@pytest.mark.django_db
def test_one_person_has_at_most_two_imports_waiting_and_a_third_is_refused_kindly(
    client_for, contributor, other_contributor, settings, media
):
    settings.TASKS = DATABASE_TASKS  # no worker: the jobs stay queued
    client = client_for(contributor)
    first = upload(client, "一.rtf", RTF)
    second = upload(client, "二.docx", RTF)
    assert first.status_code == second.status_code == 302
    third = upload(client, "三.rtf", RTF)
    html = third.content.decode()
    assert third.status_code == 200
    assert "您已有 2 个文件正在读取，每人同时最多 2 个。请等前面的文件读取完成" in html
    # Nothing lost: the two waiting are listed with their pages; the third stored nothing.
    assert "正在读取的文件" in html and "一.rtf" in html and "二.docx" in html
    for job in ImportJob.objects.all():
        assert reverse("piece_import_job", args=[job.pk]) in html
    assert ImportJob.objects.count() == 2 and UploadRecord.objects.count() == 2
    assert len(pending_files(media)) == 2
    assert DBTaskResult.objects.filter(task_path="submissions.tasks.run_import_job").count() == 2
    # The queue is per person: another contributor is not held up.
    assert upload(client_for(other_contributor), "三.rtf", RTF).status_code == 302
    # Once one is read, a place is free again.
    import_jobs.run_import_job(job_id=ImportJob.objects.filter(owner=contributor).earliest("created_at").pk)
    assert upload(client, "三.rtf", RTF).status_code == 302


@pytest.mark.django_db
def test_the_daily_quota_names_its_limit_and_when_it_resets(client_for, contributor, settings, media):
    settings.TASKS = DATABASE_TASKS
    settings.BULLETIN_IMPORT_QUEUE_PER_USER = 10
    settings.BULLETIN_UPLOAD_BYTES_PER_DAY = 1024 * 1024  # 1 MB
    settings.BULLETIN_UPLOADS_PER_DAY = 3
    client = client_for(contributor)
    big = RTF + b" " * (700 * 1024)
    assert upload(client, "大.rtf", big).status_code == 302
    refused = upload(client, "又一个.rtf", big)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    html = refused.content.decode()
    assert (
        "今天的上传总量已达上限：每人每天最多上传 1 MB（今天已上传 0.7 MB，这个文件 0.7 MB）。"
        f"额度于明天（{tomorrow.month}月{tomorrow.day}日）0:00恢复" in html
    )
    assert ImportJob.objects.count() == 1 and len(pending_files(media)) == 1
    assert upload(client, "小.rtf", RTF).status_code == 302
    assert upload(client, "小二.rtf", RTF).status_code == 302
    refused = upload(client, "小三.rtf", RTF).content.decode()
    assert "今天的上传次数已达上限：每人每天最多上传 3 个文件（今天已上传 3 个）" in refused
    assert f"明天（{tomorrow.month}月{tomorrow.day}日）0:00恢复" in refused
    assert ImportJob.objects.count() == 3
    # Yesterday's uploads do not count today.
    midnight = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time.min))
    UploadRecord.objects.update(created_at=midnight - datetime.timedelta(seconds=1))
    assert upload(client, "小三.rtf", RTF).status_code == 302


@pytest.mark.django_db
def test_the_daily_quota_holds_for_an_editor_importing_back_issues(client_for, editor, settings, media):
    settings.BULLETIN_UPLOADS_PER_DAY = 1
    UploadRecord.objects.create(user=editor, kind=UploadRecord.Kind.BACK_ISSUE, size=100)
    data = (SEEDS / "2024-15.txt").read_bytes()
    response = client_for(editor).post(
        reverse("back_issue_import"),
        {"file": SimpleUploadedFile("2024-15.txt", data), "action": "import"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "今天的上传次数已达上限：每人每天最多上传 1 个文件（今天已上传 1 个）" in html
    assert not Issue.objects.filter(number=15, year=2024).exists()
    assert UploadRecord.objects.count() == 1


# --- failure, stalls and bounds ------------------------------------------------------------


@pytest.mark.django_db
def test_a_file_the_worker_cannot_read_shows_why_and_the_upload_form(client_for, contributor, media):
    deep = b"{\\rtf1 " + b"{" * 5000 + b"x" + b"}" * 5000 + b"}"  # an RTF by its first bytes
    page = import_word(client_for(contributor), "异常.rtf", deep)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED and "嵌套过深" in job.error
    html = page.content.decode()
    assert page.redirect_chain == [] and page.status_code == 200
    assert "《异常.rtf》未能读取" in html and "嵌套过深" in html
    assert 'name="file"' in html and "读取文件" in html  # upload again, right there
    assert (
        client_for(contributor).get(reverse("piece_import_status", args=[job.pk])).json()["status"]
        == "failed"
    )
    assert pending_files(media) == []  # nothing of a failed reading is kept


@pytest.mark.django_db
def test_a_job_whose_worker_stopped_is_failed_and_frees_its_place(client_for, contributor, settings, media):
    settings.TASKS = DATABASE_TASKS
    settings.BULLETIN_IMPORT_QUEUE_PER_USER = 1
    client = client_for(contributor)
    upload(client, "一.rtf", RTF)
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, created_at=timezone.now() - datetime.timedelta(minutes=11)
    )
    page = client.get(reverse("piece_import_job", args=[job.pk])).content.decode()
    assert "后台处理进程在读取这个文件时中断" in page and "请重新上传" in page
    assert upload(client, "二.rtf", RTF).status_code == 302
    # The worker's housekeeping does the same for everyone.
    ImportJob.objects.filter(status=ImportJob.Status.QUEUED).update(
        created_at=timezone.now() - datetime.timedelta(minutes=11)
    )
    assert import_jobs.settle_stale_import_jobs() == 1
    assert not ImportJob.objects.exclude(status=ImportJob.Status.FAILED).exists()


@needs_libreoffice
@pytest.mark.django_db
def test_a_conversion_in_the_worker_waits_for_libreoffice_within_a_bound(
    client_for, contributor, settings, media, monkeypatch
):
    settings.TASKS = DATABASE_TASKS
    monkeypatch.setattr(formats, "CONVERT_QUEUE_SECONDS", 1)
    upload(client_for(contributor), "联络站.rtf", RTF)
    job = ImportJob.objects.get()
    lock_path = Path(tempfile.gettempdir()) / "bulletin-libreoffice.lock"
    with open(lock_path, "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another conversion holds LibreOffice
        try:
            started = time.perf_counter()
            import_jobs.run_import_job(job_id=job.pk)
            waited = time.perf_counter() - started
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and "服务器正忙于转换其他文件" in job.error
    assert waited < 10


@pytest.mark.django_db
def test_a_job_is_read_once_however_often_its_task_is_delivered(client_for, contributor, settings, media):
    settings.TASKS = DATABASE_TASKS
    upload(client_for(contributor), "稿件.docx", _docx())
    job = ImportJob.objects.get()
    assert import_jobs.run_import_job(job_id=job.pk).status == ImportJob.Status.DONE
    source = ImportJob.objects.get().source_path
    assert import_jobs.run_import_job(job_id=job.pk).source_path == source
    assert len(pending_files(media)) == 1


# --- cleanup --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_cleanup_uploads_removes_old_jobs_their_files_and_old_quota_rows(
    client_for, contributor, settings, media, capsys
):
    settings.TASKS = DATABASE_TASKS
    client = client_for(contributor)
    upload(client, "旧.rtf", RTF)
    upload(client, "新.rtf", RTF)
    old, new = ImportJob.objects.order_by("pk")
    day_ago = timezone.now() - datetime.timedelta(hours=25)
    ImportJob.objects.filter(pk=old.pk).update(created_at=day_ago)
    UploadRecord.objects.filter(pk=UploadRecord.objects.earliest("pk").pk).update(
        created_at=timezone.now() - datetime.timedelta(days=3)
    )
    stray = default_storage.save("docx/pending/stray.docx", ContentFile(b"x"))
    os.utime(media / stray, (time.time() - 90000, time.time() - 90000))
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("cleanup_uploads")
    assert "以及 1 个导入任务" in capsys.readouterr().out
    assert list(ImportJob.objects.all()) == [new]
    assert pending_files(media) == [Path(new.upload_path).name]
    assert UploadRecord.objects.count() == 1


@needs_libreoffice
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_process_reads_the_uploads_of_several_people(
    client_for, contributor, other_contributor, settings, tmp_path
):
    """`manage.py run_worker` (service/worker.py) runs the import tasks: three uploads at
    once, two of them conversions, each answered at once, each read by the worker."""
    settings.TASKS = DATABASE_TASKS
    settings.MEDIA_ROOT = tmp_path / "media"
    doc_bytes = (CASES / "word" / "14-soft-line-breaks.docx").read_bytes()
    uploads = [
        (contributor, "一.rtf", RTF),
        (contributor, "二.docx", doc_bytes),
        (other_contributor, "三.rtf", RTF),
    ]
    for person, name, data in uploads:
        client = client_for(person)
        started = time.perf_counter()
        response = client.post(reverse("piece_import"), {"file": SimpleUploadedFile(name, data)})
        assert response.status_code == 302 and time.perf_counter() - started < 2.0
    assert set(ImportJob.objects.values_list("status", flat=True)) == {ImportJob.Status.QUEUED}
    worker = start_worker(tmp_path, quiet=True)
    try:
        took = wait_for(
            lambda: not ImportJob.objects.exclude(status=ImportJob.Status.DONE).exists(), timeout=120
        )
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    print(f"\nthree imports read by a real worker process in {took:.1f} s")
    titles = dict(ImportJob.objects.values_list("original_name", "result__fields__title"))
    assert titles["一.rtf"] == titles["三.rtf"] == "西湖区：代表联络站建设有成效"
    assert titles["二.docx"]
