"""Telling the other side: an in-app notification, and each person's channels (messaging)."""

import logging
from collections.abc import Iterable
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from accounts.models import Role, User
from accounts.permissions import unit_reviewers  # noqa: F401  (the 审核人 are told like the others)
from messaging.actions.deliveries import Outgoing, Reach, send_message, send_messages
from messaging.models import MessageKind, UnitContact
from submissions.models import Notification, Submission
from web.mail import header_text

log = logging.getLogger(__name__)


def editors() -> Iterable[User]:
    return User.objects.filter(role=Role.EDITOR, is_active=True)


def unit_contributors(submission: Submission) -> Iterable[User]:
    return User.objects.filter(role=Role.CONTRIBUTOR, unit_id=submission.unit_id, is_active=True)


def notify(
    recipients: Iterable[User],
    *,
    text: str,
    link: str = "",
    actor: User | None = None,
    kind: str = MessageKind.WORKFLOW,
    cause: str = "",
    contacts: Iterable[UnitContact] = (),
) -> Reach:
    """Notify everyone in `recipients` but the actor: the in-app notice now, and each person's
    channels for `kind` (messaging) once the transaction commits; `contacts` (units without an
    account) are reached through their channels only. Returns who was reached by what."""
    people = [user for user in recipients if actor is None or user.pk != actor.pk]
    Notification.objects.bulk_create(
        [Notification(recipient=user, text=text[:200], link=link) for user in people]
    )
    return send_message(kind=kind, text=text, link=link, cause=cause, users=people, contacts=contacts)


def notify_each(
    messages: list[tuple[list[User], str, str]],
    *,
    actor: User | None = None,
    kind: str = MessageKind.WORKFLOW,
) -> None:
    """Several notices at once — (recipients, text, link) each — in one insert, for actions
    that tell many units (刊发); the channels send once the transaction commits."""
    rows = []
    outgoing = []
    for recipients, text, link in messages:
        people = [user for user in recipients if actor is None or user.pk != actor.pk]
        rows += [Notification(recipient=user, text=text[:200], link=link) for user in people]
        if people:
            outgoing.append(Outgoing(kind, text, link, users=tuple(people)))
    Notification.objects.bulk_create(rows)
    send_messages(outgoing)


def send_mail_now(addresses: list[str], text: str, link: str) -> None:
    """One notification mail, for send_notification_mail tasks queued before notices went
    through messaging's channels; a failing mail server is logged, never raised."""
    body = text + (f"\n\n查看：{settings.BULLETIN_SITE_URL.rstrip('/')}{link}" if link else "")
    try:
        send_mail(f"【杭州人大信息】{header_text(text, 40)}", body, None, addresses)
    except OSError:
        # A mail server that is down must not undo the editor's work; the in-app notice stands.
        log.exception("notification mail to %s failed", addresses)


def tell_admins_of_login_attack(sender, *, user: User, message: str, **kwargs) -> None:
    """accounts.signals.login_attack_detected: every active 管理员 is told, in the app and by
    mail, with a link to the account's failed logins (系统管理 › 登录防护)."""
    link = reverse("admin:axes_accessattempt_changelist") + "?" + urlencode({"q": user.username})
    notify(
        User.objects.filter(role=Role.ADMIN, is_active=True),
        text=message,
        link=link,
        kind=MessageKind.SECURITY,
    )


def tell_admins_of_directory_conflict(sender, *, user: User, message: str, **kwargs) -> None:
    """accounts.signals.directory_account_conflict: every active 管理员 is told, in the app
    and by their channels, with a link to the account that has the directory's user name."""
    notify(
        User.objects.filter(role=Role.ADMIN, is_active=True),
        text=message,
        link=reverse("admin:accounts_user_change", args=[user.pk]),
        kind=MessageKind.SECURITY,
    )


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
