"""Answers the health checks before any middleware that may read the database, and turns a
write the disk refused into a page that says so."""

import logging

from django.shortcuts import render

from service import views
from web.storage import DISK_FULL_MESSAGE, is_disk_full

logger = logging.getLogger(__name__)

HEALTH_PATHS = {
    "/healthz": views.healthz,
    "/healthz/ready": views.healthz,
    "/healthz/live": views.healthz_live,
}


class HealthCheckMiddleware:
    """Place it before SessionMiddleware: a monitoring request with a stale session cookie
    must not reach a session lookup while PostgreSQL is down."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = HEALTH_PATHS.get(request.path_info.rstrip("/") or "/")
        if view is not None and request.method in ("GET", "HEAD"):
            return view(request)
        return self.get_response(request)


class DiskFullMiddleware:
    """A request whose write failed for want of space (ENOSPC, EDQUOT) answers 507 with
    DISK_FULL_MESSAGE, whichever view wrote: the storage (web.storage) has already removed
    what it began to write, and the transaction of the request rolls back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_disk_full(exception):
            return None
        logger.error("disk full while handling %s %s: %s", request.method, request.path, exception)
        return render(request, "disk_full.html", {"message": DISK_FULL_MESSAGE}, status=507)
