"""The one way to record what happens at the login page: known addresses, failures, locks,
refused attempts (counted, not written one row each) and alerts of an account under attack.

Called by the receivers of Django's and django-axes' login signals (accounts.receivers) and
by the worker's housekeeping; accounts.lockout holds the policy these records feed.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from accounts.lockout import known_since, pair_failures
from accounts.models import KnownAddress, LoginAlert, RefusedLogins, User
from accounts.signals import login_attack_detected
from audit.models import AuditEntry
from audit.records import Kind, record


def _minutes(delta: timedelta) -> int:
    return round(delta.total_seconds() / 60)


def remember_address(*, user: User, address: str | None) -> None:
    """After a successful login: `address` is now one of the account's known addresses.
    Addresses not used within BULLETIN_LOGIN_KNOWN_DAYS are forgotten."""
    if not address:
        return
    now = timezone.now()
    updated = KnownAddress.objects.filter(user=user, address=address).update(last_seen=now)
    if not updated:
        try:
            with transaction.atomic():
                KnownAddress.objects.create(user=user, address=address, first_seen=now, last_seen=now)
        except IntegrityError:  # the same person signing in twice at once
            pass
    KnownAddress.objects.filter(user=user, last_seen__lt=known_since()).delete()


def record_failure(
    *, username: str, address: str | None, request=None, message: str = "用户名或密码错误"
) -> AuditEntry:
    """A password was checked and was wrong (or the account is inactive or unknown), or a
    directory refused the sign-in (`message` says why: accounts.directory.AUDIT_NOTES)."""
    row = record(
        Kind.LOGIN_FAILED,
        actor_name=username,
        label=username,
        request=request,
        address=address,
        message=message,
    )
    watch_account(username=username)
    return row


def record_lockout(*, username: str, address: str | None, request=None) -> AuditEntry:
    """The failure that reached the limit: one row for the lock (later attempts are counted)."""
    minutes = _minutes(settings.AXES_COOLOFF_TIME)
    if pair_failures(username, address) >= settings.AXES_FAILURE_LIMIT:
        message = f"从该地址登录此账号连续失败 {settings.AXES_FAILURE_LIMIT} 次，已暂停此账号在该地址登录 {minutes} 分钟"
        scope = "account_at_address"
    else:
        message = f"该地址登录失败 {settings.AXES_FAILURE_LIMIT} 次，已暂停该地址登录 {minutes} 分钟（常用地址的账号不受影响）"
        scope = "address"
    summarize_refused_logins()
    return record(
        Kind.LOCKED_OUT,
        actor_name=username,
        label=username,
        request=request,
        address=address,
        after={"scope": scope, "minutes": minutes},
        message=message,
    )


def count_refused_login(*, username: str, address: str | None) -> None:
    """An attempt refused during a lock or a delay: one more on the pair's open counter."""
    address = address or ""
    now = timezone.now()
    open_counter = RefusedLogins.objects.filter(username=username, address=address, summarized_at=None)
    if open_counter.update(count=F("count") + 1, last_at=now):
        return
    try:
        with transaction.atomic():
            RefusedLogins.objects.create(
                username=username, address=address, first_at=now, last_at=now, count=1
            )
    except IntegrityError:  # another request opened it a moment ago
        open_counter.update(count=F("count") + 1, last_at=now)


def summarize_refused_logins(*, username: str | None = None) -> int:
    """Close the counters that are due and write one audit row for each: all of
    `username`'s (at its next successful login), and every counter with no refusal for
    the cool-off time (the lock is over). Returns the number of rows written.

    Run at each new lock, at each successful login and by the worker's housekeeping.
    """
    quiet_since = timezone.now() - settings.AXES_COOLOFF_TIME
    due = Q(last_at__lt=quiet_since)
    if username is not None:
        due |= Q(username=username)
    written = 0
    for counter in RefusedLogins.objects.filter(due, summarized_at=None).order_by("pk")[:500]:
        with transaction.atomic():
            # Claim the counter first: an increment racing with us then opens a new one.
            claimed = RefusedLogins.objects.filter(pk=counter.pk, summarized_at=None).update(
                summarized_at=timezone.now()
            )
            if not claimed:
                continue
            counter.refresh_from_db()
            record(
                Kind.LOGIN_REFUSED,
                actor_name=counter.username,
                label=counter.username,
                address=counter.address or None,
                after={
                    "refused": counter.count,
                    "first": counter.first_at.isoformat(),
                    "last": counter.last_at.isoformat(),
                },
                message=(
                    f"{timezone.localtime(counter.first_at):%m-%d %H:%M} 至 "
                    f"{timezone.localtime(counter.last_at):%m-%d %H:%M}，"
                    f"共 {counter.count} 次登录因锁定或间隔过短被拒绝（未核对密码）"
                ),
            )
            written += 1
    return written


def watch_account(*, username: str) -> bool:
    """After a failure: is the account under attack — at least BULLETIN_LOGIN_ALERT_FAILURES
    failures from at least BULLETIN_LOGIN_ALERT_ADDRESSES addresses within the last
    BULLETIN_LOGIN_ALERT_WINDOW_MINUTES? Then audit it and tell the administrators, once per
    BULLETIN_LOGIN_ALERT_HOURS for the account. Returns whether an alert went out.

    Counted from the audit log's own failure rows: the delay and the locks keep them few.
    """
    user = User.objects.filter(username=username).first()
    if user is None:
        return False
    now = timezone.now()
    window = timedelta(minutes=settings.BULLETIN_LOGIN_ALERT_WINDOW_MINUTES)
    seen = AuditEntry.objects.filter(
        kind=Kind.LOGIN_FAILED, actor_name=username, at__gte=now - window
    ).aggregate(failures=Count("id"), addresses=Count("address", distinct=True))
    if (
        seen["failures"] < settings.BULLETIN_LOGIN_ALERT_FAILURES
        or seen["addresses"] < settings.BULLETIN_LOGIN_ALERT_ADDRESSES
    ):
        return False
    with transaction.atomic():
        alert, created = LoginAlert.objects.get_or_create(user=user, defaults={"sent_at": now})
        if not created:
            # One conditional update: of two failures arriving together, one alert.
            quiet = now - timedelta(hours=settings.BULLETIN_LOGIN_ALERT_HOURS)
            if not LoginAlert.objects.filter(pk=alert.pk, sent_at__lt=quiet).update(sent_at=now):
                return False
        minutes = _minutes(window)
        message = (
            f"账号“{username}”疑遭攻击：{minutes} 分钟内从 {seen['addresses']} 个地址"
            f"登录失败 {seen['failures']} 次。请与本人核实，必要时停用账号或重置密码。"
        )
        record(
            Kind.LOGIN_ATTACK,
            actor_name=username,
            obj=user,
            after={"failures": seen["failures"], "addresses": seen["addresses"], "minutes": minutes},
            message=message,
        )
        login_attack_detected.send(
            sender=User,
            user=user,
            failures=seen["failures"],
            addresses=seen["addresses"],
            message=message,
        )
    return True
