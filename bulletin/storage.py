"""Stored PDFs are checked against the SHA-256 recorded when they were made.

A file that is missing or whose bytes changed is never served (archive_pdf) and is
reported by `manage.py verify_storage`.
"""

import hashlib
import logging

from bulletin.models import IssuePdf

log = logging.getLogger(__name__)

CHUNK = 1024 * 1024


def file_sha256(field_file) -> str:
    """SHA-256 (hex) of a stored file, read in 1 MB chunks. OSError if it cannot be read."""
    digest = hashlib.sha256()
    with field_file.storage.open(field_file.name, "rb") as stored:
        for chunk in iter(lambda: stored.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def pdf_problem(record: IssuePdf) -> str | None:
    """None if the stored file exists and matches its recorded SHA-256 and size; else a
    Chinese description of what is wrong."""
    if not record.file.name or not record.file.storage.exists(record.file.name):
        return f"{record}：存档文件 {record.file.name or '（无）'} 不存在。"
    try:
        actual = file_sha256(record.file)
        size = record.file.storage.size(record.file.name)
    except OSError as error:
        return f"{record}：存档文件 {record.file.name} 无法读取（{error}）。"
    if actual != record.sha256:
        return (
            f"{record}：存档文件 {record.file.name} 的 SHA-256 为 {actual}，与记录的 {record.sha256} 不符。"
        )
    if size != record.size:
        return (
            f"{record}：存档文件 {record.file.name} 的大小为 {size} 字节，与记录的 {record.size} 字节不符。"
        )
    return None
