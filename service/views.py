from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from service.health import health


@never_cache
def healthz(request):
    """Open to the proxy and monitoring without signing in; says nothing about content."""
    report = health()
    return JsonResponse(report, status=200 if report["ok"] else 503)
