"""Conditional GET for published issues: ETag and Last-Modified, answered with 304.

A published issue does not change except by a 更正, which stores a new PDF version and
saves the issue (its `updated_at`). So a stored PDF's ETag is its SHA-256, and an issue
page's ETag is made of the issue's version plus what differs per reader on that page
(who they are, their unread notifications, messages waiting to be shown). Responses are
`private`: they need a signed-in reader, so shared proxies must not keep them.
"""

import datetime
import hashlib

from django.contrib import messages
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag

from submissions.notifications import unread_count

PRIVATE_REVALIDATE = "private, max-age=0, must-revalidate"


def page_etag(request, *parts) -> str | None:
    """A strong ETag for a page of a published issue, or None when the page must be sent
    in full and never revalidated: it carries one-time messages.

    The CSRF secret is part of the material: it changes when the reader signs in again,
    and a 304 would keep forms (更正, 退出登录) whose token no longer matches (403).
    """
    if len(messages.get_messages(request)):
        return None
    get_token(request)  # the page's forms need it; makes the secret when there is none yet
    csrf_secret = request.META["CSRF_COOKIE"]
    user = request.user

    material = [user.pk, user.role, unread_count(user), csrf_secret, *parts]
    return quote_etag(hashlib.sha256(repr(material).encode()).hexdigest()[:32])


def not_modified(
    request, *, etag: str | None, last_modified: datetime.datetime | None
) -> HttpResponse | None:
    """The 304 (or 412) answer when the browser's copy is current; None to send in full.
    Never 304 without an ETag (a page page_etag says must be sent in full)."""
    if etag is None:
        return None
    timestamp = int(last_modified.timestamp()) if last_modified else None
    return get_conditional_response(request, etag=etag, last_modified=timestamp)


def mark(
    response: HttpResponse, *, etag: str | None, last_modified: datetime.datetime | None
) -> HttpResponse:
    """Validators and Cache-Control; a response without an ETag gets neither validator
    and is not stored (its one-time content must not come back from the browser's cache)."""
    if etag is None:
        response["Cache-Control"] = "private, no-store"
        return response
    response["ETag"] = etag
    if last_modified:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    response["Cache-Control"] = PRIVATE_REVALIDATE
    return response
