from django.apps import AppConfig


class AuditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        # Logins, logouts, failures, lockouts and admin changes happen inside Django and
        # django-axes, which announce them only by signals; everything else is recorded by
        # the action that does it.
        from audit import refusals, server_commands, signals  # noqa: F401
        from audit.retention import retention_days
        from service import hooks as service_hooks
        from web.hooks import register

        retention_days()  # a retention below the legal minimum stops the start
        # The summary rows of refused requests, once their minute is over.
        register(service_hooks.housekeeping, refusals.flush)
        register(service_hooks.commands_run, server_commands.record_server_command)
