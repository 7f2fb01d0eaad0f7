"""Login and the password change page: Django's views with the project's rules added."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect

from accounts.actions import change_own_password
from accounts.forms import LoginForm
from accounts.models import Source

WEAK_PASSWORD_KEY = "password_breaks_rules"


class LoginView(auth_views.LoginView):
    """A password that no longer meets the rules (an account from before them, or a demo
    account outside `make run`) signs in, then must be changed before anything else."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

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
        # Only a local password can be changed here; a directory's follows its own rules.
        local = form.get_user().source == Source.LOCAL
        if local and not settings.BULLETIN_DEMO and form.password_breaks_rules():
            self.request.session[WEAK_PASSWORD_KEY] = True
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and user.source != Source.LOCAL:
            # Its password lives in the directory (or identity service); one set here
            # would never be accepted (accounts.backends.LocalPasswordBackend).
            messages.info(
                request,
                f"您的账号是{user.get_source_display()}，密码请在本单位的目录或统一身份认证系统中修改。",
            )
            return HttpResponseRedirect("/")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        user = change_own_password(actor=self.request.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, user)
        self.request.session.pop(WEAK_PASSWORD_KEY, None)
        messages.success(self.request, "密码已修改。")
        return HttpResponseRedirect(self.get_success_url())
