"""The file storage: Django's FileSystemStorage, but a file appears whole or not at all.

Django's own ``_save`` writes straight into the final name, so a full disk (ENOSPC) or a
quota (EDQUOT) leaves a zero-length or half-written file under the name, and the next
attempt, finding the name taken, writes under a renamed one (``issue_AbC123.pdf``). Here
the bytes go to a temporary file in the same folder, are flushed to the disk (fsync), and
only then take the final name with a hard link (which, unlike rename, never replaces a
file already there); the temporary name is removed whatever happens. A write that fails
leaves nothing behind and raises the OSError, which ``is_disk_full`` recognises.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile

from django.core.files.storage import FileSystemStorage
from django.utils._os import safe_makedirs

# What every user reads when a write failed for want of space (a page, a job's outcome).
DISK_FULL_MESSAGE = "服务器磁盘空间不足，本次未保存，请联系管理员。"

_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG}


def is_disk_full(error: BaseException) -> bool:
    """Whether an exception (or one it was raised from) is a full disk or an exhausted quota."""
    while error is not None:
        if isinstance(error, OSError) and error.errno in _FULL:
            return True
        error = error.__cause__ or error.__context__
    return False


def _fsync_directory(path: str) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on a directory; the file itself is synced
    finally:
        os.close(fd)


class AtomicFileSystemStorage(FileSystemStorage):
    """FileSystemStorage whose saves are atomic (see the module docstring)."""

    def _write_temporary(self, directory: str, content) -> str:
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=".partial-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                if hasattr(content, "temporary_file_path"):
                    with open(content.temporary_file_path(), "rb") as source:
                        shutil.copyfileobj(source, handle, 1024 * 1024)
                else:
                    for chunk in content.chunks():
                        handle.write(chunk.encode() if isinstance(chunk, str) else chunk)
                handle.flush()
                os.fsync(handle.fileno())
            if self.file_permissions_mode is not None:
                os.chmod(temporary, self.file_permissions_mode)
        except BaseException:
            _unlink(temporary)
            raise
        return temporary

    def _save(self, name, content):
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        if self.directory_permissions_mode is not None:
            safe_makedirs(directory, self.directory_permissions_mode, exist_ok=True)
        else:
            os.makedirs(directory, exist_ok=True)
        temporary = self._write_temporary(directory, content)
        try:
            while True:
                try:
                    os.link(temporary, full_path)
                except FileExistsError:
                    name = self.get_available_name(name)
                    full_path = self.path(name)
                else:
                    break
        finally:
            _unlink(temporary)
        _fsync_directory(directory)
        name = os.path.relpath(full_path, self.location)
        self._ensure_location_group_id(full_path)
        return name.replace("\\", "/")


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
