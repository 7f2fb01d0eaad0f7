"""/healthz/live and /healthz (= /healthz/ready): see service.health.

service.middleware.HealthCheckMiddleware answers these paths before the session and
authentication middleware (which would read the database for a request with a cookie),
so a database that is down is reported, never a 500. The URL patterns name the same
views for reverse() and for a deployment without that middleware.
"""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from service.health import health, may_see_details


@never_cache
def healthz_live(request):
    """Liveness: this web process answers. No database, no disk."""
    return JsonResponse({"ok": True, "status": "ok"})


@never_cache
def healthz(request):
    """Readiness: database, storage and worker. Details only for monitoring (see
    service.health.may_see_details); anyone else reads ok or unavailable."""
    try:
        report = health()
    except Exception:  # health() catches each check; this is the last guard against a 500
        report = {"ok": False, "checks": {}}
    status = 200 if report["ok"] else 503
    body = {"ok": report["ok"], "status": "ok" if report["ok"] else "unavailable"}
    if may_see_details(request):
        body["checks"] = report["checks"]
    return JsonResponse(body, status=status)
