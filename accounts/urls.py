from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import second_factor_views, session_views, views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("session/", session_views.session_status, name="session_status"),
    path("session/extend/", session_views.session_extend, name="session_extend"),
    # The second factor (accounts.second_factor): the 验证码 page, enrolment, one's own page.
    path("2fa/", second_factor_views.manage, name="second_factor_manage"),
    path("2fa/verify/", second_factor_views.verify, name="second_factor_verify"),
    path("2fa/enrol/", second_factor_views.enrol, name="second_factor_enrol"),
    path("2fa/recovery-codes/", second_factor_views.renew_codes, name="second_factor_renew_codes"),
    path("2fa/disable/", second_factor_views.disable, name="second_factor_disable"),
]
