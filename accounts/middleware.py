"""Sends a person whose password must change to the password page first."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from accounts.views import WEAK_PASSWORD_KEY


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if getattr(request, "second_factor_pending", None):
            # The second factor comes first (accounts.second_factor_middleware, just before
            # this one, lets only its own pages through); the password page after it.
            return self.get_response(request)
        if user is not None and user.is_authenticated and self._must_change(request, user):
            allowed = {reverse("password_change"), reverse("password_change_done"), reverse("logout")}
            if request.path not in allowed and not request.path.startswith(f"/{settings.STATIC_URL}"):
                messages.warning(
                    request,
                    "您的密码由管理员设置或不符合现行密码规则，请先设置自己的新密码"
                    "（至少 10 位，包含大写字母、小写字母、数字、符号中的至少 3 种，且不容易被猜到）。",
                )
                return redirect("password_change")
        return self.get_response(request)

    @staticmethod
    def _must_change(request, user) -> bool:
        if user.must_change_password:
            return True
        return bool(request.session.get(WEAK_PASSWORD_KEY)) and not settings.BULLETIN_DEMO
