"""Login failure handling (登录失败处理) that an attacker cannot aim at someone else.

django-axes counts failed logins per (user name, address, browser) in AccessAttempt. The
policy built on it (docs/operations.md, "Login failures"):

- **The pair.** AXES_FAILURE_LIMIT failures for one account from one address lock that
  account *from that address* for AXES_COOLOFF_TIME. The same account from anywhere else
  is not affected, so five requests from a stranger no longer lock the editor out.
- **The address.** AXES_FAILURE_LIMIT failures from one address, whatever the accounts,
  lock that address — except for an account signing in from one of its known addresses
  (accounts.models.KnownAddress: it signed in from there before), which only its own
  failures there can lock.
- **The delay.** After each failure the pair (and the address) must wait, doubling from
  BULLETIN_LOGIN_DELAY_SECONDS up to BULLETIN_LOGIN_MAX_DELAY_SECONDS.
  An attempt that comes too early is refused at once with "请 N 秒后再试" (HTTP 429,
  Retry-After) and its password is not checked. The request is refused, not made to sleep:
  a sleeping request would hold one of gunicorn's few synchronous workers, and an attacker
  sending many at once would hold them all — refusing costs a few queries and frees the
  worker. (Requests arriving at the same instant are each checked before the first
  failure is recorded: a burst gets at most as many guesses as there are workers.)
- **The account, for new addresses.** BULLETIN_LOGIN_ACCOUNT_LIMIT failures for one
  account within the cool-off time, from wherever, close that account to addresses it
  has never signed in from until they age out; its known addresses stay open. So an
  attacker spread over many addresses gets at most that many guesses per cool-off time
  (OWASP ASVS V2.2.1: no more than 100 failed attempts an hour on one account), and
  still cannot lock the person out where they work.
- A lock ends on its own after the cool-off time; an attempt during a lock does not extend
  it (so nobody can keep a lock going by hammering), and counts as refused, not as a row
  in the audit log each (accounts.logins).

The accounts app wires this into django-axes through AXES_LOCKOUT_PARAMETERS
(lockout_parameters), AXES_HANDLER (LoginThrottleHandler) and AUTHENTICATION_BACKENDS
(LoginThrottleBackend, in place of axes' own backend).
"""

import math
from datetime import datetime, timedelta

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Max, QuerySet, Sum
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import KnownAddress

PAIR = ["username", "ip_address"]
ADDRESS = "ip_address"

# What the backend leaves on the request for the signal receivers (accounts.receivers):
# why this attempt was refused before its password was checked.
REFUSED_LOCKED = "locked"
REFUSED_DELAY = "delay"
REFUSED_NEW_ADDRESS = "new_address"


def known_since() -> datetime:
    return timezone.now() - timedelta(days=settings.BULLETIN_LOGIN_KNOWN_DAYS)


def is_known_address(username: str | None, address: str | None) -> bool:
    """Has `username` signed in from `address` within BULLETIN_LOGIN_KNOWN_DAYS?"""
    if not username or not address or "\x00" in username:
        # No account name holds NUL, and PostgreSQL text refuses it in a query.
        return False
    return KnownAddress.objects.filter(
        user__username=username, address=address, last_seen__gte=known_since()
    ).exists()


def _known_on_request(request: HttpRequest, username: str | None, address: str | None) -> bool:
    # django-axes asks for the parameters several times per login; one query is enough.
    cache = request.__dict__.setdefault("_known_login_addresses", {})
    key = (username, address)
    if key not in cache:
        cache[key] = is_known_address(username, address)
    return cache[key]


def lockout_parameters(request_or_attempt, credentials: dict | None = None) -> list:
    """AXES_LOCKOUT_PARAMETERS: the pair and the address; the pair alone for an account at
    one of its known addresses."""
    if isinstance(request_or_attempt, AccessAttempt):
        username, address = request_or_attempt.username, request_or_attempt.ip_address
        known = is_known_address(username, address)
    else:
        username = get_client_username(request_or_attempt, credentials)
        address = getattr(request_or_attempt, "axes_ip_address", None)
        known = _known_on_request(request_or_attempt, username, address)
    return [PAIR] if known else [PAIR, ADDRESS]


def _recent(attempts: QuerySet) -> QuerySet:
    return attempts.filter(attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)


def pair_failures(username: str | None, address: str | None) -> int:
    attempts = _recent(AccessAttempt.objects.filter(username=username, ip_address=address))
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


def account_failures(username: str | None) -> int:
    """The account's failures within the cool-off time, from every address."""
    attempts = _recent(AccessAttempt.objects.filter(username=username))
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


def delay_after(failures: int) -> float:
    """Seconds to wait after the `failures`-th failure: 1, 2, 4, 8 … up to the maximum."""
    if failures <= 0:
        return 0.0
    first = settings.BULLETIN_LOGIN_DELAY_SECONDS
    return min(settings.BULLETIN_LOGIN_MAX_DELAY_SECONDS, first * 2 ** (failures - 1))


def retry_after(request: HttpRequest, username: str | None) -> int:
    """Whole seconds this login must still wait (0: it may try now)."""
    address = getattr(request, "axes_ip_address", None)
    scopes = [AccessAttempt.objects.filter(username=username, ip_address=address)]
    if not _known_on_request(request, username, address):
        scopes.append(AccessAttempt.objects.filter(ip_address=address))
    now = timezone.now()
    wait = 0.0
    for attempts in scopes:
        recent = _recent(attempts).aggregate(n=Sum("failures_since_start"), last=Max("attempt_time"))
        if recent["n"]:
            until = recent["last"] + timedelta(seconds=delay_after(recent["n"]))
            wait = max(wait, (until - now).total_seconds())
    return math.ceil(wait) if wait > 0 else 0


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' check (locked?), then the account's limit for new addresses, then the
    delay — all before any password is looked at.

    Each refusal raises PermissionDenied, which stops django.contrib.auth.authenticate()
    and makes it announce a failed login; the reason is left on the request
    (`login_refusal`, and `login_retry_after` in seconds) for the form and the receivers.
    """

    def authenticate(self, request: HttpRequest, username: str | None = None, password=None, **kwargs):
        try:
            super().authenticate(request, username, password, **kwargs)
        except AxesBackendPermissionDenied:
            request.login_refusal = REFUSED_LOCKED
            raise
        if request is None or not settings.AXES_ENABLED:
            return None
        address = getattr(request, "axes_ip_address", None)
        if not _known_on_request(request, username, address) and (
            account_failures(username) >= settings.BULLETIN_LOGIN_ACCOUNT_LIMIT
        ):
            request.login_refusal = REFUSED_NEW_ADDRESS
            raise PermissionDenied("该账号登录失败过多，暂不接受新地址登录")
        wait = retry_after(request, username)
        if wait:
            request.login_refusal = REFUSED_DELAY
            request.login_retry_after = wait
            raise PermissionDenied(f"请 {wait} 秒后再试")
        return None


class LoginThrottleHandler(AxesDatabaseHandler):
    """django-axes' database handler, with two changes.

    An attempt refused for the delay or the account's limit is not a failure (its password
    was not checked), so it is not counted toward a lock. A successful login clears the
    failures of its own pair only: axes' default would clear every failure from the address
    too, letting anyone with an account wipe the count of their guesses at someone else's
    password.
    """

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if getattr(request, "login_refusal", None) in (REFUSED_DELAY, REFUSED_NEW_ADDRESS):
            return None
        return super().user_login_failed(sender, credentials, request, **kwargs)

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(
            username=username, ip_address=request.axes_ip_address
        ).delete()
        return count
