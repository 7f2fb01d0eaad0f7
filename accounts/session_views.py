"""The session as the page sees it: how long it has left, and 继续 to extend it.

static/js/autosave.js asks before the idle end and before sending a long form, so typed
work is never sent into an ended session; the login itself stays the real login view
(django-axes and the audit log see it as any other).
"""

from django.conf import settings
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST


def _seconds_left(request) -> int:
    """Seconds until the stored session ends. The database backends keep the end date;
    other backends are taken to end a full idle time after this request."""
    session = request.session
    model = getattr(session, "get_model_class", None)
    if model is not None and session.session_key:
        ends = (
            model()
            .objects.filter(session_key=session.session_key)
            .values_list("expire_date", flat=True)
            .first()
        )
        if ends is not None:
            return max(0, int((ends - timezone.now()).total_seconds()))
    return settings.SESSION_COOKIE_AGE


def _state(request, seconds_left: int) -> dict:
    user = request.user
    return {
        "authenticated": user.is_authenticated,
        "user_id": user.pk if user.is_authenticated else None,
        "seconds_left": seconds_left if user.is_authenticated else 0,
        "idle_seconds": settings.SESSION_COOKIE_AGE,
        # The page's forms carry the token of the login they were drawn in; after a new
        # login (which rotates it) the page takes this one.
        "csrf_token": get_token(request),
        # "verify" or "enrol" while a login still owes its second factor
        # (accounts.second_factor_middleware): signed in, but no page is open yet.
        "second_factor": getattr(request, "second_factor_pending", None) if user.is_authenticated else None,
    }


@never_cache
@require_GET
def session_status(request):
    """Reading the state must not extend it: with SESSION_SAVE_EVERY_REQUEST the session
    middleware would save the session (and push its end back) after any request that has
    one, so this view takes the session off the request once it has read it — the
    middleware then leaves the session, and its cookie, as they were."""
    seconds_left = _seconds_left(request) if request.user.is_authenticated else 0
    answer = JsonResponse(_state(request, seconds_left))
    del request.session
    return answer


@never_cache
@require_POST
def session_extend(request):
    """继续: any request extends the session; this one does nothing else."""
    if not request.user.is_authenticated:
        return JsonResponse(_state(request, 0), status=401)
    request.session.modified = True
    return JsonResponse(_state(request, settings.SESSION_COOKIE_AGE))
