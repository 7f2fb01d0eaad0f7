"""Holds a signed-in person whose role requires a second factor until they have given it.

After OTPMiddleware (which reads from the session whether a code was given) and before the
password-change middleware (config/settings.py): a session that has passed only the
password reaches nothing but the 验证码 or enrolment page, the session status the pages'
script reads, and 退出登录 — not the admin, not a JSON endpoint (those answer 401 with a
JSON body, so the autosave script says so instead of reading a login page as data).
"""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts.second_factor import pending_step

STEP_URLS = {"enrol": "second_factor_enrol", "verify": "second_factor_verify"}


def wants_json(request) -> bool:
    """A script's request (fetch or XMLHttpRequest), not a page the browser navigates to."""
    headers = request.headers
    return (
        headers.get("X-Requested-With") == "XMLHttpRequest"
        or "application/json" in headers.get("Accept", "")
        or headers.get("Sec-Fetch-Dest") == "empty"
    )


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        step = pending_step(request) if user is not None and user.is_authenticated else None
        # The navigation bar and the page's script read this (accounts.context_processors).
        request.second_factor_pending = step
        if step is not None and not self._open(request, step):
            return self._hold(request, step)
        return self.get_response(request)

    @staticmethod
    def _open(request, step: str) -> bool:
        if request.path.startswith(f"/{settings.STATIC_URL}"):
            return True
        allowed = {reverse(STEP_URLS[step]), reverse("logout"), reverse("session_status")}
        return request.path in allowed

    @staticmethod
    def _hold(request, step: str):
        url = reverse(STEP_URLS[step])
        if wants_json(request):
            message = "请先完成双因素认证（输入验证码）。" if step == "verify" else "请先绑定身份验证器。"
            return JsonResponse(
                {"error": "second_factor_required", "step": step, "message": message, "url": url},
                status=401,
            )
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)
