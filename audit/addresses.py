"""The client's address, for the audit log and for django-axes (AXES_CLIENT_IP_CALLABLE)."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address as text, or None when there is no valid one.

    REMOTE_ADDR; behind the office's reverse proxy (BULLETIN_BEHIND_PROXY=1) the last
    address of X-Forwarded-For, the one the proxy itself appended (earlier entries are
    whatever the client sent and cannot be trusted).
    """
    if getattr(settings, "BULLETIN_BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = _valid(forwarded.split(",")[-1]) if forwarded else None
        if last:
            return last
    return _valid(request.META.get("REMOTE_ADDR") or "")
