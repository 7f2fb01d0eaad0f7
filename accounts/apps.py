from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "单位与用户"

    def ready(self) -> None:
        # Imported here: the receivers use models, which are loaded only once apps are ready.
        from accounts import logins, receivers
        from service import hooks
        from web.hooks import register

        receivers.connect()
        # Refusals counted during a lock reach the audit log once the lock is over.
        register(hooks.housekeeping, logins.summarize_refused_logins)
