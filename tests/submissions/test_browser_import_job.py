"""从 Word 导入 in Chromium with a real task worker process: the upload answers with the
读取中 page at once, the worker converts the .rtf (real LibreOffice), and the page opens the
filled draft form by itself — with script (polling the JSON status) and without (the page
refreshes itself)."""

import signal

import pytest
from django.urls import reverse
from django.utils import timezone

from intake import formats
from service.models import WorkerHeartbeat
from submissions.models import ImportJob
from tests.browser import chromium_page, log_in, save_screenshot, wait_until
from tests.service.test_worker import DATABASE_TASKS, start_worker
from tests.submissions.test_import_jobs import RTF

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(formats.soffice_path() is None, reason="LibreOffice is not installed"),
]
TITLE = "西湖区：代表联络站建设有成效"


def upload_and_follow(page, live_server, tmp_path, *, width: int, shots: bool) -> None:
    source = tmp_path / "联络站.rtf"
    source.write_bytes(RTF)
    if shots:  # the usual moment: a worker alive, busy with someone else's file
        now = timezone.now()
        WorkerHeartbeat.objects.create(worker_id="busy", hostname="web", pid=1, started_at=now, seen_at=now)
    log_in(page, live_server.url, "xihu")
    page.goto(f"{live_server.url}{reverse('piece_import')}")
    page.get_by_label("Word / WPS 文件").set_input_files(str(source))
    page.get_by_role("button", name="读取文件").click()
    # No worker yet: the page answers at once and shows the file waiting.
    page.get_by_text("排队中").wait_for()
    job = ImportJob.objects.get()
    assert page.url.endswith(reverse("piece_import_job", args=[job.pk]))
    assert page.get_by_text("《联络站.rtf》").is_visible()
    assert page.get_by_role("link", name="刷新").is_visible()
    expected = "即将开始读取。" if shots else "后台处理进程没有运行，文件读取前请联系管理员"
    assert expected in page.locator("#import-detail").inner_text()
    box = page.locator("#import-status").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    page.screenshot(path=str(tmp_path / f"import-progress-{width}.png"), full_page=True)
    if shots:
        save_screenshot(page, "piece-import-progress")
    worker = start_worker(tmp_path, quiet=True)
    try:
        wait_until(page, lambda: "/unit/new/?job=" in page.url, timeout_ms=60_000)
        page.locator("#id_title").wait_for()
        assert page.locator("#id_title").input_value() == TITLE
        assert page.get_by_text("已从《联络站.rtf》读入标题和正文").is_visible()
        body = (
            page.locator(".richtext-area")
            if page.locator(".richtext-area").count()
            else page.locator("#id_body")
        )
        assert "全区新建代表联络站12个，实现街道全覆盖。" in (body.inner_text() or body.input_value())
        page.screenshot(path=str(tmp_path / f"import-draft-{width}.png"), full_page=True)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE


@pytest.mark.parametrize("width", [1366, 390])
def test_upload_then_progress_then_the_draft_form(live_server, settings, tmp_path, contributor, width):
    settings.TASKS = DATABASE_TASKS
    settings.MEDIA_ROOT = tmp_path / "media"
    with chromium_page(viewport={"width": width, "height": 900}) as page:
        upload_and_follow(page, live_server, tmp_path, width=width, shots=width == 1366)


def test_without_script_the_progress_page_refreshes_itself(live_server, settings, tmp_path, contributor):
    settings.TASKS = DATABASE_TASKS
    settings.MEDIA_ROOT = tmp_path / "media"
    with chromium_page(viewport={"width": 1366, "height": 900}, java_script_enabled=False) as page:
        upload_and_follow(page, live_server, tmp_path, width=1366, shots=False)


@pytest.mark.parametrize("width", [1366, 390])
def test_a_file_that_cannot_be_read_says_why_with_the_upload_form(
    live_server, settings, tmp_path, contributor, width
):
    settings.MEDIA_ROOT = tmp_path / "media"  # the immediate backend: read once the upload commits
    source = tmp_path / "异常.rtf"
    source.write_bytes(b"{\\rtf1 " + b"{" * 5000 + b"x" + b"}" * 5000 + b"}")
    with chromium_page(viewport={"width": width, "height": 900}) as page:
        log_in(page, live_server.url, "xihu")
        page.goto(f"{live_server.url}{reverse('piece_import')}")
        page.get_by_label("Word / WPS 文件").set_input_files(str(source))
        page.get_by_role("button", name="读取文件").click()
        failed = page.locator("#import-failed")
        failed.wait_for()
        assert "《异常.rtf》未能读取" in failed.inner_text() and "嵌套过深" in failed.inner_text()
        box = failed.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
        page.screenshot(path=str(tmp_path / f"import-failed-{width}.png"), full_page=True)
        # Upload again, right there.
        good = tmp_path / "联络站.rtf"
        good.write_bytes(RTF)
        page.get_by_label("Word / WPS 文件").set_input_files(str(good))
        page.get_by_role("button", name="读取文件").click()
        page.locator("#id_title").wait_for()
        assert page.locator("#id_title").input_value() == TITLE
