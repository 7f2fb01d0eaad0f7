"""What a daily digest (每日汇总) says: the e-mails held back for a person since their last
digest (messaging keeps them, status "held"), and for an editor the counts of pieces waiting
for review and of overdue 约稿.

The text is assembled here, above messaging, because it speaks of pieces and 约稿; messaging
only holds the e-mails back and sends the digest like any other message
(submissions.actions.digests).

Unsigned distributions (分送未签收) are not in the digest: the product has no signed
distribution yet. When it has (in bulletin, above this app), bulletin registers a function
in `sections` from its AppConfig.ready() and its lines appear in every editor's digest.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from messaging.models import Delivery, MessageKind
from submissions import queries

# Functions (user, today) -> [line, …] that add lines to a person's digest, registered by
# the apps above (web.hooks.register). The place for 分送未签收 once distributions are signed.
sections: list[Callable[[User, datetime.date], list[str]]] = []


@dataclass(frozen=True)
class EditorCounts:
    pending_reviews: int  # pieces 已报送, waiting for an editor
    overdue_commissions: int  # 约稿 past their deadline (within the last 30 days) some unit has not answered

    def line(self) -> str:
        return f"待审稿件 {self.pending_reviews} 篇；逾期未报的约稿 {self.overdue_commissions} 个。"

    def __bool__(self) -> bool:
        return bool(self.pending_reviews or self.overdue_commissions)


def editor_counts(today: datetime.date) -> EditorCounts:
    """The counts an editor's digest opens with (two queries)."""
    overdue = (
        queries.commissions()
        .filter(
            cancelled_at__isnull=True,
            deadline__lt=today,
            deadline__gte=today - datetime.timedelta(days=queries.LATE_COMMISSIONS_SHOWN_DAYS),
            pending_units__gt=0,
        )
        .count()
    )
    return EditorCounts(pending_reviews=queries.awaiting_review().count(), overdue_commissions=overdue)


def _when(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def digest_text(user: User, held: list[Delivery], counts: EditorCounts | None, today: datetime.date) -> str:
    """The digest for `user`, or "" when there is nothing to tell: `held` in the order they
    came (time, kind, text, link), after the editor's counts and the registered sections."""
    extra = [line for section in sections for line in section(user, today)]
    if not held and not counts and not extra:
        return ""
    site = settings.BULLETIN_SITE_URL.rstrip("/")
    kinds = dict(MessageKind.choices)
    lines = [f"每日汇总（{today.month}月{today.day}日）"]
    if counts is not None:
        lines.append(counts.line())
    lines += extra
    if held:
        lines += ["", f"自上次汇总以来的通知（{len(held)} 条）："]
        for row in held:
            lines.append(f"· {_when(row.created_at)} 【{kinds.get(row.kind, row.kind)}】{row.text}")
            if row.link:
                lines.append(f"  查看：{site}{row.link}")
    else:
        lines += ["", "自上次汇总以来没有新的通知。"]
    lines += ["", f"逐条邮件或汇总，可在“通知方式”中更改：{site}{reverse('notification_settings')}"]
    return "\n".join(lines)


def wants_counts(user: User) -> bool:
    return user.role == Role.EDITOR
