"""Answers the health checks before any middleware that may read the database."""

from service import views

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
