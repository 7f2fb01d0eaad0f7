"""Bounded cost of intake: over-size uploads refused before they are read whole, and
abandoned imports removed (manage.py cleanup_uploads)."""

import datetime as dt
import io
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import StopUpload
from django.core.management import call_command
from django.test import RequestFactory, TestCase
from django.urls import reverse

from intake.uploads import LimitedUploadHandler, refusal
from tests.imports import draft_url, import_word
from tests.word_files import build_docx, p, r


def test_the_handler_stops_on_content_length_before_reading(settings):
    settings.BULLETIN_MAX_UPLOAD_BYTES = 1024 * 1024
    request = RequestFactory().post("/")
    handler = LimitedUploadHandler(request)
    handler.handle_raw_input(io.BytesIO(), {}, 200 * 1024 * 1024, b"x")
    with pytest.raises(StopUpload) as stopped:
        handler.new_file("file", "big.docx", "application/octet-stream", 200 * 1024 * 1024)
    assert stopped.value.connection_reset  # the rest of the body is never read
    assert "文件超过 1 MB" in refusal(request)


def test_the_handler_counts_chunks_when_the_length_is_not_known(settings):
    settings.BULLETIN_MAX_UPLOAD_BYTES = 1000
    request = RequestFactory().post("/")
    handler = LimitedUploadHandler(request)
    handler.handle_raw_input(io.BytesIO(), {}, 0, b"x")
    handler.new_file("file", "a.docx", "application/octet-stream", None)
    assert handler.receive_data_chunk(b"x" * 600, 0) == b"x" * 600
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"x" * 600, 600)


@pytest.mark.django_db
def test_an_oversize_upload_is_refused_with_a_message(client_for, contributor, editor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.BULLETIN_MAX_UPLOAD_BYTES = 512 * 1024
    big = SimpleUploadedFile("稿件.docx", b"PK\x03\x04" + os.urandom(2 * 1024 * 1024))
    html = client_for(contributor).post(reverse("piece_import"), {"file": big}).content.decode()
    assert "文件超过 0.5 MB，已拒绝接收" in html
    assert not (tmp_path / "docx").exists()
    big = SimpleUploadedFile("10.txt", b"x" * (2 * 1024 * 1024))
    html = (
        client_for(editor)
        .post(reverse("back_issue_import"), {"file": big, "action": "check"})
        .content.decode()
    )
    assert "已拒绝接收" in html


@pytest.mark.django_db
def test_import_keeps_the_document_pending_until_saved(client_for, contributor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(contributor)
    data = build_docx(p(r("西湖区：标题")) + p(r("正文一段。")))
    response = import_word(client, "稿件.doc", data)
    pending = list((tmp_path / "docx" / "pending").iterdir())
    assert len(pending) == 1 and pending[0].suffix == ".docx"  # the upload as it came is gone
    with TestCase.captureOnCommitCallbacks(execute=True):  # files go once the save commits
        client.post(draft_url(response), {"title": "西湖区：标题", "body": "<p>正文一段。</p>"})
    assert not list((tmp_path / "docx" / "pending").iterdir())


@pytest.mark.django_db
def test_cleanup_uploads_removes_only_old_pending_files(settings, tmp_path, capsys):
    settings.MEDIA_ROOT = tmp_path
    old = default_storage.save("docx/pending/old.docx", ContentFile(b"old"))
    new = default_storage.save("docx/pending/new.docx", ContentFile(b"new"))
    kept = default_storage.save("docx/2024/01/saved.docx", ContentFile(b"saved"))
    two_days_ago = time.time() - dt.timedelta(days=2).total_seconds()
    os.utime(default_storage.path(old), (two_days_ago, two_days_ago))
    os.utime(default_storage.path(kept), (two_days_ago, two_days_ago))
    call_command("cleanup_uploads")
    assert "已删除 docx/pending/ 中 1 个" in capsys.readouterr().out
    assert not default_storage.exists(old)
    assert default_storage.exists(new) and default_storage.exists(kept)
