"""The 排版中 page in a real browser: it follows the background render and opens the PDF
when the worker has stored it, without the editor reloading."""

import datetime
import os
import threading

import pytest
from django.db import connections
from django.urls import reverse
from playwright.sync_api import expect

from bulletin import renders
from bulletin.actions.issues import create_issue
from bulletin.models import Publication
from tests.browser import chromium_page, log_in, save_screenshot
from tests.issue_helpers import adopted_piece, place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def play_the_worker(issue_id: int) -> str:
    """The worker's part, in a thread of its own with its own database connection (as the
    worker process has), closed when done."""
    outcome = []

    def work():
        try:
            outcome.append(renders.render_draft(issue_id))
        finally:
            connections.close_all()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    return outcome[0]


def test_the_rendering_page_opens_the_pdf_once_the_worker_is_done(
    live_server, settings, tmp_path, editor, contributor
):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Enqueued in the database and run by nobody until this test plays the worker.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    issue = create_issue(
        actor=editor,
        publication=Publication.objects.get(name="杭州人大信息"),
        date=datetime.date(2024, 10, 25),
        number=15,
        total_number=703,
    )
    place(editor, issue, adopted_piece(editor, contributor, "西湖区：一篇文章"), "助力攻坚")
    url = f"{live_server.url}{reverse('issue_preview_pdf', args=[issue.pk])}"
    with chromium_page(viewport={"width": 1366, "height": 800}) as page:
        log_in(page, live_server.url, "bianji")
        page.goto(url)
        page.get_by_text("排队中").wait_for()
        expect(page.get_by_role("progressbar", name="排版进度")).to_be_visible()
        save_screenshot(page, "issue-rendering")
        if os.environ.get("BULLETIN_REVIEW_SHOTS"):  # a folder for shots to look at, not the manual's
            page.set_viewport_size({"width": 390, "height": 844})
            page.screenshot(path=f"{os.environ['BULLETIN_REVIEW_SHOTS']}/rendering-390.png", full_page=True)

        assert play_the_worker(issue.pk) == "rendered"
        # The page notices by itself and shows the PDF in the browser's viewer.
        response = page.wait_for_event("response", lambda r: r.url == url and r.status == 200, timeout=10_000)
        assert response.headers["content-type"] == "application/pdf"
        page.wait_for_url(url)
