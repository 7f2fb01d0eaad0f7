"""The one way to count a stored upload against its person's daily quota (上传额度).

Every page that stores what a person uploads (从 Word 导入, 往期导入) calls ``record_upload``
in the transaction that stores it: over ``BULLETIN_UPLOAD_BYTES_PER_DAY`` bytes or
``BULLETIN_UPLOADS_PER_DAY`` files since local midnight the upload is refused with a
Chinese message that names the limit and when it resets, and nothing is stored.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from submissions import queries
from submissions.actions.common import SubmissionActionError
from submissions.models import UploadRecord


class UploadRefused(SubmissionActionError):
    """Over a per-person limit (the daily quota, the import queue); the message says which."""


def bytes_per_day() -> int:
    return int(settings.BULLETIN_UPLOAD_BYTES_PER_DAY)


def uploads_per_day() -> int:
    return int(settings.BULLETIN_UPLOADS_PER_DAY)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".removesuffix(".0") + " MB"


def _resets_at() -> str:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    return f"明天（{tomorrow.month}月{tomorrow.day}日）0:00"


@transaction.atomic
def record_upload(*, actor: User, kind: str, size: int) -> UploadRecord:
    """Count `size` bytes of `kind` against the actor's quota for today; refused over it.

    The actor's row is locked first, so two uploads sent at once are counted one after the
    other and cannot both pass the last free place."""
    User.objects.select_for_update().filter(pk=actor.pk).first()
    count, used = queries.uploads_today(actor)
    if count + 1 > uploads_per_day():
        raise UploadRefused(
            f"今天的上传次数已达上限：每人每天最多上传 {uploads_per_day()} 个文件（今天已上传 {count} 个）。"
            f"额度于{_resets_at()}恢复；急用请直接把文字粘贴到正文编辑框。"
        )
    if used + size > bytes_per_day():
        raise UploadRefused(
            f"今天的上传总量已达上限：每人每天最多上传 {_megabytes(bytes_per_day())}"
            f"（今天已上传 {_megabytes(used)}，这个文件 {_megabytes(size)}）。"
            f"额度于{_resets_at()}恢复；急用请直接把文字粘贴到正文编辑框。"
        )
    return UploadRecord.objects.create(user=actor, kind=kind, size=size)


def remove_old_upload_records(*, older_than: datetime.timedelta = datetime.timedelta(days=2)) -> int:
    """Forget upload records older than any quota day still counted (cleanup_uploads)."""
    deleted, _ = UploadRecord.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted
