"""Login and the password change page: Django's views with the project's rules added."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect

from accounts import zzd
from accounts.actions import change_own_password
from accounts.forms import LoginForm
from accounts.sso import oidc_configured

WEAK_PASSWORD_KEY = "password_breaks_rules"


class LoginView(auth_views.LoginView):
    """A password that no longer meets the rules (an account from before them, or a demo
    account outside `make run`) signs in, then must be changed before anything else."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        # The single sign-on buttons show only for the services the office configured.
        return super().get_context_data(**kwargs, sso_oidc=oidc_configured(), sso_zzd=zzd.configured())

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.refused():
            # Refused before the password was checked (accounts.lockout): too many requests.
            response.status_code = 429
            if seconds := form.retry_after():
                response["Retry-After"] = str(seconds)
        return response

    def form_valid(self, form):
        response = super().form_valid(form)
        if not settings.BULLETIN_DEMO and form.password_breaks_rules():
            self.request.session[WEAK_PASSWORD_KEY] = True
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        user = change_own_password(actor=self.request.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, user)
        self.request.session.pop(WEAK_PASSWORD_KEY, None)
        messages.success(self.request, "密码已修改。")
        return HttpResponseRedirect(self.get_success_url())
