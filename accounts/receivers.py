"""Django and django-axes announce logins only by signal: these receivers record them
through accounts.logins (connected in AccountsConfig.ready()).

Successful logins and logouts are written by the audit app itself (audit.signals).
"""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed

from accounts import directory, logins
from accounts.lockout import REFUSED_LOCKED
from audit.addresses import client_address


def _name(value) -> str:
    return str(value or "")[:150]


def login_failed(sender, credentials, request=None, **kwargs) -> None:
    name = _name(credentials.get("username"))
    address = client_address(request) if request is not None else None
    if getattr(request, "login_refusal", None):
        # Refused before the password was checked (locked, or too soon): counted only.
        logins.count_refused_login(username=name, address=address)
        return
    if reason := directory.refusal(request):
        logins.record_failure(
            username=name, address=address, request=request, message=directory.AUDIT_NOTES[reason]
        )
        return
    logins.record_failure(username=name, address=address, request=request)


def locked_out(sender, request, username, ip_address, **kwargs) -> None:
    # django-axes announces a lockout at the failure that reaches the limit and again at
    # every attempt refused during it; only the first one is a new lock.
    if getattr(request, "login_refusal", None) == REFUSED_LOCKED:
        return
    logins.record_lockout(username=_name(username), address=ip_address, request=request)


def logged_in(sender, request, user, **kwargs) -> None:
    if request is not None:
        logins.remember_address(user=user, address=client_address(request))
    logins.summarize_refused_logins(username=user.username)


def connect() -> None:
    user_login_failed.connect(login_failed, dispatch_uid="accounts_login_failed")
    user_locked_out.connect(locked_out, dispatch_uid="accounts_locked_out")
    user_logged_in.connect(logged_in, dispatch_uid="accounts_logged_in")
