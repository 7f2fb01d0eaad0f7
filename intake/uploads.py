"""Uploads are refused past a size limit before they are read whole.

``LimitedUploadHandler`` comes first in ``FILE_UPLOAD_HANDLERS`` (settings). Django calls
it with the request's Content-Length before the body is parsed, and with every chunk of
an uploaded file; past ``BULLETIN_MAX_UPLOAD_BYTES`` (default 10 MB) it stops the upload
(``StopUpload(connection_reset=True)``: the rest of the body is not read, nothing is
written to disk) and marks the request, so the view can say why in Chinese
(``refusal(request)``). The pages that upload also check the size in the browser before
sending (``data-max-bytes``), so a person sees the message without waiting.

``remove_abandoned(storage, older_than)`` deletes what an import left in
``docx/pending/`` and was never saved into a piece (``manage.py cleanup_uploads``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.files.storage import Storage
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils import timezone

REFUSED_ATTRIBUTE = "bulletin_upload_refused"
# The multipart envelope and the other fields of a form are small; this is their allowance.
FORM_OVERHEAD_BYTES = 256 * 1024


def max_upload_bytes() -> int:
    return int(getattr(settings, "BULLETIN_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))


def too_large_message(limit: int | None = None) -> str:
    limit = limit or max_upload_bytes()
    return f"文件超过 {limit / 1024 / 1024:g} MB，已拒绝接收。请删去其中的图片后再试，或直接粘贴文字。"


class LimitedUploadHandler(FileUploadHandler):
    """Stops an upload once it is known to be over the limit (see the module docstring)."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.request_length = content_length or 0
        return None  # the ordinary parser goes on

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = max_upload_bytes()
        self.request_length = 0
        self.received = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        if self.request_length > self.limit + FORM_OVERHEAD_BYTES:
            self._refuse()

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self._refuse()
        return raw_data  # the next handler stores it

    def file_complete(self, file_size):
        return None

    def _refuse(self):
        if self.request is not None:
            setattr(self.request, REFUSED_ATTRIBUTE, too_large_message(self.limit))
        raise StopUpload(connection_reset=True)


def refusal(request) -> str:
    """The Chinese message when this request's upload was stopped for its size, else ""."""
    return getattr(request, REFUSED_ATTRIBUTE, "")


PENDING_DIR = "docx/pending"


def remove_abandoned(storage: Storage, *, older_than: dt.timedelta = dt.timedelta(days=1)) -> list[str]:
    """Delete the files in docx/pending/ last changed before ``older_than`` ago; their names."""
    try:
        _, files = storage.listdir(PENDING_DIR)
    except FileNotFoundError:
        return []
    cutoff = timezone.now() - older_than
    removed = []
    for name in files:
        path = f"{PENDING_DIR}/{name}"
        try:
            changed = storage.get_modified_time(path)
        except (FileNotFoundError, NotImplementedError):
            continue
        if timezone.is_naive(changed):
            changed = timezone.make_aware(changed)
        if changed < cutoff:
            storage.delete(path)
            removed.append(path)
    return removed
