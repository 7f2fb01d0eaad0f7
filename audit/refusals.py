"""Refused requests in the audit log (403 and CSRF failures), bounded.

Each (kind, person or address, path, minute) writes one audit row at its first refusal; the
further refusals of that minute are counted in RefusalTally and written as one summary row
once the minute is over (``flush``, run on every worker heartbeat and at the next refusal).
One person or address gets at most MAX_PATHS_PER_MINUTE paths a minute; the paths beyond
are counted together. So a flood costs at most two rows per path and minute.
"""

import datetime
import logging

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from audit.addresses import client_address
from audit.context import request_context
from audit.models import RefusalTally
from audit.records import Kind, record

log = logging.getLogger(__name__)

MAX_PATHS_PER_MINUTE = 20
OTHER_PATHS = "（其他路径）"


def note(request: HttpRequest, *, kind: str, reason: str = "") -> None:
    """Count one refused request; never fails the response it belongs to."""
    if getattr(request, "_audit_refusal_noted", False):
        return
    request._audit_refusal_noted = True
    try:
        _note(request, kind=kind, reason=reason)
    except DatabaseError as error:  # the refusal stands; the log says why it is not recorded
        log.warning("被拒请求未能记入审计日志：%s", error)


def _note(request: HttpRequest, *, kind: str, reason: str) -> None:
    user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else None
    address = client_address(request)
    who = f"user:{actor.pk}" if actor else f"addr:{address or '-'}"
    now = timezone.now()
    minute = now.replace(second=0, microsecond=0)
    path = request.path[:200]
    with transaction.atomic():
        tallies = RefusalTally.objects.filter(kind=kind, who=who, minute=minute)
        if not tallies.filter(path=path).exists() and tallies.count() >= MAX_PATHS_PER_MINUTE:
            path = OTHER_PATHS
        if tallies.filter(path=path).update(count=F("count") + 1):
            return
        try:
            with transaction.atomic():
                RefusalTally.objects.create(
                    kind=kind,
                    who=who,
                    path=path,
                    minute=minute,
                    actor=actor,
                    actor_name=actor.username if actor else "",
                    address=address,
                )
        except IntegrityError:  # another request of the same minute came first
            tallies.filter(path=path).update(count=F("count") + 1)
            return
        what = "表单校验失败（CSRF）" if kind == Kind.CSRF_REFUSED else "拒绝访问（403）"
        record(
            kind,
            actor=actor,
            address=address,
            label=request.path[:200],
            request=request,
            after={"method": request.method, "path": request.path[:200]},
            message=f"{what}：{request.method} {request.path[:200]}"
            + (f"；原因：{reason}" if reason else ""),
        )
    flush(now=now)


def flush(*, now: datetime.datetime | None = None) -> int:
    """Write the summary rows of the minutes that are over; the number of rows written."""
    current = (now or timezone.now()).replace(second=0, microsecond=0)
    written = 0
    # Each summary row is about its own person or address, not whoever's request runs this.
    with request_context(None), transaction.atomic():
        done = list(RefusalTally.objects.select_for_update().filter(minute__lt=current).order_by("id"))
        for tally in done:
            if tally.count > 1:
                minute = timezone.localtime(tally.minute)
                record(
                    tally.kind,
                    actor=tally.actor,
                    actor_name=tally.actor_name,
                    address=tally.address,
                    label=tally.path,
                    after={"path": tally.path, "count": tally.count, "minute": minute.isoformat()},
                    message=f"{minute:%Y-%m-%d %H:%M} 这一分钟内 {tally.path} 共被拒绝 {tally.count} 次"
                    f"（第一次已单独记录，其余 {tally.count - 1} 次合计于此）。",
                )
                written += 1
        RefusalTally.objects.filter(pk__in=[t.pk for t in done]).delete()
    return written
