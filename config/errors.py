"""Error pages in Chinese in every mode (DEBUG on or off): 400, 403, 404, CSRF failure.

Django shows its own English technical pages for 404 and 403 when DEBUG is on and an
English page for a CSRF failure; these views and the middleware below replace them.
The 500 page is templates/500.html (in DEBUG the traceback page stays, for developers).
"""

import logging

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.shortcuts import render
from django.views import defaults

from audit import refusals
from audit.records import Kind

log = logging.getLogger(__name__)


def csrf_failure(request, reason: str = ""):
    """403 for a refused form, saying why in words a user can act on."""
    plain_http_with_secure_cookies = not request.is_secure() and settings.CSRF_COOKIE_SECURE
    log.warning("CSRF 校验失败：%s %s（%s）", request.method, request.path, reason)
    refusals.note(request, kind=Kind.CSRF_REFUSED, reason=reason)
    return render(
        request,
        "403_csrf.html",
        {"reason": reason, "plain_http": plain_http_with_secure_cookies},
        status=403,
    )


class ChineseErrorPagesMiddleware:
    """Turns Http404, PermissionDenied and bad requests into the Chinese pages even when
    DEBUG is on (Django would show its English technical pages)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not settings.DEBUG:
            return None  # Django's own handlers already use templates/404.html etc.
        if isinstance(exception, Http404):
            return defaults.page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return defaults.permission_denied(request, exception)
        if isinstance(exception, BadRequest | SuspiciousOperation):
            return defaults.bad_request(request, exception)
        return None
