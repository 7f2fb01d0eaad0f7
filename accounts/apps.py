from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "单位与用户"

    def ready(self) -> None:
        # Imported here: the receivers use models, which are loaded only once apps are ready.
        from django.contrib import admin
        from django.core import checks

        from accounts import directory, logins, receivers
        from accounts.forms import AdminLoginForm
        from service import hooks
        from web.hooks import register

        receivers.connect()
        # A directory that does not answer is announced by django-auth-ldap's signal only;
        # a bad BULLETIN_LDAP_* value is reported by `manage.py check` before anyone signs in.
        directory.connect()
        checks.register(directory.settings_check, checks.Tags.security)
        # Refusals counted during a lock reach the audit log once the lock is over.
        register(hooks.housekeeping, logins.summarize_refused_logins)
        # The admin's own login page says "请 N 秒后再试" too when a login comes too soon.
        admin.site.login_form = AdminLoginForm
