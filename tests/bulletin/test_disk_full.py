"""A full disk: 刊发 and the draft render leave no empty, half-written or renamed PDF, keep
whatever was stored before, and say so in Chinese; a page whose write the disk refused
answers with that message, not a 500.

Two ways to fill the disk: a real 1 MB tmpfs mounted for the test (root only; skipped with
the reason otherwise), and ENOSPC raised by the write itself, which always runs."""

import errno
import os
import subprocess
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from bulletin import renders
from bulletin.actions.common import IssueActionError
from bulletin.actions.publishing import publish_issue
from bulletin.models import DraftRender, Issue, IssuePdf
from tests.issue_helpers import issue_with_one_article
from web.storage import DISK_FULL_MESSAGE, AtomicFileSystemStorage

pytestmark = pytest.mark.django_db


def all_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


@pytest.fixture
def issue(editor, contributor):
    return issue_with_one_article(editor, contributor)


@pytest.fixture
def tiny_disk(tmp_path, settings):
    """MEDIA_ROOT on a real 1 MB tmpfs: writes fail with ENOSPC once it is full."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    try:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True, text=True
        )
    except OSError as error:
        pytest.skip(f"cannot mount a tmpfs here: {error}")
    if done.returncode != 0:
        pytest.skip(f"mount is not permitted here: {done.stderr.strip() or done.returncode}")
    settings.MEDIA_ROOT = mount
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(root: Path, leave: int) -> Path:
    """Fill the file system of `root` until about `leave` bytes are free."""
    filler = root / "filler.bin"
    stat = os.statvfs(root)
    free = stat.f_bavail * stat.f_frsize
    with open(filler, "wb") as handle:
        try:
            handle.write(b"\0" * max(free - leave, 0))
        except OSError:
            pass
    return filler


def test_publish_on_a_full_disk_leaves_no_file_and_says_so(tiny_disk, issue, editor):
    fill(tiny_disk, leave=8 * 1024)  # less than any issue PDF
    before = all_files(tiny_disk)
    with pytest.raises(IssueActionError) as refused:
        publish_issue(actor=editor, issue=issue, expected_version=issue.layout_version)
    assert DISK_FULL_MESSAGE in str(refused.value)
    assert all_files(tiny_disk) == before  # no empty, partial or renamed PDF, no temporary file
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT and not IssuePdf.objects.exists()
    # Space again: the same 刊发 stores the PDF under its own name (not a renamed one).
    (tiny_disk / "filler.bin").unlink()
    published = publish_issue(actor=editor, issue=issue, expected_version=issue.layout_version)
    record = IssuePdf.objects.get(issue=published)
    assert record.file.name.endswith("/2024/015-v1.pdf")
    assert record.file.size == record.size > 0


def test_a_draft_render_on_a_full_disk_fails_with_the_message_and_no_file(tiny_disk, issue):
    fill(tiny_disk, leave=8 * 1024)
    before = all_files(tiny_disk)
    with pytest.raises(OSError):
        renders.render_draft(issue.pk)
    render = DraftRender.objects.get(issue=issue)
    assert render.status == DraftRender.Status.FAILED and DISK_FULL_MESSAGE in render.error
    assert all_files(tiny_disk) == before


def test_the_storage_keeps_the_old_file_when_a_new_one_cannot_be_written(tiny_disk):
    storage = AtomicFileSystemStorage(location=tiny_disk)
    name = storage.save("drafts/1/a.pdf", ContentFile(b"old" * 100))
    fill(tiny_disk, leave=4 * 1024)
    with pytest.raises(OSError) as full:
        storage.save("drafts/1/a.pdf", ContentFile(b"x" * 200_000))
    assert full.value.errno == errno.ENOSPC
    assert storage.open(name).read() == b"old" * 100
    assert [p.name for p in all_files(tiny_disk / "drafts")] == ["a.pdf"]


# --- the same without a mount: the write itself raises ENOSPC half-way --------------------


@pytest.fixture
def disk_full_half_way(monkeypatch, settings, tmp_path):
    """Every ContentFile write fails with ENOSPC after its first 4 KB reached the file."""
    settings.MEDIA_ROOT = tmp_path / "media"

    def chunks(self, chunk_size=None):
        data = self.read()
        yield data[:4096]
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(ContentFile, "chunks", chunks)
    return settings.MEDIA_ROOT


def test_publish_with_enospc_leaves_no_partial_file(disk_full_half_way, issue, editor):
    media = disk_full_half_way
    with pytest.raises(IssueActionError) as refused:
        publish_issue(actor=editor, issue=issue, expected_version=issue.layout_version)
    assert DISK_FULL_MESSAGE in str(refused.value)
    assert not media.exists() or all_files(media) == []
    assert not IssuePdf.objects.exists()


def test_any_save_with_enospc_leaves_nothing_and_keeps_the_old_file(disk_full_half_way):
    media = disk_full_half_way
    storage = AtomicFileSystemStorage(location=media)
    (media / "docx").mkdir(parents=True)
    (media / "docx" / "x.docx").write_bytes(b"old")
    with pytest.raises(OSError):
        default_storage.save("docx/x.docx", ContentFile(b"PK" * 5000))
    with pytest.raises(OSError):
        storage.save("docx/y.docx", ContentFile(b"PK" * 5000))
    assert [p.name for p in all_files(media)] == ["x.docx"]
    assert (media / "docx" / "x.docx").read_bytes() == b"old"


def test_a_request_whose_write_the_disk_refused_gets_the_message_not_a_500(rf):
    from service.middleware import DiskFullMiddleware

    request = rf.post("/unit/new/")
    response = DiskFullMiddleware(lambda r: None).process_exception(
        request, OSError(errno.ENOSPC, "No space left on device")
    )
    assert response.status_code == 507 and DISK_FULL_MESSAGE in response.content.decode()
    assert DiskFullMiddleware(lambda r: None).process_exception(request, OSError(errno.EACCES, "x")) is None


# The SQLite backup reads the database from a second connection: no test transaction open.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_on_a_full_disk_leaves_no_partial_archive(tiny_disk, tmp_path, settings):
    from service.backup import BackupError, backup

    settings.MEDIA_ROOT = tmp_path / "media"  # the files to back up are elsewhere
    default_storage.save("drafts/1/a.pdf", ContentFile(os.urandom(64 * 1024)))
    fill(tiny_disk, leave=16 * 1024)
    with pytest.raises(BackupError, match="磁盘空间不足"):
        backup(tiny_disk / "backups")
    assert [p.name for p in all_files(tiny_disk)] == ["filler.bin"]
